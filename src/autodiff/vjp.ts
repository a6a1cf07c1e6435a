/**
 * Reverse-mode rules: one vector-Jacobian product per op, in the spirit of tinygrad's gradient table and
 * jax-js's mapped rule tables. A rule receives the builder, the node y = op(x₀, x₁, …), the cotangent dy
 * of y and which inputs need a cotangent, and returns one cotangent per input (null where none flows:
 * integer/bool inputs or inputs that need none). Rules are built from IR ops only, so gradients lower to
 * ONNX like the forward graph, and every cotangent has its input's shape (broadcasting is undone by
 * summing in `unbroadcast`). Gradient graphs are specialised to the shapes recorded in the builder (some
 * rules reshape to static shapes), as training steps are.
 *
 * Tie conventions (PyTorch's): Abs′(0) = 0 and Relu′(0) = 0; Clip passes dy where min ≤ x ≤ max (bounds
 * included); HardSigmoid′ = 0 at both kinks, HardSwish′(−3) = −½ and HardSwish′(3) = 3⁄2; Max/Min split dy
 * equally between equal operands; ReduceMax splits dy equally among all
 * maxima of a reduction; MaxPool routes dy to the first arg-max of each window (MaxPoolGrad).
 *
 * Ops without a derivative are marked: `zeroGradient(reason)` for piecewise-constant functions (their
 * derivative is 0 almost everywhere, so no cotangent flows through them) and `nonDifferentiable(reason)`
 * for ops that `grad` refuses to differentiate through (it throws if a cotangent reaches one).
 */
import type { GraphBuilder, Value, Op } from '../ir/index.ts';
import { unbroadcast, expandReduced, sliceGrad, padGrad, gatherGrad, reshapeTo, scalar64 } from './shape-grad.ts';
import { convInputGrad, convWeightGrad, convTransposeGrads, averagePoolGrad, maxPoolGradOf } from './conv-grad.ts';
import { layerNormGrads, batchNormGrads, resizeGrad } from './norm-grad.ts';
import { normAxis, numel } from '../util/index.ts';

export type Cotangents = readonly (Value | null)[];

/** A differentiable op's rule: cotangents of its inputs given dy (the cotangent of `y`). */
export type VjpFn<K extends Op> = (b: GraphBuilder, y: Value<K>, dy: Value, needs: readonly boolean[]) => Cotangents;

export interface NonDifferentiable {
  readonly kind: 'nonDifferentiable';
  readonly reason: string;
}

export interface ZeroGradient {
  readonly kind: 'zeroGradient';
  readonly reason: string;
}

export type VjpRule<K extends Op> = VjpFn<K> | NonDifferentiable | ZeroGradient;

/** `grad` throws when a cotangent reaches this op. */
export function nonDifferentiable(reason: string): NonDifferentiable {
  return { kind: 'nonDifferentiable', reason };
}

/** The op's derivative is zero almost everywhere: no cotangent flows through it. */
export function zeroGradient(reason: string): ZeroGradient {
  return { kind: 'zeroGradient', reason };
}

const arg = (y: Value, i: number): Value => y.inputs[i] as Value;
const lastTwoSwapped = (v: Value): number[] => [...Array.from({ length: v.rank - 2 }, (_, i) => i), v.rank - 1, v.rank - 2];

/** Rules of the form dx = dy·f′(x, y) for float unary ops. */
const chain = <K extends Op>(df: (b: GraphBuilder, x: Value, y: Value<K>) => Value): VjpFn<K> => (b, y, dy) => [b.mul(dy, df(b, arg(y, 0), y))];

/** Binary rules: cotangents of both operands before unbroadcasting. */
const binary = <K extends Op>(f: (b: GraphBuilder, a: Value, c: Value, y: Value<K>, dy: Value) => [() => Value, () => Value]): VjpFn<K> =>
  (b, y, dy, needs) => {
    const [a, c] = [arg(y, 0), arg(y, 1)];
    const [da, dc] = f(b, a, c, y, dy);
    return [needs[0] ? unbroadcast(b, da(), a.shape) : null, needs[1] ? unbroadcast(b, dc(), c.shape) : null];
  };

const leaf = <K extends Op>(): VjpFn<K> => () => [];

