/**
 * HeAR's ViT (src/encoders/hear.ts, transformers `ViTModel` names) run as an MAE encoder on the visible
 * patches only, as MAE's `forward_encoder` does:
 *   tokens = patch_embeddings.projection(x) + position_embeddings[:, 1:]      [B, N, D], N = 12·8 (row-major)
 *   keep tokens[ids_keep] per sample, prepend cls_token + position_embeddings[:, :1], embeddings.dropout,
 *   the encoder.layer blocks, the final layernorm                              → [B, 1 + K, D]
 * Parameters are declared with exactly the names `hear.build` declares (less `pooler`, which MAE never
 * runs), so weights trained here load into the embedding model.
 *
 * The decoder is MAE's ViT decoder (src/encoders/mae-decoder.ts, names mask_token, decoder_*): the HeAR paper
 * (Baur et al. 2024, §3.1) gives 8 transformer layers and 75 % masking; the decoder width, heads and the fixed
 * sin-cos position table on the 12 × 8 patch grid follow AudioMAE (Huang et al. 2022), which the paper says
 * supplied the remaining hyperparameters. HeAR released no decoder, so these are choices.
 */
import type { GraphBuilder, Value } from '../ir/index.ts';
import { type Mode, dropout, layerNorm, patchEmbed, truncNormalInit } from '../nn/index.ts';
import { type HearConfig, checkHearConfig, hearGrid } from '../encoders/hear.ts';
import { prependClassSlot, vitBlock } from '../encoders/vit.ts';
import type { MaeDecoderConfig } from '../encoders/mae-decoder.ts';
import { SslConfigError } from './errors.ts';

export interface VitDecoderSpec {
  readonly dim: number;
  readonly depth: number;
  readonly numHeads: number;
  readonly mlpRatio: number;
}

/** AudioMAE's decoder width and heads with the HeAR paper's 8 layers. */
export const HEAR_MAE_DECODER: VitDecoderSpec = { dim: 512, depth: 8, numHeads: 16, mlpRatio: 4 };

/** MAE decoder settings for HeAR's patch grid. */
export function hearDecoderConfig(cfg: HearConfig, spec: VitDecoderSpec): MaeDecoderConfig {
  const { rows, cols } = hearGrid(cfg);
  if (spec.dim % 4 !== 0) throw new SslConfigError(`HeAR MAE decoder: dim must be a multiple of 4 (2-D sin-cos table), got ${spec.dim}`);
  return {
    encoderDim: cfg.hiddenSize, dim: spec.dim, numPatches: rows * cols, posGrid: [rows, cols], posArithmetic: 'float64',
    patchValues: cfg.patchSize[0] * cfg.patchSize[1] * cfg.numChannels, eps: cfg.layerNormEps,
    blocks: { kind: 'vit', depth: spec.depth, numHeads: spec.numHeads, mlpHidden: Math.floor(spec.dim * spec.mlpRatio), qkvBias: true },
  };
}

/** x [B, C, H, W] → patches [B, rows·cols, C·ph·pw] in token order (row-major grid, values channel, row, column). */
export function hearPatchify(b: GraphBuilder, cfg: HearConfig, x: Value): Value {
  const [ph, pw] = cfg.patchSize;
  const [B, C, H, W] = x.shape as [number, number, number, number];
  const { rows, cols } = hearGrid(cfg);
  if (x.rank !== 4 || H !== rows * ph || W !== cols * pw) throw new SslConfigError(`HeAR patchify: expects [B, C, ${rows * ph}, ${cols * pw}], got [${x.shape.join(',')}]`);
  const grid = b.transpose(b.reshape(x, [B, C, rows, ph, cols, pw]), [0, 2, 4, 1, 3, 5]);
  return b.reshape(grid, [B, rows * cols, C * ph * pw]);
}

/** The encoder on the visible patches: [B, 1 + K, hidden] after the final layernorm. */
export function hearEncodeVisible(b: GraphBuilder, cfg: HearConfig, x: Value, idsKeep: Value, mode: Mode): Value {
  checkHearConfig(cfg);
  const [H, W] = cfg.imageSize;
  const D = cfg.hiddenSize;
  const C = cfg.numChannels;
  if (x.rank !== 4 || x.shape[1] !== C || x.shape[2] !== H || x.shape[3] !== W) throw new SslConfigError(`HeAR MAE: expects [B, ${C}, ${H}, ${W}] input, got [${x.shape.join(',')}]`);
  const B = x.shape[0] as number;
  if (idsKeep.dtype !== 'int64' || idsKeep.rank !== 2 || idsKeep.shape[0] !== B) throw new SslConfigError(`HeAR MAE: ids_keep must be int64 [${B}, K], got ${idsKeep.dtype} [${idsKeep.shape.join(',')}]`);
  const K = idsKeep.shape[1] as number;
  const { rows, cols } = hearGrid(cfg);
  const N = rows * cols;
  const std = truncNormalInit(cfg.initializerRange);
  const init = { weight: std, bias: { kind: 'zeros' } } as const;
  let h = b.scope('embeddings', () => {
    const cls = b.param('cls_token', [1, 1, D], { init: std });
    const pos = b.param('position_embeddings', [1, N + 1, D], { init: std });
    const tokens = patchEmbed(b, 'patch_embeddings', x, { inChannels: C, embedDim: D, patch: cfg.patchSize, convName: 'projection', init });
    const placed = b.add(tokens, b.slice(pos, 1, 1, N + 1));
    const visible = b.gatherElements(placed, b.expand(b.reshape(idsKeep, [B, K, 1]), [B, K, D]), 1);
    const clsRow = b.pad(b.add(cls, b.slice(pos, 1, 0, 1)), [0, 0, 0, 0, K, 0]);
    return dropout(b, 'dropout', prependClassSlot(b, visible, clsRow), { p: cfg.hiddenDropout, mode });
  });
  const block = {
    layout: 'hf', dim: D, numHeads: cfg.numHeads, mlpHidden: cfg.intermediateSize, qkvBias: cfg.qkvBias, eps: cfg.layerNormEps,
    act: cfg.hiddenAct, attnDrop: cfg.attentionDropout, drop: cfg.hiddenDropout, mode, init,
  } as const;
  h = b.scope('encoder', () => b.scope('layer', () => Array.from({ length: cfg.numLayers }, (_, i) => i).reduce((t, i) => vitBlock(b, i, t, block), h)));
  return layerNorm(b, 'layernorm', h, { shape: D, eps: cfg.layerNormEps });
}
