/**
 * Masked-autoencoder decoders (He et al. 2022, facebookresearch/mae `models_mae.py::forward_decoder`, as
 * OPERA's `MaskedAutoencoderViTMD.forward_decoder` runs it), with MAE's parameter names:
 *
 *   x  = decoder_embed(encoded)                                  [B, 1+K, D] → [B, 1+K, Dd]
 *   x_ = cat(x[:, 1:], mask_token × (L − K)) gathered by ids_restore along the tokens (unshuffle)
 *   x  = cat(x[:, :1], x_) + decoder_pos_embed[:, :L+1]           (fixed sin-cos table, not trained)
 *   'vit'         (decoder_mode 0): timm Blocks on all 1+L tokens → decoder_norm → decoder_pred → drop row 0
 *   'opera-swin'  (decoder_mode 1): drop row 0 first, OPERA's SwinV2-CR blocks (./opera-swin-decoder.ts)
 *                                  → decoder_norm → decoder_pred
 * Output: per-patch predictions [B, L, patch values] in token order.
 *
 * Parameters are declared by `declareMaeDecoder` and used by `maeDecoderForward`, so an embedding graph can
 * declare the decoder (its weights are in every MAE checkpoint) without building it. Init as MAE: Linears
 * xavier-uniform with zero bias, LayerNorms 1/0, mask_token N(0, 0.02²), the position table fixed sin-cos.
 */
import type { GraphBuilder, Value } from '../ir/index.ts';
import { type Mode, sinCos2dPosEmbed, xavierUniformInit } from '../nn/index.ts';
import { type LayerNormParams, type LinearParams, applyLayerNorm, applyLinear, declareLayerNorm, declareLinear } from './bound-layers.ts';
import { type OperaSwinBlocks, type OperaSwinBlocksConfig, applyOperaSwinBlocks, declareOperaSwinBlocks } from './opera-swin-decoder.ts';
import { TO_END, geluErf } from './vit.ts';
import { EncoderConfigError } from './errors.ts';

/** MAE's standard decoder blocks: timm Blocks (pre-norm, fused qkv, exact GELU, no dropout). */
export interface VitDecoderBlocksConfig {
  readonly kind: 'vit';
  readonly depth: number;
  readonly numHeads: number;
  readonly mlpHidden: number;
  readonly qkvBias: boolean;
}

export interface MaeDecoderConfig {
  /** Width of the encoder tokens fed in. */
  readonly encoderDim: number;
  /** decoder_embed_dim. */
  readonly dim: number;
  /** Patches of the full grid; decoder_pos_embed has numPatches + 1 rows (class slot first). */
  readonly numPatches: number;
  /** Grid (rows, cols) and arithmetic of the sin-cos table the reference initialises decoder_pos_embed with. */
  readonly posGrid: readonly [number, number];
  readonly posArithmetic: 'float32' | 'float64';
  /** Values predicted per patch (patch_size²·in_chans). */
  readonly patchValues: number;
  readonly eps: number;
  readonly blocks: VitDecoderBlocksConfig | OperaSwinBlocksConfig;
}

interface VitBlockParams {
  readonly norm1: LayerNormParams;
  readonly qkv: LinearParams;
  readonly proj: LinearParams;
  readonly norm2: LayerNormParams;
  readonly fc1: LinearParams;
  readonly fc2: LinearParams;
}

export interface MaeDecoder {
  readonly cfg: MaeDecoderConfig;
  readonly maskToken: Value;
  readonly pos: Value;
  readonly embed: LinearParams;
  readonly blocks: { readonly kind: 'vit'; readonly params: readonly VitBlockParams[] } | { readonly kind: 'opera-swin'; readonly params: OperaSwinBlocks };
  readonly norm: LayerNormParams;
  readonly pred: LinearParams;
}

const maeLinearInit = { weight: xavierUniformInit, bias: { kind: 'zeros' } } as const;

/** Declare mask_token, decoder_pos_embed, decoder_embed, decoder_blocks, decoder_norm, decoder_pred in the current scope. */
export function declareMaeDecoder(b: GraphBuilder, cfg: MaeDecoderConfig): MaeDecoder {
  const { dim, eps } = cfg;
  const lin = (name: string, inF: number, outF: number, bias = true) => declareLinear(b, name, { inFeatures: inF, outFeatures: outF, bias, init: maeLinearInit });
  const maskToken = b.param('mask_token', [1, 1, dim], { init: { kind: 'normal', mean: 0, std: 0.02 } });
  const table = sinCos2dPosEmbed(dim, cfg.posGrid, { clsToken: true, arithmetic: cfg.posArithmetic });
  if (table.shape[1] !== cfg.numPatches + 1) {
    throw new EncoderConfigError('mae-decoder', `position grid ${cfg.posGrid.join('×')} has ${(table.shape[1] as number) - 1} cells, the decoder has ${cfg.numPatches} patches`);
  }
  const pos = b.param('decoder_pos_embed', [1, cfg.numPatches + 1, dim], { init: { kind: 'tensor', value: table }, trainable: false });
  const embed = lin('decoder_embed', cfg.encoderDim, dim);
  const bc = cfg.blocks;
  let blocks: MaeDecoder['blocks'];
  if (bc.kind === 'vit') {
    if (dim % bc.numHeads !== 0) throw new EncoderConfigError('mae-decoder', `decoder width ${dim} is not divisible by ${bc.numHeads} heads`);
    const params = b.scope('decoder_blocks', () => Array.from({ length: bc.depth }, (_, i) => b.scope(i, () => {
      const norm1 = declareLayerNorm(b, 'norm1', dim, eps);
      const { qkv, proj } = b.scope('attn', () => ({ qkv: lin('qkv', dim, 3 * dim, bc.qkvBias), proj: lin('proj', dim, dim) }));
      const norm2 = declareLayerNorm(b, 'norm2', dim, eps);
      const { fc1, fc2 } = b.scope('mlp', () => ({ fc1: lin('fc1', dim, bc.mlpHidden), fc2: lin('fc2', bc.mlpHidden, dim) }));
      return { norm1, qkv, proj, norm2, fc1, fc2 };
    })));
    blocks = { kind: 'vit', params };
  } else {
    blocks = { kind: 'opera-swin', params: declareOperaSwinBlocks(b, 'decoder_blocks', bc, dim, eps) };
  }
  const norm = declareLayerNorm(b, 'decoder_norm', dim, eps);
  const pred = lin('decoder_pred', dim, cfg.patchValues);
  return { cfg, maskToken, pos, embed, blocks, norm, pred };
}

