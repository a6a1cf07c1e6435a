/**
 * Multi-head self-attention on [B, N, C] tokens, in the two parameter layouts that released checkpoints use:
 *  - 'timm' (timm Attention, Swin WindowAttention, MAE): fused `qkv` Linear(C, 3C) then `proj`;
 *    the qkv output is split as reshape(B, N, 3, heads, d) (q, k, v in that order, heads inner);
 *    q is scaled before the product: softmax((q·scale)·kᵀ + extras).
 *  - 'hf' (transformers ViTAttention): `attention.{query,key,value}` Linears then `output.dense`;
 *    the product is scaled: softmax((q·kᵀ)·scale + extras).
 * scale defaults to d^-0.5 with d = C/heads. Extras are added to the logits [B, heads, N, N]:
 *  - `bias`: anything broadcastable to them (a Swin relative-position bias [heads, N, N] → [1, heads, N, N]);
 *  - `windowMask` [nW, N, N]: Swin's shifted-window mask, added as logits.view(B/nW, nW, heads, N, N) +
 *    mask[None, :, None] (B must be a multiple of nW).
 * Heads are merged back head-major (transpose(1, 2).reshape(B, N, C)) before the output projection.
 * Reshapes keep B and N symbolic (0 / −1), so the graph accepts another batch or token count at run time
 * unless a window mask fixes N.
 */
import type { GraphBuilder, Value } from '../ir/index.ts';
import type { InitSpec } from './init.ts';
import { dropout } from './dropout.ts';
import { linear } from './linear.ts';
import { type Mode, type ModuleName, checkPositive, expectLastDim, inScope, moduleError } from './module.ts';
import { fmtShape } from '../util/index.ts';

export interface AttentionConfig {
  dim: number;
  numHeads: number;
  layout: 'timm' | 'hf';
  qkvBias: boolean;
  /** Bias of the output projection (default true). */
  projBias?: boolean;
  /** Logit scale; default (dim/numHeads)^-0.5. */
  scale?: number;
  attnDrop?: number;
  projDrop?: number;
  mode: Mode;
  init?: { weight?: InitSpec; bias?: InitSpec };
}

export interface AttentionExtras {
  bias?: Value;
  windowMask?: Value;
}

/** [B, N, C] → [B, heads, N, d]. */
function splitHeads(b: GraphBuilder, t: Value, heads: number, d: number): Value {
  return b.transpose(b.reshape(t, [0, 0, heads, d]), [0, 2, 1, 3]);
}

export function selfAttention(b: GraphBuilder, name: ModuleName, x: Value, cfg: AttentionConfig, extras: AttentionExtras = {}): Value {
  return inScope(b, name, () => {
    const { dim, numHeads: heads } = cfg;
    checkPositive(b, 'selfAttention', 'dim', dim);
    checkPositive(b, 'selfAttention', 'numHeads', heads);
    if (dim % heads !== 0) throw moduleError(b, 'selfAttention', `dim ${dim} is not divisible by ${heads} heads`);
    if (x.rank !== 3) throw moduleError(b, 'selfAttention', `expects [B, N, ${dim}] tokens, got ${fmtShape(x.shape)}`);
    expectLastDim(b, 'selfAttention', x, dim);
    const d = dim / heads;
    const scale = cfg.scale ?? d ** -0.5;
    const init = cfg.init ?? {};
    const lin = (n: string, t: Value, out: number, bias: boolean) => linear(b, n, t, { inFeatures: dim, outFeatures: out, bias, init });
    let q: Value;
    let k: Value;
    let v: Value;
    if (cfg.layout === 'timm') {
      const qkv = b.reshape(lin('qkv', x, 3 * dim, cfg.qkvBias), [0, 0, 3, heads, d]);
      [q, k, v] = [0, 1, 2].map((i) => b.transpose(b.reshape(b.slice(qkv, 2, i, i + 1), [0, 0, heads, d]), [0, 2, 1, 3])) as [Value, Value, Value];
      q = b.mul(q, scale);
    } else {
      [q, k, v] = b.scope('attention', () => ['query', 'key', 'value'].map((n) => splitHeads(b, lin(n, x, dim, cfg.qkvBias), heads, d))) as [Value, Value, Value];
    }
    let logits: Value = b.matmul(q, b.transpose(k, [0, 1, 3, 2]));
    if (cfg.layout === 'hf') logits = b.mul(logits, scale);
    if (extras.bias) logits = b.add(logits, extras.bias);
    if (extras.windowMask) {
      const m = extras.windowMask;
      const n = x.shape[1] as number;
      if (m.rank !== 3 || m.shape[1] !== n || m.shape[2] !== n) throw moduleError(b, 'selfAttention', `window mask must be [nW, ${n}, ${n}], got ${fmtShape(m.shape)}`);
      const nW = m.shape[0] as number;
      if ((x.shape[0] as number) % nW !== 0) throw moduleError(b, 'selfAttention', `batch ${x.shape[0]} is not a multiple of ${nW} windows`);
      logits = b.reshape(b.add(b.reshape(logits, [-1, nW, heads, n, n]), b.reshape(m, [1, nW, 1, n, n])), [-1, heads, n, n]);
    }
    const attn = dropout(b, 'attn_drop', b.softmax(logits, -1), { p: cfg.attnDrop ?? 0, mode: cfg.mode });
    const merged = b.reshape(b.transpose(b.matmul(attn, v), [0, 2, 1, 3]), [0, 0, dim]);
    const projBias = cfg.projBias ?? true;
    const out = cfg.layout === 'timm' ? lin('proj', merged, dim, projBias) : b.scope('output', () => lin('dense', merged, dim, projBias));
    return dropout(b, 'proj_drop', out, { p: cfg.projDrop ?? 0, mode: cfg.mode });
  });
}
