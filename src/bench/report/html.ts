/**
 * `report.html`: one self-contained page (inline CSS and SVG, no scripts, no external resources) with the
 * tables of results.md and the figures of plots.ts.
 */
import { esc } from '../../plot/svg.ts';
import type { RunSummary } from '../runner-types.ts';
import { dataText, exclusionTexts, timingText } from './format.ts';
import { METHOD_NOTES, type ReportMeta } from './meta.ts';
import type { Plot } from './plots.ts';
import { type Table, efficiencyTable, mainTable, rankTable, unseenDeviceTable } from './tables.ts';

const CSS = `body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:.9rem}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}figure{margin:1rem 0 2rem}figcaption{font-size:.85rem;color:#555;max-width:820px}svg{max-width:100%;height:auto}
ul{font-size:.9rem}code{background:#f3f3f3;padding:0 .2rem}`;

export function htmlTable(t: Table): string {
  const head = `<tr>${t.header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
  const body = t.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table>\n${head}\n${body}\n</table>`;
}

function list(items: readonly string[]): string {
  return `<ul>${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`;
}

export function reportHtml(s: RunSummary, meta: ReportMeta, plots: readonly Plot[]): string {
  const parts: string[] = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${esc(meta.title)}</title><style>${CSS}</style></head><body>`,
    `<h1>${esc(meta.title)}</h1>`,
  ];
  const facts = [
    `Suite: ${meta.suite ?? '(task list)'}`,
    `Data: ${dataText(s, meta.dataRoot)}`,
    ...exclusionTexts(s),
    ...meta.models.map((m) => `Model ${m.id}: ${m.description}`),
    `Embeddings: ${s.embeddings.computed} computed, ${s.embeddings.cached} from the cache, ${s.embeddings.failed} failed`,
    ...(meta.seconds !== null ? [`Wall time: ${meta.seconds.toFixed(1)} s (${timingText(s.timing)})`] : []),
    `Command: ${meta.command}`,
  ];
  parts.push(list(facts));
  parts.push('<h2>Results</h2>', s.rows.some((r) => r.kind === 'main') ? htmlTable(mainTable(s)) : '<p>No task produced a result.</p>');
  const ranks = rankTable(s);
  if (ranks) parts.push('<h2>Mean reciprocal rank</h2>', htmlTable(ranks));
  const eff = efficiencyTable(s);
  if (eff) parts.push('<h2>Data efficiency</h2>', htmlTable(eff));
  const ud = unseenDeviceTable(s);
  if (ud) parts.push('<h2>Unseen device</h2>', htmlTable(ud));
  if (plots.length > 0) {
    parts.push('<h2>Figures</h2>');
    for (const p of plots) parts.push(`<figure id="${esc(p.id)}">${p.svg}<figcaption>${esc(p.caption)}</figcaption></figure>`);
  }
  if (s.failures.length > 0) parts.push('<h2>Failures</h2>', list(s.failures.map((f) => `${f.task} / ${f.split}${f.model ? ` / ${f.model}` : ''} (${f.code}): ${f.message}`)));
  if (s.skipped.length > 0) parts.push('<h2>Not run</h2>', list(s.skipped.map((k) => `${k.task}${k.split ? ` / ${k.split}` : ''}${k.model ? ` / ${k.model}` : ''}${k.kind && k.kind !== 'main' ? ` (${k.kind})` : ''}: ${k.reason}`)));
  const confounds = s.tasks.filter((t) => t.confounds.length > 0 && s.rows.some((r) => r.task === t.id)).flatMap((t) => t.confounds.map((c) => `${t.id}: ${c}`));
  if (confounds.length > 0) parts.push('<h2>Known confounds</h2>', list(confounds));
  if (s.warnings.length > 0) parts.push('<h2>Warnings</h2>', list(s.warnings));
  parts.push('<h2>How the numbers are computed</h2>', list(METHOD_NOTES), '</body></html>', '');
  return parts.join('\n');
}
