/**
 * OPERA-GT: the generative OPERA encoder, a ViT-S masked autoencoder on 4×4 spectrogram patches
 * (evelyn0414/OPERA @ 3622310, `src/model/models_mae.py::MaskedAutoencoderViTMD.forward_feature`, built by
 * `mae_vit_small(...)` with the kwargs of `src/benchmark/model_util.py::initialize_pretrained_model`; timm
 * 1.0.3 `Block`). Weights: `encoder-operaGT.ckpt` (Hugging Face `evelyn0414/OPERA`), an unprefixed state
 * dict that also holds the MAE decoder.
 *
 * Embedding path for x [B, T, 64] (T ≤ 256 frames, rows = time):
 *   patch_embed: x.unsqueeze(1) → Conv2d(1 → D, k 4, s 4, bias) → tokens flattened time-major (j = t·16 + f);
 *                the trailing T mod 4 frames are dropped by the convolution;
 *   tokens + pos_embed[:, 1:N+1] (the *stored* table), prepend cls_token + pos_embed[:, :1];
 *   12 timm Blocks (pre-norm, LayerNorm eps 1e-6, fused qkv with bias, exact GELU);
 *   'default':         norm(mean over the N patch tokens)               → D (384)
 *   'freq-preserving': norm(each patch token) (as MAE's forward_encoder), mean over time of each of the
 *                      16 frequency patches, concatenated frequency-major → 16·D (6144)
 * The CLS token is never part of the embedding.
 *
 * pos_embed is MAE's fixed 2-D sin-cos table built on a (16 rows × 64 cols) grid by
 * `get_2d_sincos_pos_embed_flexible(D, patch_hw=(16, 64))`, which does not match the real 64 (time) × 16
 * (freq) token grid; it is a non-trainable parameter loaded from the checkpoint (its init reproduces the
 * quirk). For T < 256 the first N rows are used; they are selected with a one-hot product (vit.ts
 * `leadingRows`), so exported models take any T ≤ 256 on their dynamic time axis.
 *
 * Input policy: OPERA path (b), 8.18-s chunks (T = 256) with 50 % overlap, chunk embeddings averaged.
 * `modelInputs` also covers path (c): longer spectrograms are cut into consecutive 256-frame pieces
 * (no renormalisation), and pieces shorter than 16 frames are skipped (`extract_opera_feature`).
 *
 * The MAE pretraining pieces (encoder on visible tokens, patch targets, decoder) are exported for ssl.
 */
import type { GraphBuilder, Value } from '../ir/index.ts';
import { type HostTensor, tensor } from '../tensor/index.ts';
import { OPERA_FRONTEND } from '../audio/frontend-opera.ts';
import { OPERA_TRIM } from '../audio/trim.ts';
import { type Mode, layerNorm, patchEmbed, sinCos2dPosEmbed, xavierUniformInit } from '../nn/index.ts';
import type { BuildOptions, EncoderDef } from './types.ts';
import { EncoderConfigError, EncoderInputError } from './errors.ts';
import { ReferenceConfigReader } from './reference-config.ts';
import { freqPreservingPool, leadingRows, patchTokensOf, prependClassSlot, vitBlock } from './vit.ts';
import { type MaeDecoder, type MaeDecoderConfig, declareMaeDecoder } from './mae-decoder.ts';

/** The MAE decoder of the checkpoint: decoder_mode 0 (timm Blocks) or 1 (OPERA's SwinV2-CR blocks). */
export type OperaGtDecoderConfig =
  | { readonly mode: 0; readonly dim: number; readonly depth: number; readonly numHeads: number }
  | {
    readonly mode: 1;
    readonly dim: number;
    /** Block count and heads (OPERA hard-codes 16 and 16). */
    readonly blocks: number;
    readonly numHeads: number;
    readonly featSize: readonly [number, number];
    readonly windowSize: readonly [number, number];
    readonly shiftSize: readonly [number, number];
    readonly noShift: boolean;
    readonly metaHidden: number;
    readonly metaDrop: number;
  };

