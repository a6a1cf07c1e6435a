/**
 * `cola-opera-ct`: OPERA-CT's contrastive pretraining: the HTS-AT encoder (drop-path 0.1) with the COLA head
 * at dim_fea 768 (g 768→512), otherwise as cola-opera-ce; 250 epochs (scripts/multiple_pretrain.sh).
 */
import type { PretrainConfig } from '../../src/ssl/config.ts';
import { OPERA_COLA_AUGMENT } from '../../src/ssl/augment.ts';
import { OPERA_COLA_HEAD } from '../../src/ssl/cola.ts';
import { OPERA_ADAM, OPERA_VALIDATION, SHARED_DATA, sources } from './common.ts';

export const colaOperaCt = {
  name: 'cola-opera-ct',
  description: "OPERA-CT: HTS-AT + COLA as OPERA's cola_training.py (Adam 1e-4, ×0.99/epoch, batch 128, 250 epochs)",
  encoder: { id: 'opera-ct' },
  objective: { kind: 'cola', head: OPERA_COLA_HEAD, augment: OPERA_COLA_AUGMENT },
  optimizer: OPERA_ADAM,
  schedule: { kind: 'epochExponential', gamma: 0.99 },
  clip: null,
  batchSize: 128,
  length: { epochs: 250 },
  checkpointEvery: 500,
  keepCheckpoints: 3,
  validation: OPERA_VALIDATION,
  seed: 42,
  data: { root: SHARED_DATA, ifMissing: 'error', sources: sources('cola'), synthetic: [], exclude: { tasks: 'all' } },
  init: null,
} as const satisfies PretrainConfig;
