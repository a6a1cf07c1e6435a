/**
 * Shape and dtype inference: one rule per op. Rules are pure functions of the input infos and the
 * op's params; the builder runs them when a node is created, and the interpreter re-runs them on
 * concrete runtime shapes (so shape-polymorphic params, such as Reshape's 0/-1, resolve per call).
 */
import type { DType, Op, OpParams } from './ops.ts';
import { type Shape, broadcastShapes, fmtShape, normAxis, numel, PneumaError } from '../util/index.ts';
import type { TensorDType } from '../tensor/index.ts';

export interface ValueInfo {
  readonly shape: Shape;
  readonly dtype: DType;
}

export class IRShapeError extends PneumaError {
  constructor(op: string, message: string) {
    super('ir-shape', `${op}: ${message}`);
  }
}

export type InferRule<K extends Op> = (inputs: readonly ValueInfo[], params: OpParams[K], op: K) => ValueInfo;

function arity(op: string, inputs: readonly ValueInfo[], ...allowed: number[]): void {
  if (!allowed.includes(inputs.length)) {
    throw new IRShapeError(op, `expects ${allowed.join(' or ')} inputs, got ${inputs.length}`);
  }
}

function at(inputs: readonly ValueInfo[], i: number): ValueInfo {
  const v = inputs[i];
  if (!v) throw new IRShapeError('?', `missing input ${i}`);
  return v;
}

function dimOf(s: Shape, i: number): number {
  return s[i] as number;
}

const unaryFloat = <K extends Op>(): InferRule<K> => (inputs, _p, op) => {
  arity(op, inputs, 1);
  const x = at(inputs, 0);
  if (x.dtype !== 'float32') throw new IRShapeError(op, `needs float32, got ${x.dtype}`);
  return { shape: x.shape, dtype: 'float32' };
};

function broadcast(op: string, ...shapes: Shape[]): number[] {
  let out: number[] = [];
  for (const s of shapes) {
    const b = broadcastShapes(out, s);
    if (!b) throw new IRShapeError(op, `cannot broadcast ${shapes.map(fmtShape).join(' with ')}`);
    out = b;
  }
  return out;
}

const binary = <K extends Op>(allowed: readonly DType[]): InferRule<K> => (inputs, _p, op) => {
  arity(op, inputs, 2);
  const a = at(inputs, 0);
  const b = at(inputs, 1);
  if (a.dtype !== b.dtype) throw new IRShapeError(op, `dtype mismatch ${a.dtype} vs ${b.dtype}`);
  if (!allowed.includes(a.dtype)) throw new IRShapeError(op, `unsupported dtype ${a.dtype}`);
  return { shape: broadcast(op, a.shape, b.shape), dtype: a.dtype };
};

const compare = <K extends Op>(): InferRule<K> => (inputs, _p, op) => {
  arity(op, inputs, 2);
  const a = at(inputs, 0);
  const b = at(inputs, 1);
  if (a.dtype !== b.dtype) throw new IRShapeError(op, `dtype mismatch ${a.dtype} vs ${b.dtype}`);
  return { shape: broadcast(op, a.shape, b.shape), dtype: 'bool' };
};

function checkPads(op: string, pads: readonly number[], n: number): void {
  if (pads.length !== n || pads.some((p) => !Number.isInteger(p) || p < 0)) {
    throw new IRShapeError(op, `pads must be ${n} non-negative integers, got [${pads.join(',')}]`);
  }
}

function pos(op: string, name: string, xs: readonly number[]): void {
  if (xs.some((v) => !Number.isInteger(v) || v < 1)) throw new IRShapeError(op, `${name} must be positive integers, got [${xs.join(',')}]`);
}

function convOut(op: string, size: number, k: number, s: number, d: number, p0: number, p1: number): number {
  const o = Math.floor((size + p0 + p1 - d * (k - 1) - 1) / s) + 1;
  if (o < 1) throw new IRShapeError(op, `input extent ${size} too small for kernel ${k} (stride ${s}, dilation ${d}, pads ${p0}+${p1})`);
  return o;
}

function reduceRule<K extends 'ReduceSum' | 'ReduceMean' | 'ReduceMax'>(): InferRule<K> {
  return (inputs, p, op) => {
    arity(op, inputs, 1);
    const x = at(inputs, 0);
    if (x.dtype !== 'float32') throw new IRShapeError(op, `needs float32, got ${x.dtype}`);
    if (p.axes.length === 0) throw new IRShapeError(op, 'axes must be listed explicitly');
    const axes = new Set(p.axes.map((a) => normAxis(a, x.shape.length)));
    if (axes.size !== p.axes.length) throw new IRShapeError(op, `repeated axes [${p.axes.join(',')}]`);
    const shape: number[] = [];
    x.shape.forEach((d, i) => {
      if (!axes.has(i)) shape.push(d);
      else if (p.keepDims) shape.push(1);
    });
    return { shape, dtype: 'float32' };
  };
}

