/**
 * IR → ONNX lowering: one rule per IR op (a mapped type, so a new op without a lowering does not
 * compile), each emitting standard-domain ONNX nodes of the pinned opset (./opset.ts) only.
 * `toOnnx` lowers a graph and encodes it as a ModelProto, self-contained or with large initializers
 * as external data.
 */
import type { Graph, Op, OpParams, Value } from '../ir/index.ts';
import { f32 } from '../tensor/index.ts';
import { OnnxExportError } from './errors.ts';
import { type DynamicAxes, dynamicShapes } from './dynamic.ts';
import { encodeModel, type ExternalDataOptions, type EncodedWithExternalData } from './encode.ts';
import { LowerState, type LowerContext, type LoweredInitializer, type LoweredNode, type LoweredValue } from './lower-context.ts';
import { type ExecutionProvider, type SupportIssue, providerIssues, type EmittedNode, type OnnxOp } from './opset.ts';
import { type Attrs, ONNX_DTYPE, float, int, ints, str } from './proto.ts';
import { resizeMatrix } from '../ir/resize-weights.ts';
import type { HostTensor } from '../tensor/index.ts';

export type LowerRule<K extends Op> = (ctx: LowerContext, node: Value<K>, inputs: readonly string[]) => string;

const unary = <K extends Op>(op: OnnxOp): LowerRule<K> => (c, _n, [x]) => c.result(op, [x as string]);
const binary = <K extends Op>(op: OnnxOp): LowerRule<K> => (c, _n, [a, b]) => c.result(op, [a as string, b as string]);

/** Comparisons: ONNX Less/Greater have no bool kernels, so bool operands are compared as int64. */
const compare = <K extends 'Less' | 'Greater'>(op: OnnxOp): LowerRule<K> => (c, n, ins) => {
  const [a, b] = ins as [string, string];
  if ((n.inputs[0] as Value).dtype !== 'bool') return c.result(op, [a, b]);
  const [ca] = c.emit('Cast', [a], { to: int(ONNX_DTYPE.int64) });
  const [cb] = c.emit('Cast', [b], { to: int(ONNX_DTYPE.int64) });
  return c.result(op, [ca as string, cb as string]);
};

const conv2d = (p: OpParams['Conv'], w: Value): Attrs => ({
  kernel_shape: ints(w.shape.slice(2)),
  strides: ints(p.strides),
  pads: ints(p.pads),
  dilations: ints(p.dilations),
  group: int(p.group),
});

const pool2d = (p: OpParams['MaxPool']): Attrs => ({ kernel_shape: ints(p.kernel), strides: ints(p.strides), pads: ints(p.pads) });

const reduce = <K extends 'ReduceSum' | 'ReduceMean' | 'ReduceMax'>(op: OnnxOp): LowerRule<K> => (c, n, [x]) =>
  c.result(op, [x as string, c.i64('axes', n.params.axes)], { keepdims: int(n.params.keepDims ? 1 : 0) });

