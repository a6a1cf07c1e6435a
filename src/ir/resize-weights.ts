/**
 * Interpolation weights of the IR's Resize along one axis. Resize is separable and linear in its input,
 * so one axis is y[o] = Σ_t weight[o,t]·x[index[o,t]]; the interpreter applies the taps and the VJP uses
 * the transposed dense matrix.
 *
 * Source coordinate (PyTorch `area_pixel_compute_source_index`, ONNX Resize):
 *   align_corners: x = o·(in − 1)/(out − 1)   (x = 0 when out = 1)
 *   half_pixel:    x = (o + 0.5)·in/out − 0.5, clamped at 0 for 'linear' only (as PyTorch bilinear; ONNX
 *                  Runtime's linear mode clamps the same way, its cubic mode does not).
 * linear: taps ⌊x⌋, ⌊x⌋+1 with weights 1−t, t (t = x − ⌊x⌋).
 * cubic:  taps ⌊x⌋−1 … ⌊x⌋+2 with Keys (1981) weights for coefficient A (PyTorch bicubic: A = −0.75):
 *   W(d) = (A+2)|d|³ − (A+3)|d|² + 1 for |d| ≤ 1;  A|d|³ − 5A|d|² + 8A|d| − 4A for 1 < |d| < 2.
 * Taps outside [0, in) are clamped to the border (edge replication), as PyTorch and ONNX Runtime do
 * with exclude_outside = 0.
 */
import type { OpParams } from './ops.ts';

export type ResizeAxisParams = Pick<OpParams['Resize'], 'mode' | 'coordinate' | 'cubicA'>;

export interface ResizeTaps {
  readonly taps: number;
  /** out·taps source indices, already clamped to [0, in). */
  readonly index: Int32Array;
  readonly weight: Float64Array;
}

function sourceCoordinate(o: number, inSize: number, outSize: number, p: ResizeAxisParams): number {
  if (p.coordinate === 'align_corners') return outSize === 1 ? 0 : (o * (inSize - 1)) / (outSize - 1);
  const x = ((o + 0.5) * inSize) / outSize - 0.5;
  return p.mode === 'linear' ? Math.max(0, x) : x;
}

function keys(d: number, a: number): number {
  const t = Math.abs(d);
  if (t <= 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
  return 0;
}

export function resizeTaps(inSize: number, outSize: number, p: ResizeAxisParams): ResizeTaps {
  const taps = p.mode === 'linear' ? 2 : 4;
  const index = new Int32Array(outSize * taps);
  const weight = new Float64Array(outSize * taps);
  const clamp = (i: number) => Math.min(Math.max(i, 0), inSize - 1);
  for (let o = 0; o < outSize; o++) {
    const x = sourceCoordinate(o, inSize, outSize, p);
    const i0 = Math.floor(x);
    const t = x - i0;
    if (p.mode === 'linear') {
      index[o * 2] = clamp(i0);
      index[o * 2 + 1] = clamp(i0 + 1);
      weight[o * 2] = 1 - t;
      weight[o * 2 + 1] = t;
    } else {
      for (let k = 0; k < 4; k++) {
        index[o * 4 + k] = clamp(i0 - 1 + k);
        weight[o * 4 + k] = keys(t - (k - 1), p.cubicA);
      }
    }
  }
  return { taps, index, weight };
}

/** The dense out×in interpolation matrix M of one axis (y = M·x), row-major. */
export function resizeMatrix(inSize: number, outSize: number, p: ResizeAxisParams): Float64Array {
  const { taps, index, weight } = resizeTaps(inSize, outSize, p);
  const m = new Float64Array(outSize * inSize);
  for (let o = 0; o < outSize; o++) {
    for (let k = 0; k < taps; k++) {
      const at = o * inSize + (index[o * taps + k] as number);
      m[at] = (m[at] as number) + (weight[o * taps + k] as number);
    }
  }
  return m;
}
