/**
 * OPERA-GT's decoder blocks (`decoder_mode=1`): the SwinV2-CR `SwinTransformerBlock` of OPERA's patched
 * timm file (evelyn0414/OPERA @ 3622310, src/model/mae_utils/swin_transformer.py, which prepare_code.sh copies
 * over timm/models/swin_transformer.py), exactly as `MaskedAutoencoderViTMD.forward_decoder` runs it on the
 * decoder tokens [B, L, C] (class token removed):
 *
 *   x = x + norm1(window_attn(x));  x = x + norm2(mlp(x))        (post-norm; norm3, drop-path identity)
 *   mlp: fc1 → exact GELU → fc2;  norms: LayerNorm(C, eps)
 *   window attention on groups of A = wh·ww rows, per head (scaled cosine attention):
 *     logits = (q·kᵀ) / max(|q|·|k|ᵀ, 1e-6) / max(τ_h, 0.01) + meta_mlp(rel_log)_h + mask
 *     rel_log = sign(Δ)·log(1 + |Δ|) of the pairwise (Δrow, Δcol) of the window cells (a constant);
 *     meta_mlp = fc1 (2 → metaHidden) → ReLU → dropout 0.1 → fc2 (→ heads) → dropout 0.1 (training only)
 *
 * `_shifted_window_attn` does `x.view(B, H, W, L)` with (H, W) = feat_size, which is only defined when
 * H·W = C; it reinterprets the [L, C] token memory as an H×W image with L channels rather than arranging
 * the tokens spatially. Then: roll by (−sh, −sw), window_partition, `.view(-1, A, C)` (groups of A rows of C
 * channels), attention with `attn_mask[group mod nWin]` for shifted blocks, `.view(-1, wh, ww, C)`,
 * window_reverse to [B·L/C, H, W, C], roll by (sh, sw), `.view(B, L, C)`. These are fixed permutations of
 * memory; when C divides L each attention row is a whole token, so the block is "gather tokens into groups,
 * attend within groups, gather back", with a forward and a backward token map that are *not* inverses of
 * each other. `swinQuirkMaps` replays OPERA's index arithmetic once at build time to get both maps. For the
 * full 1024-patch grid each group is the 16 frequency patches of one time step, and the backward map hands a
 * group's results to tokens of other groups.
 *
 * Shapes OPERA can run that are not supported here: L not a multiple of C (attention rows straddle
 * tokens, and shifted blocks then fail in OPERA at batch size 1). OPERA's pretraining crops (64, 128, 256
 * frames → L = 256, 512, 1024 with C = 256) are all supported.
 */
import type { GraphBuilder, Value } from '../ir/index.ts';
import { type HostTensor, f32, tensor } from '../tensor/index.ts';
import { type Mode, dropout, inScope, xavierUniformInit } from '../nn/index.ts';
import { type LayerNormParams, type LinearParams, applyLayerNorm, applyLinear, declareLayerNorm, declareLinear } from './bound-layers.ts';
import { EncoderConfigError } from './errors.ts';
import { geluErf } from './vit.ts';

export interface OperaSwinBlocksConfig {
  readonly kind: 'opera-swin';
  /** Number of blocks (OPERA hard-codes 16, ignoring decoder_depth). */
  readonly count: number;
  /** Heads per block (OPERA hard-codes 16, ignoring decoder_num_heads). */
  readonly numHeads: number;
  /** feat_size (H, W); OPERA: (32, 8). */
  readonly featSize: readonly [number, number];
  /** Target window (4, 4) before `_calc_window_shift`. */
  readonly windowSize: readonly [number, number];
  /** Target shift of odd blocks, (2, 0); even blocks never shift. */
  readonly shiftSize: readonly [number, number];
  /** OPERA's no_shift: no block shifts. */
  readonly noShift: boolean;
  /** Hidden width of the relative-position meta-MLP (384). */
  readonly metaHidden: number;
  /** Dropout inside the meta-MLP (0.1, active in training). */
  readonly metaDrop: number;
  /** Hidden width of the block MLP: int(C·mlp_ratio). */
  readonly mlpHidden: number;
}

