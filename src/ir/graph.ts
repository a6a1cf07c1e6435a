/**
 * The graph IR: immutable single-output nodes (`Value`s) created by a `GraphBuilder`, which runs
 * shape inference at creation time and tracks named scopes. Parameter names are the dotted scope
 * path plus a local name, so they equal PyTorch state_dict keys (`encoder.cnn1.weight`).
 *
 * A `Graph` is a snapshot: named inputs, every declared parameter (used or not, so strict checkpoint
 * loading knows the full key set), the nodes reachable from the outputs in topological order, and
 * named outputs.
 */
import type { DType, Init, Op, OpParams, Conv2dParams, Pool2dParams } from './ops.ts';
import { infer, type ValueInfo, IRShapeError } from './infer.ts';
import { type Shape, fmtShape, normAxis, PneumaError } from '../util/index.ts';
import { type HostTensor, tensor, f32 } from '../tensor/index.ts';

export class Value<K extends Op = Op> implements ValueInfo {
  constructor(
    readonly id: number,
    readonly op: K,
    readonly inputs: readonly Value[],
    readonly params: OpParams[K],
    readonly shape: Shape,
    readonly dtype: DType,
    readonly scope: string,
  ) {}

  is<T extends Op>(op: T): this is Value<T> {
    return (this.op as Op) === op;
  }

  get rank(): number {
    return this.shape.length;
  }

  toString(): string {
    return `%${this.id}:${this.op}${fmtShape(this.shape)}`;
  }
}

export type Scalar = number;
export type ValueOrScalar = Value | Scalar;

export interface ParamOptions {
  init: Init;
  /** Buffers (BN running stats, fixed masks and index tables) are not trainable. Default true. */
  trainable?: boolean;
  /** float32 (default) or int64 for integer buffers (index tables, `num_batches_tracked`); int64 is never trainable. */
  dtype?: DType;
}

/**
 * A random input: declared like any input, fed by the step runner from its seeded Rng each call, so all
 * randomness of a training step (dropout masks, drop-path keeps, augmentation draws) is explicit.
 * bernoulli: value `scale` with probability `p`, else 0 (dropout keep masks use p = 1 − rate, scale = 1/p);
 * uniform: U[low, high); normal: N(0, 1).
 */
export type RandomDist =
  | { kind: 'bernoulli'; p: number; scale: number }
  | { kind: 'uniform'; low: number; high: number }
  | { kind: 'normal' };

export interface Graph {
  readonly inputs: readonly Value<'Input'>[];
  /** Every parameter declared while building, in declaration order (including unused ones). */
  readonly params: readonly Value<'Param'>[];
  /** Nodes reachable from the outputs, inputs before users. */
  readonly nodes: readonly Value[];
  readonly outputs: readonly { readonly name: string; readonly value: Value }[];
  /** Distributions of the inputs declared with `randomInput`, by input name. */
  readonly random: ReadonlyMap<string, RandomDist>;
  /**
   * New values for non-trainable buffers computed by the graph (e.g. BatchNorm running statistics in
   * training mode), by parameter name. A training step returns them as extra outputs.
   */
  readonly updates: ReadonlyMap<string, Value>;
}

export class GraphBuildError extends PneumaError {
  constructor(message: string) {
    super('ir-build', message);
  }
}

export class GraphBuilder {
  private nextId = 0;
  private scopes: string[] = [];
  private readonly declaredInputs = new Map<string, Value<'Input'>>();
  private readonly declaredParams = new Map<string, Value<'Param'>>();
  private readonly randomDists = new Map<string, RandomDist>();
  private readonly bufferUpdates = new Map<string, Value>();

  // ---------------------------------------------------------------- structure

  /** Run `fn` inside a named scope; parameters declared inside get the dotted prefix. */
  scope<T>(name: string | number, fn: () => T): T {
    this.scopes.push(String(name));
    try {
      return fn();
    } finally {
      this.scopes.pop();
    }
  }

  get scopePath(): string {
    return this.scopes.join('.');
  }

  /** Create a node, inferring its shape and dtype. */
  node<K extends Op>(op: K, inputs: readonly Value[], params: OpParams[K]): Value<K> {
    let info: ValueInfo;
    try {
      info = infer(op, inputs, params);
    } catch (e) {
      if (e instanceof IRShapeError) {
        throw new IRShapeError(op, `${e.message.replace(/^[^:]*: /, '')} (in scope '${this.scopePath}', inputs ${inputs.map((i) => fmtShape(i.shape)).join(', ')})`);
      }
      throw e;
    }
    return new Value(this.nextId++, op, inputs, params, info.shape, info.dtype, this.scopePath);
  }

