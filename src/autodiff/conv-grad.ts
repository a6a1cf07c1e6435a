/**
 * Gradients of convolution and pooling, built from IR ops.
 *
 * dL/dx of Conv is ConvTranspose(dy, w) with the conv's strides, pads, dilations and groups; the rows and
 * columns the forward conv never read (floor division of the output size) come back through
 * outputPadding = x − ((dy − 1)·s − p₀ − p₁ + d·(k − 1) + 1).
 *
 * dL/dw has several formulations with the same value and very different speed on ONNX Runtime (DESIGN.md,
 * "Measured hints"). `selectConvWeightGrad` picks one per conv shape; retune it from measurements.
 *   patchesBatchedMatMul  patches P = Conv(x, one-hot kernel, group C) → [N, C·k, OH·OW]; per sample
 *                         P·dyᵀ (one MatMul with batch N, per group), ReduceSum over the batch.
 *   patchesGemm           the same patches, transposed so that one MatMul contracts over N·OH·OW.
 *   giantKernel           Conv(xᵀ, dyᵀ): x with batch and channels swapped, convolved with dy as a kernel
 *                         (strides and dilations exchange roles), then sliced to k and transposed.
 *   depthwiseMulReduce    depthwise convs (one input channel per group): patches times dy broadcast over
 *                         the taps, ReduceSum over batch and positions; no MatMul.
 */
import type { GraphBuilder, Value, Conv2dParams, OpParams, Pool2dParams } from '../ir/index.ts';
import { type Shape, InvariantError } from '../util/index.ts';
import { tensor } from '../tensor/index.ts';

export type ConvWeightGradMethod = 'patchesBatchedMatMul' | 'patchesGemm' | 'giantKernel' | 'depthwiseMulReduce';

/** The shapes and params of one weight-gradient problem: y = Conv(x, w), dy the cotangent of y. */
export interface ConvGradProblem {
  readonly x: Shape;
  readonly w: Shape;
  readonly dy: Shape;
  readonly params: Conv2dParams;
}

export interface ConvWeightGradFormulation {
  /** Whether the formulation handles this problem. */
  readonly applies: (p: ConvGradProblem) => boolean;
  readonly build: (b: GraphBuilder, x: Value, dy: Value, p: ConvGradProblem) => Value;
}

/**
 * The formulation used for dL/dw, from onnxruntime-node 1.30 timings on the 2-core dev machine
 * (bench/ort_conv_grad.ts, batch 32, 1 and 2 threads, variants run round-robin; the machine was shared,
 * so only orderings that held in every run are used):
 * - dense and grouped convs: patches + batched MatMul was fastest for 3×3 (stride 1 and 2) and 1×1
 *   (e.g. 3×3 32→64 on 64×128: 171–180 ms against 226–276 for patchesGemm and 624–873 for giantKernel);
 * - depthwise 5×5 (and larger): giantKernel, 1.4–2× faster than the patch formulations (144ch stride 2:
 *   40–144 ms against 61–319 for depthwiseMulReduce and 112–175 for patchesBatchedMatMul);
 * - depthwise 3×3: patchesBatchedMatMul was fastest or tied (96ch stride 2, one thread: 77 ms against 111
 *   for depthwiseMulReduce and 138 for giantKernel).
 * - dense convs with few output positions L = OH·OW: the batched form writes and sums N per-sample
 *   products of Cg·K × Og, the single GEMM transposes the patches and dy (N·L·(Cg·K + Og) values), so
 *   patchesGemm is chosen when Cg·K·Og > L·(Cg·K + Og) (bench/train-conv-dw.ts, batch 32, 2 threads,
 *   medians: squeeze-excitation 1152→48 on 1×1 0.6 ms against 42; EfficientNet-B0 head 320→1280 on 8×2
 *   44 ms against 205; 144→24 on 63×16, where the rule keeps the batched form, 36 against 46).
 */
export function selectConvWeightGrad(p: ConvGradProblem): ConvWeightGradMethod {
  const [o, cPerGroup, kh, kw] = p.w as readonly number[];
  const depthwise = p.params.group > 1 && cPerGroup === 1;
  const taps = (kh as number) * (kw as number);
  if (depthwise && taps >= 25) return 'giantKernel';
  if (!depthwise) {
    const rows = (cPerGroup as number) * taps;
    const cols = (o as number) / p.params.group;
    const positions = (p.dy[2] as number) * (p.dy[3] as number);
    if (rows * cols > positions * (rows + cols)) return 'patchesGemm';
  }
  return 'patchesBatchedMatMul';
}

function dims4(s: Shape): [number, number, number, number] {
  return s as unknown as [number, number, number, number];
}

/** One-hot kernel [C·kh·kw, 1, kh, kw]: output channel c·K + k copies tap k of input channel c. */
function identityKernel(c: number, kh: number, kw: number): Float32Array {
  const k = kh * kw;
  const data = new Float32Array(c * k * k);
  for (let ch = 0; ch < c; ch++) for (let t = 0; t < k; t++) data[(ch * k + t) * k + t] = 1;
  return data;
}

