/**
 * The float64 reference interpreter: the executable spec of every IR op. ONNX lowering and ONNX
 * Runtime are checked against it, and gradients are checked against its finite differences.
 *
 * All values are computed in float64 (int64 as exact integers, bool as 0/1). Shapes are re-inferred with
 * `inferRules` from the runtime input shapes, so shape-polymorphic params (Reshape's 0/−1) resolve per
 * call. Feeds and weights are checked strictly: unknown names, missing values, wrong dtypes and wrong
 * shapes are errors that name them.
 */
import type { DType, Op, OpParams } from './ops.ts';
import type { Graph, Value } from './graph.ts';
import { inferRules, type InferRule, type ValueInfo } from './infer.ts';
import { formatNode, formatInit } from './print.ts';
import { type Tensor64, InterpError, t64, dimsProduct } from './interp-tensor.ts';
import { mapUnary, mapBinary, where, sign, sigmoid, erf, cast } from './interp-elementwise.ts';
import { transpose, slice, concat, gather, gatherElements, scatterAddElements, pad, expand } from './interp-movement.ts';
import { reduce, softmax, layerNorm, batchNorm } from './interp-reduce.ts';
import { matmul, conv, convTranspose, averagePool, maxPool, maxPoolGrad } from './interp-conv.ts';
import { resizeTaps } from './resize-weights.ts';
import { type HostTensor, type TensorDType, tensor, toFloat64 } from '../tensor/index.ts';
import { type Shape, fmtShape, InvariantError, PneumaError } from '../util/index.ts';

export { type Tensor64, InterpError } from './interp-tensor.ts';

/** Computes an op's output data from its input values; `out` is the re-inferred output shape and dtype. */
export type EvalRule<K extends Op> = (inputs: readonly Tensor64[], params: OpParams[K], out: ValueInfo) => Float64Array;

const unary = <K extends Op>(f: (v: number) => number): EvalRule<K> => (xs) => mapUnary(xs[0] as Tensor64, f);
const binary = <K extends Op>(f: (a: number, b: number) => number): EvalRule<K> => (xs, _p, out) =>
  mapBinary(xs[0] as Tensor64, xs[1] as Tensor64, out.shape, f);
const leaf = <K extends Op>(): EvalRule<K> => () => {
  throw new InvariantError('Input and Param values are bound by evaluate(), not computed');
};
const x0 = (xs: readonly Tensor64[]): Tensor64 => xs[0] as Tensor64;
const x1 = (xs: readonly Tensor64[]): Tensor64 => xs[1] as Tensor64;

/** `outShape`: the inferred output shape (`sizes` with its 0 entries resolved to the input extents). */
function resize(x: Tensor64, p: OpParams['Resize'], outShape: Shape): Float64Array {
  let cur = x.data;
  const shape = [...x.shape];
  for (let ax = 0; ax < shape.length; ax++) {
    const inSize = shape[ax] as number;
    const outSize = outShape[ax] as number;
    if (inSize === outSize) continue;
    if (inSize === 0) throw new InterpError(`Resize: axis ${ax} is empty, cannot interpolate to ${outSize}`);
    const { taps, index, weight } = resizeTaps(inSize, outSize, p);
    const outer = dimsProduct(shape, 0, ax);
    const inner = dimsProduct(shape, ax + 1, shape.length);
    const next = new Float64Array(outer * outSize * inner);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < outSize; j++) {
        const dst = (o * outSize + j) * inner;
        for (let t = 0; t < taps; t++) {
          const wv = weight[j * taps + t] as number;
          const src = (o * inSize + (index[j * taps + t] as number)) * inner;
          for (let i = 0; i < inner; i++) next[dst + i] = (next[dst + i] as number) + wv * (cur[src + i] as number);
        }
      }
    }
    cur = next;
    shape[ax] = outSize;
  }
  return cur === x.data ? Float64Array.from(cur) : cur;
}

