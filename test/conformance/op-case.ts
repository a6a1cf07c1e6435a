/**
 * Op cases: typed data describing one op application (input shapes, dtypes and value draws, params,
 * tolerances), and the helpers that turn a case into IR graphs with seeded inputs. One table
 * (`ops.cases.ts`) drives the interpreter tests, the gradient checks and the ONNX Runtime conformance
 * suite, which all build cases through `buildForward` / `buildVjp` here.
 *
 * Graph conventions: the op's inputs are graph inputs `in0`, `in1`, … (a Param case declares parameter
 * `p` instead); the forward graph has one output `out`. The VJP graph adds the input `cotangent` (the
 * cotangent of `out`) and has outputs `d_in<i>` for each differentiated input i.
 */
import { GraphBuilder, evaluate, infer, type DType, type Graph, type Op, type OpParams, type Value } from '../../src/ir/index.ts';
import { vjp, vjpRules } from '../../src/autodiff/index.ts';
import { type HostTensor, tensor } from '../../src/tensor/index.ts';
import { Rng, type Shape, numel } from '../../src/util/index.ts';

/** How an input's values are drawn (float32 values are rounded to float32, so ONNX Runtime sees the same numbers). */
export type Draw =
  /** Uniform in [low, high), redrawn within `margin` (default 0.05) of an `avoid` point or, with avoidIntegers, of an integer. */
  | { readonly kind: 'uniform'; readonly low: number; readonly high: number; readonly avoid?: readonly number[]; readonly avoidIntegers?: boolean; readonly margin?: number }
  /** Integers uniform in [low, high) (int64 indices, or integral floats). */
  | { readonly kind: 'int'; readonly low: number; readonly high: number }
  /** Each element drawn from a list (creates ties and duplicates on purpose). */
  | { readonly kind: 'choice'; readonly values: readonly number[] }
  /** Exact values in row-major order (cycled when shorter than the tensor). */
  | { readonly kind: 'values'; readonly values: readonly number[] }
  /** Bool true with probability p. */
  | { readonly kind: 'bool'; readonly p: number };

export interface InputSpec {
  readonly shape: Shape;
  /** Default float32. */
  readonly dtype?: DType;
  /** Default: uniform in [−1, 1) for float32, int in [0, 4) for int64, bool with p = 0.5. */
  readonly draw?: Draw;
}

export interface Tolerance {
  readonly atol: number;
  readonly rtol: number;
}

export interface OpCase<K extends Op> {
  /** Unique within its op. */
  readonly name: string;
  readonly inputs: readonly InputSpec[];
  readonly params: OpParams[K];
  /** Tolerance of float32 forward outputs of a float32 engine against the interpreter (default FORWARD_TOLERANCE). */
  readonly tolerance?: Tolerance;
  /** Tolerance of float32 VJP outputs (default VJP_TOLERANCE). */
  readonly vjpTolerance?: Tolerance;
  /** Inputs to differentiate: default every float32 input when the op has a VJP rule; [] for none. */
  readonly gradInputs?: readonly number[];
  /** Overrides of the float64 gradient-check tolerances (default GRADCHECK). */
  readonly gradcheck?: Partial<Tolerance & { eps: number }>;
  /**
   * Why the case is left out of the finite-difference gradient check (inputs placed on an op's kinks, where
   * central differences average the one-sided derivatives); its VJP graph is still run on every engine.
   */
  readonly noGradcheck?: string;
}

/** Every op needs at least one case: a new op without cases does not compile. */
export type OpCaseTable = { readonly [K in Op]: readonly [OpCase<K>, ...OpCase<K>[]] };

/** Forward tolerance of a float32 engine against the float64 interpreter, per output dtype. */
export const FORWARD_TOLERANCE: { readonly [D in DType]: Tolerance } = {
  float32: { atol: 1e-5, rtol: 1e-4 },
  int64: { atol: 0, rtol: 0 },
  bool: { atol: 0, rtol: 0 },
};

