/**
 * The float64 interpreter's value type and the index helpers its kernels share. Every IR value is held
 * as a Float64Array in row-major order: float32 values widened, int64 values as exact integers
 * (|v| ≤ 2^53), bool values as 0/1.
 */
import type { DType } from './ops.ts';
import { type Shape, numel, strides, fmtShape, PneumaError } from '../util/index.ts';

export interface Tensor64 {
  readonly shape: Shape;
  readonly dtype: DType;
  readonly data: Float64Array;
}

/** A failure while evaluating a graph: names the node, input or weight and the reason. */
export class InterpError extends PneumaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ir-interp', message, options);
  }
}

export function t64(shape: Shape, dtype: DType, data: Float64Array): Tensor64 {
  if (data.length !== numel(shape)) throw new InterpError(`tensor ${fmtShape(shape)} needs ${numel(shape)} elements, got ${data.length}`);
  return { shape: [...shape], dtype, data };
}

/**
 * For every element of `outShape` (row-major), the offset of the element of `inShape` it reads under
 * NumPy broadcasting (`inShape` right-aligned, size-1 dims repeated). Returns null when the shapes are
 * equal (the identity map).
 */
export function broadcastIndex(outShape: Shape, inShape: Shape): Int32Array | null {
  const r = outShape.length;
  const off = r - inShape.length;
  if (off === 0 && inShape.every((d, i) => d === outShape[i])) return null;
  const inStr = strides(inShape);
  const bStr = new Array<number>(r).fill(0);
  for (let i = 0; i < inShape.length; i++) bStr[i + off] = inShape[i] === 1 ? 0 : (inStr[i] as number);
  return gatherOffsets(outShape, bStr);
}

/** Offsets Σ idx[a]·str[a] for every multi-index of `shape` in row-major order. */
export function gatherOffsets(shape: Shape, str: readonly number[]): Int32Array {
  const n = numel(shape);
  const out = new Int32Array(n);
  const r = shape.length;
  if (n === 0) return out;
  if (r === 0) {
    out[0] = 0;
    return out;
  }
  const last = shape[r - 1] as number;
  const lastStr = str[r - 1] as number;
  const idx = new Array<number>(r).fill(0);
  let base = 0;
  for (let i = 0; i < n; i += last) {
    for (let j = 0; j < last; j++) out[i + j] = base + j * lastStr;
    // advance the odometer over all but the last axis
    for (let a = r - 2; a >= 0; a--) {
      const d = shape[a] as number;
      idx[a] = (idx[a] as number) + 1;
      base += str[a] as number;
      if ((idx[a] as number) < d) break;
      base -= d * (str[a] as number);
      idx[a] = 0;
    }
  }
  return out;
}

/** Product of dims in [from, to). */
export function dimsProduct(shape: Shape, from: number, to: number): number {
  let p = 1;
  for (let i = from; i < to; i++) p *= shape[i] as number;
  return p;
}