/** Patches [N, C·kh·kw, OH, OW]: P[n, c·K + ky·kw + kx, oy, ox] = x[n, c, oy·s − p + ky·d, ox·s − p + kx·d] (0 in padding). */
export function convPatches(b: GraphBuilder, x: Value, kh: number, kw: number, params: Conv2dParams): Value {
  const c = x.shape[1] as number;
  const trivial = kh === 1 && kw === 1 && params.strides.every((s) => s === 1) && params.pads.every((q) => q === 0);
  if (trivial) return x;
  const w = b.const(tensor('float32', [c * kh * kw, 1, kh, kw], identityKernel(c, kh, kw)));
  return b.conv(x, w, null, { strides: params.strides, pads: params.pads, dilations: params.dilations, group: c });
}

export const convWeightGradMethods: { readonly [M in ConvWeightGradMethod]: ConvWeightGradFormulation } = {
  patchesBatchedMatMul: {
    applies: () => true,
    build: (b, x, dy, p) => {
      const [o, cg, kh, kw] = dims4(p.w);
      const g = p.params.group;
      const patches = convPatches(b, x, kh, kw, p.params);
      // [N, g, Cg·K, L] · [N, g, L, Og] → [N, g, Cg·K, Og]; transposing dy (O channels) is cheaper than the patches (C·K)
      const pr = b.reshape(patches, [0, g, cg * kh * kw, -1]);
      const dr = b.transpose(b.reshape(dy, [0, g, o / g, -1]), [0, 1, 3, 2]);
      const s = b.sum(b.matmul(pr, dr), [0]);
      return b.reshape(b.transpose(s, [0, 2, 1]), [o, cg, kh, kw]);
    },
  },
  patchesGemm: {
    applies: () => true,
    build: (b, x, dy, p) => {
      const [o, cg, kh, kw] = dims4(p.w);
      const g = p.params.group;
      const patches = convPatches(b, x, kh, kw, p.params);
      // [g, Cg·K, N·L] · [g, N·L, Og] → [g, Cg·K, Og]
      const pr = b.reshape(b.transpose(patches, [1, 0, 2, 3]), [g, cg * kh * kw, -1]);
      const dr = b.transpose(b.reshape(b.transpose(dy, [1, 0, 2, 3]), [g, o / g, -1]), [0, 2, 1]);
      return b.reshape(b.transpose(b.matmul(pr, dr), [0, 2, 1]), [o, cg, kh, kw]);
    },
  },
  giantKernel: {
    applies: () => true,
    build: (b, x, dy, p) => {
      const [o, cg, kh, kw] = dims4(p.w);
      const [n, , h, w] = dims4(p.x);
      const [, , oh, ow] = dims4(p.dy);
      const g = p.params.group;
      // xᵀ [Cg, g·N, H, W] and dyᵀ [O, N, OH, OW]: R[cg, o, ky, kx] = Σ_{n,oy,ox} dy[n,o,oy,ox]·x[n, g(o)·Cg + cg, oy·s − p + ky·d, …]
      const xt = g === 1
        ? b.transpose(x, [1, 0, 2, 3])
        : b.reshape(b.transpose(b.reshape(x, [n, g, cg, h, w]), [2, 1, 0, 3, 4]), [cg, g * n, h, w]);
      const dyt = g === 1
        ? b.transpose(dy, [1, 0, 2, 3])
        : b.reshape(b.transpose(b.reshape(dy, [n, g, o / g, oh, ow]), [1, 2, 0, 3, 4]), [o, n, oh, ow]);
      let r: Value = b.conv(xt, dyt, null, { strides: p.params.dilations, dilations: p.params.strides, pads: p.params.pads, group: g });
      if (r.shape[2] !== kh || r.shape[3] !== kw) {
        r = b.sliceN(r, { starts: [0, 0], ends: [kh, kw], axes: [2, 3], steps: [1, 1] });
      }
      return b.transpose(r, [1, 0, 2, 3]);
    },
  },
  depthwiseMulReduce: {
    applies: (p) => p.w[1] === 1,
    build: (b, x, dy, p) => {
      const [o, , kh, kw] = dims4(p.w);
      const c = p.x[1] as number;
      const k = kh * kw;
      const patches = convPatches(b, x, kh, kw, p.params);
      // [N, C, 1, K, L] · [N, C, m, 1, L] summed over N and L → [C, m, K]
      const pr = b.reshape(patches, [0, c, 1, k, -1]);
      const dr = b.reshape(dy, [0, c, o / c, 1, -1]);
      return b.reshape(b.sum(b.mul(pr, dr), [0, 4]), [o, 1, kh, kw]);
    },
  },
};