export interface OperaGtConfig {
  /** img_size (frames, mel bins): one chunk; the position table covers this grid. */
  readonly imgSize: readonly [number, number];
  readonly patchSize: number;
  readonly embedDim: number;
  readonly depth: number;
  readonly numHeads: number;
  /** MLP hidden width = int(width·mlpRatio), encoder and decoder. */
  readonly mlpRatio: number;
  readonly layerNormEps: number;
  readonly qkvBias: boolean;
  /** Chunks with fewer frames are skipped (OPERA: `x.shape[0] >= 16`). */
  readonly minFrames: number;
  readonly decoder: OperaGtDecoderConfig;
}

const ID = 'opera-gt';

const FULL: OperaGtConfig = {
  imgSize: [256, 64], patchSize: 4, embedDim: 384, depth: 12, numHeads: 6, mlpRatio: 4, layerNormEps: 1e-6, qkvBias: true, minFrames: 16,
  decoder: {
    mode: 1, dim: 256, blocks: 16, numHeads: 16, featSize: [32, 8], windowSize: [4, 4], shiftSize: [2, 0], noShift: false, metaHidden: 384, metaDrop: 0.1,
  },
};

const TINY: OperaGtConfig = {
  imgSize: [256, 64], patchSize: 16, embedDim: 8, depth: 1, numHeads: 2, mlpRatio: 2, layerNormEps: 1e-6, qkvBias: true, minFrames: 16,
  decoder: { mode: 0, dim: 8, depth: 1, numHeads: 2 },
};

/** Patch grid: rows along time, columns along frequency. */
export function operaGtGrid(cfg: OperaGtConfig): { timePatches: number; freqPatches: number; numPatches: number } {
  const timePatches = Math.floor(cfg.imgSize[0] / cfg.patchSize);
  const freqPatches = Math.floor(cfg.imgSize[1] / cfg.patchSize);
  return { timePatches, freqPatches, numPatches: timePatches * freqPatches };
}

/** The stored pos_embed's values: sin-cos on OPERA's (freq patches × time patches) grid, float32 arithmetic. */
export function operaGtPosTable(cfg: OperaGtConfig, dim: number): HostTensor<'float32'> {
  const g = operaGtGrid(cfg);
  return sinCos2dPosEmbed(dim, [g.freqPatches, g.timePatches], { clsToken: true, arithmetic: 'float32' });
}

export function checkOperaGtConfig(cfg: OperaGtConfig): void {
  const bad = (msg: string): never => {
    throw new EncoderConfigError(ID, msg);
  };
  const posInt = (v: number) => Number.isInteger(v) && v >= 1;
  for (const [k, v] of [['patchSize', cfg.patchSize], ['embedDim', cfg.embedDim], ['depth', cfg.depth], ['numHeads', cfg.numHeads], ['minFrames', cfg.minFrames], ['decoder.dim', cfg.decoder.dim]] as const) {
    if (!posInt(v)) bad(`${k} must be a positive integer, got ${v}`);
  }
  if (!cfg.imgSize.every(posInt) || cfg.imgSize.some((s) => s % cfg.patchSize !== 0)) bad(`imgSize ${cfg.imgSize.join('×')} must be positive multiples of the patch size ${cfg.patchSize}`);
  if (cfg.embedDim % cfg.numHeads !== 0) bad(`embedDim ${cfg.embedDim} is not divisible by ${cfg.numHeads} heads`);
  if (cfg.embedDim % 4 !== 0 || cfg.decoder.dim % 4 !== 0) bad('embedDim and decoder.dim must be multiples of 4 (2-D sin-cos position tables)');
  if (!(cfg.mlpRatio > 0) || !(cfg.layerNormEps > 0)) bad('mlpRatio and layerNormEps must be positive');
  if (cfg.minFrames < cfg.patchSize) bad(`minFrames ${cfg.minFrames} is below the patch size ${cfg.patchSize}`);
}

