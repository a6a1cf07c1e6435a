/**
 * Reductions and normalisations of the float64 interpreter: ReduceSum/Mean/Max, Softmax and LogSoftmax
 * (max-subtracted, so stable for large inputs), LayerNorm (biased variance) and inference BatchNorm.
 */
import type { OpParams, ReduceParams } from './ops.ts';
import { type Tensor64, InterpError, broadcastIndex, dimsProduct } from './interp-tensor.ts';
import { type Shape, numel, normAxis } from '../util/index.ts';

/** The input shape with reduced axes set to 1. */
function keptShape(shape: Shape, axes: readonly number[]): number[] {
  const set = new Set(axes.map((a) => normAxis(a, shape.length)));
  return shape.map((d, i) => (set.has(i) ? 1 : d));
}

export function reduce(x: Tensor64, p: ReduceParams, kind: 'sum' | 'mean' | 'max'): Float64Array {
  const axes = p.axes.map((a) => normAxis(a, x.shape.length));
  const kept = keptShape(x.shape, axes);
  const nOut = numel(kept);
  const count = axes.reduce((acc, a) => acc * (x.shape[a] as number), 1);
  if (count === 0 && nOut > 0 && kind !== 'sum') {
    throw new InterpError(`Reduce${kind === 'mean' ? 'Mean' : 'Max'} over an empty axis is undefined`);
  }
  const map = broadcastIndex(x.shape, kept);
  const out = new Float64Array(nOut);
  if (kind === 'max') out.fill(-Infinity);
  const d = x.data;
  const n = d.length;
  for (let i = 0; i < n; i++) {
    const o = map ? (map[i] as number) : i;
    const v = d[i] as number;
    if (kind === 'max') {
      const cur = out[o] as number;
      if (v > cur || Number.isNaN(v)) out[o] = v;
    } else {
      out[o] = (out[o] as number) + v;
    }
  }
  if (kind === 'mean') for (let i = 0; i < nOut; i++) out[i] = (out[i] as number) / count;
  return out;
}

/** Softmax (or log-softmax) along one axis, with the maximum subtracted first. */
export function softmax(x: Tensor64, axis: number, log: boolean): Float64Array {
  const r = x.shape.length;
  const ax = normAxis(axis, r);
  const outer = dimsProduct(x.shape, 0, ax);
  const dim = x.shape[ax] as number;
  const inner = dimsProduct(x.shape, ax + 1, r);
  const d = x.data;
  const out = new Float64Array(d.length);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * dim * inner + j;
      let m = -Infinity;
      for (let k = 0; k < dim; k++) m = Math.max(m, d[base + k * inner] as number);
      let s = 0;
      for (let k = 0; k < dim; k++) s += Math.exp((d[base + k * inner] as number) - m);
      const ls = Math.log(s);
      for (let k = 0; k < dim; k++) {
        const z = (d[base + k * inner] as number) - m;
        out[base + k * inner] = log ? z - ls : Math.exp(z) / s;
      }
    }
  }
  return out;
}

/** LayerNorm over dims axis..rank−1: (x − mean)/√(var + eps)·scale + bias, var biased (÷ n). */
export function layerNorm(x: Tensor64, scale: Tensor64, bias: Tensor64, p: OpParams['LayerNorm']): Float64Array {
  const ax = normAxis(p.axis, x.shape.length);
  const outer = dimsProduct(x.shape, 0, ax);
  const inner = dimsProduct(x.shape, ax, x.shape.length);
  const d = x.data;
  const out = new Float64Array(d.length);
  for (let o = 0; o < outer; o++) {
    const base = o * inner;
    let mean = 0;
    for (let k = 0; k < inner; k++) mean += d[base + k] as number;
    mean /= inner;
    let v = 0;
    for (let k = 0; k < inner; k++) {
      const c = (d[base + k] as number) - mean;
      v += c * c;
    }
    v /= inner;
    const rstd = 1 / Math.sqrt(v + p.eps);
    for (let k = 0; k < inner; k++) {
      out[base + k] = ((d[base + k] as number) - mean) * rstd * (scale.data[k] as number) + (bias.data[k] as number);
    }
  }
  return out;
}

/** Inference BatchNorm on axis 1: (x − mean_c)/√(var_c + eps)·scale_c + bias_c. */
export function batchNorm(inputs: readonly Tensor64[], eps: number): Float64Array {
  const [x, scale, bias, mean, variance] = inputs as [Tensor64, Tensor64, Tensor64, Tensor64, Tensor64];
  const n = x.shape[0] as number;
  const c = x.shape[1] as number;
  const inner = dimsProduct(x.shape, 2, x.shape.length);
  const out = new Float64Array(x.data.length);
  for (let ch = 0; ch < c; ch++) {
    const k = (scale.data[ch] as number) / Math.sqrt((variance.data[ch] as number) + eps);
    const m = mean.data[ch] as number;
    const b = bias.data[ch] as number;
    for (let i = 0; i < n; i++) {
      const base = (i * c + ch) * inner;
      for (let j = 0; j < inner; j++) out[base + j] = ((x.data[base + j] as number) - m) * k + b;
    }
  }
  return out;
}
