/**
 * Two chart kinds as standalone SVG strings (inline in HTML, or saved as .svg):
 * - `intervalChart`: one row per category, one point with whiskers per series (e.g. per task, each model's
 *   score with its confidence interval), optional reference markers (e.g. published numbers);
 * - `lineChart`: lines with optional error bars on a linear or log2 x axis (ROC curves, data-efficiency
 *   curves), optional y = x diagonal.
 * Every chart has a <title> for screen readers and a legend.
 */
import { colour, esc, extent, niceTicks, px, scale, tickLabel } from './svg.ts';

const FONT = 'font-family="system-ui, sans-serif"';

export interface IntervalDatum {
  readonly category: number;
  readonly series: number;
  readonly value: number;
  readonly low: number;
  readonly high: number;
}

export interface MarkerDatum {
  readonly category: number;
  readonly value: number;
  readonly label: string;
}

export interface IntervalChartSpec {
  readonly title: string;
  readonly categories: readonly string[];
  readonly series: readonly string[];
  readonly data: readonly IntervalDatum[];
  readonly markers?: readonly MarkerDatum[];
  readonly axisLabel: string;
  readonly domain?: readonly [number, number];
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

function legend(series: readonly string[], x: number, y: number, extra: string | null): string {
  const items = series.map((name, i) => `<g transform="translate(${px(x)},${px(y + i * 16)})"><rect width="10" height="10" fill="${colour(i)}"/><text x="14" y="9" font-size="11">${esc(name)}</text></g>`);
  if (extra !== null) items.push(`<g transform="translate(${px(x)},${px(y + series.length * 16)})"><path d="M5 0 L10 5 L5 10 L0 5 Z" fill="#777"/><text x="14" y="9" font-size="11">${esc(extra)}</text></g>`);
  return items.join('');
}

function open(w: number, h: number, title: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" ${FONT}><title>${esc(title)}</title>`
    + `<rect width="${w}" height="${h}" fill="#fff"/><text x="${w / 2}" y="18" text-anchor="middle" font-size="14" font-weight="600">${esc(title)}</text>`;
}

export function intervalChart(spec: IntervalChartSpec): string {
  const ns = Math.max(1, spec.series.length);
  const rowH = ns * 14 + 12;
  const left = 290;
  const right = 170;
  const top = 34;
  const plotW = 420;
  const h = top + spec.categories.length * rowH + 44;
  const w = left + plotW + right;
  const vals = [...spec.data.flatMap((d) => [d.low, d.high, d.value]), ...(spec.markers ?? []).map((m) => m.value)];
  const domain = spec.domain ?? extent(vals, 0.05);
  const x = scale('linear', domain, [left, left + plotW]);
  const parts = [open(w, h, spec.title)];
  const bottom = top + spec.categories.length * rowH;
  for (const t of niceTicks(domain[0], domain[1], 6)) {
    const tx = px(x.map(t));
    parts.push(`<line x1="${tx}" x2="${tx}" y1="${top}" y2="${bottom}" stroke="#e5e5e5"/><text x="${tx}" y="${bottom + 14}" text-anchor="middle" font-size="10">${tickLabel(t)}</text>`);
  }
  parts.push(`<text x="${left + plotW / 2}" y="${bottom + 32}" text-anchor="middle" font-size="11">${esc(spec.axisLabel)}</text>`);
  spec.categories.forEach((c, i) => {
    const y0 = top + i * rowH;
    if (i % 2 === 1) parts.push(`<rect x="${left}" y="${y0}" width="${plotW}" height="${rowH}" fill="#000" fill-opacity="0.03"/>`);
    parts.push(`<text x="${left - 8}" y="${px(y0 + rowH / 2 + 4)}" text-anchor="end" font-size="11"><title>${esc(c)}</title>${esc(clip(c, 46))}</text>`);
  });
  for (const d of spec.data) {
    const y = top + d.category * rowH + 8 + d.series * 14;
    const c = colour(d.series);
    parts.push(
      `<g><title>${esc(`${spec.series[d.series] ?? ''}: ${d.value.toFixed(3)} [${d.low.toFixed(3)}, ${d.high.toFixed(3)}]`)}</title>`
      + `<line x1="${px(x.map(d.low))}" x2="${px(x.map(d.high))}" y1="${px(y)}" y2="${px(y)}" stroke="${c}" stroke-width="2"/>`
      + `<line x1="${px(x.map(d.low))}" x2="${px(x.map(d.low))}" y1="${px(y - 4)}" y2="${px(y + 4)}" stroke="${c}"/>`
      + `<line x1="${px(x.map(d.high))}" x2="${px(x.map(d.high))}" y1="${px(y - 4)}" y2="${px(y + 4)}" stroke="${c}"/>`
      + `<circle cx="${px(x.map(d.value))}" cy="${px(y)}" r="4" fill="${c}"/></g>`,
    );
  }
  for (const m of spec.markers ?? []) {
    const y = top + m.category * rowH + rowH / 2;
    const mx = x.map(m.value);
    parts.push(`<g><title>${esc(m.label)}</title><path d="M${px(mx)} ${px(y - 5)} L${px(mx + 5)} ${px(y)} L${px(mx)} ${px(y + 5)} L${px(mx - 5)} ${px(y)} Z" fill="#777" fill-opacity="0.8"/></g>`);
  }
  parts.push(legend(spec.series, left + plotW + 16, top + 4, (spec.markers ?? []).length > 0 ? 'published' : null));
  parts.push('</svg>');
  return parts.join('');
}

export interface LineSeriesSpec {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
  /** Error bar (low, high) per point. */
  readonly errors?: readonly (readonly [number, number])[];
}

export interface LineChartSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly LineSeriesSpec[];
  readonly xScale: 'linear' | 'log2';
  readonly xDomain?: readonly [number, number];
  readonly yDomain?: readonly [number, number];
  /** Tick positions on x (default: nice ticks of the domain). */
  readonly xTicks?: readonly number[];
  /** Tick label on x (default: up to 3 decimals). */
  readonly xTickLabel?: (v: number) => string;
  /** Draw y = x (ROC chance line). */
  readonly diagonal?: boolean;
  /** Draw a dot at every point. */
  readonly dots?: boolean;
}

