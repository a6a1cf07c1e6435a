/**
 * The report's tables as plain data (header + rows of text), rendered by markdown.ts and html.ts:
 * - main: one line per (task, split), one column per model with `mean ± std [95 % CI]`, and the task's
 *   published numbers (every method of the publication) on the split the publication used;
 * - ranks: mean reciprocal rank per model;
 * - efficiency: one line per (task, split, model), one column per training fraction;
 * - unseen device: one line per (task, split, held-out device), one column per model.
 */
import { EFFICIENCY_FRACTIONS } from '../efficiency.ts';
import { PUBLISHED_SPLIT } from '../published.ts';
import { type ResultRow, rowKey } from '../result-row.ts';
import type { RunSummary, TaskInfo } from '../runner-types.ts';
import { METRIC_LABEL, cell, distinct, num, splitLabel } from './format.ts';

export interface Table {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export function modelsOf(s: RunSummary): string[] {
  return distinct(s.rows.map((r) => r.model));
}

function publishedText(info: TaskInfo | undefined, split: string): string {
  const p = info?.published;
  if (!p || split !== PUBLISHED_SPLIT) return '';
  return Object.entries(p.results).map(([m, r]) => `${m} ${num(r.mean)} ± ${num(r.std)}`).join('; ');
}

export function mainTable(s: RunSummary): Table {
  const models = modelsOf(s);
  const main = s.rows.filter((r) => r.kind === 'main');
  const keys = distinct(main.map(rowKey));
  const info = new Map(s.tasks.map((t) => [t.id, t]));
  const anyPublished = main.some((r) => publishedText(info.get(r.task), r.split) !== '');
  const header = ['task', 'split', 'metric', 'n test', ...models, ...(anyPublished ? ['published (OPERA, same task)'] : [])];
  const rows = keys.map((k) => {
    const rs = main.filter((r) => rowKey(r) === k);
    const first = rs[0] as ResultRow;
    const cells = models.map((m) => {
      const r = rs.find((x) => x.model === m);
      return r ? cell(r) + (r.n_failed > 0 ? ` (${r.n_failed} not embedded)` : '') : '—';
    });
    const missing = first.n_missing > 0 ? ` (${first.n_missing} missing)` : '';
    return [
      `${first.task}: ${first.title}`,
      splitLabel(first),
      METRIC_LABEL[first.metric],
      `${first.n_test}${missing}`,
      ...cells,
      ...(anyPublished ? [publishedText(info.get(first.task), first.split)] : []),
    ];
  });
  return { header, rows };
}

export function rankTable(s: RunSummary): Table | null {
  if (s.mrr === null) return null;
  const mrr = s.mrr.mrr;
  const models = Object.keys(mrr).sort((a, b) => (mrr[b] as number) - (mrr[a] as number));
  return { header: ['model', `MRR over ${s.mrr.tasks.length} task(s)`], rows: models.map((m) => [m, num(mrr[m] as number)]) };
}

export function efficiencyTable(s: RunSummary): Table | null {
  const eff = s.rows.filter((r) => r.kind === 'efficiency');
  if (eff.length === 0) return null;
  const header = ['task', 'split', 'model', ...EFFICIENCY_FRACTIONS.map((f) => `${num(f * 100).replace(/\.?0+$/, '')} %`)];
  const keys = distinct(eff.map((r) => `${rowKey(r)}\u0000${r.model}`));
  const rows = keys.map((k) => {
    const rs = eff.filter((r) => `${rowKey(r)}\u0000${r.model}` === k);
    const first = rs[0] as ResultRow;
    return [first.task, first.split, first.model, ...EFFICIENCY_FRACTIONS.map((f) => {
      const r = rs.find((x) => x.fraction === f);
      return r ? `${num(r.pooled)} [${num(r.ci95[0])}, ${num(r.ci95[1])}]` : '—';
    })];
  });
  return { header, rows };
}

export function unseenDeviceTable(s: RunSummary): Table | null {
  const ud = s.rows.filter((r) => r.kind === 'unseen-device');
  if (ud.length === 0) return null;
  const models = modelsOf(s);
  const keys = distinct(ud.map(rowKey));
  const rows = keys.map((k) => {
    const rs = ud.filter((r) => rowKey(r) === k);
    const first = rs[0] as ResultRow;
    return [first.task, first.split.replace(/\/unseen-device:.*$/, ''), first.device ?? '', String(first.n_test), ...models.map((m) => {
      const r = rs.find((x) => x.model === m);
      return r ? cell(r) : '—';
    })];
  });
  return { header: ['task', 'split', 'held-out device', 'n test', ...models], rows };
}
