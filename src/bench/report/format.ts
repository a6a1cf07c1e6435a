/** Number and label formatting shared by the markdown and HTML reports. */
import type { ResultRow } from '../result-row.ts';
import type { RunSummary } from '../runner-types.ts';
import type { TaskMetric } from '../task.ts';

export const METRIC_LABEL: { readonly [K in TaskMetric]: string } = {
  auroc: 'AUROC ↑',
  'macro-auroc': 'macro AUROC ↑',
  mae: 'MAE ↓',
};

/** Three decimals, as OPERA's tables. */
export function num(v: number): string {
  return Number.isFinite(v) ? v.toFixed(3) : String(v);
}

/** `mean ± std · pooled [low, high]`: the mean over seeds or folds, then the pooled metric with its 95 % CI. */
export function cell(r: Pick<ResultRow, 'mean' | 'std' | 'pooled' | 'ci95'>): string {
  return `${num(r.mean)} ± ${num(r.std)} · ${num(r.pooled)} [${num(r.ci95[0])}, ${num(r.ci95[1])}]`;
}

/** The split with its leak flag. */
export function splitLabel(r: Pick<ResultRow, 'split' | 'leak' | 'leak_status'>): string {
  if (r.leak) return `${r.split} (leak, declared)`;
  if (r.leak_status === 'declared-but-clean') return `${r.split} (declared leak not found)`;
  return r.split;
}

/** Distinct values in first-seen order. */
export function distinct<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

/** Where the time went: preparing, embedding per model, probing. */
export function timingText(t: RunSummary['timing']): string {
  const embed = Object.entries(t.embed).map(([m, v]) => `${m} ${v.toFixed(1)} s`).join(', ');
  const probe = t.probe.reduce((a, p) => a + p.seconds, 0);
  return `prepare ${t.prepare.toFixed(1)} s; embedding ${embed || '0 s'}; probes ${probe.toFixed(1)} s`;
}

/** The data line of a report: root and records per dataset. */
export function dataText(s: Pick<RunSummary, 'datasets'>, dataRoot: string): string {
  return `${dataRoot} (${s.datasets.map((d) => `${d.id}: ${d.records} recordings${d.excluded > 0 ? ` (${d.excluded} left out)` : ''}`).join(', ') || 'no dataset found'})`;
}

/** One line per subject exclusion: whose pretraining corpus, and what it removed. */
export function exclusionTexts(s: Pick<RunSummary, 'excludedSubjects'>): string[] {
  return s.excludedSubjects.map((e) => `Left out: ${e.records} recordings of the ${e.subjects} subjects in the pretraining corpus of ${e.source}; every model is scored on the other subjects only`);
}