export function lineChart(spec: LineChartSpec): string {
  const left = 56;
  const top = 34;
  const plotW = 360;
  const plotH = 260;
  const w = left + plotW + 190;
  const h = top + plotH + 48;
  const xs = spec.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = spec.series.flatMap((s) => [...s.points.map((p) => p[1]), ...(s.errors ?? []).flat()]);
  const xd = spec.xDomain ?? extent(xs, 0.02);
  const yd = spec.yDomain ?? extent(ys, 0.05);
  const x = scale(spec.xScale, xd, [left, left + plotW]);
  const y = scale('linear', yd, [top + plotH, top]);
  const parts = [open(w, h, spec.title)];
  const xt = spec.xTicks ?? niceTicks(xd[0], xd[1], 5);
  for (const t of xt) {
    const tx = px(x.map(t));
    parts.push(`<line x1="${tx}" x2="${tx}" y1="${top}" y2="${top + plotH}" stroke="#e5e5e5"/><text x="${tx}" y="${top + plotH + 14}" text-anchor="middle" font-size="10">${esc((spec.xTickLabel ?? tickLabel)(t))}</text>`);
  }
  for (const t of niceTicks(yd[0], yd[1], 5)) {
    const ty = px(y.map(t));
    parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${ty}" y2="${ty}" stroke="#e5e5e5"/><text x="${left - 6}" y="${px(y.map(t) + 3)}" text-anchor="end" font-size="10">${tickLabel(t)}</text>`);
  }
  parts.push(`<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`);
  parts.push(`<text x="${left + plotW / 2}" y="${top + plotH + 34}" text-anchor="middle" font-size="11">${esc(spec.xLabel)}</text>`);
  parts.push(`<text transform="translate(14,${top + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="11">${esc(spec.yLabel)}</text>`);
  if (spec.diagonal) parts.push(`<line x1="${px(x.map(xd[0]))}" y1="${px(y.map(xd[0]))}" x2="${px(x.map(xd[1]))}" y2="${px(y.map(xd[1]))}" stroke="#bbb" stroke-dasharray="4 3"/>`);
  spec.series.forEach((s, i) => {
    const c = colour(i);
    const d = s.points.map((p, k) => `${k === 0 ? 'M' : 'L'}${px(x.map(p[0]))} ${px(y.map(p[1]))}`).join(' ');
    parts.push(`<g><title>${esc(s.name)}</title><path d="${d}" fill="none" stroke="${c}" stroke-width="2"/>`);
    (s.errors ?? []).forEach((e, k) => {
      const p = s.points[k];
      if (p === undefined) return;
      const ex = px(x.map(p[0]));
      parts.push(`<line x1="${ex}" x2="${ex}" y1="${px(y.map(e[0]))}" y2="${px(y.map(e[1]))}" stroke="${c}"/>`);
    });
    if (spec.dots) for (const p of s.points) parts.push(`<circle cx="${px(x.map(p[0]))}" cy="${px(y.map(p[1]))}" r="3" fill="${c}"/>`);
    parts.push('</g>');
  });
  parts.push(legend(spec.series.map((s) => s.name), left + plotW + 16, top + 4, null));
  parts.push('</svg>');
  return parts.join('');
}