export const VJP_TOLERANCE: Tolerance = { atol: 1e-4, rtol: 1e-3 };

/** Central-difference settings of the float64 gradient checks. */
export const GRADCHECK = { eps: 1e-6, atol: 1e-6, rtol: 1e-5 } as const;

export const DEFAULT_SEED = 1234;

export interface CaseRef<K extends Op = Op> {
  readonly op: K;
  readonly case: OpCase<K>;
  /** `<op>/<case name>`. */
  readonly id: string;
}

function near(v: number, points: readonly number[], margin: number): boolean {
  return points.some((p) => Math.abs(v - p) < margin);
}

/** Draw the values of one input. */
export function drawInput(spec: InputSpec, rng: Rng): HostTensor {
  const dtype = spec.dtype ?? 'float32';
  const n = numel(spec.shape);
  const draw: Draw = spec.draw ?? (dtype === 'float32' ? { kind: 'uniform', low: -1, high: 1 } : dtype === 'int64' ? { kind: 'int', low: 0, high: 4 } : { kind: 'bool', p: 0.5 });
  const vals = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    switch (draw.kind) {
      case 'uniform': {
        const margin = draw.margin ?? 0.05;
        let v = Math.fround(rng.range(draw.low, draw.high));
        for (let tries = 0; (near(v, draw.avoid ?? [], margin) || (draw.avoidIntegers === true && Math.abs(v - Math.round(v)) < margin)) && tries < 1000; tries++) {
          v = Math.fround(rng.range(draw.low, draw.high));
        }
        vals[i] = v;
        break;
      }
      case 'int': vals[i] = draw.low + rng.int(draw.high - draw.low); break;
      case 'choice': vals[i] = draw.values[rng.int(draw.values.length)] as number; break;
      case 'values': vals[i] = draw.values[i % draw.values.length] as number; break;
      case 'bool': vals[i] = rng.uniform() < draw.p ? 1 : 0; break;
      default: draw satisfies never;
    }
  }
  if (dtype === 'int64') return tensor('int64', spec.shape, BigInt64Array.from(vals, (v) => BigInt(v)));
  if (dtype === 'bool') return tensor('bool', spec.shape, Uint8Array.from(vals, (v) => (v ? 1 : 0)));
  return tensor('float32', spec.shape, Float32Array.from(vals));
}

export interface BuiltCase {
  readonly graph: Graph;
  /** Values of the graph inputs (float32 / int64 / bool host tensors). */
  readonly feeds: Readonly<Record<string, HostTensor>>;
  /** Values of the graph parameters (only Param cases have any). */
  readonly weights: ReadonlyMap<string, HostTensor>;
}

/** The case's op applied in `b`: its inputs declared as graph inputs `in<i>` (or the leaf itself for Input/Param/Const). */
export function applyCase<K extends Op>(b: GraphBuilder, op: K, c: OpCase<K>): { readonly out: Value; readonly inputs: readonly Value[] } {
  const spec = (i: number): InputSpec => c.inputs[i] as InputSpec;
  if (op === 'Const') return { out: b.node('Const', [], c.params as OpParams['Const']), inputs: [] };
  if (op === 'Param') {
    const p = c.params as OpParams['Param'];
    const v = b.param(p.name, spec(0).shape, { init: p.init, trainable: p.trainable, dtype: spec(0).dtype ?? 'float32' });
    return { out: v, inputs: [v] };
  }
  if (op === 'Input') {
    const v = b.input((c.params as OpParams['Input']).name, spec(0).shape, spec(0).dtype ?? 'float32');
    return { out: v, inputs: [v] };
  }
  const inputs = c.inputs.map((s, i) => b.input(`in${i}`, s.shape, s.dtype ?? 'float32'));
  return { out: b.node(op, inputs, c.params), inputs };
}

