/**
 * Small building blocks for self-contained SVG charts written as strings: escaping, number formatting,
 * "nice" axis ticks, a colour-blind-safe palette (Okabe & Ito 2008) and linear / log2 scales. No DOM.
 */

/** Escape text for SVG/HTML content and attribute values. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A coordinate with at most two decimals (keeps files small, sub-pixel exact enough). */
export function px(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** Okabe–Ito colours, black last. */
export const PALETTE: readonly string[] = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

export function colour(i: number): string {
  return PALETTE[i % PALETTE.length] as string;
}

/**
 * About `count` round tick values covering [min, max]: steps of 1, 2 or 5 × 10^k (Heckbert, "Nice numbers
 * for graph labels", Graphics Gems 1990).
 */
export function niceTicks(min: number, max: number, count: number): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  const out: number[] = [];
  const first = Math.ceil(min / step - 1e-9);
  for (let k = first; k * step <= max + step * 1e-9; k++) out.push(k === 0 ? 0 : Number((k * step).toPrecision(12)));
  return out;
}

/** Tick label: up to 3 significant decimals, no trailing zeros. */
export function tickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return String(Number(v.toFixed(digits)));
}

export interface Scale {
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
  readonly kind: 'linear' | 'log2';
  map(v: number): number;
}

export function scale(kind: 'linear' | 'log2', domain: readonly [number, number], range: readonly [number, number]): Scale {
  const f = kind === 'log2' ? Math.log2 : (v: number) => v;
  const d0 = f(domain[0]);
  const d1 = f(domain[1]);
  const span = d1 - d0 || 1;
  return { domain, range, kind, map: (v) => range[0] + ((f(v) - d0) / span) * (range[1] - range[0]) };
}

/** Extent of finite values, widened to `pad` of the span on each side; [v−1, v+1] for a single value. */
export function extent(values: readonly number[], pad: number): [number, number] {
  const fin = values.filter(Number.isFinite);
  if (fin.length === 0) return [0, 1];
  let lo = Math.min(...fin);
  let hi = Math.max(...fin);
  if (hi === lo) return [lo - 1, hi + 1];
  const p = (hi - lo) * pad;
  lo -= p;
  hi += p;
  return [lo, hi];
}