/** dL/dw of y = Conv(x, w) by the selected (or the given) formulation. */
export function convWeightGrad(b: GraphBuilder, x: Value, dy: Value, p: ConvGradProblem, method: ConvWeightGradMethod = selectConvWeightGrad(p)): Value {
  const f = convWeightGradMethods[method];
  if (!f.applies(p)) throw new InvariantError(`conv weight gradient '${method}' does not apply to weight [${p.w.join(',')}] group ${p.params.group}`);
  const dw = f.build(b, x, dy, p);
  if (dw.shape.join() !== p.w.join()) throw new InvariantError(`conv weight gradient '${method}' produced [${dw.shape.join(',')}], expected [${p.w.join(',')}]`);
  return dw;
}

/** outputPadding that makes a transposed conv of `dy` recover the spatial size of `x`. */
function outputPadding(x: Shape, dy: Shape, k: readonly [number, number], s: readonly [number, number], d: readonly [number, number], pads: readonly number[]): [number, number] {
  return [0, 1].map((i) => {
    const full = ((dy[2 + i] as number) - 1) * (s[i] as number) - (pads[i] as number) - (pads[i + 2] as number) + (d[i] as number) * ((k[i] as number) - 1) + 1;
    return (x[2 + i] as number) - full;
  }) as [number, number];
}

/** dL/dx of y = Conv(x, w): ConvTranspose(dy, w). */
export function convInputGrad(b: GraphBuilder, dy: Value, w: Value, xShape: Shape, params: Conv2dParams): Value {
  const k: [number, number] = [w.shape[2] as number, w.shape[3] as number];
  const op = outputPadding(xShape, dy.shape, k, params.strides, params.dilations, params.pads);
  return b.convTranspose(dy, w, { ...params, outputPadding: op });
}

/** Cotangents of ConvTranspose(x, w) (w: [C, O/g, kh, kw]): dx = Conv(dy, w); dw is Conv's weight gradient with x and dy exchanged. */
export function convTransposeGrads(b: GraphBuilder, y: Value<'ConvTranspose'>, dy: Value, needs: readonly boolean[]): (Value | null)[] {
  const [x, w] = y.inputs as [Value, Value];
  const { outputPadding: op, ...conv } = y.params;
  if (op[0] >= conv.strides[0] || op[1] >= conv.strides[1]) {
    throw new InvariantError(`ConvTranspose gradient needs outputPadding < strides, got [${op.join(',')}] with strides [${conv.strides.join(',')}]`);
  }
  const dx = needs[0] ? b.conv(dy, w, null, conv) : null;
  const dw = needs[1] ? convWeightGrad(b, dy, x, { x: dy.shape, w: w.shape, dy: x.shape, params: conv }) : null;
  return [dx, dw];
}

/** Per-output-cell divisors of AveragePool, computed exactly as the interpreter does. */
function poolDivisors(xShape: Shape, p: OpParams['AveragePool'], oh: number, ow: number): Float32Array {
  const [, , h, w] = dims4(xShape);
  const out = new Float32Array(oh * ow);
  for (let oy = 0; oy < oh; oy++) {
    const ys = oy * p.strides[0] - p.pads[0];
    const cy = p.countIncludePad
      ? Math.min(ys + p.kernel[0], h + p.pads[2]) - Math.max(ys, -p.pads[0])
      : Math.min(ys + p.kernel[0], h) - Math.max(ys, 0);
    for (let ox = 0; ox < ow; ox++) {
      const xs = ox * p.strides[1] - p.pads[1];
      const cx = p.countIncludePad
        ? Math.min(xs + p.kernel[1], w + p.pads[3]) - Math.max(xs, -p.pads[1])
        : Math.min(xs + p.kernel[1], w) - Math.max(xs, 0);
      out[oy * ow + ox] = cy * cx;
    }
  }
  return out;
}

/** dL/dx of AveragePool: dy divided by each window's divisor, spread over the window by a depthwise ConvTranspose of ones. */
export function averagePoolGrad(b: GraphBuilder, dy: Value, xShape: Shape, p: OpParams['AveragePool']): Value {
  const [, c] = dims4(xShape);
  const [, , oh, ow] = dims4(dy.shape);
  const div = poolDivisors(xShape, p, oh, ow);
  const uniform = div.every((v) => v === div[0]);
  const scaled = uniform ? b.div(dy, div[0] ?? 1) : b.div(dy, b.const(tensor('float32', [oh, ow], div)));
  const [kh, kw] = p.kernel;
  const ones = b.const(tensor('float32', [c, 1, kh, kw], new Float32Array(c * kh * kw).fill(1)));
  const params: Conv2dParams = { strides: p.strides, pads: p.pads, dilations: [1, 1], group: c };
  return b.convTranspose(scaled, ones, { ...params, outputPadding: outputPadding(xShape, dy.shape, p.kernel, p.strides, [1, 1], p.pads) });
}

/** dL/dx of MaxPool: MaxPoolGrad routes dy to the first arg-max of each window. */
export function maxPoolGradOf(b: GraphBuilder, x: Value, dy: Value, p: Pool2dParams): Value {
  return b.node('MaxPoolGrad', [x, dy], { kernel: p.kernel, strides: p.strides, pads: p.pads });
}
