/**
 * Elementwise kernels of the float64 interpreter: unary maths, broadcasting binary ops, Where and Cast.
 */
import type { DType } from './ops.ts';
import { type Tensor64, InterpError, broadcastIndex } from './interp-tensor.ts';
import { type Shape, numel } from '../util/index.ts';

export function mapUnary(x: Tensor64, f: (v: number) => number): Float64Array {
  const n = x.data.length;
  const out = new Float64Array(n);
  const d = x.data;
  for (let i = 0; i < n; i++) out[i] = f(d[i] as number);
  return out;
}

/** `f(a, b)` under NumPy broadcasting to `outShape`. */
export function mapBinary(a: Tensor64, b: Tensor64, outShape: Shape, f: (x: number, y: number) => number): Float64Array {
  const n = numel(outShape);
  const out = new Float64Array(n);
  const ia = broadcastIndex(outShape, a.shape);
  const ib = broadcastIndex(outShape, b.shape);
  const da = a.data;
  const db = b.data;
  if (!ia && !ib) {
    for (let i = 0; i < n; i++) out[i] = f(da[i] as number, db[i] as number);
  } else if (!ia && ib) {
    for (let i = 0; i < n; i++) out[i] = f(da[i] as number, db[ib[i] as number] as number);
  } else if (ia && !ib) {
    for (let i = 0; i < n; i++) out[i] = f(da[ia[i] as number] as number, db[i] as number);
  } else if (ia && ib) {
    for (let i = 0; i < n; i++) out[i] = f(da[ia[i] as number] as number, db[ib[i] as number] as number);
  }
  return out;
}

/** Where(cond, a, b) with all three broadcast to `outShape`; cond is 0/1. */
export function where(c: Tensor64, a: Tensor64, b: Tensor64, outShape: Shape): Float64Array {
  const n = numel(outShape);
  const out = new Float64Array(n);
  const ic = broadcastIndex(outShape, c.shape);
  const ia = broadcastIndex(outShape, a.shape);
  const ib = broadcastIndex(outShape, b.shape);
  for (let i = 0; i < n; i++) {
    const cv = c.data[ic ? (ic[i] as number) : i] as number;
    out[i] = cv !== 0 ? (a.data[ia ? (ia[i] as number) : i] as number) : (b.data[ib ? (ib[i] as number) : i] as number);
  }
  return out;
}

/** ONNX Sign: −1, 0 or 1; NaN stays NaN. */
export function sign(v: number): number {
  return v > 0 ? 1 : v < 0 ? -1 : v;
}

/** Numerically stable logistic function. */
export function sigmoid(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * erf(x) to near double precision.
 * |x| < 3: erf(x) = 2/√π · e^{−x²} · Σ_{n≥0} 2ⁿ x^{2n+1} / (1·3·…·(2n+1))  (all terms positive, no cancellation;
 * Abramowitz & Stegun 7.1.6).
 * |x| ≥ 3: erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …)))))  (A&S 7.1.14), evaluated
 * bottom-up at a fixed depth that converges to full precision for x ≥ 3.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax < 3) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
      if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
    }
    return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
  }
  if (ax > 6) return x > 0 ? 1 : -1;
  let f = ax;
  for (let k = 60; k >= 1; k--) f = ax + k / 2 / f;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return x > 0 ? 1 - erfc : erfc - 1;
}

/** Cast between IR dtypes: float→int64 truncates toward zero, →bool is x ≠ 0 (NaN → true). */
export function cast(x: Tensor64, to: DType): Float64Array {
  const d = x.data;
  const n = d.length;
  const out = new Float64Array(n);
  if (to === 'bool') {
    for (let i = 0; i < n; i++) out[i] = (d[i] as number) !== 0 ? 1 : 0;
  } else if (to === 'int64') {
    for (let i = 0; i < n; i++) {
      const v = d[i] as number;
      if (!Number.isFinite(v)) throw new InterpError(`Cast to int64 of non-finite value ${v} at element ${i}`);
      const t = Math.trunc(v);
      out[i] = t === 0 ? 0 : t;
    }
  } else {
    out.set(d);
  }
  return out;
}
