/**
 * Data-movement kernels of the float64 interpreter (ONNX semantics): Transpose, Slice, Concat, Gather,
 * GatherElements, ScatterElements(reduction=add), Pad (constant / reflect / edge) and Expand.
 */
import type { OpParams } from './ops.ts';
import { sliceRange } from './infer.ts';
import { type Tensor64, InterpError, broadcastIndex, gatherOffsets, dimsProduct } from './interp-tensor.ts';
import { type Shape, numel, strides, normAxis } from '../util/index.ts';

export function transpose(x: Tensor64, perm: readonly number[], outShape: Shape): Float64Array {
  const inStr = strides(x.shape);
  const offs = gatherOffsets(outShape, perm.map((p) => inStr[p] as number));
  const out = new Float64Array(offs.length);
  for (let i = 0; i < offs.length; i++) out[i] = x.data[offs[i] as number] as number;
  return out;
}

/** ONNX Slice: per listed axis, start/end clamped to the dim and read with the (possibly negative) step. */
export function slice(x: Tensor64, p: OpParams['Slice'], outShape: Shape): Float64Array {
  const r = x.shape.length;
  const inStr = strides(x.shape);
  const str = [...inStr];
  let base = 0;
  p.axes.forEach((a, i) => {
    const ax = normAxis(a, r);
    const step = p.steps[i] as number;
    const { start } = sliceRange(x.shape[ax] as number, p.starts[i] as number, p.ends[i] as number, step);
    base += start * (inStr[ax] as number);
    str[ax] = step * (inStr[ax] as number);
  });
  const offs = gatherOffsets(outShape, str);
  const out = new Float64Array(offs.length);
  for (let i = 0; i < offs.length; i++) out[i] = x.data[base + (offs[i] as number)] as number;
  return out;
}

export function concat(xs: readonly Tensor64[], axis: number, outShape: Shape): Float64Array {
  const ax = normAxis(axis, outShape.length);
  const outer = dimsProduct(outShape, 0, ax);
  const inner = dimsProduct(outShape, ax + 1, outShape.length);
  const outRow = (outShape[ax] as number) * inner;
  const out = new Float64Array(numel(outShape));
  let at = 0;
  for (const x of xs) {
    const row = (x.shape[ax] as number) * inner;
    for (let o = 0; o < outer; o++) out.set(x.data.subarray(o * row, (o + 1) * row), o * outRow + at);
    at += row;
  }
  return out;
}

function checkIndex(v: number, dim: number, what: string): number {
  if (!Number.isInteger(v) || v < -dim || v >= dim) throw new InterpError(`${what}: index ${v} out of range [${-dim}, ${dim})`);
  return v < 0 ? v + dim : v;
}

/** ONNX Gather: out = data.shape[:axis] + indices.shape + data.shape[axis+1:]; negative indices count from the end. */
export function gather(data: Tensor64, indices: Tensor64, axis: number, outShape: Shape): Float64Array {
  const ax = normAxis(axis, data.shape.length);
  const dim = data.shape[ax] as number;
  const outer = dimsProduct(data.shape, 0, ax);
  const inner = dimsProduct(data.shape, ax + 1, data.shape.length);
  const nIdx = indices.data.length;
  const out = new Float64Array(numel(outShape));
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < nIdx; j++) {
      const k = checkIndex(indices.data[j] as number, dim, 'Gather');
      const src = (o * dim + k) * inner;
      out.set(data.data.subarray(src, src + inner), (o * nIdx + j) * inner);
    }
  }
  return out;
}

/** Offsets into a tensor of `shape` for every element of `indices` (same rank), its axis coordinate replaced by the index. */
function elementOffsets(shape: Shape, indices: Tensor64, axis: number, what: string): Int32Array {
  const ax = normAxis(axis, shape.length);
  const str = strides(shape);
  const idxShape = indices.shape;
  indices.shape.forEach((d, i) => {
    if (i !== ax && d > (shape[i] as number)) throw new InterpError(`${what}: indices dim ${i} is ${d}, data has ${shape[i]}`);
  });
  const pos = gatherOffsets(idxShape, str.map((s, i) => (i === ax ? 0 : s)));
  const dim = shape[ax] as number;
  const sAx = str[ax] as number;
  const out = new Int32Array(pos.length);
  for (let i = 0; i < pos.length; i++) out[i] = (pos[i] as number) + checkIndex(indices.data[i] as number, dim, what) * sAx;
  return out;
}

export function gatherElements(data: Tensor64, indices: Tensor64, axis: number): Float64Array {
  const offs = elementOffsets(data.shape, indices, axis, 'GatherElements');
  const out = new Float64Array(offs.length);
  for (let i = 0; i < offs.length; i++) out[i] = data.data[offs[i] as number] as number;
  return out;
}

/** ONNX ScatterElements with reduction 'add': data + updates scattered along `axis`; duplicates accumulate. */
export function scatterAddElements(data: Tensor64, indices: Tensor64, updates: Tensor64, axis: number): Float64Array {
  const offs = elementOffsets(data.shape, indices, axis, 'ScatterAddElements');
  const out = Float64Array.from(data.data);
  for (let i = 0; i < offs.length; i++) out[offs[i] as number] = (out[offs[i] as number] as number) + (updates.data[i] as number);
  return out;
}

/**
 * Source index along one axis for each padded position, or −1 for a constant cell.
 * reflect mirrors without repeating the edge (NumPy 'reflect'); edge repeats the border value.
 */
export function padSourceIndex(dim: number, before: number, after: number, mode: OpParams['Pad']['mode']): Int32Array {
  const out = new Int32Array(before + dim + after);
  for (let o = 0; o < out.length; o++) {
    let i = o - before;
    if (i < 0 || i >= dim) {
      if (mode === 'constant') i = -1;
      else if (mode === 'edge') i = i < 0 ? 0 : dim - 1;
      else {
        const period = 2 * (dim - 1);
        if (period === 0) i = 0;
        else {
          i = ((i % period) + period) % period;
          if (i >= dim) i = period - i;
        }
      }
    }
    out[o] = i;
  }
  return out;
}

export function pad(x: Tensor64, p: OpParams['Pad'], outShape: Shape): Float64Array {
  const r = x.shape.length;
  const maps = x.shape.map((d, i) => padSourceIndex(d, p.pads[i] as number, p.pads[i + r] as number, p.mode));
  const inStr = strides(x.shape);
  const n = numel(outShape);
  const out = new Float64Array(n);
  const idx = new Array<number>(r).fill(0);
  for (let o = 0; o < n; o++) {
    let off = 0;
    let inside = true;
    for (let a = 0; a < r; a++) {
      const s = (maps[a] as Int32Array)[idx[a] as number] as number;
      if (s < 0) {
        inside = false;
        break;
      }
      off += s * (inStr[a] as number);
    }
    out[o] = inside ? (x.data[off] as number) : p.value;
    for (let a = r - 1; a >= 0; a--) {
      idx[a] = (idx[a] as number) + 1;
      if ((idx[a] as number) < (outShape[a] as number)) break;
      idx[a] = 0;
    }
  }
  return out;
}

export function expand(x: Tensor64, outShape: Shape): Float64Array {
  const idx = broadcastIndex(outShape, x.shape);
  if (!idx) return Float64Array.from(x.data);
  const out = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = x.data[idx[i] as number] as number;
  return out;
}
