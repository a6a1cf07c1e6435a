/**
 * `cola-opera-ce`: OPERA-CE's contrastive pretraining (opera.md §3.2): EfficientNet-B0 encoder, COLA head
 * (g 1280→512, LayerNorm, tanh, bilinear 512×512, dropout 0.1), Adam lr 1e-4 decayed ×0.99 per epoch, batch
 * 128, 150 epochs, one source per batch by batch count; OPERA's crops and minimum durations per source.
 */
import type { PretrainConfig } from '../../src/ssl/config.ts';
import { OPERA_COLA_AUGMENT } from '../../src/ssl/augment.ts';
import { OPERA_COLA_HEAD } from '../../src/ssl/cola.ts';
import { OPERA_ADAM, OPERA_VALIDATION, SHARED_DATA, sources } from './common.ts';

export const colaOperaCe = {
  name: 'cola-opera-ce',
  description: "OPERA-CE: EfficientNet-B0 + COLA as OPERA's cola_training.py (Adam 1e-4, ×0.99/epoch, batch 128, 150 epochs)",
  encoder: { id: 'opera-ce' },
  objective: { kind: 'cola', head: OPERA_COLA_HEAD, augment: OPERA_COLA_AUGMENT },
  optimizer: OPERA_ADAM,
  schedule: { kind: 'epochExponential', gamma: 0.99 },
  clip: null,
  batchSize: 128,
  length: { epochs: 150 },
  checkpointEvery: 500,
  keepCheckpoints: 3,
  validation: OPERA_VALIDATION,
  seed: 42,
  data: { root: SHARED_DATA, ifMissing: 'error', sources: sources('cola'), synthetic: [], exclude: { tasks: 'all' } },
  init: null,
} as const satisfies PretrainConfig;
