/**
 * The IR's closed op set: one source of truth. Every table over ops (shape inference, the float64
 * interpreter, VJP rules, ONNX lowering) is a mapped type `{ [K in Op]: Rule<K> }`, so adding an op
 * here makes the type checker list every rule still missing.
 *
 * Conventions (ONNX-like, so lowering is direct):
 * - 2-D convolution and pooling on NCHW; `pads` = [top, left, bottom, right].
 * - `Reshape.shape` uses ONNX semantics: 0 copies the input dim, -1 is inferred. Builders use these
 *   so that graphs stay valid when a dynamic input axis (batch, time) changes size.
 * - `Slice` follows ONNX: negative indices count from the end, ends are clamped, steps may be negative.
 * - Reductions list their axes explicitly; an empty list is an error, never "all axes".
 */
import type { HostTensor } from '../tensor/index.ts';

export type DType = 'float32' | 'int64' | 'bool';

export const OPS = [
  // leaves
  'Input', 'Param', 'Const',
  // elementwise unary (float32)
  'Neg', 'Exp', 'Log', 'Sqrt', 'Reciprocal', 'Tanh', 'Erf', 'Sigmoid', 'Abs', 'Relu', 'Sin', 'Cos', 'Floor', 'Sign', 'Clip',
  'HardSigmoid', 'HardSwish',
  // elementwise binary with broadcasting
  'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min',
  // comparisons and selection
  'Equal', 'Less', 'Greater', 'Where', 'Cast',
  // linear algebra and convolution
  'MatMul', 'Conv', 'ConvTranspose', 'AveragePool', 'MaxPool', 'MaxPoolGrad',
  // data movement
  'Reshape', 'Transpose', 'Slice', 'Concat', 'Gather', 'GatherElements', 'ScatterAddElements', 'Pad', 'Expand',
  // reductions and normalisation
  'ReduceSum', 'ReduceMean', 'ReduceMax', 'Softmax', 'LogSoftmax', 'LayerNorm', 'BatchNorm',
  // resampling
  'Resize',
] as const;

export type Op = (typeof OPS)[number];

/** How a parameter is initialised when it is not loaded from a checkpoint. */
export type Init =
  | { kind: 'zeros' }
  | { kind: 'ones' }
  | { kind: 'const'; value: number }
  | { kind: 'normal'; mean: number; std: number }
  | { kind: 'truncNormal'; std: number } // N(0, std²) truncated to [-2std, 2std]
  | { kind: 'uniform'; low: number; high: number }
  | { kind: 'tensor'; value: HostTensor } // a fixed initial value (e.g. sin-cos position tables)
  | { kind: 'external' }; // must come from a checkpoint; initialising it is an error

type NoParams = Record<string, never>;

export interface Conv2dParams {
  strides: readonly [number, number];
  pads: readonly [number, number, number, number];
  dilations: readonly [number, number];
  group: number;
}

export interface Pool2dParams {
  kernel: readonly [number, number];
  strides: readonly [number, number];
  pads: readonly [number, number, number, number];
}

export interface ReduceParams {
  axes: readonly number[];
  keepDims: boolean;
}