export const lowerRules: { readonly [K in Op]: LowerRule<K> } = {
  Input: (_c, n) => n.params.name,
  Param: (_c, n) => n.params.name,
  Const: (c, n) => c.constant('value', n.params.value),
  Neg: unary('Neg'), Exp: unary('Exp'), Log: unary('Log'), Sqrt: unary('Sqrt'), Reciprocal: unary('Reciprocal'),
  Tanh: unary('Tanh'), Erf: unary('Erf'), Sigmoid: unary('Sigmoid'), Abs: unary('Abs'), Relu: unary('Relu'),
  Sin: unary('Sin'), Cos: unary('Cos'), Floor: unary('Floor'), Sign: unary('Sign'),
  Clip: (c, n, [x]) => {
    const { min, max } = n.params;
    const lo = Number.isFinite(min) ? c.scalar('min', min, 'float32') : '';
    const hi = Number.isFinite(max) ? c.scalar('max', max, 'float32') : '';
    const ins = hi ? [x as string, lo, hi] : lo ? [x as string, lo] : [x as string];
    return c.result('Clip', ins);
  },
  HardSigmoid: (c, n, [x]) => c.result('HardSigmoid', [x as string], { alpha: float(n.params.alpha), beta: float(n.params.beta) }),
  HardSwish: unary('HardSwish'),
  Add: binary('Add'), Sub: binary('Sub'), Mul: binary('Mul'), Div: binary('Div'), Pow: binary('Pow'),
  Max: binary('Max'), Min: binary('Min'), Equal: binary('Equal'),
  Less: compare('Less'), Greater: compare('Greater'),
  Where: (c, _n, ins) => c.result('Where', ins),
  Cast: (c, n, [x]) => c.result('Cast', [x as string], { to: int(ONNX_DTYPE[n.params.to]) }),
  MatMul: binary('MatMul'),
  Conv: (c, n, ins) => c.result('Conv', ins, conv2d(n.params, n.inputs[1] as Value)),
  ConvTranspose: (c, n, ins) =>
    c.result('ConvTranspose', ins, { ...conv2d(n.params, n.inputs[1] as Value), output_padding: ints(n.params.outputPadding) }),
  AveragePool: (c, n, [x]) =>
    c.result('AveragePool', [x as string], { ...pool2d(n.params), count_include_pad: int(n.params.countIncludePad ? 1 : 0) }),
  MaxPool: (c, n, [x]) => c.result('MaxPool', [x as string], pool2d(n.params)),
  MaxPoolGrad: (c, n, ins) => {
    // ORT MaxPool's Indices output flattens over N·C·H·W and keeps the first maximum of each window
    // (strict >, row-major scan); scatter-adding dy at those indices into zeros is the VJP.
    const [x, dy] = ins as [string, string];
    const [, idx] = c.emit('MaxPool', [x], pool2d(n.params), 2);
    const flat = c.i64('flat', [-1]);
    const [idxFlat] = c.emit('Reshape', [idx as string, flat]);
    const [dyFlat] = c.emit('Reshape', [dy, flat]);
    const [xFlat] = c.emit('Reshape', [x, flat]);
    const [len] = c.emit('Shape', [xFlat as string]);
    const [zeros] = c.emit('ConstantOfShape', [len as string]);
    const [dxFlat] = c.emit('ScatterElements', [zeros as string, idxFlat as string, dyFlat as string], { axis: int(0), reduction: str('add') });
    const [shape] = c.emit('Shape', [x]);
    return c.result('Reshape', [dxFlat as string, shape as string]);
  },
  Reshape: (c, n, [x]) => c.result('Reshape', [x as string, c.i64('shape', n.params.shape)]),
  Transpose: (c, n, [x]) => c.result('Transpose', [x as string], { perm: ints(n.params.perm) }),
  Slice: (c, n, [x]) => {
    const p = n.params;
    return c.result('Slice', [x as string, c.i64('starts', p.starts), c.i64('ends', p.ends), c.i64('axes', p.axes), c.i64('steps', p.steps)]);
  },
  Concat: (c, n, ins) => c.result('Concat', ins, { axis: int(n.params.axis) }),
  Gather: (c, n, ins) => c.result('Gather', ins, { axis: int(n.params.axis) }),
  GatherElements: (c, n, ins) => c.result('GatherElements', ins, { axis: int(n.params.axis) }),
  ScatterAddElements: (c, n, ins) => c.result('ScatterElements', ins, { axis: int(n.params.axis), reduction: str('add') }),
  Pad: (c, n, [x]) => {
    const p = n.params;
    const pads = c.i64('pads', p.pads);
    if (p.mode !== 'constant') return c.result('Pad', [x as string, pads], { mode: str(p.mode) });
    return c.result('Pad', [x as string, pads, c.scalar('value', p.value, (n.inputs[0] as Value).dtype)], { mode: str('constant') });
  },
  Expand: (c, n, [x]) => c.result('Expand', [x as string, c.i64('shape', n.params.shape)]),
  ReduceSum: reduce('ReduceSum'), ReduceMean: reduce('ReduceMean'), ReduceMax: reduce('ReduceMax'),
  Softmax: (c, n, [x]) => c.result('Softmax', [x as string], { axis: int(n.params.axis) }),
  LogSoftmax: (c, n, [x]) => c.result('LogSoftmax', [x as string], { axis: int(n.params.axis) }),
  LayerNorm: (c, n, ins) => c.result('LayerNormalization', ins, { axis: int(n.params.axis), epsilon: float(n.params.eps) }),
  BatchNorm: (c, n, ins) => c.result('BatchNormalization', ins, { epsilon: float(n.params.eps) }),
  Resize: (c, n, [x]) => lowerResize(c, n, x as string),
};

