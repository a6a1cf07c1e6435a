/**
 * Vision-transformer pieces shared by the OPERA-GT (timm / MAE) and HeAR (HuggingFace ViTModel) encoders.
 *
 * `vitBlock` is the pre-norm transformer block both use, in two parameter layouts:
 *   'timm' (timm 1.0.3 `Block`): x += attn(norm1(x)); x += mlp(norm2(x)) with `attn.qkv` (fused), `attn.proj`,
 *          `mlp.fc1`, `mlp.fc2`;
 *   'hf'   (transformers `ViTLayer`): h += attention(layernorm_before(h)); h += output(intermediate(layernorm_after(h)))
 *          with `attention.attention.{query,key,value}`, `attention.output.dense`, `intermediate.dense`, `output.dense`.
 * LayerScale and drop-path are absent (timm's defaults in MAE's blocks; ViTLayer has neither).
 *
 * Every reshape keeps the batch symbolic, and the helpers below keep the token count symbolic where a
 * model allows a variable number of patches, so exported models accept another batch (and, for OPERA-GT,
 * another number of frames) at run time.
 */
import type { GraphBuilder, Value } from '../ir/index.ts';
import { f32 } from '../tensor/index.ts';
import { type Mode, type ModuleName, type InitSpec, dropout, inScope, layerNorm, linear, selfAttention } from '../nn/index.ts';
import { EncoderConfigError } from './errors.ts';

/** Slice end meaning "to the end of the axis" whatever its run-time extent (ONNX clamps slice ends). */
export const TO_END = Number.MAX_SAFE_INTEGER;

export interface VitBlockConfig {
  readonly layout: 'timm' | 'hf';
  readonly dim: number;
  readonly numHeads: number;
  /** Hidden width of the MLP (timm: int(dim·mlp_ratio); HF: intermediate_size). */
  readonly mlpHidden: number;
  readonly qkvBias: boolean;
  readonly eps: number;
  /** 'gelu' = exact erf GELU (nn.GELU, HF "gelu"); 'geluTanh' = tanh approximation (HF gelu_fast, gelu_pytorch_tanh). */
  readonly act: 'gelu' | 'geluTanh';
  /** Dropout on the attention probabilities (timm attn_drop, HF attention_probs_dropout_prob). */
  readonly attnDrop: number;
  /** Dropout after the attention projection and the MLP (timm proj_drop / Mlp drop, HF hidden_dropout_prob). */
  readonly drop: number;
  readonly mode: Mode;
  /** Weight inits for training from scratch (biases and LayerNorms keep their own). */
  readonly init?: { readonly weight?: InitSpec; readonly bias?: InitSpec };
}

/** One pre-norm transformer block on [B, N, dim] tokens. */
export function vitBlock(b: GraphBuilder, name: ModuleName, x: Value, cfg: VitBlockConfig): Value {
  return inScope(b, name, () => {
    const init = cfg.init ?? {};
    const attn = (t: Value, n: string) => selfAttention(b, n, t, {
      dim: cfg.dim, numHeads: cfg.numHeads, layout: cfg.layout, qkvBias: cfg.qkvBias, attnDrop: cfg.attnDrop, projDrop: cfg.drop,
      mode: cfg.mode, init,
    });
    const ln = (n: string, t: Value) => layerNorm(b, n, t, { shape: cfg.dim, eps: cfg.eps });
    const act = (t: Value) => (cfg.act === 'gelu' ? geluErf(b, t) : geluFast(b, t));
    const dense = (n: string, t: Value, inF: number, outF: number) => linear(b, n, t, { inFeatures: inF, outFeatures: outF, bias: true, init });
    if (cfg.layout === 'timm') {
      const h = b.add(x, attn(ln('norm1', x), 'attn'));
      const normed = ln('norm2', h);
      const m = b.scope('mlp', () => {
        const hidden = dropout(b, 'drop1', act(dense('fc1', normed, cfg.dim, cfg.mlpHidden)), { p: cfg.drop, mode: cfg.mode });
        return dropout(b, 'drop2', dense('fc2', hidden, cfg.mlpHidden, cfg.dim), { p: cfg.drop, mode: cfg.mode });
      });
      return b.add(h, m);
    }
    const h = b.add(attn(ln('layernorm_before', x), 'attention'), x);
    const normed = ln('layernorm_after', h);
    const mid = act(b.scope('intermediate', () => dense('dense', normed, cfg.dim, cfg.mlpHidden)));
    const out = b.scope('output', () => dropout(b, 'dropout', dense('dense', mid, cfg.mlpHidden, cfg.dim), { p: cfg.drop, mode: cfg.mode }));
    return b.add(out, h);
  });
}

/**
 * Exact GELU 0.5·x·(1 + erf(x/√2)) (nn.GELU, F.gelu, HF "gelu"), written as the Div → Erf → Add → Mul
 * subgraph ONNX Runtime fuses into one Gelu kernel (onnxruntime/core/optimizer/gelu_fusion.cc).
 */