export const vjpRules: { readonly [K in Op]: VjpRule<K> } = {
  Input: leaf(),
  Param: leaf(),
  Const: leaf(),
  Neg: (b, _y, dy) => [b.neg(dy)],
  Exp: chain((_b, _x, y) => y), // d eˣ = eˣ
  Log: (b, y, dy) => [b.div(dy, arg(y, 0))], // d ln x = 1/x
  Sqrt: (b, y, dy) => [b.div(b.mul(dy, 0.5), y)], // d √x = 1/(2√x)
  Reciprocal: (b, y, dy) => [b.neg(b.mul(dy, b.mul(y, y)))], // d(1/x) = −1/x²
  Tanh: chain((b, _x, y) => b.sub(1, b.mul(y, y))), // d tanh = 1 − tanh²
  Erf: chain((b, x) => b.mul(b.exp(b.neg(b.mul(x, x))), scalar64(b, 2 / Math.sqrt(Math.PI)))), // d erf = 2/√π·e^{−x²}
  Sigmoid: chain((b, _x, y) => b.mul(y, b.sub(1, y))), // dσ = σ(1 − σ)
  Abs: chain((b, x) => b.sign(x)), // d|x| = sign(x), 0 at 0
  Relu: (b, y, dy) => [b.where(b.greater(arg(y, 0), 0), dy, 0)], // 1 for x > 0, 0 for x ≤ 0
  Sin: chain((b, x) => b.cos(x)),
  Cos: chain((b, x) => b.neg(b.sin(x))),
  Floor: zeroGradient('piecewise constant'),
  Sign: zeroGradient('piecewise constant'),
  Clip: (b, y, dy) => {
    const x = arg(y, 0);
    let g = dy;
    if (y.params.min > -Infinity) g = b.where(b.less(x, y.params.min), 0, g);
    if (y.params.max < Infinity) g = b.where(b.greater(x, y.params.max), 0, g);
    return [g];
  },
  // α where 0 < αx + β < 1 (read off the output y), 0 elsewhere and at both kinks, as PyTorch's hardsigmoid_backward
  HardSigmoid: (b, y, dy) => [b.where(b.greater(y, 0), b.where(b.less(y, 1), b.mul(dy, scalar64(b, y.params.alpha)), 0), 0)],
  // PyTorch's hardswish_backward: 0 for x < −3, x/3 + 1/2 for −3 ≤ x ≤ 3, 1 for x > 3
  HardSwish: (b, y, dy) => {
    const x = arg(y, 0);
    return [b.where(b.less(x, -3), 0, b.where(b.greater(x, 3), dy, b.mul(dy, b.add(b.div(x, 3), 0.5))))];
  },
  Add: binary((_b, _a, _c, _y, dy) => [() => dy, () => dy]),
  // the negation follows the sum over broadcast axes, so it touches the smaller tensor
  Sub: (b, y, dy, needs) => [
    needs[0] ? unbroadcast(b, dy, arg(y, 0).shape) : null,
    needs[1] ? b.neg(unbroadcast(b, dy, arg(y, 1).shape)) : null,
  ],
  Mul: binary((b, a, c, _y, dy) => [() => b.mul(dy, c), () => b.mul(dy, a)]),
  // d(a/c) = da/c − a·dc/c² = da/c − y·dc/c; for c the sum over broadcast axes comes before the division
  Div: (b, y, dy, needs) => {
    const [a, c] = [arg(y, 0), arg(y, 1)];
    return [
      needs[0] ? unbroadcast(b, b.div(dy, c), a.shape) : null,
      needs[1] ? b.neg(b.div(unbroadcast(b, b.mul(dy, y), c.shape), c)) : null,
    ];
  },
  // d(aᶜ)/da = c·a^{c−1} (0 where c = 0); d(aᶜ)/dc = aᶜ·ln a (0 where a = 0 and c ≥ 0), as PyTorch
  Pow: binary((b, a, c, y, dy) => [
    () => b.where(b.equal(c, 0), 0, b.mul(dy, b.mul(c, b.pow(a, b.sub(c, 1))))),
    () => {
      const t = b.mul(dy, b.mul(y, b.log(a)));
      return b.where(b.equal(a, 0), b.where(b.less(c, 0), t, 0), t);
    },
  ]),
  Max: binary((b, a, c, _y, dy) => {
    const half = b.where(b.equal(a, c), b.mul(dy, 0.5), 0);
    return [() => b.where(b.greater(a, c), dy, half), () => b.where(b.greater(c, a), dy, half)];
  }),
  Min: binary((b, a, c, _y, dy) => {
    const half = b.where(b.equal(a, c), b.mul(dy, 0.5), 0);
    return [() => b.where(b.less(a, c), dy, half), () => b.where(b.less(c, a), dy, half)];
  }),
  Equal: nonDifferentiable('boolean output'),
  Less: nonDifferentiable('boolean output'),
  Greater: nonDifferentiable('boolean output'),
  Where: (b, y, dy, needs) => {
    const [cond, a, c] = [arg(y, 0), arg(y, 1), arg(y, 2)];
    return [
      null,
      needs[1] ? unbroadcast(b, b.where(cond, dy, 0), a.shape) : null,
      needs[2] ? unbroadcast(b, b.where(cond, 0, dy), c.shape) : null,
    ];
  },
  // float → float is the identity; integer and boolean values carry no cotangent
  Cast: (_b, y, dy) => [arg(y, 0).dtype === 'float32' && y.dtype === 'float32' ? dy : null],
  // d(A·B) = dA·B + A·dB: dA = dy·Bᵀ, dB = Aᵀ·dy, summed over broadcast batch dims. A matrix B shared by
  // a batch of A (a Linear layer's weight) gets one product over the flattened batch, Σ_b A_bᵀ·dy_b =
  // A'ᵀ·dy' with A' = A as [−1, K] and dy' = dy as [−1, N], instead of per-batch products and a sum.
  MatMul: (b, y, dy, needs) => {
    const [a, c] = [arg(y, 0), arg(y, 1)];
    let dc: Value | null = null;
    if (needs[1]) {
      dc = c.rank === 2 && a.rank > 2 && numel(a.shape) > 0 && (c.shape[0] as number) > 0
        ? b.matmul(b.transpose(b.reshape(a, [-1, c.shape[0] as number]), [1, 0]), b.reshape(dy, [-1, c.shape[1] as number]))
        : unbroadcast(b, b.matmul(b.transpose(a, lastTwoSwapped(a)), dy), c.shape);
    }
    return [needs[0] ? unbroadcast(b, b.matmul(dy, b.transpose(c, lastTwoSwapped(c))), a.shape) : null, dc];
  },
  Conv: (b, y, dy, needs) => {
    const [x, w] = [arg(y, 0), arg(y, 1)];
    return [
      needs[0] ? convInputGrad(b, dy, w, x.shape, y.params) : null,
      needs[1] ? convWeightGrad(b, x, dy, { x: x.shape, w: w.shape, dy: dy.shape, params: y.params }) : null,
      ...(y.inputs.length === 3 ? [needs[2] ? b.sum(dy, [0, 2, 3]) : null] : []),
    ];
  },
  ConvTranspose: (b, y, dy, needs) => convTransposeGrads(b, y, dy, needs),
  AveragePool: (b, y, dy) => [averagePoolGrad(b, dy, arg(y, 0).shape, y.params)],
  MaxPool: (b, y, dy) => [maxPoolGradOf(b, arg(y, 0), dy, y.params)],
  MaxPoolGrad: nonDifferentiable('second derivatives through max pooling are not provided'),
  Reshape: (b, y, dy) => [reshapeTo(b, dy, arg(y, 0).shape)],
  Transpose: (b, y, dy) => {
    const inv = new Array<number>(y.params.perm.length);
    y.params.perm.forEach((p, i) => (inv[p] = i));
    return [b.transpose(dy, inv)];
  },
  Slice: (b, y, dy) => [sliceGrad(b, dy, arg(y, 0).shape, y.params)],
  Concat: (b, y, dy, needs) => {
    const ax = normAxis(y.params.axis, y.rank);
    let at = 0;
    return y.inputs.map((x, i) => {
      const size = x.shape[ax] as number;
      const g = needs[i] ? b.slice(dy, ax, at, at + size) : null;
      at += size;
      return g;
    });
  },
  Gather: (b, y, dy) => [gatherGrad(b, dy, arg(y, 0).shape, arg(y, 1), y.params.axis), null],
  GatherElements: (b, y, dy) => {
    const [x, idx] = [arg(y, 0), arg(y, 1)];
    if (numel(dy.shape) === 0) return [b.expand(b.scalar(0), x.shape), null];
    return [b.scatterAddElements(b.expand(b.scalar(0), x.shape), idx, dy, y.params.axis), null];
  },
  ScatterAddElements: (b, y, dy, needs) => {
    const idx = arg(y, 1);
    return [needs[0] ? dy : null, null, needs[2] ? b.gatherElements(dy, idx, y.params.axis) : null];
  },
  Pad: (b, y, dy) => [padGrad(b, dy, arg(y, 0).shape, y.params)],
  Expand: (b, y, dy) => [unbroadcast(b, dy, arg(y, 0).shape)],
  ReduceSum: (b, y, dy) => [expandReduced(b, dy, arg(y, 0).shape, y.params.axes, y.params.keepDims)],
  ReduceMean: (b, y, dy) => {
    const x = arg(y, 0);
    const n = y.params.axes.reduce((p, a) => p * (x.shape[normAxis(a, x.rank)] as number), 1);
    // divide the reduced cotangent, then broadcast it: one pass over the input's size instead of two
    return [expandReduced(b, b.div(dy, n), x.shape, y.params.axes, y.params.keepDims)];
  },
  ReduceMax: (b, y, dy) => {
    const x = arg(y, 0);
    const { axes, keepDims } = y.params;
    const mask = b.cast(b.equal(x, expandReduced(b, y, x.shape, axes, keepDims)), 'float32');
    const count = b.sum(mask, axes, true);
    return [b.mul(b.div(mask, count), expandReduced(b, dy, x.shape, axes, keepDims))];
  },
  // dx = y ⊙ (dy − Σ_axis dy ⊙ y)
  Softmax: (b, y, dy) => [b.mul(y, b.sub(dy, b.sum(b.mul(dy, y), [y.params.axis], true)))],
  // dx = dy − softmax(x) ⊙ Σ_axis dy
  LogSoftmax: (b, y, dy) => [b.sub(dy, b.mul(b.exp(y), b.sum(dy, [y.params.axis], true)))],
  LayerNorm: layerNormGrads,
  BatchNorm: batchNormGrads,
  Resize: (b, y, dy) => [resizeGrad(b, y, dy)],
};