/**
 * The axes a Resize interpolates along: those with a fixed output size (not 0) that differs from the
 * input extent, or whose input extent follows a dynamic input axis (a model built at the target size
 * must still resize other sizes to it).
 */
function resizedAxes(n: Value<'Resize'>, isDynamic: (v: Value, axis: number) => boolean): number[] {
  const src = n.inputs[0] as Value;
  return n.params.sizes.flatMap((s, i) => (s !== 0 && (s !== src.shape[i] || isDynamic(src, i)) ? [i] : []));
}

/**
 * Resize. The IR contract (src/ir/ops.ts) is ONNX Resize with exclude_outside = 0, so ONNX Resize is
 * emitted where ORT's CPU kernel accepts the layout (rank 2, or rank 4 with the two leading axes
 * unchanged; onnxruntime upsamplebase.h); otherwise one MatMul per resized axis with the axis's
 * interpolation matrix (src/ir/resize-weights.ts). ONNX Resize gets `sizes` for the listed `axes` only,
 * so an axis that keeps a dynamic extent is left out of them and stays dynamic.
 */
function lowerResize(c: LowerContext, n: Value<'Resize'>, x: string): string {
  const src = n.inputs[0] as Value;
  const p = n.params;
  const rank = src.rank;
  const changed = resizedAxes(n, (v, a) => c.isDynamic(v, a));
  if (changed.length === 0) return c.result('Identity', [x]);
  if (rank === 2 || (rank === 4 && changed.every((i) => i >= 2))) {
    const axes = (rank === 2 ? [0, 1] : [2, 3]).filter((a) => changed.includes(a) || !c.isDynamic(src, a));
    const attrs: Attrs = {
      mode: str(p.mode),
      coordinate_transformation_mode: str(p.coordinate),
      cubic_coeff_a: float(p.cubicA),
      exclude_outside: int(0),
      axes: ints(axes),
    };
    return c.result('Resize', [x, '', '', c.i64('sizes', axes.map((a) => n.shape[a] as number))], attrs);
  }
  for (const a of changed) {
    if (c.isDynamic(src, a)) throw new OnnxExportError(`${c.base}: Resize of axis ${a} needs a static extent, but it follows a dynamic input axis`);
  }
  let cur = x;
  changed.forEach((a, k) => {
    const inSize = src.shape[a] as number;
    const outSize = n.shape[a] as number;
    const w = resizeMatrix(inSize, outSize, p);
    const last = k === changed.length - 1;
    const step = (op: OnnxOp, ins: string[], attrs: Attrs = {}, final = false): string =>
      final ? c.result(op, ins, attrs) : (c.emit(op, ins, attrs)[0] as string);
    if (a === rank - 1) {
      cur = step('MatMul', [cur, c.constant(`axis${a}`, f32([inSize, outSize], transpose(w, outSize, inSize)))], {}, last);
    } else if (a === rank - 2) {
      cur = step('MatMul', [c.constant(`axis${a}`, f32([outSize, inSize], w)), cur], {}, last);
    } else {
      const perm = Array.from({ length: rank }, (_, i) => (i === a ? rank - 1 : i === rank - 1 ? a : i));
      const moved = step('Transpose', [cur], { perm: ints(perm) });
      const mixed = step('MatMul', [moved, c.constant(`axis${a}`, f32([inSize, outSize], transpose(w, outSize, inSize)))]);
      cur = step('Transpose', [mixed], { perm: ints(perm) }, last);
    }
  });
  return cur;
}

function transpose(w: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let k = 0; k < cols; k++) out[k * rows + r] = w[r * cols + k] as number;
  return out;
}

