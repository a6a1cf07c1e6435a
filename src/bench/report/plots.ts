/**
 * The report's figures as SVG strings (src/plot/svg-charts.ts):
 * - one score chart per metric family (AUROC and macro AUROC together, MAE apart): per (task, split) each
 *   model's mean with whiskers over the 95 % CI, and the comparable published number as a grey diamond;
 * - one ROC chart per binary (task, split): each model's curve of its pooled predictions;
 * - one data-efficiency chart per (task, split) with efficiency rows: mean against the share of the
 *   training data (log2 axis), whiskers over the 95 % CI.
 */
import { intervalChart, lineChart, type IntervalDatum, type MarkerDatum } from '../../plot/svg-charts.ts';
import { EFFICIENCY_FRACTIONS } from '../efficiency.ts';
import { type ResultRow, rowKey } from '../result-row.ts';
import type { RunSummary } from '../runner-types.ts';
import { METRIC_LABEL, distinct, num } from './format.ts';
import { modelsOf } from './tables.ts';

export interface Plot {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly svg: string;
}

function scoreCharts(s: RunSummary, models: readonly string[]): Plot[] {
  const main = s.rows.filter((r) => r.kind === 'main');
  const families = [
    { id: 'scores-auroc', metrics: ['auroc', 'macro-auroc'], label: 'AUROC (higher is better)', domain: [0, 1] as const },
    { id: 'scores-mae', metrics: ['mae'], label: 'MAE (lower is better)', domain: undefined },
  ];
  const out: Plot[] = [];
  for (const fam of families) {
    const rows = main.filter((r) => fam.metrics.includes(r.metric));
    if (rows.length === 0) continue;
    const cats = distinct(rows.map(rowKey));
    const data: IntervalDatum[] = rows.map((r) => ({ category: cats.indexOf(rowKey(r)), series: models.indexOf(r.model), value: r.pooled, low: r.ci95[0], high: r.ci95[1] }));
    const markers: MarkerDatum[] = rows.filter((r) => r.published !== null).map((r) => ({
      category: cats.indexOf(rowKey(r)),
      value: (r.published as NonNullable<ResultRow['published']>).mean,
      label: `published ${r.published?.method}: ${num(r.published?.mean ?? NaN)} ± ${num(r.published?.std ?? NaN)}`,
    }));
    const title = fam.id === 'scores-auroc' ? 'Scores per task: AUROC' : 'Scores per task: MAE';
    out.push({
      id: fam.id,
      title,
      caption: 'Dot: the metric of the seed-averaged test predictions pooled over folds; whiskers: its 95 % CI; diamond: published number (mean over seeds) of a comparable method.',
      svg: intervalChart({ title, categories: cats, series: models, data, markers, axisLabel: fam.label, ...(fam.domain ? { domain: fam.domain } : {}) }),
    });
  }
  return out;
}

function rocCharts(s: RunSummary): Plot[] {
  const byId = new Map(s.roc.map((c) => [c.run_id, c]));
  const main = s.rows.filter((r) => r.kind === 'main' && byId.has(r.run_id));
  return distinct(main.map(rowKey)).map((k, i) => {
    const rs = main.filter((r) => rowKey(r) === k);
    const title = `ROC: ${k}`;
    return {
      id: `roc-${i}`,
      title,
      caption: 'ROC curve of the seed-averaged test predictions pooled over folds.',
      svg: lineChart({
        title,
        xLabel: 'false positive rate',
        yLabel: 'true positive rate',
        xScale: 'linear',
        xDomain: [0, 1],
        yDomain: [0, 1],
        diagonal: true,
        series: rs.map((r) => {
          const c = byId.get(r.run_id) as NonNullable<ReturnType<typeof byId.get>>;
          return { name: `${r.model} (AUC ${num(r.pooled)})`, points: c.fpr.map((f, j) => [f, c.tpr[j] as number] as const) };
        }),
      }),
    };
  });
}

function efficiencyCharts(s: RunSummary, models: readonly string[]): Plot[] {
  const eff = s.rows.filter((r) => r.kind === 'efficiency');
  return distinct(eff.map(rowKey)).map((k, i) => {
    const rs = eff.filter((r) => rowKey(r) === k);
    const title = `Data efficiency: ${k}`;
    const series = models.filter((m) => rs.some((r) => r.model === m)).map((m) => {
      const pts = rs.filter((r) => r.model === m && r.fraction !== null).sort((a, b) => (a.fraction as number) - (b.fraction as number));
      return { name: m, points: pts.map((r) => [r.fraction as number, r.pooled] as const), errors: pts.map((r) => [r.ci95[0], r.ci95[1]] as const) };
    });
    return {
      id: `efficiency-${i}`,
      title,
      caption: 'Pooled score against the share of the training data (label-stratified, subject-grouped subsets, the same for every model); whiskers: 95 % CI.',
      svg: lineChart({
        title,
        xLabel: 'share of the training data',
        yLabel: METRIC_LABEL[(rs[0] as ResultRow).metric],
        xScale: 'log2',
        xDomain: [0.05, 1.1],
        xTicks: EFFICIENCY_FRACTIONS,
        xTickLabel: (v) => `${Number((v * 100).toPrecision(3))} %`,
        dots: true,
        series,
      }),
    };
  });
}

export function reportPlots(s: RunSummary): Plot[] {
  const models = modelsOf(s);
  return [...scoreCharts(s, models), ...rocCharts(s), ...efficiencyCharts(s, models)];
}