/** MAE decoder settings of an OPERA-GT config. */
export function operaGtDecoderConfig(cfg: OperaGtConfig): MaeDecoderConfig {
  const g = operaGtGrid(cfg);
  const d = cfg.decoder;
  const mlpHidden = Math.floor(d.dim * cfg.mlpRatio);
  return {
    encoderDim: cfg.embedDim, dim: d.dim, numPatches: g.numPatches, posGrid: [g.freqPatches, g.timePatches], posArithmetic: 'float32',
    patchValues: cfg.patchSize * cfg.patchSize, eps: cfg.layerNormEps,
    blocks: d.mode === 0
      ? { kind: 'vit', depth: d.depth, numHeads: d.numHeads, mlpHidden, qkvBias: true }
      : {
        kind: 'opera-swin', count: d.blocks, numHeads: d.numHeads, featSize: d.featSize, windowSize: d.windowSize, shiftSize: d.shiftSize,
        noShift: d.noShift, metaHidden: d.metaHidden, metaDrop: d.metaDrop, mlpHidden,
      },
  };
}

interface PatchTokens {
  /** Patch tokens [B, N, D] without position. */
  readonly tokens: Value;
  /** pos_embed rows 1…N [1, N, D] (N follows the input's time axis). */
  readonly pos: Value;
  /** cls_token + pos_embed[:, :1] [1, 1, D]. */
  readonly cls: Value;
}

/** Declares cls_token, pos_embed and patch_embed.proj; x [B, T, F]. */
function patchTokens(b: GraphBuilder, cfg: OperaGtConfig, x: Value): PatchTokens {
  const g = operaGtGrid(cfg);
  const D = cfg.embedDim;
  const [maxT, F] = cfg.imgSize;
  if (x.rank !== 3 || x.shape[2] !== F) throw new EncoderInputError(ID, `expects spectrograms [B, T, ${F}], got [${x.shape.join(',')}]`);
  const T = x.shape[1] as number;
  if (T < cfg.patchSize || T > maxT) throw new EncoderInputError(ID, `T = ${T} frames: the encoder takes ${cfg.patchSize} to ${maxT} frames (modelInputs cuts longer spectrograms into ${maxT}-frame pieces)`);
  const clsToken = b.param('cls_token', [1, 1, D], { init: { kind: 'normal', mean: 0, std: 0.02 } });
  const posEmbed = b.param('pos_embed', [1, g.numPatches + 1, D], { init: { kind: 'tensor', value: operaGtPosTable(cfg, D) }, trainable: false });
  const tokens = patchEmbed(b, 'patch_embed', b.reshape(x, [0, 1, -1, F]), {
    inChannels: 1, embedDim: D, patch: cfg.patchSize, init: { weight: xavierUniformInit, bias: { kind: 'zeros' } },
  });
  const grid = b.reshape(tokens, [0, -1, g.freqPatches, D]);
  const rows = b.reshape(b.slice(posEmbed, 1, 1, g.numPatches + 1), [g.timePatches, g.freqPatches * D]);
  const pos = b.reshape(leadingRows(b, rows, grid, 1), [1, -1, D]);
  return { tokens, pos, cls: b.add(clsToken, b.slice(posEmbed, 1, 0, 1)) };
}

function blocks(b: GraphBuilder, cfg: OperaGtConfig, x: Value, mode: Mode): Value {
  const blockCfg = {
    layout: 'timm', dim: cfg.embedDim, numHeads: cfg.numHeads, mlpHidden: Math.floor(cfg.embedDim * cfg.mlpRatio), qkvBias: cfg.qkvBias,
    eps: cfg.layerNormEps, act: 'gelu', attnDrop: 0, drop: 0, mode, init: { weight: xavierUniformInit, bias: { kind: 'zeros' } },
  } as const;
  return b.scope('blocks', () => Array.from({ length: cfg.depth }, (_, i) => i).reduce((h, i) => vitBlock(b, i, h, blockCfg), x));
}

function finalNorm(b: GraphBuilder, cfg: OperaGtConfig, x: Value): Value {
  return layerNorm(b, 'norm', x, { shape: cfg.embedDim, eps: cfg.layerNormEps });
}

/**
 * The encoder up to its last block: returns block 0's input and the last block's output, both [B, 1+N, D]
 * (the fixture's debug tensors). Declares every encoder parameter except `norm`.
 */
