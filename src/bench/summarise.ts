/**
 * From the (fold, seed) test predictions of one evaluation to the reported numbers:
 * - `values[s]`: the metric of seed s (a fixed split: the test metric; cross-validation: the mean over
 *   folds of the fold metrics);
 * - `mean`, `std`: over seeds for a fixed split (OPERA's mean ± np.std over seeds 0–4), over folds of the
 *   seed-averaged fold metric for cross-validation (OPERA's LOOCV regression tasks: mean ± std over folds);
 *   std is the population standard deviation;
 * - `pooled`: the metric of the seed-averaged predictions, pooled over folds (every test record once),
 *   with its 95 % interval: DeLong for binary AUROC, a percentile bootstrap stratified by class for
 *   macro AUROC and unstratified for MAE (BOOTSTRAP_RESAMPLES resamples, seeded); for binary tasks also
 *   the average precision with its stratified bootstrap interval and the ROC curve.
 */
import { Rng } from '../util/index.ts';
import type { FoldRun } from './evaluate.ts';
import { aurocDeLong, averagePrecisionBootstrap, maeBootstrap, macroAuroc } from './metrics.ts';
import type { CiMethod, FoldValue } from './result-row.ts';
import { rocPoints } from './roc.ts';
import { bootstrapInterval, mean, populationStd } from './stats.ts';
import { type Matrix, matrix, selectRows, selectValues } from './stats-matrix.ts';
import type { TaskMetric } from './task.ts';

export const CI_CONFIDENCE = 0.95;
export const BOOTSTRAP_RESAMPLES = 1000;
export const BOOTSTRAP_SEED = 0;

export interface Summary {
  readonly mean: number;
  readonly std: number;
  readonly values: readonly number[];
  readonly folds: readonly FoldValue[] | null;
  readonly pooled: number;
  readonly ci95: readonly [number, number];
  readonly ciMethod: CiMethod;
  readonly auprc: { readonly value: number; readonly ci95: readonly [number, number] } | null;
  readonly roc: { readonly fpr: readonly number[]; readonly tpr: readonly number[] } | null;
  readonly nTest: number;
}

/** Seed-averaged scores of every tested record (a record tested in several folds is averaged over all). */
export function pooledPredictions(runs: readonly FoldRun[]): { records: number[]; scores: Matrix } {
  const cols = runs[0]?.scores.cols ?? 1;
  const acc = new Map<number, { sum: Float64Array; n: number }>();
  for (const r of runs) {
    r.test.forEach((rec, k) => {
      let a = acc.get(rec);
      if (a === undefined) {
        a = { sum: new Float64Array(cols), n: 0 };
        acc.set(rec, a);
      }
      for (let c = 0; c < cols; c++) a.sum[c] = (a.sum[c] as number) + (r.scores.data[k * cols + c] as number);
      a.n++;
    });
  }
  const records = [...acc.keys()].sort((a, b) => a - b);
  const scores = matrix(records.length, cols);
  records.forEach((rec, i) => {
    const a = acc.get(rec) as { sum: Float64Array; n: number };
    for (let c = 0; c < cols; c++) scores.data[i * cols + c] = (a.sum[c] as number) / a.n;
  });
  return { records, scores };
}

export function summarise(task: string, metric: TaskMetric, runs: readonly FoldRun[], labels: Float64Array, seeds: readonly number[], crossValidated: boolean): Summary {
  const foldNames = [...new Set(runs.map((r) => r.fold))];
  const bySeed = seeds.map((s) => mean(runs.filter((r) => r.seed === s).map((r) => r.metric)));
  const folds: FoldValue[] = foldNames.map((name) => {
    const rs = runs.filter((r) => r.fold === name);
    return { name, value: mean(rs.map((r) => r.metric)), n_test: rs[0]?.test.length ?? 0 };
  });
  const spread = crossValidated ? folds.map((f) => f.value) : bySeed;
  const { records, scores } = pooledPredictions(runs);
  const y = selectValues(labels, records);
  const ctx = { task, fold: 'pooled' };
  const boot = (): { resamples: number; confidence: number; rng: Rng } => ({ resamples: BOOTSTRAP_RESAMPLES, confidence: CI_CONFIDENCE, rng: Rng.seeded(BOOTSTRAP_SEED) });
  let pooled: number;
  let ci95: [number, number];
  let ciMethod: CiMethod;
  let auprc: Summary['auprc'] = null;
  let roc: Summary['roc'] = null;
  if (metric === 'mae') {
    const r = maeBootstrap(y, scores.data, ctx, boot());
    pooled = r.value;
    ci95 = [r.interval.lower, r.interval.upper];
    ciMethod = 'bootstrap';
  } else if (scores.cols === 2) {
    const s = Float64Array.from({ length: scores.rows }, (_, i) => scores.data[i * 2 + 1] as number);
    const d = aurocDeLong(y, s, ctx, CI_CONFIDENCE);
    pooled = d.auroc;
    ci95 = [d.interval.lower, d.interval.upper];
    ciMethod = 'delong';
    const ap = averagePrecisionBootstrap(y, s, ctx, boot());
    auprc = { value: ap.value, ci95: [ap.interval.lower, ap.interval.upper] };
    roc = rocPoints(y, s);
  } else {
    pooled = macroAuroc(y, scores, ctx);
    const iv = bootstrapInterval(y.length, (rows) => macroAuroc(selectValues(y, rows), selectRows(scores, rows), ctx), boot(), y);
    ci95 = [iv.lower, iv.upper];
    ciMethod = 'bootstrap-stratified';
  }
  return {
    mean: mean(spread),
    std: populationStd(spread),
    values: bySeed,
    folds: crossValidated ? folds : null,
    pooled,
    ci95,
    ciMethod,
    auprc,
    roc,
    nTest: records.length,
  };
}