// ------------------------------------------------------------------ graph lowering

export interface LowerOptions {
  /**
   * Weights by parameter name (state_dict keys) for parameters stored as initializers; float64 values
   * of float32 parameters are rounded to float32 (the interpreter accepts both).
   */
  weights?: ReadonlyMap<string, HostTensor>;
  /**
   * Where parameters go: 'initializers' (inference), 'inputs' (training graphs feed parameters and
   * buffers each step), or the names to feed as inputs with the rest stored. Default 'initializers'.
   */
  paramsAs?: 'initializers' | 'inputs' | { readonly inputs: ReadonlySet<string> };
  /** Symbolic input axes, e.g. `{ x: { 0: 'batch', 3: 'time' } }`. */
  dynamicAxes?: DynamicAxes;
  /** Check the emitted nodes against a provider's support; 'forbid' makes CPU placement an error. */
  provider?: { readonly name: ExecutionProvider; readonly cpuFallback: 'allow' | 'forbid' };
}

export interface LoweredModel {
  readonly nodes: readonly LoweredNode[];
  readonly initializers: readonly LoweredInitializer[];
  readonly inputs: readonly LoweredValue[];
  readonly outputs: readonly LoweredValue[];
  /** Nodes the requested provider has no kernel for (ORT runs them on its CPU EP). */
  readonly providerIssues: readonly SupportIssue[];
}

export function lowerGraph(graph: Graph, opts: LowerOptions = {}): LoweredModel {
  const dyn = dynamicShapes(graph, opts.dynamicAxes);
  const state = new LowerState(dyn.isDynamic);
  const asInput = paramPlacement(graph, opts.paramsAs ?? 'initializers');
  const weights = opts.weights ?? new Map<string, HostTensor>();
  const declared = new Map(graph.params.map((p) => [p.params.name, p]));
  for (const key of weights.keys()) {
    if (!declared.has(key)) throw new OnnxExportError(`weights: '${key}' is not a parameter of the graph`);
    if (asInput(key)) throw new OnnxExportError(`weights: '${key}' is fed as a graph input, so it takes no stored weight`);
  }

  // Graph inputs the outputs depend on, in declaration order (as the interpreter, unused inputs are
  // not required; unlike it, the model cannot take them).
  const reachable = new Set(graph.nodes.filter((v) => v.is('Input')).map((v) => v.id));
  for (const v of graph.inputs) if (reachable.has(v.id)) state.addInput(v.params.name, v.dtype, dyn.inputDims(v), `input '${v.params.name}'`);
  const used = graph.nodes.filter((v): v is Value<'Param'> => v.is('Param'));
  const usedNames = new Set(used.map((p) => p.params.name));
  for (const p of graph.params) {
    const name = p.params.name;
    if (!usedNames.has(name)) continue;
    if (asInput(name)) {
      state.addInput(name, p.dtype, [...p.shape], `parameter '${name}'`);
      continue;
    }
    const w = weights.get(name);
    if (!w) throw new OnnxExportError(`weights: missing '${name}' (${p.dtype} [${p.shape.join(',')}])`);
    const dtypeOk = w.dtype === p.dtype || (p.dtype === 'float32' && w.dtype === 'float64');
    if (!dtypeOk || w.shape.join() !== p.shape.join()) {
      throw new OnnxExportError(`weights: '${name}' is ${w.dtype} [${w.shape.join(',')}], the graph declares ${p.dtype} [${p.shape.join(',')}]`);
    }
    state.addInitializer(name, w, `parameter '${name}'`);
  }

  // A non-leaf value that is a graph output is produced under the output's name directly.
  const target = new Map<number, string>();
  const leaf = (v: Value): boolean => v.is('Input') || v.is('Param') || v.is('Const');
  for (const o of graph.outputs) if (!leaf(o.value) && !target.has(o.value.id)) target.set(o.value.id, o.name);

  const names = new Map<number, string>();
  for (const v of graph.nodes) {
    const ctx = state.context(v, target.get(v.id));
    const rule = lowerRules[v.op] as LowerRule<Op>;
    const ins = v.inputs.map((i) => names.get(i.id) as string);
    const out = rule(ctx, v, ins);
    if (!leaf(v) && ctx.finished() !== out) throw new OnnxExportError(`${ctx.base}: lowering rule did not produce its result node`);
    names.set(v.id, out);
  }

  const outputs: LoweredValue[] = graph.outputs.map((o) => {
    const produced = names.get(o.value.id) as string;
    if (produced !== o.name) state.addNode({ name: `outputs/${o.name}`, opType: 'Identity', inputs: [produced], outputs: [o.name], attrs: {}, source: null });
    return { name: o.name, dtype: o.value.dtype, dims: dyn.dims(o.value) };
  });

  let issues: SupportIssue[] = [];
  if (opts.provider) {
    const byId = new Map(graph.nodes.map((v) => [v.id, v]));
    const emitted: EmittedNode[] = state.nodes.map((n) => ({
      name: n.name,
      opType: n.opType,
      strings: Object.fromEntries(Object.entries(n.attrs).flatMap(([k, a]) => (a.kind === 'string' ? [[k, a.value]] : []))),
      downsamples: n.opType === 'Resize' && n.source !== null && resizeDownsamples(byId.get(n.source), dyn.isDynamic),
    }));
    issues = providerIssues(opts.provider.name, emitted, new Set(graph.nodes.map((v) => v.dtype)));
    if (issues.length > 0 && opts.provider.cpuFallback === 'forbid') {
      throw new OnnxExportError(
        `provider '${opts.provider.name}' cannot run ${issues.length} node(s): ${issues.map((i) => `${i.node ?? 'graph'} (${i.opType ?? '-'}): ${i.reason}`).join('; ')}`,
      );
    }
  }
  return { nodes: state.nodes, initializers: state.initializers, inputs: state.inputs, outputs, providerIssues: issues };
}

