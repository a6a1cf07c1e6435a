/**
 * `mae-opera-gt`: OPERA-GT's generative pretraining (opera.md §3.3): ViT-S/4 encoder on the visible 30 % of
 * 4×4 patches, OPERA's SwinV2-CR decoder (decoder_mode 1, 16 blocks at width 256), MSE on the masked patches
 * without per-patch normalisation, no augmentation (random crop or zero pad to 64/128/256 frames per source),
 * Adam lr 1e-4 ×0.99 per epoch, batch 64 with drop_last, 512 epochs (the value hard-coded in mae_training.py).
 */
import type { PretrainConfig } from '../../src/ssl/config.ts';
import { OPERA_MAE_RATIO } from '../../src/ssl/mae.ts';
import { OPERA_ADAM, OPERA_VALIDATION, SHARED_DATA, sources } from './common.ts';

export const maeOperaGt = {
  name: 'mae-opera-gt',
  description: "OPERA-GT: ViT-S MAE (mask 0.7, SwinV2-CR decoder) as OPERA's mae_training.py (Adam 1e-4, ×0.99/epoch, batch 64, 512 epochs)",
  encoder: { id: 'opera-gt' },
  objective: { kind: 'mae', maskRatio: OPERA_MAE_RATIO, normPixLoss: false, decoder: null },
  optimizer: OPERA_ADAM,
  schedule: { kind: 'epochExponential', gamma: 0.99 },
  clip: null,
  batchSize: 64,
  length: { epochs: 512 },
  checkpointEvery: 500,
  keepCheckpoints: 3,
  validation: OPERA_VALIDATION,
  seed: 42,
  data: { root: SHARED_DATA, ifMissing: 'error', sources: sources('mae'), synthetic: [], exclude: { tasks: 'all' } },
  init: null,
} as const satisfies PretrainConfig;
