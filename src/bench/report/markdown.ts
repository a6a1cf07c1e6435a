/** `results.md`: the run's tables in GitHub-flavoured markdown. */
import type { RunSummary } from '../runner-types.ts';
import { dataText, exclusionTexts, timingText } from './format.ts';
import { METHOD_NOTES, type ReportMeta } from './meta.ts';
import { type Table, efficiencyTable, mainTable, rankTable, unseenDeviceTable } from './tables.ts';

function mdCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function markdownTable(t: Table): string {
  const line = (cells: readonly string[]): string => `| ${cells.map(mdCell).join(' | ')} |`;
  return [line(t.header), line(t.header.map(() => '---')), ...t.rows.map(line)].join('\n');
}

export function resultsMarkdown(s: RunSummary, meta: ReportMeta): string {
  const out: string[] = [`# ${meta.title}`, ''];
  out.push(`- Suite: ${meta.suite ?? '(task list)'}`);
  out.push(`- Data: ${dataText(s, meta.dataRoot)}`);
  for (const line of exclusionTexts(s)) out.push(`- ${line}`);
  for (const m of meta.models) out.push(`- Model \`${m.id}\`: ${m.description}`);
  out.push(`- Embeddings: ${s.embeddings.computed} computed, ${s.embeddings.cached} from the cache, ${s.embeddings.failed} failed`);
  if (meta.seconds !== null) out.push(`- Wall time: ${meta.seconds.toFixed(1)} s (${timingText(s.timing)})`);
  out.push(`- Command: \`${meta.command}\``, '');
  out.push('## Results', '', s.rows.some((r) => r.kind === 'main') ? markdownTable(mainTable(s)) : 'No task produced a result.', '');
  const ranks = rankTable(s);
  if (ranks) out.push('## Mean reciprocal rank', '', markdownTable(ranks), '');
  const eff = efficiencyTable(s);
  if (eff) out.push('## Data efficiency (share of the training data)', '', markdownTable(eff), '');
  const ud = unseenDeviceTable(s);
  if (ud) out.push('## Unseen device (train on the other devices, test on this one)', '', markdownTable(ud), '');
  if (s.failures.length > 0) {
    out.push('## Failures', '');
    for (const f of s.failures) out.push(`- ${f.task} / ${f.split}${f.model ? ` / ${f.model}` : ''} (${f.code}): ${f.message}`);
    out.push('');
  }
  if (s.skipped.length > 0) {
    out.push('## Not run', '');
    for (const k of s.skipped) out.push(`- ${k.task}${k.split ? ` / ${k.split}` : ''}${k.model ? ` / ${k.model}` : ''}${k.kind && k.kind !== 'main' ? ` (${k.kind})` : ''}: ${k.reason}`);
    out.push('');
  }
  const confounds = s.tasks.filter((t) => t.confounds.length > 0 && s.rows.some((r) => r.task === t.id));
  if (confounds.length > 0) {
    out.push('## Known confounds', '');
    for (const t of confounds) for (const c of t.confounds) out.push(`- ${t.id}: ${c}`);
    out.push('');
  }
  if (s.warnings.length > 0) {
    out.push('## Warnings', '');
    for (const w of s.warnings) out.push(`- ${w}`);
    out.push('');
  }
  out.push('## How the numbers are computed', '');
  for (const n of METHOD_NOTES) out.push(`- ${n}`);
  out.push('');
  return out.join('\n');
}
