/**
 * `mae-hear`: HeAR's masked-autoencoder recipe (Baur et al. 2024, §3.1) on respiratory data: ViT-L/16 on
 * 2-s mel-PCEN clips [192, 128], 75 % of the 96 patches masked, an 8-layer ViT decoder, MSE on per-patch
 * normalised masked patches, AdamW with cosine decay. HeAR trained 950 k steps at batch 4096 with peak lr
 * 4.8e-4 (AudioMAE's base lr scaled linearly); at batch 64 the same rule gives 4.8e-4·64/4096 = 7.5e-6.
 * Decoder width/heads and AdamW's betas (0.9, 0.95) and weight decay 0.05 follow AudioMAE, which the paper
 * names as the source of its remaining hyperparameters. Every source is cut into 2-s clips; an item is one
 * clip drawn from a recording.
 */
import type { PretrainConfig } from '../../src/ssl/config.ts';
import { HEAR_MAE_RATIO } from '../../src/ssl/mae.ts';
import { HEAR_MAE_DECODER } from '../../src/ssl/mae-hear.ts';
import { OPERA_VALIDATION, SHARED_DATA, sources } from './common.ts';

export const maeHear = {
  name: 'mae-hear',
  description: 'HeAR: ViT-L/16 MAE (mask 0.75, normalised patches, 8-layer decoder), AdamW + cosine, on 2-s clips',
  encoder: { id: 'hear' },
  objective: { kind: 'mae', maskRatio: HEAR_MAE_RATIO, normPixLoss: true, decoder: HEAR_MAE_DECODER },
  optimizer: { kind: 'adamw', lr: 7.5e-6, betas: [0.9, 0.95], eps: 1e-8, weightDecay: 0.05, noDecay: ['(^|\\.)bias$', 'layernorm', 'norm\\d?\\.', 'cls_token', 'position_embeddings', 'mask_token'] },
  schedule: { kind: 'cosine', minLr: 0, warmup: { steps: 2000, startFactor: 0 } },
  clip: null,
  batchSize: 64,
  length: { epochs: 100 },
  checkpointEvery: 500,
  keepCheckpoints: 3,
  validation: OPERA_VALIDATION,
  seed: 42,
  data: { root: SHARED_DATA, ifMissing: 'error', sources: sources('mae', undefined, () => 192), synthetic: [], exclude: { tasks: 'all' } },
  init: null,
} as const satisfies PretrainConfig;