/** Output extent of an ONNX Slice on one axis. */
export function sliceRange(dim: number, start: number, end: number, step: number): { start: number; count: number } {
  if (step === 0 || !Number.isInteger(step)) throw new IRShapeError('Slice', `step must be a non-zero integer, got ${step}`);
  let s = start < 0 ? start + dim : start;
  let e = end < 0 ? end + dim : end;
  if (step > 0) {
    s = Math.min(Math.max(s, 0), dim);
    e = Math.min(Math.max(e, 0), dim);
    return { start: s, count: Math.max(0, Math.ceil((e - s) / step)) };
  }
  s = Math.min(Math.max(s, -1), dim - 1);
  e = Math.min(Math.max(e, -1), dim - 1);
  return { start: s, count: Math.max(0, Math.ceil((e - s) / step)) };
}

/** Resolve an ONNX reshape target (0 = copy, -1 = infer) against a concrete input shape. */
export function resolveReshape(input: Shape, target: readonly number[]): number[] {
  const out = target.map((d, i) => {
    if (d === 0) {
      if (i >= input.length) throw new IRShapeError('Reshape', `0 at position ${i} but input has rank ${input.length}`);
      return input[i] as number;
    }
    return d;
  });
  const neg = out.filter((d) => d === -1).length;
  if (neg > 1) throw new IRShapeError('Reshape', 'at most one -1 allowed');
  if (out.some((d) => d < -1 || !Number.isInteger(d))) throw new IRShapeError('Reshape', `bad target [${target.join(',')}]`);
  const total = numel(input);
  if (neg === 1) {
    const known = out.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    if (known === 0 || total % known !== 0) {
      throw new IRShapeError('Reshape', `cannot reshape ${fmtShape(input)} to [${target.join(',')}]`);
    }
    out[out.indexOf(-1)] = total / known;
  }
  if (numel(out) !== total) throw new IRShapeError('Reshape', `cannot reshape ${fmtShape(input)} (${total} elements) to [${target.join(',')}]`);
  return out;
}