interface SwinBlockParams {
  readonly tau: Value;
  readonly qkv: LinearParams;
  readonly proj: LinearParams;
  readonly metaFc1: LinearParams;
  readonly metaFc2: LinearParams;
  readonly norm1: LayerNormParams;
  readonly fc1: LinearParams;
  readonly fc2: LinearParams;
  readonly norm2: LayerNormParams;
}

export interface OperaSwinBlocks {
  readonly cfg: OperaSwinBlocksConfig;
  readonly dim: number;
  readonly blocks: readonly SwinBlockParams[];
}

/** Declare `<name>.{i}.…` for every block, with OPERA's init (xavier-uniform Linears, zero biases, τ = 1). */
export function declareOperaSwinBlocks(b: GraphBuilder, name: string, cfg: OperaSwinBlocksConfig, dim: number, eps: number): OperaSwinBlocks {
  if (dim % cfg.numHeads !== 0) throw new EncoderConfigError('opera-gt', `decoder width ${dim} is not divisible by ${cfg.numHeads} heads`);
  const lin = (n: string, inF: number, outF: number) =>
    declareLinear(b, n, { inFeatures: inF, outFeatures: outF, bias: true, init: { weight: xavierUniformInit, bias: { kind: 'zeros' } } });
  const blocks = b.scope(name, () => Array.from({ length: cfg.count }, (_, i) => b.scope(i, () => {
    const { tau, qkv, proj, metaFc1, metaFc2 } = b.scope('attn', () => ({
      tau: b.param('tau', [cfg.numHeads], { init: { kind: 'ones' } }),
      qkv: lin('qkv', dim, 3 * dim),
      proj: lin('proj', dim, dim),
      ...b.scope('meta_mlp', () => ({ metaFc1: lin('fc1', 2, cfg.metaHidden), metaFc2: lin('fc2', cfg.metaHidden, cfg.numHeads) })),
    }));
    const norm1 = declareLayerNorm(b, 'norm1', dim, eps);
    const { fc1, fc2 } = b.scope('mlp', () => ({ fc1: lin('fc1', dim, cfg.mlpHidden), fc2: lin('fc2', cfg.mlpHidden, dim) }));
    const norm2 = declareLayerNorm(b, 'norm2', dim, eps);
    return { tau, qkv, proj, metaFc1, metaFc2, norm1, fc1, fc2, norm2 };
  })));
  return { cfg, dim, blocks };
}

/** Effective window and shift of block `index` (`_calc_window_shift`: a window never exceeds the feature size). */
export function blockWindowShift(cfg: OperaSwinBlocksConfig, index: number): { window: [number, number]; shift: [number, number] } {
  const target: [number, number] = cfg.noShift || index % 2 === 0 ? [0, 0] : [cfg.shiftSize[0], cfg.shiftSize[1]];
  const window = [0, 1].map((a) => Math.min(cfg.featSize[a] as number, cfg.windowSize[a] as number)) as [number, number];
  const shift = [0, 1].map((a) => ((cfg.featSize[a] as number) <= window[a]! ? 0 : target[a]!)) as [number, number];
  return { window, shift };
}

/** Python's slice(start, stop) on an axis of length n → [from, to). */
function pySlice(n: number, start: number | null, stop: number | null): [number, number] {
  const norm = (v: number | null, dflt: number) => (v === null ? dflt : Math.min(Math.max(v < 0 ? v + n : v, 0), n));
  return [norm(start, 0), norm(stop, n)];
}

export interface SwinQuirkMaps {
  /** Token index for each attention row, group-major: row s of group ⌊s/A⌋ is token tokenIn[s]. */
  readonly tokenIn: Int32Array;
  /** Attention row (group·A + row) written to each output token. */
  readonly tokenOut: Int32Array;
  /** Per-group additive mask [G, 1, A, A] (shifted blocks), else null. */
  readonly mask: Float32Array | null;
  readonly groups: number;
  readonly area: number;
}

