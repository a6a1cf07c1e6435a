/**
 * The shared op-case table: for every IR op, the cases that the interpreter tests, the float64 gradient
 * checks and the ONNX Runtime conformance suite run (see op-case.ts for the case format and builders).
 * Cases cover broadcasting (size-1 and scalar operands), edge shapes (size-1 dims, rank 1 to 5, zero-size
 * dims where ONNX allows them), every Conv/Pool/Slice/Pad/Resize variant the encoders use, and keepDims
 * both ways. Value draws keep inputs inside each op's domain and away from kinks (Abs, Relu, Clip bounds,
 * Floor's integers) so that central differences are valid.
 */
import type { Conv2dParams, OpParams } from '../../src/ir/index.ts';
import { f32, i64, tensor } from '../../src/tensor/index.ts';
import type { Draw, InputSpec, OpCaseTable } from './op-case.ts';

export * from './op-case.ts';

const u = (low: number, high: number, extra: Partial<Extract<Draw, { kind: 'uniform' }>> = {}): Draw => ({ kind: 'uniform', low, high, ...extra });
const f = (shape: readonly number[], draw?: Draw): InputSpec => (draw ? { shape, draw } : { shape });
const ints = (shape: readonly number[], low: number, high: number): InputSpec => ({ shape, dtype: 'int64', draw: { kind: 'int', low, high } });
const idx = (shape: readonly number[], values: readonly number[]): InputSpec => ({ shape, dtype: 'int64', draw: { kind: 'values', values } });
const bools = (shape: readonly number[]): InputSpec => ({ shape, dtype: 'bool', draw: { kind: 'bool', p: 0.5 } });
const vals = (shape: readonly number[], values: readonly number[]): InputSpec => ({ shape, draw: { kind: 'values', values } });

const conv = (p: Partial<Conv2dParams>): Conv2dParams => ({
  strides: p.strides ?? [1, 1],
  pads: p.pads ?? [0, 0, 0, 0],
  dilations: p.dilations ?? [1, 1],
  group: p.group ?? 1,
});
const reduce = (axes: readonly number[], keepDims: boolean) => ({ axes, keepDims });
const slice = (starts: number[], ends: number[], axes: number[], steps: number[]): OpParams['Slice'] => ({ starts, ends, axes, steps });
const none = {} as Record<string, never>;

/** Unary float cases on a matrix, a scalar, a zero-size and a rank-5 tensor. */
function unary(draw: Draw) {
  return [
    { name: 'matrix', inputs: [f([3, 4], draw)], params: none },
    { name: 'scalar', inputs: [f([], draw)], params: none },
    { name: 'zero-size', inputs: [f([0, 3], draw)], params: none },
    { name: 'rank5', inputs: [f([2, 1, 3, 1, 2], draw)], params: none },
  ] as const;
}

/** Broadcasting binary float cases. */
function binary(a: Draw, b: Draw) {
  return [
    { name: 'same-shape', inputs: [f([2, 3], a), f([2, 3], b)], params: none },
    { name: 'row-broadcast', inputs: [f([2, 3], a), f([3], b)], params: none },
    { name: 'outer-broadcast', inputs: [f([2, 1, 4], a), f([3, 1], b)], params: none },
    { name: 'scalar-left', inputs: [f([], a), f([2, 2], b)], params: none },
    { name: 'scalar-right', inputs: [f([3], a), f([], b)], params: none },
    { name: 'size1-both', inputs: [f([1, 3], a), f([2, 1], b)], params: none },
    { name: 'zero-size', inputs: [f([0, 3], a), f([3], b)], params: none },
    { name: 'rank5', inputs: [f([2, 1, 3, 1, 2], a), f([4, 1, 2, 1], b)], params: none },
  ] as const;
}

const SIGNED = u(-2, 2, { avoid: [0], margin: 0.1 });
const POSITIVE = u(0.2, 3);