  input(name: string, shape: Shape, dtype: DType = 'float32'): Value<'Input'> {
    if (this.declaredInputs.has(name)) throw new GraphBuildError(`input '${name}' declared twice`);
    checkShape(shape, `input '${name}'`);
    const v = new Value(this.nextId++, 'Input', [], { name }, [...shape], dtype, this.scopePath);
    this.declaredInputs.set(name, v);
    return v;
  }

  /** A weight named `<scope>.<local>`; declaring the same full name twice is an error. */
  param(local: string, shape: Shape, opts: ParamOptions): Value<'Param'> {
    const name = this.scopePath ? `${this.scopePath}.${local}` : local;
    if (this.declaredParams.has(name)) throw new GraphBuildError(`parameter '${name}' declared twice`);
    checkShape(shape, `parameter '${name}'`);
    if (opts.init.kind === 'tensor' && opts.init.value.shape.join() !== shape.join()) {
      throw new GraphBuildError(`parameter '${name}': init tensor ${fmtShape(opts.init.value.shape)} does not match ${fmtShape(shape)}`);
    }
    const dtype = opts.dtype ?? 'float32';
    if (dtype !== 'float32' && opts.trainable === true) throw new GraphBuildError(`parameter '${name}': only float32 parameters can be trainable`);
    const trainable = dtype === 'float32' ? (opts.trainable ?? true) : false;
    const v = new Value(this.nextId++, 'Param', [], { name, trainable, init: opts.init }, [...shape], dtype, this.scopePath);
    this.declaredParams.set(name, v);
    return v;
  }

  /** Declare a random input (see `RandomDist`); its name is prefixed by the current scope. */
  randomInput(local: string, shape: Shape, dist: RandomDist): Value<'Input'> {
    const name = this.scopePath ? `${this.scopePath}.${local}` : local;
    const v = this.input(name, shape, 'float32');
    this.randomDists.set(name, dist);
    return v;
  }

  /** Record the new value of a non-trainable buffer (returned by training steps as an extra output). */
  setUpdate(buffer: Value<'Param'>, value: Value): void {
    if (buffer.params.trainable) throw new GraphBuildError(`'${buffer.params.name}' is trainable; only buffers take updates`);
    if (value.shape.join() !== buffer.shape.join() || value.dtype !== buffer.dtype) {
      throw new GraphBuildError(`update for '${buffer.params.name}' has ${fmtShape(value.shape)} ${value.dtype}, buffer is ${fmtShape(buffer.shape)} ${buffer.dtype}`);
    }
    if (this.bufferUpdates.has(buffer.params.name)) throw new GraphBuildError(`buffer '${buffer.params.name}' updated twice`);
    this.bufferUpdates.set(buffer.params.name, value);
  }

  /** A non-trainable named tensor (float32 buffers such as BN statistics or attention masks). */
  buffer(local: string, shape: Shape, init: Init, dtype: DType = 'float32'): Value<'Param'> {
    return this.param(local, shape, { init, trainable: false, dtype });
  }

  const(value: HostTensor): Value<'Const'> {
    return this.node('Const', [], { value });
  }

  scalar(v: number, dtype: DType = 'float32'): Value<'Const'> {
    if (dtype === 'int64') return this.const(tensor('int64', [], BigInt64Array.of(BigInt(v))));
    if (dtype === 'bool') return this.const(tensor('bool', [], Uint8Array.of(v ? 1 : 0)));
    return this.const(f32([], [v]));
  }

  /** Snapshot the graph reachable from `outputs`. */
  build(outputs: Record<string, Value>): Graph {
    const names = Object.keys(outputs);
    if (names.length === 0) throw new GraphBuildError('a graph needs at least one output');
    const seen = new Set<number>();
    const order: Value[] = [];
    // iterative post-order DFS (graphs can be deep)
    const stack: { v: Value; i: number }[] = [];
    for (const name of names) {
      const root = outputs[name] as Value;
      if (seen.has(root.id)) continue;
      stack.push({ v: root, i: 0 });
      seen.add(root.id);
      while (stack.length > 0) {
        const top = stack[stack.length - 1] as { v: Value; i: number };
        if (top.i < top.v.inputs.length) {
          const child = top.v.inputs[top.i++] as Value;
          if (!seen.has(child.id)) {
            seen.add(child.id);
            stack.push({ v: child, i: 0 });
          }
        } else {
          order.push(top.v);
          stack.pop();
        }
      }
    }
    for (const v of order) {
      if (v.is('Input') && this.declaredInputs.get(v.params.name) !== v) throw new GraphBuildError(`input '${v.params.name}' belongs to another builder`);
      if (v.is('Param') && this.declaredParams.get(v.params.name) !== v) throw new GraphBuildError(`parameter '${v.params.name}' belongs to another builder`);
    }
    return {
      inputs: [...this.declaredInputs.values()],
      params: [...this.declaredParams.values()],
      nodes: order,
      outputs: names.map((name) => ({ name, value: outputs[name] as Value })),
      random: new Map(this.randomDists),
      updates: new Map(this.bufferUpdates),
    };
  }