export function geluErf(b: GraphBuilder, x: Value): Value {
  return b.mul(b.mul(x, 0.5), b.add(b.erf(b.div(x, Math.SQRT2)), 1));
}

/**
 * transformers' gelu_fast in its own operation order, 0.5·x·(1 + tanh((x·0.7978845608)·(1 + (0.044715·x)·x))),
 * which is also the subgraph ONNX Runtime fuses into FastGelu (fast_gelu_fusion.cc, first formula).
 */
export function geluFast(b: GraphBuilder, x: Value): Value {
  const inner = b.mul(b.mul(x, 0.7978845608), b.add(b.mul(b.mul(x, 0.044715), x), 1));
  return b.mul(b.mul(x, 0.5), b.add(b.tanh(inner), 1));
}

/**
 * Prepend a class-token slot and add a [1, 1+N, D] table: row 0 of the result is table[0] (the caller puts
 * cls_token + pos[0] there), row i is tokens[i−1] + table[i]. Written as a zero Pad plus an Add (0 + a = a
 * exactly), so the batch axis broadcasts and no Expand to a fixed batch is needed.
 */
export function prependClassSlot(b: GraphBuilder, tokens: Value, table: Value): Value {
  if (tokens.rank !== 3 || table.rank !== 3 || table.shape[0] !== 1 || table.shape[2] !== tokens.shape[2]) {
    throw new EncoderConfigError('vit', `prependClassSlot: tokens [B, N, D] and table [1, 1+N, D] expected, got [${tokens.shape.join(',')}] and [${table.shape.join(',')}]`);
  }
  return b.add(b.pad(tokens, [0, 1, 0, 0, 0, 0]), table);
}

/**
 * Rows 0…n−1 of `table` [R, W], where n is the extent of axis `axis` of `like` (which may be a dynamic axis):
 * E·table with E[t, r] = [t = r]. E is built without shape ops, which the IR does not have: a column of ones
 * of length n (0·like + 1) is zero-padded by R in front and convolved with R + 1 kernels of length R + 1;
 * kernel r < R holds +1 at tap R−r and −1 at tap R−r−1, so its output at position t is
 * [t ≥ r] − [t ≥ r+1] = [t = r] (exact in float32: every term is 0 or ±1, and the one-hot product adds
 * zeros to one table entry). Kernel R (+1 at tap 0) gives [t ≥ R]: rows past the table get
 * log(1 − 1) = −∞ added, so an exported model fed a longer input returns non-finite values instead of
 * silently reusing the last row (the reference fails on such inputs). n ≤ R is checked at build time.
 */
export function leadingRows(b: GraphBuilder, table: Value, like: Value, axis: number): Value {
  if (table.rank !== 2) throw new EncoderConfigError('vit', `leadingRows: table must be [R, W], got [${table.shape.join(',')}]`);
  const R = table.shape[0] as number;
  const n = like.shape[axis] as number;
  if (n > R) throw new EncoderConfigError('vit', `leadingRows: ${n} rows asked of a ${R}-row table`);
  const starts = like.shape.map(() => 0);
  const ends = like.shape.map((_, i) => (i === axis ? TO_END : 1));
  const axes = like.shape.map((_, i) => i);
  const col = b.reshape(b.sliceN(like, { starts, ends, axes, steps: like.shape.map(() => 1) }), [1, 1, -1, 1]);
  const ones = b.add(b.mul(col, 0), 1);
  const K = R + 1;
  const kernel = new Float32Array(K * K);
  for (let r = 0; r < R; r++) {
    kernel[r * K + (R - r)] = 1;
    kernel[r * K + (R - r - 1)] = -1;
  }
  kernel[R * K] = 1;
  const steps = b.conv(b.pad(ones, [0, 0, R, 0, 0, 0, 0, 0]), b.const(f32([K, 1, K, 1], kernel)), null);
  const cols = b.transpose(b.reshape(steps, [K, -1]), [1, 0]);
  const rows = b.matmul(b.slice(cols, 1, 0, R), table);
  return b.add(rows, b.log(b.sub(1, b.slice(cols, 1, R, K))));
}

/**
 * Frequency-preserving readout (Niizumi et al. 2025, M2D's `b (f t) d -> b t (f d)` then the mean over t):
 * patch tokens [B, N, D] on a time-major grid of (N / freqPatches) × freqPatches → the mean over time of
 * each frequency patch, concatenated frequency-major: [B, freqPatches·D] (element f·D + d is band f).
 */
export function freqPreservingPool(b: GraphBuilder, patchTokens: Value, freqPatches: number): Value {
  const d = patchTokens.shape[2] as number;
  const grid = b.reshape(patchTokens, [0, -1, freqPatches, d]);
  return b.reshape(b.mean(grid, [1]), [0, freqPatches * d]);
}

/** The tokens after the class token: x[:, 1:] of [B, 1+N, D], whatever N is at run time. */
export function patchTokensOf(b: GraphBuilder, x: Value): Value {
  return b.slice(x, 1, 1, TO_END);
}