/**
 * Replay `_shifted_window_attn`'s view / roll / window_partition / window_reverse on token indices for
 * L tokens of C channels (see the header). Throws when OPERA's reinterpretation is undefined or not a
 * token permutation.
 */
export function swinQuirkMaps(L: number, C: number, feat: readonly [number, number], window: readonly [number, number], shift: readonly [number, number]): SwinQuirkMaps {
  const [H, W] = feat;
  const [wh, ww] = window;
  const [sh, sw] = shift;
  if (H * W !== C) throw new EncoderConfigError('opera-gt', `OPERA's decoder block views [L, C] tokens as [${H}, ${W}, L], which needs C = ${H}·${W} = ${H * W}; the decoder width is ${C}`);
  if (H % wh !== 0 || W % ww !== 0) throw new EncoderConfigError('opera-gt', `feature size ${H}×${W} is not a multiple of the window ${wh}×${ww}`);
  if (L % C !== 0) throw new EncoderConfigError('opera-gt', `OPERA's decoder blocks need a token count that is a multiple of the decoder width ${C} (whole tokens per attention row), got ${L} tokens`);
  const A = wh * ww;
  const nH = H / wh;
  const nWc = W / ww;
  const nWin = nH * nWc;
  const G = L / A;
  const mod = (a: number, n: number) => ((a % n) + n) % n;

  const tokenIn = new Int32Array(G * A);
  for (let s = 0; s < G * A; s++) {
    const f = s * C; // flat offset of the row in the windows tensor [nWin, wh, ww, L]
    const win = Math.floor(f / (A * L));
    const rem = f % (A * L);
    const i = Math.floor(rem / (ww * L));
    const j = Math.floor(rem / L) % ww;
    const k = rem % L;
    const h = mod(Math.floor(win / nWc) * wh + i + sh, H);
    const w = mod((win % nWc) * ww + j + sw, W);
    tokenIn[s] = ((h * W + w) * L + k) / C;
  }

  const tokenOut = new Int32Array(L);
  for (let l = 0; l < L; l++) {
    const beta = Math.floor(l / C);
    const pixel = l % C;
    const h0 = mod(Math.floor(pixel / W) - sh, H);
    const w0 = mod((pixel % W) - sw, W);
    const omega = beta * nWin + Math.floor(h0 / wh) * nWc + Math.floor(w0 / ww);
    tokenOut[l] = omega * A + (h0 % wh) * ww + (w0 % ww);
  }

  let mask: Float32Array | null = null;
  if (sh !== 0 || sw !== 0) {
    const img = new Int32Array(H * W);
    let cnt = 0;
    for (const [h0, h1] of [pySlice(H, 0, -wh), pySlice(H, -wh, -sh), pySlice(H, -sh, null)]) {
      for (const [w0, w1] of [pySlice(W, 0, -ww), pySlice(W, -ww, -sw), pySlice(W, -sw, null)]) {
        for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) img[h * W + w] = cnt;
        cnt++;
      }
    }
    const winMask = new Float32Array(nWin * A * A);
    for (let win = 0; win < nWin; win++) {
      const cell = (p: number) => img[(Math.floor(win / nWc) * wh + Math.floor(p / ww)) * W + (win % nWc) * ww + (p % ww)] as number;
      for (let p = 0; p < A; p++) for (let q = 0; q < A; q++) winMask[(win * A + p) * A + q] = cell(q) - cell(p) !== 0 ? -100 : 0;
    }
    mask = new Float32Array(G * A * A);
    for (let g = 0; g < G; g++) mask.set(winMask.subarray((g % nWin) * A * A, (g % nWin + 1) * A * A), g * A * A);
  }
  return { tokenIn, tokenOut, mask, groups: G, area: A };
}

