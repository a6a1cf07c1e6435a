/**
 * Spectrogram pictures: a 2-D time–frequency tensor → PNG bytes, time on x (left → right), frequency
 * low → high upwards (the first frequency row at the bottom), values mapped linearly from
 * [lo, hi] (by default the tensor's min and max) to the colour map's 256 entries.
 */
import { type HostTensor, toFloat64 } from '../tensor/index.ts';
import { colormapTable, type ColormapName } from './colormap.ts';
import { encodePng, PlotError } from './png.ts';

export interface SpectrogramImageOptions {
  /** Which tensor axis is time: 'time-freq' = [T, F] (OPERA, HeAR, Kaldi), 'freq-time' = [F, T] (M2D, EfficientAT). */
  readonly layout: 'time-freq' | 'freq-time';
  readonly colormap: ColormapName;
  /** Value range mapped onto the colour map; values outside are clamped. Omitted: the tensor's min and max. */
  readonly range?: readonly [number, number];
  /** Integer pixel repetition along x (time) and y (frequency); omitted: 1 and 1. */
  readonly pixelsPerCell?: { readonly x: number; readonly y: number };
}

export function spectrogramImage(t: HostTensor, opts: SpectrogramImageOptions): Uint8Array {
  if (t.shape.length !== 2) throw new PlotError(`spectrogramImage: need a 2-D tensor, got shape [${t.shape.join(',')}]`);
  const [d0, d1] = t.shape as [number, number];
  const timeMajor = opts.layout === 'time-freq';
  if (!timeMajor && opts.layout !== 'freq-time') throw new PlotError(`spectrogramImage: unknown layout ${JSON.stringify(opts.layout)}`);
  const T = timeMajor ? d0 : d1;
  const F = timeMajor ? d1 : d0;
  if (T < 1 || F < 1) throw new PlotError(`spectrogramImage: empty tensor [${t.shape.join(',')}]`);
  const px = opts.pixelsPerCell?.x ?? 1;
  const py = opts.pixelsPerCell?.y ?? 1;
  if (!Number.isInteger(px) || !Number.isInteger(py) || px < 1 || py < 1) throw new PlotError(`spectrogramImage: pixelsPerCell must be positive integers, got ${px}, ${py}`);
  const v = toFloat64(t);
  let lo: number;
  let hi: number;
  if (opts.range) {
    [lo, hi] = opts.range;
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi >= lo)) throw new PlotError(`spectrogramImage: bad range [${lo}, ${hi}]`);
  } else {
    lo = Infinity;
    hi = -Infinity;
    for (const x of v) {
      if (Number.isNaN(x)) throw new PlotError('spectrogramImage: tensor holds NaN');
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
  }
  const table = colormapTable(opts.colormap);
  const scale = hi > lo ? 255 / (hi - lo) : 0;
  const width = T * px;
  const height = F * py;
  const data = new Uint8Array(width * height * 3);
  for (let f = 0; f < F; f++) {
    for (let ti = 0; ti < T; ti++) {
      const x = v[timeMajor ? ti * F + f : f * T + ti] as number;
      const idx = Math.min(255, Math.max(0, Math.round((x - lo) * scale))) * 3;
      for (let dy = 0; dy < py; dy++) {
        const row = (F - 1 - f) * py + dy;
        for (let dx = 0; dx < px; dx++) {
          const o = (row * width + ti * px + dx) * 3;
          data[o] = table[idx] as number;
          data[o + 1] = table[idx + 1] as number;
          data[o + 2] = table[idx + 2] as number;
        }
      }
    }
  }
  return encodePng({ width, height, channels: 3, data });
}