/** Whether a Resize may shrink an axis: a smaller fixed size, or a fixed size for a dynamic input extent. */
function resizeDownsamples(v: Value | undefined, isDynamic: (v: Value, axis: number) => boolean): boolean {
  if (!v || !v.is('Resize')) return false;
  const src = v.inputs[0] as Value;
  return resizedAxes(v, isDynamic).some((i) => isDynamic(src, i) || (v.shape[i] as number) < (src.shape[i] as number));
}

function paramPlacement(graph: Graph, paramsAs: NonNullable<LowerOptions['paramsAs']>): (name: string) => boolean {
  if (paramsAs === 'initializers') return () => false;
  if (paramsAs === 'inputs') return () => true;
  const declared = new Set(graph.params.map((p) => p.params.name));
  for (const n of paramsAs.inputs) if (!declared.has(n)) throw new OnnxExportError(`paramsAs.inputs: '${n}' is not a parameter of the graph`);
  return (name) => paramsAs.inputs.has(name);
}

// ------------------------------------------------------------------ export

export interface ToOnnxOptions extends LowerOptions {
  /** Graph name stored in the model. Default 'pneuma'. */
  name?: string;
  /** Model metadata_props (e.g. the config hash of the run that produced the weights). */
  metadata?: Readonly<Record<string, string>>;
  /** Store initializers of at least `threshold` bytes in a separate data blob. */
  externalData?: ExternalDataOptions;
}

export type { EncodedWithExternalData, ExternalDataOptions };

/** Lower and encode: ModelProto bytes, or `{ model, data }` when external data is requested. */
export function toOnnx(graph: Graph, opts: ToOnnxOptions & { externalData: ExternalDataOptions }): EncodedWithExternalData;
export function toOnnx(graph: Graph, opts?: ToOnnxOptions & { externalData?: undefined }): Uint8Array;
export function toOnnx(graph: Graph, opts: ToOnnxOptions = {}): Uint8Array | EncodedWithExternalData {
  const lowered = lowerGraph(graph, opts);
  const meta = { name: opts.name ?? 'pneuma', metadata: opts.metadata ?? {} };
  return opts.externalData ? encodeModel(lowered, meta, opts.externalData) : encodeModel(lowered, meta);
}