  private lift(x: ValueOrScalar, like: Value): Value {
    return typeof x === 'number' ? this.scalar(x, like.dtype) : x;
  }

  private bin<K extends 'Add' | 'Sub' | 'Mul' | 'Div' | 'Pow' | 'Max' | 'Min' | 'Equal' | 'Less' | 'Greater'>(op: K, a: ValueOrScalar, b: ValueOrScalar): Value<K> {
    if (typeof a === 'number' && typeof b === 'number') throw new GraphBuildError(`${op} of two numbers: compute it on the host`);
    const va = typeof a === 'number' ? this.lift(a, b as Value) : a;
    const vb = typeof b === 'number' ? this.lift(b, a as Value) : b;
    return this.node(op, [va, vb], {} as OpParams[K]);
  }

  // ---------------------------------------------------------------- elementwise

  neg(x: Value) { return this.node('Neg', [x], {}); }
  exp(x: Value) { return this.node('Exp', [x], {}); }
  log(x: Value) { return this.node('Log', [x], {}); }
  sqrt(x: Value) { return this.node('Sqrt', [x], {}); }
  reciprocal(x: Value) { return this.node('Reciprocal', [x], {}); }
  tanh(x: Value) { return this.node('Tanh', [x], {}); }
  erf(x: Value) { return this.node('Erf', [x], {}); }
  sigmoid(x: Value) { return this.node('Sigmoid', [x], {}); }
  abs(x: Value) { return this.node('Abs', [x], {}); }
  relu(x: Value) { return this.node('Relu', [x], {}); }
  sin(x: Value) { return this.node('Sin', [x], {}); }
  cos(x: Value) { return this.node('Cos', [x], {}); }
  floor(x: Value) { return this.node('Floor', [x], {}); }
  sign(x: Value) { return this.node('Sign', [x], {}); }
  clip(x: Value, min: number, max: number) { return this.node('Clip', [x], { min, max }); }
  hardSigmoid(x: Value, alpha: number, beta: number) { return this.node('HardSigmoid', [x], { alpha, beta }); }
  hardSwish(x: Value) { return this.node('HardSwish', [x], {}); }

  add(a: ValueOrScalar, b: ValueOrScalar) { return this.bin('Add', a, b); }
  sub(a: ValueOrScalar, b: ValueOrScalar) { return this.bin('Sub', a, b); }
  mul(a: ValueOrScalar, b: ValueOrScalar) { return this.bin('Mul', a, b); }
  div(a: ValueOrScalar, b: ValueOrScalar) { return this.bin('Div', a, b); }
  pow(a: ValueOrScalar, b: ValueOrScalar) { return this.bin('Pow', a, b); }
  max(a: ValueOrScalar, b: ValueOrScalar) { return this.bin('Max', a, b); }
  min(a: ValueOrScalar, b: ValueOrScalar) { return this.bin('Min', a, b); }
  equal(a: ValueOrScalar, b: ValueOrScalar) { return this.bin('Equal', a, b); }
  less(a: ValueOrScalar, b: ValueOrScalar) { return this.bin('Less', a, b); }
  greater(a: ValueOrScalar, b: ValueOrScalar) { return this.bin('Greater', a, b); }
  where(cond: Value, a: ValueOrScalar, b: ValueOrScalar) {
    const ref = typeof a === 'number' ? (typeof b === 'number' ? null : b) : a;
    const va = typeof a === 'number' ? (ref ? this.lift(a, ref) : this.scalar(a)) : a;
    const vb = typeof b === 'number' ? this.lift(b, va) : b;
    return this.node('Where', [cond, va, vb], {});
  }
  cast(x: Value, to: DType) { return x.dtype === to ? x : this.node('Cast', [x], { to }); }

  // ---------------------------------------------------------------- linear algebra, conv, pooling

