/**
 * Floating-point operation counts of a graph's nodes (for throughput reports: achieved FLOP/s = count /
 * time). Conventions, per node with output y:
 *   Conv              2·N·O·H'·W'·(C/group)·kh·kw, + N·O·H'·W' with a bias (a multiply-add is 2 FLOPs)
 *   ConvTranspose     2·N·C·H·W·(O/group)·kh·kw (every input element meets the whole kernel)
 *   MatMul            2·|y|·K (K the contracted extent)
 *   elementwise       |y| (one per output element, transcendental functions included)
 *   reductions        |x| (one per input element)
 *   Softmax, LogSoftmax  5·|y| (max, subtract, exp, sum, divide / log)
 *   LayerNorm         8·|y| (mean, centre, square, mean, rsqrt, normalise, scale, shift)
 *   BatchNorm         2·|y| (a per-channel scale and shift: eps, mean and variance fold into them)
 *   AveragePool, MaxPool  |y|·kh·kw;  MaxPoolGrad |x|·kh·kw
 *   Resize            |y|·(taps per resized axis: 2 linear, 4 cubic) summed over resized axes
 *   data movement, casts, leaves  0
 * `dense` is the Conv + ConvTranspose + MatMul part, which dominates every encoder here.
 */
import type { Graph, Value } from './graph.ts';
import type { Op } from './ops.ts';
import { numel } from '../util/index.ts';

type FlopRule<K extends Op> = (v: Value<K>) => number;

const size = (v: Value) => numel(v.shape);
const perOutput = (k: number) => (v: Value) => k * size(v);
const zero = () => 0;
const perInput = (v: Value) => numel((v.inputs[0] as Value).shape);

export const flopRules: { readonly [K in Op]: FlopRule<K> } = {
  Input: zero, Param: zero, Const: zero,
  Neg: perOutput(1), Exp: perOutput(1), Log: perOutput(1), Sqrt: perOutput(1), Reciprocal: perOutput(1),
  Tanh: perOutput(1), Erf: perOutput(1), Sigmoid: perOutput(1), Abs: perOutput(1), Relu: perOutput(1),
  Sin: perOutput(1), Cos: perOutput(1), Floor: perOutput(1), Sign: perOutput(1), Clip: perOutput(1),
  HardSigmoid: perOutput(1), HardSwish: perOutput(1),
  Add: perOutput(1), Sub: perOutput(1), Mul: perOutput(1), Div: perOutput(1), Pow: perOutput(1),
  Max: perOutput(1), Min: perOutput(1), Equal: perOutput(1), Less: perOutput(1), Greater: perOutput(1),
  Where: perOutput(1), Cast: zero,
  MatMul: (v) => {
    const a = v.inputs[0] as Value;
    return 2 * size(v) * (a.shape[a.rank - 1] as number);
  },
  Conv: (v) => {
    const w = v.inputs[1] as Value;
    const perOut = 2 * (w.shape[1] as number) * (w.shape[2] as number) * (w.shape[3] as number);
    return size(v) * perOut + (v.inputs.length > 2 ? size(v) : 0);
  },
  ConvTranspose: (v) => {
    const x = v.inputs[0] as Value;
    const w = v.inputs[1] as Value;
    return 2 * numel(x.shape) * (w.shape[1] as number) * (w.shape[2] as number) * (w.shape[3] as number);
  },
  AveragePool: (v) => size(v) * v.params.kernel[0] * v.params.kernel[1],
  MaxPool: (v) => size(v) * v.params.kernel[0] * v.params.kernel[1],
  MaxPoolGrad: (v) => perInput(v) * v.params.kernel[0] * v.params.kernel[1],
  Reshape: zero, Transpose: zero, Slice: zero, Concat: zero, Gather: zero, GatherElements: zero,
  ScatterAddElements: (v) => numel((v.inputs[2] as Value).shape),
  Pad: zero, Expand: zero,
  ReduceSum: perInput, ReduceMean: perInput, ReduceMax: perInput,
  Softmax: perOutput(5), LogSoftmax: perOutput(5), LayerNorm: perOutput(8), BatchNorm: perOutput(2),
  Resize: (v) => {
    const x = v.inputs[0] as Value;
    const taps = v.params.mode === 'cubic' ? 4 : 2;
    const resized = v.shape.filter((s, i) => s !== x.shape[i]).length;
    return size(v) * taps * resized;
  },
};

export interface FlopCount {
  readonly total: number;
  /** Conv, ConvTranspose and MatMul. */
  readonly dense: number;
  readonly byOp: Readonly<Partial<Record<Op, number>>>;
}

const DENSE: ReadonlySet<Op> = new Set(['Conv', 'ConvTranspose', 'MatMul']);

/** FLOPs of one evaluation of every node of `graph` (at the shapes it was built for). */
export function countFlops(graph: Graph): FlopCount {
  const byOp: Partial<Record<Op, number>> = {};
  let total = 0;
  let dense = 0;
  for (const v of graph.nodes) {
    const n = (flopRules[v.op] as FlopRule<Op>)(v);
    if (n === 0) continue;
    byOp[v.op] = (byOp[v.op] ?? 0) + n;
    total += n;
    if (DENSE.has(v.op)) dense += n;
  }
  return { total, dense, byOp };
}