/** One float64 evaluation rule per op: the spec. */
export const evalRules: { readonly [K in Op]: EvalRule<K> } = {
  Input: leaf(),
  Param: leaf(),
  Const: (_xs, p) => toFloat64(p.value),
  Neg: unary((v) => -v),
  Exp: unary(Math.exp),
  Log: unary(Math.log),
  Sqrt: unary(Math.sqrt),
  Reciprocal: unary((v) => 1 / v),
  Tanh: unary(Math.tanh),
  Erf: unary(erf),
  Sigmoid: unary(sigmoid),
  Abs: unary(Math.abs),
  Relu: unary((v) => (v > 0 ? v : v === v ? 0 : v)),
  Sin: unary(Math.sin),
  Cos: unary(Math.cos),
  Floor: unary(Math.floor),
  Sign: unary(sign),
  Clip: (xs, p) => mapUnary(x0(xs), (v) => (v < p.min ? p.min : v > p.max ? p.max : v)),
  HardSigmoid: (xs, p) => mapUnary(x0(xs), (v) => Math.max(0, Math.min(1, p.alpha * v + p.beta))),
  HardSwish: unary((v) => (v * Math.min(Math.max(v + 3, 0), 6)) / 6),
  Add: binary((a, b) => a + b),
  Sub: binary((a, b) => a - b),
  Mul: binary((a, b) => a * b),
  Div: binary((a, b) => a / b),
  Pow: binary(Math.pow),
  Max: binary(Math.max),
  Min: binary(Math.min),
  Equal: binary((a, b) => (a === b ? 1 : 0)),
  Less: binary((a, b) => (a < b ? 1 : 0)),
  Greater: binary((a, b) => (a > b ? 1 : 0)),
  Where: (xs, _p, out) => where(x0(xs), x1(xs), xs[2] as Tensor64, out.shape),
  Cast: (xs, p) => cast(x0(xs), p.to),
  MatMul: (xs, _p, out) => matmul(x0(xs), x1(xs), out.shape),
  Conv: (xs, p, out) => conv(x0(xs), x1(xs), xs[2], p, out.shape),
  ConvTranspose: (xs, p, out) => convTranspose(x0(xs), x1(xs), p, out.shape),
  AveragePool: (xs, p, out) => averagePool(x0(xs), p, out.shape),
  MaxPool: (xs, p, out) => maxPool(x0(xs), p, out.shape),
  MaxPoolGrad: (xs, p) => maxPoolGrad(x0(xs), x1(xs), p),
  Reshape: (xs) => Float64Array.from(x0(xs).data),
  Transpose: (xs, p, out) => transpose(x0(xs), p.perm, out.shape),
  Slice: (xs, p, out) => slice(x0(xs), p, out.shape),
  Concat: (xs, p, out) => concat(xs, p.axis, out.shape),
  Gather: (xs, p, out) => gather(x0(xs), x1(xs), p.axis, out.shape),
  GatherElements: (xs, p) => gatherElements(x0(xs), x1(xs), p.axis),
  ScatterAddElements: (xs, p) => scatterAddElements(x0(xs), x1(xs), xs[2] as Tensor64, p.axis),
  Pad: (xs, p, out) => pad(x0(xs), p, out.shape),
  Expand: (xs, _p, out) => expand(x0(xs), out.shape),
  ReduceSum: (xs, p) => reduce(x0(xs), p, 'sum'),
  ReduceMean: (xs, p) => reduce(x0(xs), p, 'mean'),
  ReduceMax: (xs, p) => reduce(x0(xs), p, 'max'),
  Softmax: (xs, p) => softmax(x0(xs), p.axis, false),
  LogSoftmax: (xs, p) => softmax(x0(xs), p.axis, true),
  LayerNorm: (xs, p) => layerNorm(x0(xs), x1(xs), xs[2] as Tensor64, p),
  BatchNorm: (xs, p) => batchNorm(xs, p.eps),
  Resize: (xs, p, out) => resize(x0(xs), p, out.shape),
};

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Evaluate one op on concrete values (shape and dtype re-inferred); errors name the op. */
export function evalOp<K extends Op>(op: K, inputs: readonly Tensor64[], params: OpParams[K]): Tensor64 {
  const info = (inferRules[op] as InferRule<K>)(inputs, params, op);
  const data = (evalRules[op] as EvalRule<K>)(inputs, params, info);
  return t64(info.shape, info.dtype, data);
}

