/**
 * Bilinear resampling along the first axis of a row-major [rows, cols] array with half-pixel centres
 * (torch `F.interpolate(mode='bilinear', align_corners=False, antialias=False)`, TF2 `tf.image.resize`
 * BILINEAR without antialias), source index clamped at the edges:
 *   s = max(0, (i + 0.5)·rows/outRows − 0.5),  i0 = floor(s),  i1 = min(i0 + 1, rows − 1),
 *   out[i] = (1 − (s − i0))·x[i0] + (s − i0)·x[i1].
 * The second axis is unchanged (a same-size bilinear resize is the identity).
 */
import { FrontEndError, requireInt } from './frontend-errors.ts';

/** Writes the [outRows, cols] result into `out` (Float32Array or Float64Array) and returns it. */
export function resizeRowsBilinear<T extends Float32Array | Float64Array>(x: ArrayLike<number>, rows: number, cols: number, outRows: number, out: T): T {
  requireInt('resizeRowsBilinear', 'rows', rows, 1);
  requireInt('resizeRowsBilinear', 'cols', cols, 1);
  requireInt('resizeRowsBilinear', 'outRows', outRows, 1);
  if (x.length !== rows * cols) throw new FrontEndError('resizeRowsBilinear', `input holds ${x.length} values, expected ${rows}·${cols}`);
  if (out.length !== outRows * cols) throw new FrontEndError('resizeRowsBilinear', `output holds ${out.length} values, expected ${outRows}·${cols}`);
  const scale = rows / outRows;
  for (let i = 0; i < outRows; i++) {
    const s = Math.max(0, (i + 0.5) * scale - 0.5);
    const i0 = Math.min(Math.floor(s), rows - 1);
    const i1 = Math.min(i0 + 1, rows - 1);
    const f = s - i0;
    const a = i0 * cols;
    const b = i1 * cols;
    const o = i * cols;
    for (let c = 0; c < cols; c++) out[o + c] = (1 - f) * (x[a + c] as number) + f * (x[b + c] as number);
  }
  return out;
}
