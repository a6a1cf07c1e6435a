/**
 * Cotangent helpers for broadcasting and data movement, built only from IR ops so that gradients lower
 * to ONNX like the forward graph:
 * - `unbroadcast` undoes NumPy broadcasting by summing (the adjoint of Expand);
 * - `sliceGrad`, `padGrad` and `gatherGrad` scatter a cotangent back into the input's layout
 *   (zero padding, interleaving for strides, ScatterElements(add) for reflect/edge pads and gathers).
 */
import type { GraphBuilder, Value, OpParams } from '../ir/index.ts';
import { sliceRange } from '../ir/index.ts';
import { padSourceIndex } from '../ir/interp-movement.ts';
import { type Shape, shapeEq, normAxis, numel } from '../util/index.ts';
import { tensor, f64 } from '../tensor/index.ts';

/** A float32 scalar constant held in float64, so the interpreter sees the exact value. */
export function scalar64(b: GraphBuilder, v: number): Value {
  return b.const(f64([], [v]));
}

/** A float32 tensor of zeros (a broadcast scalar, so no large constant is stored). */
export function zeros(b: GraphBuilder, shape: Shape): Value {
  return b.expand(b.scalar(0), shape);
}

/**
 * Reshape to a static shape. The IR's Reshape follows ONNX (a 0 in the target copies the input dim), so a
 * target with a zero-size dim is produced as zeros instead (it holds no elements).
 */
export function reshapeTo(b: GraphBuilder, v: Value, shape: Shape): Value {
  if (shapeEq(v.shape, shape)) return v;
  if (numel(shape) === 0) return zeros(b, shape);
  return b.reshape(v, shape);
}

/**
 * Sum `g` down to `shape` (the adjoint of broadcasting `shape` up to `g.shape`): leading axes are
 * summed away, axes where `shape` has 1 are summed with keepDims. Dynamic-size axes are never reshaped.
 */
export function unbroadcast(b: GraphBuilder, g: Value, shape: Shape): Value {
  if (shapeEq(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  const inner: number[] = [];
  shape.forEach((d, i) => {
    if (d === 1 && g.shape[lead + i] !== 1) inner.push(lead + i);
  });
  let r = g;
  if (inner.length > 0) r = b.sum(r, inner, true);
  if (lead > 0) r = b.sum(r, Array.from({ length: lead }, (_, i) => i), false);
  return r;
}

/** The cotangent of a reduction's output, reshaped to keepDims form and broadcast back to `xShape`. */
export function expandReduced(b: GraphBuilder, dy: Value, xShape: Shape, axes: readonly number[], keepDims: boolean): Value {
  const set = new Set(axes.map((a) => normAxis(a, xShape.length)));
  const kept = xShape.map((d, i) => (set.has(i) ? 1 : d));
  const k = keepDims ? dy : reshapeTo(b, dy, kept);
  return b.expand(k, xShape);
}

/** Adjoint of Slice: place dy's elements at the sliced positions of a zero tensor of `xShape`. */
export function sliceGrad(b: GraphBuilder, dy: Value, xShape: Shape, p: OpParams['Slice']): Value {
  if (numel(dy.shape) === 0) return zeros(b, xShape);
  let g = dy;
  p.axes.forEach((a, i) => {
    const ax = normAxis(a, xShape.length);
    const dim = xShape[ax] as number;
    const step = p.steps[i] as number;
    const { start, count } = sliceRange(dim, p.starts[i] as number, p.ends[i] as number, step);
    let first = start;
    let stride = step;
    if (step < 0) {
      // reverse the axis, so its elements come in increasing source order
      g = b.slice(g, ax, -1, -count - 1, -1);
      first = start + (count - 1) * step;
      stride = -step;
    }
    let len = count;
    if (stride > 1) {
      // interleave stride−1 zeros after every element: [count] → [count, 1] → pad → [count·stride]
      const s = [...g.shape];
      const split = [...s.slice(0, ax), count, 1, ...s.slice(ax + 1)];
      const pads = new Array<number>(2 * split.length).fill(0);
      pads[split.length + ax + 1] = stride - 1;
      g = b.pad(b.reshape(g, split), pads);
      g = b.reshape(g, [...s.slice(0, ax), count * stride, ...s.slice(ax + 1)]);
      len = Math.min(count * stride, dim - first);
      if (len < count * stride) g = b.slice(g, ax, 0, len);
    }
    if (first > 0 || dim - first - len > 0) {
      const pads = new Array<number>(2 * xShape.length).fill(0);
      pads[ax] = first;
      pads[xShape.length + ax] = dim - first - len;
      g = b.pad(g, pads);
    }
  });
  return g;
}

/** A constant int64 index tensor laid out along `axis` of a rank-`rank` tensor, broadcast to `shape`. */
function axisIndex(b: GraphBuilder, idx: Int32Array, axis: number, shape: Shape): Value {
  const s = shape.map((_, i) => (i === axis ? idx.length : 1));
  const t = tensor('int64', s, BigInt64Array.from(idx, (v) => BigInt(v)));
  return b.expand(b.const(t), shape);
}

/**
 * Adjoint of Pad. constant: slice the interior. reflect / edge: per padded axis, ScatterElements(add)
 * each padded position onto its source position (reflected or border cells receive several).
 */
export function padGrad(b: GraphBuilder, dy: Value, xShape: Shape, p: OpParams['Pad']): Value {
  const r = xShape.length;
  let g = dy;
  for (let ax = 0; ax < r; ax++) {
    const before = p.pads[ax] as number;
    const after = p.pads[ax + r] as number;
    if (before === 0 && after === 0) continue;
    const dim = xShape[ax] as number;
    if (p.mode === 'constant' || dim === 0) {
      g = b.slice(g, ax, before, before + dim);
      continue;
    }
    const src = padSourceIndex(dim, before, after, p.mode);
    const target = g.shape.map((d, i) => (i === ax ? dim : d));
    g = b.scatterAddElements(zeros(b, target), axisIndex(b, src, ax, g.shape), g, ax);
  }
  return g;
}

/** Adjoint of Gather on `axis`: ScatterElements(add) of dy rows into zeros of the data shape (duplicates add up). */
export function gatherGrad(b: GraphBuilder, dy: Value, xShape: Shape, indices: Value, axis: number): Value {
  const ax = normAxis(axis, xShape.length);
  const n = numel(indices.shape);
  if (n === 0 || numel(xShape) === 0) return zeros(b, xShape);
  const flat = [...xShape.slice(0, ax), n, ...xShape.slice(ax + 1)];
  const g = b.reshape(dy, flat);
  const idx = b.reshape(indices, xShape.map((_, i) => (i === ax ? n : 1)));
  return b.scatterAddElements(zeros(b, xShape), b.expand(idx, flat), g, ax);
}