/** timm Block with the declared parameters: x += proj(attn(norm1 x)); x += fc2(gelu(fc1(norm2 x))). */
function vitBlockApply(b: GraphBuilder, p: VitBlockParams, x: Value, numHeads: number): Value {
  const C = x.shape[2] as number;
  const d = C / numHeads;
  const t = applyLayerNorm(b, p.norm1, x);
  const qkv = b.reshape(applyLinear(b, p.qkv, t), [0, 0, 3, numHeads, d]);
  const [q, k, v] = [0, 1, 2].map((i) => b.transpose(b.reshape(b.slice(qkv, 2, i, i + 1), [0, 0, numHeads, d]), [0, 2, 1, 3])) as [Value, Value, Value];
  const attn = b.softmax(b.matmul(b.mul(q, d ** -0.5), b.transpose(k, [0, 1, 3, 2])), -1);
  const merged = b.reshape(b.transpose(b.matmul(attn, v), [0, 2, 1, 3]), [0, 0, C]);
  const h = b.add(x, applyLinear(b, p.proj, merged));
  return b.add(h, applyLinear(b, p.fc2, geluErf(b, applyLinear(b, p.fc1, applyLayerNorm(b, p.norm2, h)))));
}

/**
 * Decode encoder tokens [B, 1+K, encoderDim] (class token first, then the K visible tokens in the order
 * they were gathered) into predictions [B, L, patchValues]. `idsRestore` [B, L] int64 is MAE's
 * argsort(ids_shuffle): position i of the unshuffled sequence takes entry idsRestore[i] of
 * cat(visible, mask tokens). With `idsRestore` null nothing was masked (K = L, tokens in grid order).
 * With masking the batch is fixed at build (the mask tokens are expanded to it).
 */
export function maeDecoderForward(b: GraphBuilder, dec: MaeDecoder, encoded: Value, idsRestore: Value | null, mode: Mode): Value {
  const { cfg } = dec;
  if (encoded.rank !== 3 || encoded.shape[2] !== cfg.encoderDim) {
    throw new EncoderConfigError('mae-decoder', `expects encoder tokens [B, 1+K, ${cfg.encoderDim}], got [${encoded.shape.join(',')}]`);
  }
  const B = encoded.shape[0] as number;
  const K = (encoded.shape[1] as number) - 1;
  const dim = cfg.dim;
  let x = applyLinear(b, dec.embed, encoded);
  let L = K;
  if (idsRestore !== null) {
    if (idsRestore.dtype !== 'int64' || idsRestore.rank !== 2 || idsRestore.shape[0] !== B) {
      throw new EncoderConfigError('mae-decoder', `ids_restore must be int64 [${B}, L], got ${idsRestore.dtype} [${idsRestore.shape.join(',')}]`);
    }
    L = idsRestore.shape[1] as number;
    if (L < K) throw new EncoderConfigError('mae-decoder', `${K} visible tokens but ids_restore covers only ${L} patches`);
    const visible = b.slice(x, 1, 1, TO_END);
    const seq = L > K ? b.concat([visible, b.expand(dec.maskToken, [B, L - K, dim])], 1) : visible;
    const index = b.expand(b.reshape(idsRestore, [B, L, 1]), [B, L, dim]);
    x = b.concat([b.slice(x, 1, 0, 1), b.gatherElements(seq, index, 1)], 1);
  }
  if (L > cfg.numPatches) throw new EncoderConfigError('mae-decoder', `${L} patches exceed the ${cfg.numPatches}-patch position table`);
  x = b.add(x, b.slice(dec.pos, 1, 0, L + 1));
  const blocks = dec.blocks;
  if (blocks.kind === 'opera-swin') {
    const h = applyOperaSwinBlocks(b, 'decoder_blocks', blocks.params, b.slice(x, 1, 1, TO_END), mode);
    return applyLinear(b, dec.pred, applyLayerNorm(b, dec.norm, h));
  }
  const heads = (cfg.blocks as VitDecoderBlocksConfig).numHeads;
  const h = b.scope('decoder_blocks', () => blocks.params.reduce((t, p, i) => b.scope(i, () => vitBlockApply(b, p, t, heads)), x));
  return b.slice(applyLinear(b, dec.pred, applyLayerNorm(b, dec.norm, h)), 1, 1, TO_END);
}
