/**
 * The report files of a run: `results.jsonl` (the row contract), `results.md`, `report.html` (inline
 * SVG figures) and `summary.json` (skips, failures, ranks, warnings; everything but the rows).
 */
import type { RunSummary } from '../runner-types.ts';
import { reportHtml } from './html.ts';
import { resultsJsonl } from './jsonl.ts';
import { resultsMarkdown } from './markdown.ts';
import type { ReportMeta } from './meta.ts';
import { reportPlots } from './plots.ts';

export type { ReportMeta } from './meta.ts';
export type { Plot } from './plots.ts';
export { reportPlots } from './plots.ts';
export { resultsJsonl } from './jsonl.ts';
export { resultsMarkdown } from './markdown.ts';
export { reportHtml } from './html.ts';

export const REPORT_FILES = ['results.jsonl', 'results.md', 'report.html', 'summary.json'] as const;
export type ReportFile = (typeof REPORT_FILES)[number];

export function renderReport(s: RunSummary, meta: ReportMeta): Record<ReportFile, string> {
  const plots = reportPlots(s);
  const { rows: _rows, roc: _roc, ...rest } = s;
  return {
    'results.jsonl': resultsJsonl(s.rows),
    'results.md': resultsMarkdown(s, meta),
    'report.html': reportHtml(s, meta, plots),
    'summary.json': `${JSON.stringify({ format: 'pneuma-bench-summary/1', meta, ...rest, plots: plots.map((p) => p.id) }, null, 2)}\n`,
  };
}
