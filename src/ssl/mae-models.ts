/**
 * The encoders MAE pretraining can drive, each as: its patch count for an input of T frames, the visible-
 * token encoder, the decoder (declared under MAE's names) and `patchify` for the reconstruction target.
 *   opera-gt  OPERA's MaskedAutoencoderViTMD: the encoder and decoder of src/encoders/opera-gt.ts (the decoder
 *             is the one in the encoder config, decoder_mode 0 or 1, so the trained state dict is a full
 *             OPERA-GT checkpoint); input [B, T, 64] with T a multiple of the patch size.
 *   hear      HeAR's ViT-L/16 on [B, 1, 192, 128] (src/ssl/mae-hear.ts) with a ViT decoder of `decoder`.
 */
import type { GraphBuilder, Value } from '../ir/index.ts';
import type { Mode } from '../nn/index.ts';
import type { EncoderId } from '../encoders/types.ts';
import { type OperaGtConfig, checkOperaGtConfig, declareOperaGtDecoder, operaGtEncodeVisible, operaGtPatchify } from '../encoders/opera-gt.ts';
import type { HearConfig } from '../encoders/hear.ts';
import { declareMaeDecoder, maeDecoderForward } from '../encoders/mae-decoder.ts';
import { type VitDecoderSpec, hearDecoderConfig, hearEncodeVisible, hearPatchify } from './mae-hear.ts';
import { SslConfigError } from './errors.ts';

export interface MaeForward {
  /** Decoder predictions [B, L, P]. */
  readonly pred: Value;
  /** patchify(x) [B, L, P]. */
  readonly target: Value;
}

export interface MaeModel {
  /** Patches L of one input of `frames` time frames (an error when the encoder cannot take that length). */
  patches(frames: number): number;
  /** Values per patch P. */
  readonly patchValues: number;
  /**
   * Encode the visible patches of `x` (the encoder's graph input layout), decode all L patches, and patchify
   * the input as the target. `idsKeep` [B, K] and `idsRestore` [B, L] are int64 inputs.
   */
  forward(b: GraphBuilder, x: Value, idsKeep: Value, idsRestore: Value, mode: Mode): MaeForward;
}

/** Encoders with an MAE path. */
export const MAE_ENCODERS: readonly EncoderId[] = ['opera-gt', 'hear'];

function operaGtMae(cfg: OperaGtConfig): MaeModel {
  checkOperaGtConfig(cfg);
  const p = cfg.patchSize;
  const freq = Math.floor(cfg.imgSize[1] / p);
  return {
    patches(frames) {
      if (frames % p !== 0 || frames < p || frames > cfg.imgSize[0]) {
        throw new SslConfigError(`opera-gt MAE: inputs need a multiple of the patch size ${p} frames, at most ${cfg.imgSize[0]}; got ${frames}`);
      }
      return (frames / p) * freq;
    },
    patchValues: p * p,
    forward(b, x, idsKeep, idsRestore, mode) {
      const encoded = operaGtEncodeVisible(b, cfg, x, idsKeep, mode);
      const dec = declareOperaGtDecoder(b, cfg);
      return { pred: maeDecoderForward(b, dec, encoded, idsRestore, mode), target: operaGtPatchify(b, cfg, x) };
    },
  };
}

function hearMae(cfg: HearConfig, decoder: VitDecoderSpec): MaeModel {
  const dc = hearDecoderConfig(cfg, decoder);
  return {
    patches(frames) {
      if (frames !== cfg.imageSize[0]) throw new SslConfigError(`hear MAE: inputs are ${cfg.imageSize[0]}-frame clips, got ${frames} frames`);
      return dc.numPatches;
    },
    patchValues: dc.patchValues,
    forward(b, x, idsKeep, idsRestore, mode) {
      const encoded = hearEncodeVisible(b, cfg, x, idsKeep, mode);
      const dec = declareMaeDecoder(b, dc);
      return { pred: maeDecoderForward(b, dec, encoded, idsRestore, mode), target: hearPatchify(b, cfg, x) };
    },
  };
}

/** The MAE model of an encoder; `decoder` is used by encoders whose config carries no decoder (hear). */
export function maeModel(id: EncoderId, cfg: unknown, decoder: VitDecoderSpec | null): MaeModel {
  switch (id) {
    case 'opera-gt':
      if (decoder !== null) throw new SslConfigError("opera-gt MAE: the decoder is part of the encoder config (its 'decoder' field, reference keys decoder_mode, decoder_embed_dim, …); leave objective.decoder unset");
      return operaGtMae(cfg as OperaGtConfig);
    case 'hear':
      if (decoder === null) throw new SslConfigError('hear MAE: objective.decoder (dim, depth, numHeads, mlpRatio) is required');
      return hearMae(cfg as HearConfig, decoder);
    default:
      throw new SslConfigError(`MAE pretraining needs a ViT encoder with an MAE path (${MAE_ENCODERS.join(', ')}), got '${id}'`);
  }
}