export const opCases: OpCaseTable = {
  Input: [
    { name: 'float', inputs: [f([2, 3])], params: { name: 'x' } },
    { name: 'int64', inputs: [ints([4], -3, 3)], params: { name: 'ids' } },
  ],
  Param: [
    { name: 'trainable', inputs: [f([3, 2])], params: { name: 'p', trainable: true, init: { kind: 'external' } } },
    { name: 'int64-buffer', inputs: [ints([3], 0, 10)], params: { name: 'p', trainable: false, init: { kind: 'zeros' } } },
  ],
  Const: [
    { name: 'float', inputs: [], params: { value: f32([2, 2], [1.5, -2, 0.25, 3]) } },
    { name: 'float64-held', inputs: [], params: { value: tensor('float64', [3], Float64Array.of(0.1, 1 / 3, -2)) } },
    { name: 'int64', inputs: [], params: { value: i64([3], [-1, 0, 7]) } },
    { name: 'bool', inputs: [], params: { value: tensor('bool', [2], Uint8Array.of(1, 0)) } },
  ],
  Neg: unary(u(-3, 3)),
  Exp: unary(u(-3, 3)),
  Log: unary(POSITIVE),
  Sqrt: unary(POSITIVE),
  Reciprocal: unary(SIGNED),
  Tanh: unary(u(-3, 3)),
  Erf: [...unary(u(-2, 2)), { name: 'tails', inputs: [f([8], u(-4.5, 4.5))], params: none }],
  Sigmoid: [...unary(u(-6, 6)), { name: 'large', inputs: [vals([4], [-40, -12.5, 12.5, 40])], params: none }],
  Abs: unary(SIGNED),
  Relu: unary(SIGNED),
  Sin: unary(u(-4, 4)),
  Cos: unary(u(-4, 4)),
  Floor: [
    ...unary(u(-3, 3, { avoidIntegers: true })),
    { name: 'integers', inputs: [vals([5], [-2, -1, 0, 1, 2.5])], params: none, gradInputs: [] },
  ],
  Sign: [
    ...unary(SIGNED),
    { name: 'with-zero', inputs: [vals([4], [-1.5, 0, 2, -0.25])], params: none, gradInputs: [] },
  ],
  HardSigmoid: [
    { name: 'pytorch', inputs: [f([3, 4], u(-5, 5, { avoid: [-3, 3], margin: 0.1 }))], params: { alpha: 1 / 6, beta: 0.5 } },
    { name: 'onnx-default-rank5', inputs: [f([2, 1, 3, 1, 2], u(-4, 4, { avoid: [-2.5, 2.5], margin: 0.1 }))], params: { alpha: 0.2, beta: 0.5 } },
    { name: 'scalar', inputs: [f([], u(-2, 2))], params: { alpha: 1 / 6, beta: 0.5 } },
    { name: 'zero-size', inputs: [f([0, 3])], params: { alpha: 1 / 6, beta: 0.5 } },
    { name: 'kinks', inputs: [vals([8], [-3, 3, -3.5, 3.5, -6, 6, 0, 1.5])], params: { alpha: 1 / 6, beta: 0.5 }, noGradcheck: 'inputs on the kinks at ±3' },
  ],
  HardSwish: [
    ...unary(u(-5, 5, { avoid: [-3, 3], margin: 0.1 })),
    { name: 'kinks', inputs: [vals([8], [-3, 3, -3.5, 3.5, -6, 6, 0, 1.5])], params: none, noGradcheck: 'inputs on the kinks at ±3' },
  ],
  Clip: [
    { name: 'two-sided', inputs: [f([3, 4], u(-1, 1, { avoid: [-0.5, 0.5] }))], params: { min: -0.5, max: 0.5 } },
    { name: 'lower-only', inputs: [f([6], u(-1, 1, { avoid: [0] }))], params: { min: 0, max: Infinity } },
    { name: 'upper-only', inputs: [f([2, 3], u(-1, 1, { avoid: [0.25] }))], params: { min: -Infinity, max: 0.25 } },
    { name: 'scalar', inputs: [f([], u(-1, 1, { avoid: [-0.5, 0.5] }))], params: { min: -0.5, max: 0.5 } },
  ],
  Add: [...binary(u(-1, 1), u(-1, 1)), { name: 'int64', inputs: [ints([2, 3], -5, 5), ints([3], -5, 5)], params: none }],
  Sub: [...binary(u(-1, 1), u(-1, 1)), { name: 'int64', inputs: [ints([4, 1], -5, 5), ints([1, 3], -5, 5)], params: none }],
  Mul: [...binary(u(-1, 1), u(-1, 1)), { name: 'int64', inputs: [ints([2, 3], -5, 5), ints([], -3, 3)], params: none }],
  Div: binary(u(-1, 1), SIGNED),
  Pow: [
    ...binary(u(0.3, 2), u(-2, 2)),
    { name: 'negative-base', inputs: [f([2, 3], u(-2, -0.3)), vals([3], [2, 3, -1])], params: none, gradInputs: [0] },
    { name: 'zero-base', inputs: [vals([3], [0, 0, 0.5]), vals([3], [2, 0, 1.5])], params: none, gradInputs: [0] },
  ],
  Max: [
    ...binary(u(-1, 1), u(-1, 1)),
    { name: 'ties', inputs: [vals([4], [0.5, -1, 2, 0]), vals([4], [0.5, -1, 1, 0.25])], params: none },
    { name: 'int64', inputs: [ints([2, 3], -5, 5), ints([3], -5, 5)], params: none },
  ],
  Min: [
    ...binary(u(-1, 1), u(-1, 1)),
    { name: 'ties', inputs: [vals([4], [0.5, -1, 2, 0]), vals([4], [0.5, -1, 1, 0.25])], params: none },
    { name: 'int64', inputs: [ints([2, 3], -5, 5), ints([3], -5, 5)], params: none },
  ],
  Equal: [
    { name: 'float-broadcast', inputs: [f([2, 3], { kind: 'choice', values: [0, 1, 2] }), f([3], { kind: 'choice', values: [0, 1, 2] })], params: none },
    { name: 'int64', inputs: [ints([4], 0, 3), ints([4], 0, 3)], params: none },
    { name: 'bool', inputs: [bools([2, 2]), bools([2])], params: none },
  ],
  Less: [
    { name: 'float-broadcast', inputs: [f([2, 3], { kind: 'choice', values: [0, 1, 2] }), f([2, 1], { kind: 'choice', values: [0, 1, 2] })], params: none },
    { name: 'int64-scalar', inputs: [ints([5], -2, 3), ints([], -1, 1)], params: none },
  ],
  Greater: [
    { name: 'float-broadcast', inputs: [f([2, 3], { kind: 'choice', values: [0, 1, 2] }), f([3], { kind: 'choice', values: [0, 1, 2] })], params: none },
    { name: 'int64', inputs: [ints([2, 2], -2, 3), ints([2, 2], -2, 3)], params: none },
  ],
  Where: [
    { name: 'same-shape', inputs: [bools([2, 3]), f([2, 3]), f([2, 3])], params: none },
    { name: 'broadcast-all', inputs: [bools([3]), f([2, 1]), f([])], params: none },
    { name: 'int64-branches', inputs: [bools([2, 2]), ints([2, 2], -5, 5), ints([2], -5, 5)], params: none },
  ],
  Cast: [
    { name: 'float-to-int64', inputs: [vals([6], [-2.75, -0.5, 0, 0.5, 1.999, 3])], params: { to: 'int64' } },
    { name: 'float-to-bool', inputs: [vals([5], [-1, 0, 0.25, 0, 3])], params: { to: 'bool' } },
    { name: 'int64-to-float', inputs: [ints([2, 3], -100, 100)], params: { to: 'float32' } },
    { name: 'bool-to-float', inputs: [bools([4])], params: { to: 'float32' } },
    { name: 'int64-to-bool', inputs: [idx([4], [0, 2, -1, 0])], params: { to: 'bool' } },
    { name: 'float-identity', inputs: [f([3])], params: { to: 'float32' } },
  ],
  MatMul: [
    { name: '2d', inputs: [f([3, 4]), f([4, 5])], params: none },
    { name: 'batch-times-matrix', inputs: [f([2, 3, 4]), f([4, 2])], params: none },
    { name: 'broadcast-batch', inputs: [f([2, 1, 3, 4]), f([3, 4, 2])], params: none },
    { name: 'vectors', inputs: [f([1, 3]), f([3, 1])], params: none },
    { name: 'rank5', inputs: [f([2, 1, 2, 2, 3]), f([2, 3, 4])], params: none },
    { name: 'zero-inner', inputs: [f([2, 0]), f([0, 3])], params: none },
  ],
  Conv: [
    { name: 'basic', inputs: [f([1, 2, 5, 5]), f([3, 2, 3, 3])], params: conv({}) },
    { name: 'bias-pad1', inputs: [f([2, 3, 6, 5]), f([4, 3, 3, 3]), f([4])], params: conv({ pads: [1, 1, 1, 1] }) },
    { name: 'stride2-asym-pads', inputs: [f([1, 2, 7, 6]), f([2, 2, 3, 3])], params: conv({ strides: [2, 2], pads: [0, 1, 1, 0] }) },
    { name: 'dilation', inputs: [f([1, 2, 7, 6]), f([3, 2, 3, 3])], params: conv({ dilations: [2, 1], pads: [2, 1, 2, 1] }) },
    { name: 'groups2', inputs: [f([1, 4, 5, 5]), f([6, 2, 3, 3]), f([6])], params: conv({ group: 2, pads: [1, 0, 0, 1] }) },
    { name: 'depthwise-stride2', inputs: [f([2, 3, 7, 7]), f([3, 1, 3, 3])], params: conv({ group: 3, strides: [2, 2], pads: [1, 1, 1, 1] }) },
    { name: 'depthwise-multiplier2', inputs: [f([1, 2, 5, 5]), f([4, 1, 3, 3])], params: conv({ group: 2, pads: [1, 1, 1, 1] }) },
    { name: 'depthwise5x5-stride2', inputs: [f([1, 4, 9, 9]), f([4, 1, 5, 5])], params: conv({ group: 4, strides: [2, 2], pads: [2, 2, 2, 2] }) },
    { name: 'pointwise', inputs: [f([2, 4, 3, 3]), f([5, 4, 1, 1]), f([5])], params: conv({}) },
    { name: 'pointwise-stride2', inputs: [f([1, 3, 5, 4]), f([2, 3, 1, 1])], params: conv({ strides: [2, 2] }) },
    { name: 'rect-kernel', inputs: [f([1, 1, 6, 8]), f([2, 1, 2, 3])], params: conv({ strides: [1, 2], pads: [1, 0, 0, 2] }) },
  ],
  ConvTranspose: [
    { name: 'basic', inputs: [f([1, 2, 3, 3]), f([2, 3, 3, 3])], params: { ...conv({}), outputPadding: [0, 0] } },
    { name: 'stride2-outpad', inputs: [f([1, 2, 3, 4]), f([2, 2, 3, 3])], params: { ...conv({ strides: [2, 2], pads: [1, 1, 1, 1] }), outputPadding: [1, 1] } },
    { name: 'groups2-dilation', inputs: [f([1, 4, 3, 3]), f([4, 1, 3, 3])], params: { ...conv({ strides: [2, 1], dilations: [1, 2], group: 2 }), outputPadding: [1, 0] } },
    { name: 'asym-pads', inputs: [f([2, 1, 4, 3]), f([1, 2, 2, 3])], params: { ...conv({ strides: [2, 1], pads: [0, 1, 1, 0] }), outputPadding: [0, 0] } },
  ],
  AveragePool: [
    { name: 'k2s2-floor', inputs: [f([1, 2, 4, 5])], params: { kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], countIncludePad: false } },
    { name: 'k3-pad1-include', inputs: [f([1, 1, 4, 4])], params: { kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], countIncludePad: true } },
    { name: 'k3-pad1-exclude', inputs: [f([1, 1, 4, 4])], params: { kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], countIncludePad: false } },
    { name: 'asym-exclude', inputs: [f([2, 2, 5, 6])], params: { kernel: [3, 2], strides: [2, 2], pads: [0, 1, 1, 0], countIncludePad: false } },
  ],
  MaxPool: [
    { name: 'k2s2', inputs: [f([1, 2, 4, 5])], params: { kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0] } },
    { name: 'k3s2-pad1-negative', inputs: [f([1, 2, 5, 5], u(-3, -1))], params: { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] } },
    { name: 'asym-overlap', inputs: [f([2, 1, 5, 6])], params: { kernel: [2, 3], strides: [1, 2], pads: [1, 0, 0, 1] } },
  ],
  MaxPoolGrad: [
    { name: 'k2s2', inputs: [f([1, 2, 4, 4]), f([1, 2, 2, 2])], params: { kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0] } },
    { name: 'overlap-pad1', inputs: [f([1, 1, 4, 4]), f([1, 1, 4, 4])], params: { kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1] } },
    { name: 'ties-first-wins', inputs: [vals([1, 1, 2, 2], [1, 1, 1, 1]), vals([1, 1, 1, 1], [2])], params: { kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0] } },
  ],
  Reshape: [
    { name: 'flatten', inputs: [f([2, 3, 4])], params: { shape: [4, 6] } },
    { name: 'copy-and-infer', inputs: [f([2, 3, 4])], params: { shape: [0, -1] } },
    { name: 'to-scalar', inputs: [f([1])], params: { shape: [] } },
    { name: 'from-scalar', inputs: [f([])], params: { shape: [1, 1] } },
    { name: 'zero-size', inputs: [f([0, 3])], params: { shape: [0, 1, 3] } },
    { name: 'rank5', inputs: [f([1, 2, 3, 2, 2])], params: { shape: [6, 4] } },
  ],
  Transpose: [
    { name: '2d', inputs: [f([2, 3])], params: { perm: [1, 0] } },
    { name: '3d', inputs: [f([2, 3, 4])], params: { perm: [2, 0, 1] } },
    { name: 'rank5', inputs: [f([2, 1, 3, 2, 2])], params: { perm: [4, 2, 0, 3, 1] } },
    { name: 'zero-size', inputs: [f([0, 3])], params: { perm: [1, 0] } },
  ],
  Slice: [
    { name: 'clamped-ends', inputs: [f([5, 6])], params: slice([1, -4], [4, 100], [0, 1], [1, 1]) },
    { name: 'full-reverse', inputs: [f([6])], params: slice([-1], [-100], [0], [-1]) },
    { name: 'negative-and-positive-steps', inputs: [f([7, 5])], params: slice([5, 0], [0, 5], [0, 1], [-2, 2]) },
    { name: 'step3-remainder', inputs: [f([8, 3])], params: slice([1], [8], [0], [3]) },
    { name: 'empty', inputs: [f([4, 3])], params: slice([2], [1], [1], [1]) },
    { name: 'negative-axis', inputs: [f([2, 3, 4])], params: slice([-3], [-1], [-1], [1]) },
    { name: 'rank5', inputs: [f([2, 3, 2, 4, 2])], params: slice([1, 3], [3, 0], [1, 3], [1, -2]) },
  ],
  Concat: [
    { name: 'axis1', inputs: [f([2, 3]), f([2, 1]), f([2, 2])], params: { axis: 1 } },
    { name: 'negative-axis', inputs: [f([2, 2, 3]), f([2, 2, 1])], params: { axis: -1 } },
    { name: 'with-empty', inputs: [f([2, 0]), f([2, 3])], params: { axis: 1 } },
    { name: 'int64', inputs: [ints([2], 0, 9), ints([3], 0, 9)], params: { axis: 0 } },
  ],
  Gather: [
    { name: 'rows-negative', inputs: [f([5, 3]), idx([3], [4, -1, 0])], params: { axis: 0 } },
    { name: 'matrix-indices', inputs: [f([2, 4, 3]), idx([2, 3], [0, 3, -4, 1, 1, 2])], params: { axis: 1 } },
    { name: 'scalar-index', inputs: [f([4, 2]), idx([], [2])], params: { axis: 0 } },
    { name: 'duplicates', inputs: [f([3, 2]), idx([4], [0, 2, 0, 0])], params: { axis: 0 } },
    { name: 'last-axis', inputs: [f([2, 5]), idx([2], [-2, 1])], params: { axis: -1 } },
  ],
  GatherElements: [
    { name: 'axis1', inputs: [f([3, 4]), idx([3, 2], [0, 3, -1, 2, 1, 1])], params: { axis: 1 } },
    { name: 'axis0', inputs: [f([3, 4]), idx([2, 4], [0, 2, -3, 1, 2, 2, 0, -1])], params: { axis: 0 } },
  ],
  ScatterAddElements: [
    { name: 'axis0-duplicates', inputs: [f([3, 4]), idx([2, 4], [0, 2, 0, 1, 0, 0, 1, -1]), f([2, 4])], params: { axis: 0 } },
    { name: 'axis1', inputs: [f([2, 5]), idx([2, 3], [4, 0, 4, 1, 1, -5]), f([2, 3])], params: { axis: 1 } },
  ],
  Pad: [
    { name: 'constant', inputs: [f([2, 3])], params: { pads: [1, 0, 2, 1], mode: 'constant', value: 0.5 } },
    { name: 'reflect', inputs: [f([3, 4])], params: { pads: [2, 1, 1, 3], mode: 'reflect', value: 0 } },
    { name: 'edge', inputs: [f([2, 3])], params: { pads: [1, 2, 3, 0], mode: 'edge', value: 0 } },
    { name: 'reflect-nchw', inputs: [f([1, 2, 4, 5])], params: { pads: [0, 0, 1, 2, 0, 0, 2, 1], mode: 'reflect', value: 0 } },
    { name: 'edge-size1', inputs: [f([1, 3])], params: { pads: [2, 0, 1, 1], mode: 'edge', value: 0 } },
    { name: 'constant-rank5', inputs: [f([1, 2, 1, 2, 2])], params: { pads: [0, 1, 0, 0, 1, 0, 0, 1, 1, 0], mode: 'constant', value: 0 } },
  ],
  Expand: [
    { name: 'column-to-3d', inputs: [f([3, 1])], params: { shape: [2, 3, 4] } },
    { name: 'scalar', inputs: [f([])], params: { shape: [2, 2] } },
    { name: 'bidirectional', inputs: [f([1, 4])], params: { shape: [3, 1] } },
    { name: 'int64', inputs: [ints([2, 1], 0, 9)], params: { shape: [2, 3] } },
  ],
  ReduceSum: [
    { name: 'axis1', inputs: [f([2, 3, 4])], params: reduce([1], false) },
    { name: 'axes02-keep', inputs: [f([2, 3, 4])], params: reduce([0, 2], true) },
    { name: 'negative-axis', inputs: [f([2, 3, 4])], params: reduce([-1], false) },
    { name: 'all-to-scalar', inputs: [f([2, 3])], params: reduce([0, 1], false) },
    { name: 'empty-axis', inputs: [f([0, 3])], params: reduce([0], false) },
    { name: 'rank5', inputs: [f([2, 3, 1, 2, 2])], params: reduce([1, 3], true) },
  ],
  ReduceMean: [
    { name: 'last-keep', inputs: [f([2, 3, 4])], params: reduce([2], true) },
    { name: 'last', inputs: [f([2, 3, 4])], params: reduce([2], false) },
    { name: 'all', inputs: [f([2, 3, 4])], params: reduce([0, 1, 2], false) },
  ],
  ReduceMax: [
    { name: 'axis1', inputs: [f([3, 4])], params: reduce([1], false) },
    { name: 'axes02-keep', inputs: [f([2, 3, 4])], params: reduce([0, 2], true) },
    { name: 'ties', inputs: [vals([2, 3], [1, 0.5, 1, -2, 3, 3])], params: reduce([1], false) },
  ],
  Softmax: [
    { name: 'last', inputs: [f([2, 5], u(-3, 3))], params: { axis: 1 } },
    { name: 'axis0', inputs: [f([3, 2, 4], u(-3, 3))], params: { axis: 0 } },
    { name: 'large-values', inputs: [f([2, 4], u(-60, 60))], params: { axis: -1 } },
  ],
  LogSoftmax: [
    { name: 'last', inputs: [f([2, 5], u(-3, 3))], params: { axis: 1 } },
    { name: 'axis0', inputs: [f([3, 2, 4], u(-3, 3))], params: { axis: 0 } },
    { name: 'large-values', inputs: [f([2, 4], u(-60, 60))], params: { axis: -1 } },
  ],
  LayerNorm: [
    { name: 'last-axis', inputs: [f([2, 3, 4]), f([4]), f([4])], params: { axis: -1, eps: 1e-5 } },
    { name: 'two-axes', inputs: [f([2, 3, 4]), f([3, 4]), f([3, 4])], params: { axis: 1, eps: 1e-5 } },
    { name: 'all-axes', inputs: [f([2, 5]), f([2, 5]), f([2, 5])], params: { axis: 0, eps: 1e-3 } },
  ],
  BatchNorm: [
    { name: 'nchw', inputs: [f([2, 3, 4, 4]), f([3]), f([3]), f([3]), f([3], u(0.5, 2))], params: { eps: 1e-5 } },
    { name: 'rank2', inputs: [f([4, 3]), f([3]), f([3]), f([3]), f([3], u(0.5, 2))], params: { eps: 1e-3 } },
    { name: 'rank3', inputs: [f([2, 2, 5]), f([2]), f([2]), f([2]), f([2], u(0.5, 2))], params: { eps: 1e-5 } },
  ],
  Resize: [
    { name: 'linear-half-pixel-up', inputs: [f([1, 1, 3, 4])], params: { sizes: [1, 1, 5, 7], mode: 'linear', coordinate: 'half_pixel', cubicA: -0.75 } },
    { name: 'linear-half-pixel-down', inputs: [f([1, 2, 6, 5])], params: { sizes: [1, 2, 4, 3], mode: 'linear', coordinate: 'half_pixel', cubicA: -0.75 } },
    { name: 'linear-align-corners', inputs: [f([1, 1, 4, 3])], params: { sizes: [1, 1, 7, 5], mode: 'linear', coordinate: 'align_corners', cubicA: -0.75 } },
    { name: 'linear-time-only', inputs: [f([1, 1, 10, 8])], params: { sizes: [1, 1, 8, 8], mode: 'linear', coordinate: 'half_pixel', cubicA: -0.75 } },
    { name: 'cubic-align-corners', inputs: [f([1, 1, 5, 4])], params: { sizes: [1, 1, 9, 4], mode: 'cubic', coordinate: 'align_corners', cubicA: -0.75 } },
    { name: 'cubic-half-pixel-up', inputs: [f([1, 1, 4, 4])], params: { sizes: [1, 1, 6, 9], mode: 'cubic', coordinate: 'half_pixel', cubicA: -0.75 } },
    { name: 'cubic-half-pixel-down', inputs: [f([1, 1, 8, 6])], params: { sizes: [1, 1, 5, 4], mode: 'cubic', coordinate: 'half_pixel', cubicA: -0.75 } },
    // sizes 0 keep the input extent (a batch that may be dynamic)
    { name: 'keep-batch-channels', inputs: [f([2, 3, 4, 5])], params: { sizes: [0, 0, 6, 3], mode: 'linear', coordinate: 'half_pixel', cubicA: -0.75 } },
    { name: 'cubic-keep-batch-and-last', inputs: [f([2, 1, 5, 4])], params: { sizes: [0, 0, 9, 0], mode: 'cubic', coordinate: 'align_corners', cubicA: -0.75 } },
    { name: 'rank3-keep-outer', inputs: [f([2, 4, 6])], params: { sizes: [0, 7, 3], mode: 'cubic', coordinate: 'half_pixel', cubicA: -0.75 } },
    { name: 'rank2-keep-rows', inputs: [f([3, 5])], params: { sizes: [0, 8], mode: 'linear', coordinate: 'align_corners', cubicA: -0.75 } },
  ],
};