function evalNode(v: Value, inputs: readonly Tensor64[]): Tensor64 {
  try {
    return evalOp(v.op, inputs, v.params);
  } catch (e) {
    const shapes = inputs.map((i) => fmtShape(i.shape)).join(', ');
    const msg = `${formatNode(v)}: ${describe(e)} (runtime input shapes ${shapes})`;
    if (e instanceof PneumaError && !(e instanceof InvariantError)) throw new InterpError(msg, { cause: e });
    throw new InvariantError(msg);
  }
}

/** Accepted host dtypes for each IR dtype (float32 values may be fed in float64 for exact checks). */
const ACCEPTS: { readonly [D in DType]: readonly TensorDType[] } = {
  float32: ['float32', 'float64'],
  int64: ['int64'],
  bool: ['bool'],
};

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function fromHost(t: HostTensor, dtype: DType, what: string): Tensor64 {
  if (!ACCEPTS[dtype].includes(t.dtype)) throw new InterpError(`${what}: expected ${ACCEPTS[dtype].join(' or ')}, got ${t.dtype}`);
  const data = toFloat64(t);
  if (dtype === 'int64') {
    for (let i = 0; i < data.length; i++) {
      if (Math.abs(data[i] as number) > MAX_SAFE) throw new InterpError(`${what}: int64 value at element ${i} exceeds 2^53`);
    }
  }
  return t64(t.shape, dtype, data);
}

/** A float64 interpreter value as a host tensor: float32 → float64, int64 → int64, bool → bool. */
export function toHost(t: Tensor64): HostTensor {
  if (t.dtype === 'float32') return tensor('float64', t.shape, Float64Array.from(t.data));
  if (t.dtype === 'bool') return tensor('bool', t.shape, Uint8Array.from(t.data));
  const out = new BigInt64Array(t.data.length);
  for (let i = 0; i < out.length; i++) out[i] = BigInt(t.data[i] as number);
  return tensor('int64', t.shape, out);
}

export interface EvaluateOptions {
  /** Axes of named inputs whose size may differ from the declared shape (e.g. batch or time). */
  readonly dynamicAxes?: Readonly<Record<string, readonly number[]>>;
}

function checkShape(actual: Shape, declared: Shape, dynamic: readonly number[], what: string): void {
  const ok = actual.length === declared.length && actual.every((d, i) => d === declared[i] || dynamic.includes(i));
  if (!ok) {
    const dyn = dynamic.length > 0 ? ` (dynamic axes ${dynamic.join(',')})` : '';
    throw new InterpError(`${what}: shape ${fmtShape(actual)} does not match declared ${fmtShape(declared)}${dyn}`);
  }
}

