/**
 * Small models and seeded separable problems for the training tests.
 *
 * Images (1×8×8, 3 classes): a bright bar on noise — a row (class 0), a column (class 1) or the main
 * diagonal shifted by a random offset (class 2); pixel noise N(0, 0.3²).
 * Token sets (8 tokens × 8 features, 3 classes): N(0, 0.5²) tokens with one random token replaced by
 * its class prototype (a fixed random unit vector scaled to 3) plus the noise.
 */
import type { GraphBuilder, Value } from '../../src/ir/index.ts';
import {
  type Mode, batchNorm, conv2d, dropout, globalAvgPool, layerNorm, linear, meanTokens, mlp, selfAttention, softmaxCrossEntropy,
} from '../../src/nn/index.ts';
import { type HostTensor, f32, i64 } from '../../src/tensor/index.ts';
import { Rng } from '../../src/util/index.ts';
import type { BatchSource } from '../../src/train/index.ts';

export const CLASSES = 3;

export interface Problem {
  readonly x: Float32Array;
  readonly y: number[];
  readonly sampleShape: readonly number[];
}

export function imageProblem(n: number, seed: number): Problem {
  const rng = Rng.seeded(seed);
  const x = new Float32Array(n * 64);
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = rng.int(CLASSES);
    const at = rng.int(8);
    y.push(c);
    for (let r = 0; r < 8; r++) {
      for (let q = 0; q < 8; q++) {
        const on = c === 0 ? r === at : c === 1 ? q === at : (r + at) % 8 === q;
        x[i * 64 + r * 8 + q] = (on ? 1 : 0) + 0.3 * rng.normal();
      }
    }
  }
  return { x, y, sampleShape: [1, 8, 8] };
}

export function tokenProblem(n: number, seed: number): Problem {
  const protoRng = Rng.seeded(1234);
  const protos = Array.from({ length: CLASSES }, () => {
    const v = Array.from({ length: 8 }, () => protoRng.normal());
    const norm = Math.hypot(...v);
    return v.map((a) => (3 * a) / norm);
  });
  const rng = Rng.seeded(seed);
  const x = new Float32Array(n * 64);
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = rng.int(CLASSES);
    const at = rng.int(8);
    y.push(c);
    for (let t = 0; t < 8; t++) {
      for (let d = 0; d < 8; d++) x[i * 64 + t * 8 + d] = (t === at ? (protos[c] as number[])[d] as number : 0) + 0.5 * rng.normal();
    }
  }
  return { x, y, sampleShape: [8, 8] };
}

/** Batches of `size` in a per-epoch permutation drawn from (seed, epoch): a pure function of the position. */
export function batches(p: Problem, size: number, seed: number): BatchSource {
  const n = p.y.length;
  const per = p.sampleShape.reduce((a, d) => a * d, 1);
  return {
    batchesPerEpoch: Math.floor(n / size),
    batch(epoch, index) {
      const order = Rng.seeded(seed * 100_003 + epoch).permutation(n);
      const idx = order.slice(index * size, (index + 1) * size);
      const x = new Float32Array(size * per);
      idx.forEach((s, j) => x.set(p.x.subarray(s * per, (s + 1) * per), j * per));
      return { x: f32([size, ...p.sampleShape], x), y: i64([size], idx.map((s) => p.y[s] as number)) };
    },
  };
}

/** Inputs x [B, 1, 8, 8], y [B] → conv3×3(8) → BN → ReLU → conv3×3 stride 2 (16) → ReLU → pool → dropout → Linear(16 → 3). */
export function smallCnn(batch: number) {
  return (b: GraphBuilder, mode: Mode) => {
    const x = b.input('x', [batch, 1, 8, 8]);
    const y = b.input('y', [batch], 'int64');
    let h: Value = conv2d(b, 'conv1', x, { inChannels: 1, outChannels: 8, kernel: 3, padding: 1, bias: false });
    h = b.relu(batchNorm(b, 'bn1', h, { numFeatures: 8, eps: 1e-5, momentum: 0.1, affine: true, mode }));
    h = b.relu(conv2d(b, 'conv2', h, { inChannels: 8, outChannels: 16, kernel: 3, stride: 2, padding: 1, bias: true }));
    h = dropout(b, 'drop', globalAvgPool(b, h), { p: 0.1, mode });
    return { logits: linear(b, 'head', h, { inFeatures: 16, outFeatures: CLASSES, bias: true }), y };
  };
}

/** Inputs x [B, 8, 8] tokens → Linear(8 → 16) → 2 pre-norm blocks (4 heads, MLP ×2, GELU, dropout 0.1) → LN → mean → Linear(16 → 3). */
export function smallTransformer(batch: number) {
  return (b: GraphBuilder, mode: Mode) => {
    const x = b.input('x', [batch, 8, 8]);
    const y = b.input('y', [batch], 'int64');
    let h = linear(b, 'embed', x, { inFeatures: 8, outFeatures: 16, bias: true });
    for (let i = 0; i < 2; i++) {
      b.scope('blocks', () => b.scope(i, () => {
        h = b.add(h, selfAttention(b, 'attn', layerNorm(b, 'norm1', h, { shape: 16, eps: 1e-6 }), { dim: 16, numHeads: 4, layout: 'timm', qkvBias: true, projDrop: 0.1, mode }));
        h = b.add(h, mlp(b, 'mlp', layerNorm(b, 'norm2', h, { shape: 16, eps: 1e-6 }), { inFeatures: 16, hiddenFeatures: 32, act: 'gelu', bias: true, drop: 0, mode }));
      }));
    }
    const pooled = meanTokens(b, layerNorm(b, 'norm', h, { shape: 16, eps: 1e-6 }));
    return { logits: linear(b, 'head', pooled, { inFeatures: 16, outFeatures: CLASSES, bias: true }), y };
  };
}

export function crossEntropy(b: GraphBuilder, o: { logits: Value; y: Value }) {
  return { loss: softmaxCrossEntropy(b, o.logits, o.y, { reduction: 'mean' }) };
}

/** Held-out accuracy from eval-mode logits. */
export function accuracy(logits: HostTensor, y: readonly number[]): number {
  const d = logits.data as Float32Array;
  let right = 0;
  y.forEach((c, i) => {
    let best = 0;
    for (let k = 1; k < CLASSES; k++) if ((d[i * CLASSES + k] as number) > (d[i * CLASSES + best] as number)) best = k;
    if (best === c) right++;
  });
  return right / y.length;
}