export const inferRules: { readonly [K in Op]: InferRule<K> } = {
  Input: () => {
    throw new IRShapeError('Input', 'leaf shapes are declared, not inferred');
  },
  Param: () => {
    throw new IRShapeError('Param', 'leaf shapes are declared, not inferred');
  },
  Const: (inputs, p) => {
    arity('Const', inputs, 0);
    return { shape: p.value.shape, dtype: irDType(p.value.dtype) };
  },
  Neg: unaryFloat(), Exp: unaryFloat(), Log: unaryFloat(), Sqrt: unaryFloat(), Reciprocal: unaryFloat(),
  Tanh: unaryFloat(), Erf: unaryFloat(), Sigmoid: unaryFloat(), Abs: unaryFloat(), Relu: unaryFloat(),
  Sin: unaryFloat(), Cos: unaryFloat(), Floor: unaryFloat(), Sign: unaryFloat(),
  HardSigmoid: (inputs, p, op) => {
    if (!Number.isFinite(p.alpha) || !Number.isFinite(p.beta)) throw new IRShapeError(op, `alpha and beta must be finite, got ${p.alpha}, ${p.beta}`);
    return unaryFloat<'HardSigmoid'>()(inputs, p, op);
  },
  HardSwish: unaryFloat(),
  Clip: (inputs, p, op) => {
    if (!(p.min <= p.max)) throw new IRShapeError(op, `min ${p.min} > max ${p.max}`);
    return unaryFloat<'Clip'>()(inputs, p, op);
  },
  Add: binary(['float32', 'int64']), Sub: binary(['float32', 'int64']), Mul: binary(['float32', 'int64']),
  Div: binary(['float32']), Pow: binary(['float32']), Max: binary(['float32', 'int64']), Min: binary(['float32', 'int64']),
  Equal: compare(), Less: compare(), Greater: compare(),
  Where: (inputs, _p, op) => {
    arity(op, inputs, 3);
    const [c, a, b] = [at(inputs, 0), at(inputs, 1), at(inputs, 2)];
    if (c.dtype !== 'bool') throw new IRShapeError(op, `condition must be bool, got ${c.dtype}`);
    if (a.dtype !== b.dtype) throw new IRShapeError(op, `branch dtypes differ: ${a.dtype} vs ${b.dtype}`);
    return { shape: broadcast(op, c.shape, a.shape, b.shape), dtype: a.dtype };
  },
  Cast: (inputs, p, op) => {
    arity(op, inputs, 1);
    return { shape: at(inputs, 0).shape, dtype: p.to };
  },
  MatMul: (inputs, _p, op) => {
    arity(op, inputs, 2);
    const a = at(inputs, 0);
    const b = at(inputs, 1);
    if (a.dtype !== 'float32' || b.dtype !== 'float32') throw new IRShapeError(op, 'needs float32 operands');
    if (a.shape.length < 2 || b.shape.length < 2) throw new IRShapeError(op, `operands must have rank ≥ 2, got ${fmtShape(a.shape)} @ ${fmtShape(b.shape)}`);
    const m = dimOf(a.shape, a.shape.length - 2);
    const k = dimOf(a.shape, a.shape.length - 1);
    const k2 = dimOf(b.shape, b.shape.length - 2);
    const n = dimOf(b.shape, b.shape.length - 1);
    if (k !== k2) throw new IRShapeError(op, `inner dims differ: ${fmtShape(a.shape)} @ ${fmtShape(b.shape)}`);
    const batch = broadcast(op, a.shape.slice(0, -2), b.shape.slice(0, -2));
    return { shape: [...batch, m, n], dtype: 'float32' };
  },
  Conv: (inputs, p, op) => {
    arity(op, inputs, 2, 3);
    const x = at(inputs, 0);
    const w = at(inputs, 1);
    if (x.shape.length !== 4 || w.shape.length !== 4) throw new IRShapeError(op, `needs NCHW input and OIHW weight, got ${fmtShape(x.shape)}, ${fmtShape(w.shape)}`);
    pos(op, 'strides', p.strides); pos(op, 'dilations', p.dilations); pos(op, 'group', [p.group]);
    checkPads(op, p.pads, 4);
    const [n, c, h, wd] = x.shape as [number, number, number, number];
    const [o, ci, kh, kw] = w.shape as [number, number, number, number];
    if (c % p.group !== 0 || o % p.group !== 0 || ci !== c / p.group) {
      throw new IRShapeError(op, `channels: input ${c}, weight ${fmtShape(w.shape)}, group ${p.group}`);
    }
    if (inputs.length === 3) {
      const b = at(inputs, 2);
      if (b.shape.length !== 1 || b.shape[0] !== o) throw new IRShapeError(op, `bias must be [${o}], got ${fmtShape(b.shape)}`);
    }
    const oh = convOut(op, h, kh, p.strides[0], p.dilations[0], p.pads[0], p.pads[2]);
    const ow = convOut(op, wd, kw, p.strides[1], p.dilations[1], p.pads[1], p.pads[3]);
    return { shape: [n, o, oh, ow], dtype: 'float32' };
  },
  ConvTranspose: (inputs, p, op) => {
    arity(op, inputs, 2);
    const x = at(inputs, 0);
    const w = at(inputs, 1);
    if (x.shape.length !== 4 || w.shape.length !== 4) throw new IRShapeError(op, 'needs rank-4 input and weight');
    pos(op, 'strides', p.strides); pos(op, 'dilations', p.dilations); pos(op, 'group', [p.group]);
    checkPads(op, p.pads, 4);
    const [n, c, h, wd] = x.shape as [number, number, number, number];
    const [ci, og, kh, kw] = w.shape as [number, number, number, number];
    if (ci !== c || c % p.group !== 0) throw new IRShapeError(op, `channels: input ${c}, weight ${fmtShape(w.shape)}, group ${p.group}`);
    const oh = (h - 1) * p.strides[0] - p.pads[0] - p.pads[2] + p.dilations[0] * (kh - 1) + p.outputPadding[0] + 1;
    const ow = (wd - 1) * p.strides[1] - p.pads[1] - p.pads[3] + p.dilations[1] * (kw - 1) + p.outputPadding[1] + 1;
    if (oh < 1 || ow < 1) throw new IRShapeError(op, 'empty output');
    return { shape: [n, og * p.group, oh, ow], dtype: 'float32' };
  },
  AveragePool: (inputs, p, op) => poolShape(op, inputs, p),
  MaxPool: (inputs, p, op) => poolShape(op, inputs, p),
  MaxPoolGrad: (inputs, p, op) => {
    arity(op, inputs, 2);
    const y = poolShape(op, [at(inputs, 0)], p);
    const g = at(inputs, 1);
    if (y.shape.join() !== g.shape.join()) throw new IRShapeError(op, `dy ${fmtShape(g.shape)} does not match pooled ${fmtShape(y.shape)}`);
    return { shape: at(inputs, 0).shape, dtype: 'float32' };
  },
  Reshape: (inputs, p, op) => {
    arity(op, inputs, 1);
    const x = at(inputs, 0);
    return { shape: resolveReshape(x.shape, p.shape), dtype: x.dtype };
  },
  Transpose: (inputs, p, op) => {
    arity(op, inputs, 1);
    const x = at(inputs, 0);
    const r = x.shape.length;
    if (p.perm.length !== r || [...p.perm].sort((a, b) => a - b).some((v, i) => v !== i)) {
      throw new IRShapeError(op, `perm [${p.perm.join(',')}] is not a permutation of rank ${r}`);
    }
    return { shape: p.perm.map((a) => dimOf(x.shape, a)), dtype: x.dtype };
  },
  Slice: (inputs, p, op) => {
    arity(op, inputs, 1);
    const x = at(inputs, 0);
    const n = p.axes.length;
    if (p.starts.length !== n || p.ends.length !== n || p.steps.length !== n) throw new IRShapeError(op, 'starts/ends/axes/steps lengths differ');
    const shape = [...x.shape];
    const seen = new Set<number>();
    p.axes.forEach((a, i) => {
      const ax = normAxis(a, x.shape.length);
      if (seen.has(ax)) throw new IRShapeError(op, `axis ${a} repeated`);
      seen.add(ax);
      shape[ax] = sliceRange(dimOf(x.shape, ax), p.starts[i] as number, p.ends[i] as number, p.steps[i] as number).count;
    });
    return { shape, dtype: x.dtype };
  },
  Concat: (inputs, p, op) => {
    if (inputs.length < 1) throw new IRShapeError(op, 'needs at least one input');
    const first = at(inputs, 0);
    const ax = normAxis(p.axis, first.shape.length);
    let total = 0;
    for (const v of inputs) {
      if (v.dtype !== first.dtype || v.shape.length !== first.shape.length || v.shape.some((d, i) => i !== ax && d !== first.shape[i])) {
        throw new IRShapeError(op, `incompatible inputs ${inputs.map((i) => fmtShape(i.shape)).join(', ')} on axis ${p.axis}`);
      }
      total += dimOf(v.shape, ax);
    }
    const shape = [...first.shape];
    shape[ax] = total;
    return { shape, dtype: first.dtype };
  },
  Gather: (inputs, p, op) => {
    arity(op, inputs, 2);
    const d = at(inputs, 0);
    const idx = at(inputs, 1);
    if (idx.dtype !== 'int64') throw new IRShapeError(op, `indices must be int64, got ${idx.dtype}`);
    const ax = normAxis(p.axis, d.shape.length);
    return { shape: [...d.shape.slice(0, ax), ...idx.shape, ...d.shape.slice(ax + 1)], dtype: d.dtype };
  },
  GatherElements: (inputs, p, op) => {
    arity(op, inputs, 2);
    const d = at(inputs, 0);
    const idx = at(inputs, 1);
    if (idx.dtype !== 'int64') throw new IRShapeError(op, `indices must be int64, got ${idx.dtype}`);
    if (idx.shape.length !== d.shape.length) throw new IRShapeError(op, 'indices must have the rank of data');
    normAxis(p.axis, d.shape.length);
    return { shape: idx.shape, dtype: d.dtype };
  },
  ScatterAddElements: (inputs, p, op) => {
    arity(op, inputs, 3);
    const d = at(inputs, 0);
    const idx = at(inputs, 1);
    const u = at(inputs, 2);
    if (idx.dtype !== 'int64') throw new IRShapeError(op, `indices must be int64, got ${idx.dtype}`);
    if (idx.shape.join() !== u.shape.join() || idx.shape.length !== d.shape.length) throw new IRShapeError(op, 'indices and updates must share a shape of the rank of data');
    if (u.dtype !== d.dtype) throw new IRShapeError(op, 'updates dtype must match data');
    normAxis(p.axis, d.shape.length);
    return { shape: d.shape, dtype: d.dtype };
  },
  Pad: (inputs, p, op) => {
    arity(op, inputs, 1);
    const x = at(inputs, 0);
    const r = x.shape.length;
    checkPads(op, p.pads, 2 * r);
    const shape = x.shape.map((d, i) => d + (p.pads[i] as number) + (p.pads[i + r] as number));
    if (p.mode === 'reflect') {
      x.shape.forEach((d, i) => {
        if ((p.pads[i] as number) >= d || (p.pads[i + r] as number) >= d) throw new IRShapeError(op, `reflect pad ${p.pads[i]}/${p.pads[i + r]} needs dim > pad, dim is ${d}`);
      });
    }
    return { shape, dtype: x.dtype };
  },
  Expand: (inputs, p, op) => {
    arity(op, inputs, 1);
    const x = at(inputs, 0);
    return { shape: broadcast(op, x.shape, p.shape), dtype: x.dtype };
  },
  ReduceSum: reduceRule(), ReduceMean: reduceRule(), ReduceMax: reduceRule(),
  Softmax: (inputs, p, op) => {
    const r = unaryFloat<'Softmax'>()(inputs, p, op);
    normAxis(p.axis, r.shape.length);
    return r;
  },
  LogSoftmax: (inputs, p, op) => {
    const r = unaryFloat<'LogSoftmax'>()(inputs, p, op);
    normAxis(p.axis, r.shape.length);
    return r;
  },
  LayerNorm: (inputs, p, op) => {
    arity(op, inputs, 3);
    const x = at(inputs, 0);
    const ax = normAxis(p.axis, x.shape.length);
    const norm = x.shape.slice(ax);
    for (const i of [1, 2]) {
      const s = at(inputs, i).shape;
      if (s.join() !== norm.join()) throw new IRShapeError(op, `scale/bias must be ${fmtShape(norm)}, got ${fmtShape(s)}`);
    }
    if (!(p.eps > 0)) throw new IRShapeError(op, `eps must be > 0, got ${p.eps}`);
    return { shape: x.shape, dtype: 'float32' };
  },
  BatchNorm: (inputs, p, op) => {
    arity(op, inputs, 5);
    const x = at(inputs, 0);
    if (x.shape.length < 2) throw new IRShapeError(op, 'input needs a channel axis');
    const c = dimOf(x.shape, 1);
    for (const i of [1, 2, 3, 4]) {
      const s = at(inputs, i).shape;
      if (s.length !== 1 || s[0] !== c) throw new IRShapeError(op, `per-channel inputs must be [${c}], got ${fmtShape(s)}`);
    }
    if (!(p.eps > 0)) throw new IRShapeError(op, `eps must be > 0, got ${p.eps}`);
    return { shape: x.shape, dtype: 'float32' };
  },
  Resize: (inputs, p, op) => {
    arity(op, inputs, 1);
    const x = at(inputs, 0);
    if (p.sizes.length !== x.shape.length) throw new IRShapeError(op, `sizes must have rank ${x.shape.length}`);
    if (p.sizes.some((v) => !Number.isInteger(v) || v < 0)) throw new IRShapeError(op, `sizes must be non-negative integers (0 keeps the input extent), got [${p.sizes.join(',')}]`);
    const shape = p.sizes.map((s, i) => (s === 0 ? dimOf(x.shape, i) : s));
    if (p.coordinate === 'align_corners') {
      shape.forEach((s, i) => {
        if (s === 1 && dimOf(x.shape, i) !== 1) throw new IRShapeError(op, 'align_corners with an output size of 1 is undefined');
      });
    }
    return { shape, dtype: 'float32' };
  },
};