export interface OpParams {
  /** A runtime input, fed by name. */
  Input: { name: string };
  /** A named weight (state_dict key). `trainable: false` marks buffers (BN running stats, masks, indices). */
  Param: { name: string; trainable: boolean; init: Init };
  /** A literal constant (float32, int64 or bool host tensor). */
  Const: { value: HostTensor };
  Neg: NoParams; Exp: NoParams; Log: NoParams; Sqrt: NoParams; Reciprocal: NoParams; Tanh: NoParams;
  Erf: NoParams; Sigmoid: NoParams; Abs: NoParams; Relu: NoParams; Sin: NoParams; Cos: NoParams;
  Floor: NoParams; Sign: NoParams;
  /** clamp(x, min, max); use ±Infinity for a one-sided clip. */
  Clip: { min: number; max: number };
  /** ONNX HardSigmoid: max(0, min(1, alpha·x + beta)). */
  HardSigmoid: { alpha: number; beta: number };
  /**
   * ONNX HardSwish (opset 14): x·max(0, min(1, x/6 + 1/2)), evaluated as PyTorch's F.hardswish,
   * x·min(max(x + 3, 0), 6)/6 (the same function).
   */
  HardSwish: NoParams;
  Add: NoParams; Sub: NoParams; Mul: NoParams; Div: NoParams; Pow: NoParams; Max: NoParams; Min: NoParams;
  Equal: NoParams; Less: NoParams; Greater: NoParams;
  /** Where(cond: bool, a, b), broadcasting all three. */
  Where: NoParams;
  Cast: { to: DType };
  /** NumPy matmul for rank ≥ 2 operands; batch dims broadcast. */
  MatMul: NoParams;
  /** inputs [x (N,C,H,W), w (O,C/group,kh,kw)] or [x, w, bias (O)]. */
  Conv: Conv2dParams;
  /** inputs [x (N,C,H,W), w (C,O/group,kh,kw)]; the adjoint of Conv in x. */
  ConvTranspose: Conv2dParams & { outputPadding: readonly [number, number] };
  /** Average pooling, floor mode. `countIncludePad` as in ONNX count_include_pad. */
  AveragePool: Pool2dParams & { countIncludePad: boolean };
  /** Max pooling, floor mode; padded cells never win. */
  MaxPool: Pool2dParams;
  /** inputs [x, dy] → dx: routes each dy cell to the first arg-max of its window (the VJP of MaxPool). */
  MaxPoolGrad: Pool2dParams;
  Reshape: { shape: readonly number[] };
  Transpose: { perm: readonly number[] };
  Slice: { starts: readonly number[]; ends: readonly number[]; axes: readonly number[]; steps: readonly number[] };
  Concat: { axis: number };
  /** ONNX Gather: inputs [data, indices (int64)]; out = data.shape[:axis] + indices.shape + data.shape[axis+1:]. */
  Gather: { axis: number };
  /** ONNX GatherElements: inputs [data, indices (int64, same rank)]; out shape = indices shape. */
  GatherElements: { axis: number };
  /** ONNX ScatterElements with reduction 'add': inputs [data, indices, updates] → data + scattered updates. */
  ScatterAddElements: { axis: number };
  /** pads = [begin_0 … begin_{r-1}, end_0 … end_{r-1}] (non-negative). */
  Pad: { pads: readonly number[]; mode: 'constant' | 'reflect' | 'edge'; value: number };
  /** ONNX Expand: bidirectional broadcast of the input against `shape`. */
  Expand: { shape: readonly number[] };
  ReduceSum: ReduceParams; ReduceMean: ReduceParams; ReduceMax: ReduceParams;
  Softmax: { axis: number };
  LogSoftmax: { axis: number };
  /** inputs [x, scale, bias]; normalises over dims axis..rank-1 (biased variance), scale/bias have those dims. */
  LayerNorm: { axis: number; eps: number };
  /** Inference batch norm: inputs [x (N,C,…), scale, bias, mean, var] (each (C)). */
  BatchNorm: { eps: number };
  /**
   * Resize to `sizes` (one per axis); an entry of 0 keeps the input extent of its axis (as Reshape's 0), so
   * that axis may change size at run time (a dynamic batch). 'cubic' uses the Keys kernel with coefficient
   * `cubicA` and clamped (edge-replicated) taps, as PyTorch bicubic; 'linear' is separable linear
   * interpolation with clamped taps, as PyTorch bilinear. `coordinate` maps output to input positions:
   * align_corners: x_in = x_out·(in−1)/(out−1);  half_pixel: x_in = (x_out+0.5)·in/out − 0.5, clamped at 0
   * for 'linear' only (PyTorch's area_pixel_compute_source_index: bicubic does not clamp the coordinate;
   * ONNX Runtime's cubic mode neither). Weights: src/ir/resize-weights.ts.
   */
  Resize: { sizes: readonly number[]; mode: 'cubic' | 'linear'; coordinate: 'align_corners' | 'half_pixel'; cubicA: number };
}