/** The constant rel_log [A², 2] of a wh×ww window (row p·A + q = sign(Δ)·log(1 + |Δ|) of cell p − cell q). */
export function relativeCoordinatesLog(window: readonly [number, number]): Float32Array {
  const [wh, ww] = window;
  const A = wh * ww;
  const out = new Float32Array(A * A * 2);
  const f = (d: number) => Math.sign(d) * Math.fround(Math.log(1 + Math.abs(d)));
  for (let p = 0; p < A; p++) {
    for (let q = 0; q < A; q++) {
      out[(p * A + q) * 2] = f(Math.floor(p / ww) - Math.floor(q / ww));
      out[(p * A + q) * 2 + 1] = f((p % ww) - (q % ww));
    }
  }
  return out;
}

function int64(values: Int32Array): HostTensor<'int64'> {
  return tensor('int64', [values.length], BigInt64Array.from(values, (v) => BigInt(v)));
}

function windowAttention(b: GraphBuilder, p: SwinBlockParams, x: Value, cfg: OperaSwinBlocksConfig, index: number, mode: Mode): Value {
  const L = x.shape[1] as number;
  const C = x.shape[2] as number;
  const heads = cfg.numHeads;
  const d = C / heads;
  const { window, shift } = blockWindowShift(cfg, index);
  const maps = swinQuirkMaps(L, C, cfg.featSize, window, shift);
  const { groups: G, area: A } = maps;
  const grouped = b.reshape(b.gather(x, b.const(int64(maps.tokenIn)), 1), [0, G, A, C]);
  const qkv = b.reshape(applyLinear(b, p.qkv, grouped), [0, G, A, 3, heads, d]);
  const [q, k, v] = [0, 1, 2].map((i) => b.transpose(b.reshape(b.slice(qkv, 3, i, i + 1), [0, G, A, heads, d]), [0, 1, 3, 2, 4])) as [Value, Value, Value];
  const norm = (t: Value) => b.sqrt(b.sum(b.mul(t, t), [4], true));
  const kT = (t: Value) => b.transpose(t, [0, 1, 2, 4, 3]);
  const denom = b.max(b.matmul(norm(q), kT(norm(k))), 1e-6);
  let logits: Value = b.div(b.div(b.matmul(q, kT(k)), denom), b.reshape(b.max(p.tau, 0.01), [1, heads, 1, 1]));
  const bias = b.scope('meta_mlp', () => {
    const rel = b.const(f32([A * A, 2], relativeCoordinatesLog(window)));
    const h = dropout(b, 'drop1', b.relu(applyLinear(b, p.metaFc1, rel)), { p: cfg.metaDrop, mode });
    const o = dropout(b, 'drop2', applyLinear(b, p.metaFc2, h), { p: cfg.metaDrop, mode });
    return b.reshape(b.transpose(o, [1, 0]), [1, heads, A, A]);
  });
  logits = b.add(logits, bias);
  if (maps.mask) logits = b.add(logits, b.const(f32([G, 1, A, A], maps.mask)));
  const out = b.reshape(b.transpose(b.matmul(b.softmax(logits, -1), v), [0, 1, 3, 2, 4]), [0, G * A, C]);
  return b.gather(applyLinear(b, p.proj, out), b.const(int64(maps.tokenOut)), 1);
}

/** Run the declared blocks on decoder tokens [B, L, C] (class token already removed). */
export function applyOperaSwinBlocks(b: GraphBuilder, name: string, blocks: OperaSwinBlocks, x: Value, mode: Mode): Value {
  if (x.rank !== 3 || x.shape[2] !== blocks.dim) throw new EncoderConfigError('opera-gt', `decoder blocks expect [B, L, ${blocks.dim}] tokens, got [${x.shape.join(',')}]`);
  return inScope(b, name, () => blocks.blocks.reduce((h, p, i) => b.scope(i, () => {
    const a = b.scope('attn', () => windowAttention(b, p, h, blocks.cfg, i, mode));
    const h1 = b.add(h, applyLayerNorm(b, p.norm1, a));
    const m = applyLinear(b, p.fc2, geluErf(b, applyLinear(b, p.fc1, h1)));
    return b.add(h1, applyLayerNorm(b, p.norm2, m));
  }), x));
}