export function operaGtEncoderTokens(b: GraphBuilder, cfg: OperaGtConfig, x: Value, mode: Mode): { blockIn: Value; blockOut: Value } {
  const p = patchTokens(b, cfg, x);
  const blockIn = prependClassSlot(b, p.tokens, b.concat([p.cls, p.pos], 1));
  return { blockIn, blockOut: blocks(b, cfg, blockIn, mode) };
}

/**
 * MAE's `forward_encoder` on the visible tokens: patch tokens + pos, gathered per sample by `idsKeep`
 * [B, K] int64 (token indices into the N = time·freq patches), prepend cls_token + pos_embed[:, :1], the
 * blocks, then `norm` on every token → [B, 1+K, D]. The batch is fixed at build (a training graph's).
 */
export function operaGtEncodeVisible(b: GraphBuilder, cfg: OperaGtConfig, x: Value, idsKeep: Value, mode: Mode): Value {
  const p = patchTokens(b, cfg, x);
  const B = x.shape[0] as number;
  const D = cfg.embedDim;
  if (idsKeep.dtype !== 'int64' || idsKeep.rank !== 2 || idsKeep.shape[0] !== B) {
    throw new EncoderInputError(ID, `idsKeep must be int64 [${B}, K], got ${idsKeep.dtype} [${idsKeep.shape.join(',')}]`);
  }
  const K = idsKeep.shape[1] as number;
  const index = b.expand(b.reshape(idsKeep, [B, K, 1]), [B, K, D]);
  const visible = b.gatherElements(b.add(p.tokens, p.pos), index, 1);
  const h = blocks(b, cfg, prependClassSlot(b, visible, b.pad(p.cls, [0, 0, 0, 0, K, 0])), mode);
  return finalNorm(b, cfg, h);
}

/** MAE's `patchify` for x [B, T, F] (T a multiple of the patch): [B, N, p²], patch values row-major, tokens time-major. */
export function operaGtPatchify(b: GraphBuilder, cfg: OperaGtConfig, x: Value): Value {
  const p = cfg.patchSize;
  const [B, T, F] = x.shape as [number, number, number];
  if (x.rank !== 3 || T % p !== 0 || F % p !== 0) throw new EncoderInputError(ID, `patchify needs [B, T, F] with T and F multiples of ${p}, got [${x.shape.join(',')}]`);
  const grid = b.transpose(b.reshape(x, [B, T / p, p, F / p, p]), [0, 1, 3, 2, 4]);
  return b.reshape(grid, [B, (T / p) * (F / p), p * p]);
}

/** Declare the checkpoint's MAE decoder (mask_token, decoder_*) in the current scope; see mae-decoder.ts for its forward. */
export function declareOperaGtDecoder(b: GraphBuilder, cfg: OperaGtConfig): MaeDecoder {
  return declareMaeDecoder(b, operaGtDecoderConfig(cfg));
}

function fromReferenceConfig(json: Readonly<Record<string, unknown>>, base: OperaGtConfig): OperaGtConfig {
  const r = new ReferenceConfigReader(ID, json);
  const img = r.intList('img_size', 1, 2);
  const inChans = r.int('in_chans', 1);
  if (inChans !== undefined && inChans !== 1) throw new EncoderConfigError(ID, `reference config key 'in_chans' must be 1 (spectrogram input), got ${inChans}`);
  const mode = r.int('decoder_mode', 0);
  if (mode !== undefined && mode > 1) throw new EncoderConfigError(ID, `reference config key 'decoder_mode' must be 0 or 1, got ${mode}`);
  const dim = r.int('decoder_embed_dim', 1) ?? base.decoder.dim;
  const swinBlocks = r.int('decoder_blocks', 1);
  const swinHeads = r.int('decoder_heads', 1);
  const vitDepth = r.int('decoder_depth', 1);
  const vitHeads = r.int('decoder_num_heads', 1);
  const noShift = r.bool('no_shift');
  const cfg: OperaGtConfig = {
    imgSize: img ? [img[0] as number, img[1] as number] : base.imgSize,
    patchSize: r.int('patch_size', 1) ?? base.patchSize,
    embedDim: r.int('embed_dim', 1) ?? base.embedDim,
    depth: r.int('depth', 1) ?? base.depth,
    numHeads: r.int('num_heads', 1) ?? base.numHeads,
    mlpRatio: r.number('mlp_ratio', { exclusiveMin: 0 }) ?? base.mlpRatio,
    layerNormEps: r.number('layernorm_eps', { exclusiveMin: 0 }) ?? base.layerNormEps,
    qkvBias: r.bool('qkv_bias') ?? base.qkvBias,
    minFrames: base.minFrames,
    decoder: (mode ?? base.decoder.mode) === 0
      ? {
        mode: 0, dim,
        // mae_vit_small's decoder_depth=6, decoder_num_heads=8 unless the config or the base says otherwise
        depth: vitDepth ?? (base.decoder.mode === 0 ? base.decoder.depth : 6),
        numHeads: vitHeads ?? (base.decoder.mode === 0 ? base.decoder.numHeads : 8),
      }
      : {
        ...(base.decoder.mode === 1 ? base.decoder : FULL.decoder as Extract<OperaGtDecoderConfig, { mode: 1 }>),
        dim,
        blocks: swinBlocks ?? (base.decoder.mode === 1 ? base.decoder.blocks : 16),
        numHeads: swinHeads ?? (base.decoder.mode === 1 ? base.decoder.numHeads : 16),
        noShift: noShift ?? (base.decoder.mode === 1 ? base.decoder.noShift : false),
      },
  };
  r.finish();
  checkOperaGtConfig(cfg);
  return cfg;
}