function poolShape(op: string, inputs: readonly ValueInfo[], p: OpParams['MaxPool']): ValueInfo {
  if (op !== 'MaxPoolGrad') arity(op, inputs, 1);
  const x = at(inputs, 0);
  if (x.shape.length !== 4) throw new IRShapeError(op, `needs NCHW input, got ${fmtShape(x.shape)}`);
  pos(op, 'kernel', p.kernel); pos(op, 'strides', p.strides);
  checkPads(op, p.pads, 4);
  if (p.pads[0] >= p.kernel[0] || p.pads[2] >= p.kernel[0] || p.pads[1] >= p.kernel[1] || p.pads[3] >= p.kernel[1]) {
    throw new IRShapeError(op, 'pads must be smaller than the kernel');
  }
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const oh = convOut(op, h, p.kernel[0], p.strides[0], 1, p.pads[0], p.pads[2]);
  const ow = convOut(op, w, p.kernel[1], p.strides[1], 1, p.pads[1], p.pads[3]);
  return { shape: [n, c, oh, ow], dtype: 'float32' };
}

/** The IR dtype that holds a host tensor of a given dtype (floats become float32). */
export function irDType(t: TensorDType): DType {
  if (t === 'int64' || t === 'int32' || t === 'int16' || t === 'int8' || t === 'uint8') return 'int64';
  if (t === 'bool') return 'bool';
  return 'float32';
}

export function infer<K extends Op>(op: K, inputs: readonly ValueInfo[], params: OpParams[K]): ValueInfo {
  return (inferRules[op] as InferRule<K>)(inputs, params, op);
}