  matmul(a: Value, b: Value) { return this.node('MatMul', [a, b], {}); }

  conv(x: Value, w: Value, bias: Value | null, p: Partial<Conv2dParams> = {}) {
    const params: Conv2dParams = {
      strides: p.strides ?? [1, 1],
      pads: p.pads ?? [0, 0, 0, 0],
      dilations: p.dilations ?? [1, 1],
      group: p.group ?? 1,
    };
    return this.node('Conv', bias ? [x, w, bias] : [x, w], params);
  }

  convTranspose(x: Value, w: Value, p: Conv2dParams & { outputPadding: readonly [number, number] }) {
    return this.node('ConvTranspose', [x, w], p);
  }

  avgPool(x: Value, p: Pool2dParams & { countIncludePad: boolean }) { return this.node('AveragePool', [x], p); }
  maxPool(x: Value, p: Pool2dParams) { return this.node('MaxPool', [x], p); }

  // ---------------------------------------------------------------- data movement

  reshape(x: Value, shape: readonly number[]) { return this.node('Reshape', [x], { shape: [...shape] }); }
  transpose(x: Value, perm: readonly number[]) { return this.node('Transpose', [x], { perm: [...perm] }); }
  /** Slice one axis: x[start:end:step] along `axis`. */
  slice(x: Value, axis: number, start: number, end: number, step = 1) {
    return this.node('Slice', [x], { starts: [start], ends: [end], axes: [axis], steps: [step] });
  }
  sliceN(x: Value, p: OpParams['Slice']) { return this.node('Slice', [x], p); }
  concat(xs: readonly Value[], axis: number) { return this.node('Concat', xs, { axis }); }
  /** Split along `axis` into pieces of the given sizes (a composite of slices). */
  split(x: Value, axis: number, sizes: readonly number[]): Value[] {
    const ax = normAxis(axis, x.rank);
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total !== x.shape[ax]) throw new GraphBuildError(`split sizes [${sizes.join(',')}] do not sum to dim ${x.shape[ax]}`);
    let at = 0;
    return sizes.map((s) => {
      const v = this.slice(x, ax, at, at + s);
      at += s;
      return v;
    });
  }
  gather(x: Value, indices: Value, axis: number) { return this.node('Gather', [x, indices], { axis }); }
  gatherElements(x: Value, indices: Value, axis: number) { return this.node('GatherElements', [x, indices], { axis }); }
  scatterAddElements(data: Value, indices: Value, updates: Value, axis: number) {
    return this.node('ScatterAddElements', [data, indices, updates], { axis });
  }
  pad(x: Value, pads: readonly number[], mode: 'constant' | 'reflect' | 'edge' = 'constant', value = 0) {
    return this.node('Pad', [x], { pads: [...pads], mode, value });
  }
  expand(x: Value, shape: readonly number[]) { return this.node('Expand', [x], { shape: [...shape] }); }

  // ---------------------------------------------------------------- reductions and normalisation

  sum(x: Value, axes: readonly number[], keepDims = false) { return this.node('ReduceSum', [x], { axes: [...axes], keepDims }); }
  mean(x: Value, axes: readonly number[], keepDims = false) { return this.node('ReduceMean', [x], { axes: [...axes], keepDims }); }
  reduceMax(x: Value, axes: readonly number[], keepDims = false) { return this.node('ReduceMax', [x], { axes: [...axes], keepDims }); }
  /** Sum over every axis (a rank-0 value is returned as is: a reduction needs at least one axis). */
  sumAll(x: Value): Value { return x.rank === 0 ? x : this.sum(x, x.shape.map((_, i) => i)); }
  meanAll(x: Value): Value { return x.rank === 0 ? x : this.mean(x, x.shape.map((_, i) => i)); }
  softmax(x: Value, axis: number) { return this.node('Softmax', [x], { axis }); }
  logSoftmax(x: Value, axis: number) { return this.node('LogSoftmax', [x], { axis }); }
  layerNorm(x: Value, scale: Value, bias: Value, eps: number, axis = -1) { return this.node('LayerNorm', [x, scale, bias], { axis, eps }); }
  batchNorm(x: Value, scale: Value, bias: Value, mean: Value, variance: Value, eps: number) {
    return this.node('BatchNorm', [x, scale, bias, mean, variance], { eps });
  }
  resize(x: Value, p: OpParams['Resize']) { return this.node('Resize', [x], p); }
}

function checkShape(shape: Shape, what: string): void {
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new GraphBuildError(`${what}: bad shape ${fmtShape(shape)}`);
}