/** Consecutive imgSize[0]-frame pieces of a [T, F] spectrogram, each [1, t, F]; pieces under minFrames skipped. */
function modelInputs(cfg: OperaGtConfig, spec: HostTensor<'float32'>): HostTensor<'float32'>[] {
  const [maxT, F] = cfg.imgSize;
  if (spec.shape.length !== 2 || spec.shape[1] !== F) throw new EncoderInputError(ID, `expects a [T, ${F}] spectrogram, got [${spec.shape.join(',')}]`);
  const T = spec.shape[0] as number;
  const out: HostTensor<'float32'>[] = [];
  for (let s = 0; s < T; s += maxT) {
    const t = Math.min(maxT, T - s);
    if (t < cfg.minFrames) continue;
    out.push(tensor('float32', [1, t, F], spec.data.slice(s * F, (s + t) * F)));
  }
  return out;
}

function build(b: GraphBuilder, cfg: OperaGtConfig, x: Value, opts: BuildOptions) {
  checkOperaGtConfig(cfg);
  const { blockOut } = operaGtEncoderTokens(b, cfg, x, opts.mode);
  const patches = patchTokensOf(b, blockOut);
  const embedding = opts.pooling === 'default'
    ? finalNorm(b, cfg, b.mean(patches, [1]))
    : freqPreservingPool(b, finalNorm(b, cfg, patches), operaGtGrid(cfg).freqPatches);
  declareOperaGtDecoder(b, cfg);
  return { embedding, heads: { tokens: blockOut } };
}

export const operaGt: EncoderDef<OperaGtConfig> = {
  id: ID,
  title: 'OPERA-GT (ViT-S masked autoencoder)',
  description:
    'The generative OPERA encoder (Zhang et al., NeurIPS 2024 D&B): a ViT-S/4 masked autoencoder pretrained on 7 respiratory-sound '
    + 'sources, weights encoder-operaGT.ckpt (Hugging Face evelyn0414/OPERA). The embedding is the LayerNorm of the mean of the '
    + 'last block\'s patch tokens (384-d) per 8.18-s chunk, averaged over chunks; frequency-preserving pooling gives 16 × 384.',
  frontEnd: OPERA_FRONTEND,
  input: { kind: 'opera-split', trim: OPERA_TRIM, chunkSeconds: 8.18 },
  presets: { full: FULL, tiny: TINY },
  poolings: ['default', 'freq-preserving'],
  fromReferenceConfig,
  embeddingDim: (cfg, pooling) => (pooling === 'default' ? cfg.embedDim : cfg.embedDim * operaGtGrid(cfg).freqPatches),
  modelInputs,
  build,
  dynamicAxes: () => ({ 0: 'batch', 1: 'time' }),
  checkpoint: { prefix: '', ignore: [] },
};

