/**
 * Builds assets/examples/ (the recordings `pneuma bench` uses by default) from the development corpus, in
 * the datasets' original layouts, byte for byte:
 *
 *   kauh/AudioFiles/   the 3 filter files of 6 healthy and 6 obstructive (OPERA T10: asthma or COPD)
 *                      subjects; per class the subjects with the fewest bytes (ties: subject id)
 *   covid19-cough/raw/ 20 COVID-positive and 20 negative Telegram recordings, the first per label in file
 *                      name (uuid) order; metadata.json holds their original entries (original text, order
 *                      and CRLF framing), LICENSE is the dataset's CC0 text
 *
 * and writes SHA256SUMS. Usage: node --import tsx bench/tools/make-examples.ts [<data root>] [<out>]
 * (defaults ../shared/data and assets/examples). README.md and LICENSES/ are maintained by hand.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanDataset } from '../../src/data/data-root.ts';
import { NodeDirReader } from '../../src/platform/node/dir-reader.ts';

const src = process.argv[2] ?? '../shared/data';
const out = process.argv[3] ?? 'assets/examples';
const PER_CLASS_SUBJECTS = 6;
const PER_LABEL_COUGHS = 20;

const sums: string[] = [];
function copy(from: string, rel: string): void {
  const to = join(out, ...rel.split('/'));
  mkdirSync(join(to, '..'), { recursive: true });
  copyFileSync(from, to);
  sums.push(`${createHash('sha256').update(readFileSync(to)).digest('hex')}  ${rel}`);
}

const root = new NodeDirReader(src);
rmSync(join(out, 'kauh'), { recursive: true, force: true });
rmSync(join(out, 'covid19-cough'), { recursive: true, force: true });

const kauh = await scanDataset(root, 'kauh');
const subjects = new Map<string, { cls: 'healthy' | 'obstructive'; bytes: number; paths: string[] }>();
for (const r of kauh.records) {
  if (r.labels.operaT10 === null) continue;
  const s = subjects.get(r.subject) ?? { cls: r.labels.operaT10 === 'healthy' ? 'healthy' : 'obstructive', bytes: 0, paths: [] };
  s.bytes += statSync(join(src, 'kauh', ...r.path.split('/'))).size;
  s.paths.push(r.path);
  subjects.set(r.subject, s);
}
for (const cls of ['healthy', 'obstructive'] as const) {
  const picked = [...subjects.entries()].filter(([, s]) => s.cls === cls).sort(([a, x], [b, y]) => x.bytes - y.bytes || (a < b ? -1 : 1)).slice(0, PER_CLASS_SUBJECTS);
  for (const [, s] of picked) for (const p of s.paths.sort()) copy(join(src, 'kauh', ...p.split('/')), `kauh/${p}`);
}

/** The exact text of every top-level element of a JSON array, with its leading whitespace. */
function arrayElementTexts(text: string): string[] {
  const spans: string[] = [];
  let depth = 0;
  let inString = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (depth === 1 && c === '{') start = text.lastIndexOf('\n', i) + 1;
      depth++;
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth === 1 && c === '}') spans.push(text.slice(start, i + 1));
    }
  }
  return spans;
}

const metaText = readFileSync(join(src, 'covid19-cough', 'metadata.json'), 'utf8');
const entries = arrayElementTexts(metaText).map((t) => ({ text: t, o: JSON.parse(t) as { filename: string; covid19: boolean; source: string } }));
const telegram = entries.filter((e) => e.o.source === 'telegram');
const chosen = new Set<string>();
for (const label of [true, false]) {
  for (const e of telegram.filter((x) => x.o.covid19 === label).sort((a, b) => (a.o.filename < b.o.filename ? -1 : 1)).slice(0, PER_LABEL_COUGHS)) chosen.add(e.o.filename);
}
const kept = entries.filter((e) => chosen.has(e.o.filename));
for (const e of kept) copy(join(src, 'covid19-cough', 'raw', e.o.filename), `covid19-cough/raw/${e.o.filename}`);
mkdirSync(join(out, 'covid19-cough'), { recursive: true });
writeFileSync(join(out, 'covid19-cough', 'metadata.json'), `[\r\n${kept.map((e) => e.text).join(',\r\n')}\r\n]`);
sums.push(`${createHash('sha256').update(readFileSync(join(out, 'covid19-cough', 'metadata.json'))).digest('hex')}  covid19-cough/metadata.json`);
copy(join(src, 'covid19-cough', 'LICENSE'), 'covid19-cough/LICENSE');
writeFileSync(join(out, 'SHA256SUMS'), `${sums.sort((a, b) => (a.slice(66) < b.slice(66) ? -1 : 1)).join('\n')}\n`);
process.stdout.write(`${sums.length} files -> ${out}\n`);
