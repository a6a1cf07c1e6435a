/**
 * Reader for Praat TextGrid files in the long text format ("ooTextFile"), as FluSense's
 * annotations are written: item [k] (class "IntervalTier") blocks with `intervals [n]:` entries
 * of `xmin = <s>`, `xmax = <s>`, `text = "<label>"` (a `"` inside a label is doubled).
 */
import { ParseError } from '../../errors.ts';

export interface TextGridInterval {
  readonly tier: string;
  readonly xmin: number;
  readonly xmax: number;
  readonly text: string;
}

export function parseTextGrid(source: string, path: string): TextGridInterval[] {
  const lines = source.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (!/File type = "ooTextFile"/.test(lines[0] ?? '')) throw new ParseError(path, 'not a long-format TextGrid (first line must be File type = "ooTextFile")');
  const out: TextGridInterval[] = [];
  let tier = '';
  let inInterval = false;
  let xmin: number | null = null;
  let xmax: number | null = null;
  for (const [n, raw] of lines.entries()) {
    const line = raw.trim();
    const name = /^name = "(.*)"$/.exec(line);
    if (name !== null && !inInterval) {
      tier = (name[1] as string).replaceAll('""', '"');
      continue;
    }
    if (/^intervals \[\d+\]:$/.test(line)) {
      inInterval = true;
      xmin = null;
      xmax = null;
      continue;
    }
    if (!inInterval) continue;
    const num = /^(xmin|xmax) = (\S+)$/.exec(line);
    if (num !== null) {
      const v = Number(num[2]);
      if (!Number.isFinite(v)) throw new ParseError(path, `line ${n + 1}: ${num[1] as string} is not a number`);
      if (num[1] === 'xmin') xmin = v;
      else xmax = v;
      continue;
    }
    const text = /^text = "(.*)"$/.exec(line);
    if (text !== null) {
      if (xmin === null || xmax === null) throw new ParseError(path, `line ${n + 1}: text before xmin and xmax of its interval`);
      if (xmax < xmin) throw new ParseError(path, `line ${n + 1}: interval ends (${xmax}) before it starts (${xmin})`);
      out.push({ tier, xmin, xmax, text: (text[1] as string).replaceAll('""', '"') });
      inInterval = false;
    }
  }
  return out;
}
