/**
 * `cola-mn04`: continued pretraining of an AudioSet model on respiratory audio, the recipe Niizumi et al.
 * (2025) found best (sota.md §1.8: M2D further pretrained on AudioSet + respiratory data), adapted to the
 * AudioSet checkpoint Pneuma holds: EfficientAT mn04 (MobileNetV3, width 0.4; bundled under
 * assets/models/efficientat-mn04, MIT).
 *
 * Objective: COLA, not MAE. Masked-patch reconstruction suits a ViT, which drops the masked tokens; a CNN sees
 * masked regions through its receptive fields and has no token interface, and mn04 was not trained with a
 * masked objective, so its features would have to be re-learned. COLA (OPERA's contrastive recipe) trains the
 * pooled 384-d embedding, the very vector `pneuma embed` reads, with the OPERA head (g 384→512). Crops are
 * OPERA's durations in EfficientAT's 10-ms frames (1.6 s → 160, 3.2 s → 320, 6.4 s → 640).
 *
 * Differences from M2D+Resp, stated: no AudioSet clips are mixed in (none are available here), so the
 * learning rate is lower than OPERA's from-scratch 1e-4 (3e-5, with a one-epoch warm-up) and the run shorter
 * (20 epochs) to limit drift from the AudioSet features; BatchNorm statistics keep adapting (train mode).
 */
import type { PretrainConfig } from '../../src/ssl/config.ts';
import { OPERA_COLA_AUGMENT } from '../../src/ssl/augment.ts';
import { OPERA_COLA_HEAD } from '../../src/ssl/cola.ts';
import { OPERA_VALIDATION, SHARED_DATA, sources } from './common.ts';

export const colaMn04 = {
  name: 'cola-mn04',
  description: 'EfficientAT mn04 (AudioSet) continued on respiratory audio with COLA: Adam 3e-5, warm-up, ×0.99/epoch, 20 epochs',
  encoder: { id: 'efficientat-mn04' },
  objective: { kind: 'cola', head: OPERA_COLA_HEAD, augment: OPERA_COLA_AUGMENT },
  optimizer: { kind: 'adam', lr: 3e-5, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 },
  schedule: { kind: 'epochExponential', gamma: 0.99, warmup: { steps: 200, startFactor: 0.1 } },
  clip: null,
  batchSize: 128,
  length: { epochs: 20 },
  checkpointEvery: 500,
  keepCheckpoints: 3,
  validation: OPERA_VALIDATION,
  seed: 42,
  data: { root: SHARED_DATA, ifMissing: 'error', sources: sources('cola', undefined, (r) => Math.round((r.frames * 512) / 16000 / 0.01)), synthetic: [], exclude: { tasks: 'all' } },
  init: 'assets/models/efficientat-mn04/mn04_as_mAP_432.pt',
} as const satisfies PretrainConfig;
