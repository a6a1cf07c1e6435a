/** `results.jsonl`: one ResultRow per line, keys in the row's order, LF line ends. */
import type { ResultRow } from '../result-row.ts';

export function resultsJsonl(rows: readonly ResultRow[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length > 0 ? '\n' : '');
}