/** Bind every Input and Param of the graph that its nodes use, checking names, dtypes and shapes. */
function bindLeaves(graph: Graph, feeds: Readonly<Record<string, HostTensor>>, weights: ReadonlyMap<string, HostTensor>, opts: EvaluateOptions): Map<Value, Tensor64> {
  const inputNames = new Set(graph.inputs.map((v) => v.params.name));
  const paramNames = new Set(graph.params.map((v) => v.params.name));
  const unknownFeeds = Object.keys(feeds).filter((k) => !inputNames.has(k));
  if (unknownFeeds.length > 0) throw new InterpError(`unknown feeds ${unknownFeeds.map((k) => `'${k}'`).join(', ')}; graph inputs are ${[...inputNames].map((k) => `'${k}'`).join(', ') || 'none'}`);
  const unknownWeights = [...weights.keys()].filter((k) => !paramNames.has(k));
  if (unknownWeights.length > 0) throw new InterpError(`unknown weights ${unknownWeights.map((k) => `'${k}'`).join(', ')} (not parameters of this graph)`);
  for (const [name, axes] of Object.entries(opts.dynamicAxes ?? {})) {
    if (!inputNames.has(name)) throw new InterpError(`dynamicAxes names unknown input '${name}'`);
    if (axes.some((a) => !Number.isInteger(a) || a < 0)) throw new InterpError(`dynamicAxes of '${name}' must be non-negative axis numbers`);
  }
  const bound = new Map<Value, Tensor64>();
  for (const v of graph.nodes) {
    if (v.is('Input')) {
      const name = v.params.name;
      const t = feeds[name];
      if (!t) throw new InterpError(`missing feed for input '${name}' ${fmtShape(v.shape)} ${v.dtype}`);
      const val = fromHost(t, v.dtype, `feed '${name}'`);
      checkShape(val.shape, v.shape, opts.dynamicAxes?.[name] ?? [], `feed '${name}'`);
      bound.set(v, val);
    } else if (v.is('Param')) {
      const name = v.params.name;
      const t = weights.get(name);
      if (!t) {
        const how = v.params.init.kind === 'external' ? 'load it from a checkpoint' : `initialise it first (init ${formatInit(v.params.init)})`;
        throw new InterpError(`missing weight for parameter '${name}' ${fmtShape(v.shape)}: ${how}`);
      }
      const val = fromHost(t, v.dtype, `weight '${name}'`);
      checkShape(val.shape, v.shape, [], `weight '${name}'`);
      bound.set(v, val);
    }
  }
  return bound;
}

/**
 * Evaluate every node; `keep` decides which node values stay in the returned map (the others are freed
 * after their last use).
 */
function run(graph: Graph, feeds: Readonly<Record<string, HostTensor>>, weights: ReadonlyMap<string, HostTensor>, opts: EvaluateOptions, keep: (v: Value) => boolean): Map<Value, Tensor64> {
  const vals = bindLeaves(graph, feeds, weights, opts);
  const lastUse = new Map<Value, number>();
  graph.nodes.forEach((v, i) => v.inputs.forEach((u) => lastUse.set(u, i)));
  graph.nodes.forEach((v, i) => {
    if (!vals.has(v)) {
      const inputs = v.inputs.map((u) => {
        const t = vals.get(u);
        if (!t) throw new InvariantError(`${formatNode(v)}: input %${u.id} not evaluated before its user`);
        return t;
      });
      vals.set(v, evalNode(v, inputs));
    }
    for (const u of v.inputs) if (lastUse.get(u) === i && !keep(u)) vals.delete(u);
  });
  return vals;
}

/** Every node's value (for debugging, gradient checks and layer-by-layer comparisons). */
export function evaluateValues(graph: Graph, feeds: Readonly<Record<string, HostTensor>>, weights: ReadonlyMap<string, HostTensor>, opts: EvaluateOptions = {}): Map<Value, Tensor64> {
  return run(graph, feeds, weights, opts, () => true);
}

/** Evaluate the graph's named outputs: float32 values come back as float64 tensors, int64 as int64, bool as bool. */
export function evaluate(graph: Graph, feeds: Readonly<Record<string, HostTensor>>, weights: ReadonlyMap<string, HostTensor>, opts: EvaluateOptions = {}): Record<string, HostTensor> {
  const outs = new Set(graph.outputs.map((o) => o.value));
  const vals = run(graph, feeds, weights, opts, (v) => outs.has(v));
  const result: Record<string, HostTensor> = {};
  for (const o of graph.outputs) {
    const t = vals.get(o.value);
    if (!t) throw new InvariantError(`output '${o.name}' was not evaluated`);
    result[o.name] = toHost(t);
  }
  return result;
}
