/**
 * The loss curve of a pretraining run: `loss.svg` (src/plot lineChart: training loss per step and the
 * validation loss, titled and labelled) and `loss.png`, a raster of the same curves for viewers without SVG:
 * 720×420, grey grid lines at the SVG's ticks, training loss in blue, validation loss as orange squares,
 * and the axis ranges written in a 3×5 pixel digit font at the corners.
 */
import { encodePng } from '../../../src/plot/png.ts';
import { lineChart } from '../../../src/plot/svg-charts.ts';
import { niceTicks } from '../../../src/plot/svg.ts';

export interface LossPoint {
  readonly step: number;
  readonly loss: number;
}

export interface LossCurves {
  readonly title: string;
  readonly train: readonly LossPoint[];
  readonly val: readonly LossPoint[];
}

export function lossSvg(c: LossCurves): string {
  const series = [{ name: 'training loss', points: c.train.map((p) => [p.step, p.loss] as const) }];
  if (c.val.length > 0) series.push({ name: 'validation loss', points: c.val.map((p) => [p.step, p.loss] as const) });
  return lineChart({ title: c.title, xLabel: 'step', yLabel: 'loss', series, xScale: 'linear', dots: c.train.length < 60 });
}

// 3×5 glyphs, rows top to bottom, 3 bits each (MSB left)
const GLYPHS: Readonly<Record<string, readonly number[]>> = {
  '0': [7, 5, 5, 5, 7], '1': [2, 6, 2, 2, 7], '2': [7, 1, 7, 4, 7], '3': [7, 1, 7, 1, 7], '4': [5, 5, 7, 1, 1],
  '5': [7, 4, 7, 1, 7], '6': [7, 4, 7, 5, 7], '7': [7, 1, 1, 1, 1], '8': [7, 5, 7, 5, 7], '9': [7, 5, 7, 1, 7],
  '.': [0, 0, 0, 0, 2], '-': [0, 0, 7, 0, 0], e: [0, 7, 7, 4, 7], ' ': [0, 0, 0, 0, 0],
};

class Canvas {
  readonly data: Uint8Array;
  constructor(readonly width: number, readonly height: number) {
    this.data = new Uint8Array(width * height * 3).fill(255);
  }

  set(x: number, y: number, rgb: readonly [number, number, number]): void {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= this.width || yi >= this.height) return;
    const o = (yi * this.width + xi) * 3;
    this.data[o] = rgb[0];
    this.data[o + 1] = rgb[1];
    this.data[o + 2] = rgb[2];
  }

  line(x0: number, y0: number, x1: number, y1: number, rgb: readonly [number, number, number], width = 1): void {
    const n = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    for (let i = 0; i <= n; i++) {
      const x = x0 + ((x1 - x0) * i) / n;
      const y = y0 + ((y1 - y0) * i) / n;
      for (let d = 0; d < width; d++) this.set(x, y + d, rgb);
    }
  }

  text(s: string, x: number, y: number, scale = 2): void {
    let cx = x;
    for (const ch of s) {
      const g = GLYPHS[ch] ?? GLYPHS[' '] as readonly number[];
      g.forEach((row, r) => {
        for (let c = 0; c < 3; c++) {
          if (row & (4 >> c)) for (let a = 0; a < scale; a++) for (let b = 0; b < scale; b++) this.set(cx + c * scale + a, y + r * scale + b, [0, 0, 0]);
        }
      });
      cx += 4 * scale;
    }
  }
}

const label = (v: number): string => (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : String(Number(v.toPrecision(4))));

export function lossPng(c: LossCurves): Uint8Array {
  const W = 720;
  const H = 420;
  const L = 70;
  const R = 20;
  const T = 20;
  const B = 40;
  const cv = new Canvas(W, H);
  const pts = [...c.train, ...c.val].filter((p) => Number.isFinite(p.loss));
  if (pts.length > 0) {
    const xs = pts.map((p) => p.step);
    const ys = pts.map((p) => p.loss);
    let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
    let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
    if (x1 === x0) x1 = x0 + 1;
    if (y1 === y0) [y0, y1] = [y0 - 0.5, y1 + 0.5];
    const pad = (y1 - y0) * 0.05;
    [y0, y1] = [y0 - pad, y1 + pad];
    const px = (x: number) => L + ((x - x0) / (x1 - x0)) * (W - L - R);
    const py = (y: number) => H - B - ((y - y0) / (y1 - y0)) * (H - T - B);
    for (const t of niceTicks(y0, y1, 5)) cv.line(L, py(t), W - R, py(t), [225, 225, 225]);
    for (const t of niceTicks(x0, x1, 6)) cv.line(px(t), T, px(t), H - B, [225, 225, 225]);
    cv.line(L, T, L, H - B, [90, 90, 90]);
    cv.line(L, H - B, W - R, H - B, [90, 90, 90]);
    const train = c.train.filter((p) => Number.isFinite(p.loss));
    for (let i = 1; i < train.length; i++) {
      const a = train[i - 1] as LossPoint;
      const b = train[i] as LossPoint;
      cv.line(px(a.step), py(a.loss), px(b.step), py(b.loss), [0, 114, 178], 2);
    }
    if (train.length === 1) cv.line(px(train[0]!.step) - 2, py(train[0]!.loss), px(train[0]!.step) + 2, py(train[0]!.loss), [0, 114, 178], 2);
    for (const p of c.val.filter((q) => Number.isFinite(q.loss))) {
      for (let dx = -3; dx <= 3; dx++) for (let dy = -3; dy <= 3; dy++) cv.set(px(p.step) + dx, py(p.loss) + dy, [230, 159, 0]);
    }
    cv.text(label(y1), 4, T);
    cv.text(label(y0), 4, H - B - 10);
    cv.text(label(x0), L, H - B + 8);
    const right = label(x1);
    cv.text(right, W - R - right.length * 8, H - B + 8);
  }
  return encodePng({ width: W, height: H, channels: 3, data: cv.data });
}