/** Draw a case's input values in order: feeds by input name, weights by parameter name. */
export function drawCaseInputs<K extends Op>(op: K, c: OpCase<K>, rng: Rng): { feeds: Record<string, HostTensor>; weights: Map<string, HostTensor> } {
  const feeds: Record<string, HostTensor> = {};
  const weights = new Map<string, HostTensor>();
  c.inputs.forEach((s, i) => {
    const t = drawInput(s, rng);
    if (op === 'Param') weights.set((c.params as OpParams['Param']).name, t);
    else if (op === 'Input') feeds[(c.params as OpParams['Input']).name] = t;
    else feeds[`in${i}`] = t;
  });
  return { feeds, weights };
}

/** The forward graph of a case (output `out`) with its inputs drawn from `Rng.seeded(seed)`. */
export function buildForward<K extends Op>(op: K, c: OpCase<K>, seed: number = DEFAULT_SEED): BuiltCase {
  const b = new GraphBuilder();
  const { out } = applyCase(b, op, c);
  const { feeds, weights } = drawCaseInputs(op, c, Rng.seeded(seed));
  return { graph: b.build({ out }), feeds, weights };
}

/** The inputs a case differentiates (empty when the op has no VJP rule). */
export function gradInputsOf<K extends Op>(op: K, c: OpCase<K>): readonly number[] {
  if (typeof vjpRules[op] !== 'function') return [];
  if (c.gradInputs) return c.gradInputs;
  if (op !== 'Input' && op !== 'Param' && op !== 'Const') {
    const out = infer(op, c.inputs.map((s) => ({ shape: s.shape, dtype: s.dtype ?? 'float32' })), c.params);
    if (out.dtype !== 'float32') return [];
  }
  return c.inputs.flatMap((s, i) => ((s.dtype ?? 'float32') === 'float32' ? [i] : []));
}

/**
 * The VJP graph of a case: the forward inputs (same draws as `buildForward` with the same seed), plus the
 * input `cotangent` drawn uniformly in [−1, 1); outputs `d_in<i>` for every differentiated input.
 * Null when the case differentiates nothing.
 */
export function buildVjp<K extends Op>(op: K, c: OpCase<K>, seed: number = DEFAULT_SEED): BuiltCase | null {
  const which = gradInputsOf(op, c);
  if (which.length === 0) return null;
  const rng = Rng.seeded(seed);
  const b = new GraphBuilder();
  const { out, inputs } = applyCase(b, op, c);
  const drawn = drawCaseInputs(op, c, rng);
  const dy = b.input('cotangent', out.shape, 'float32');
  const feeds = { ...drawn.feeds, cotangent: drawInput({ shape: out.shape }, rng) };
  const grads = vjp(b, out, dy, which.map((i) => inputs[i] as Value));
  const outputs: Record<string, Value> = {};
  which.forEach((i, k) => (outputs[`d_in${i}`] = grads[k] as Value));
  return { graph: b.build(outputs), feeds, weights: drawn.weights };
}

/** Interpreter values of a built case's outputs (the expected values for other engines). */
export function expectedOutputs(built: BuiltCase): Record<string, HostTensor> {
  return evaluate(built.graph, built.feeds, built.weights);
}

/** Expected forward outputs (`out`) of a case. */
export function expectedForward<K extends Op>(op: K, c: OpCase<K>, seed: number = DEFAULT_SEED): Record<string, HostTensor> {
  return expectedOutputs(buildForward(op, c, seed));
}

/** Expected VJP outputs (`d_in<i>`) of a case for its seeded random cotangent, or null when it has none. */
export function expectedVjp<K extends Op>(op: K, c: OpCase<K>, seed: number = DEFAULT_SEED): Record<string, HostTensor> | null {
  const built = buildVjp(op, c, seed);
  return built ? expectedOutputs(built) : null;
}

/** Every case of a table, flattened, in op order. */
export function listCases(table: OpCaseTable): CaseRef[] {
  return (Object.keys(table) as Op[]).flatMap((op) =>
    (table[op] as readonly OpCase<Op>[]).map((c) => ({ op, case: c, id: `${op}/${c.name}` })),
  );
}
