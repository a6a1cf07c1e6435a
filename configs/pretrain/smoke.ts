/**
 * `smoke`: a tiny COLA run that finishes in well under a minute on two cores and proves the whole path:
 * corpus (with the benchmark exclusion), spectrogram store, batch worker, training steps, validation,
 * checkpoints, resume, plots and the exported encoder. The encoder is OPERA-CE's architecture shrunk by
 * reference-named overrides (two EfficientNet blocks at width 0.25; `pneuma embed --model-config` takes the
 * model_config.json written next to the weights). Data: the development corpus when ../shared/data exists
 * (KAUH, ICBHI, covid19-cough: at most 24, 24 and 60 recordings, about half of the coughs being under 2 s; exclusion of OPERA's test splits only, so the
 * result is not for benchmarking HeAR-style tasks), else two generated sources, cough-like and breath-like.
 */
import type { PretrainConfig } from '../../src/ssl/config.ts';
import { OPERA_COLA_AUGMENT } from '../../src/ssl/augment.ts';
import { operaSource } from '../../src/ssl/corpus-rules.ts';
import { SHARED_DATA } from './common.ts';

export const smoke = {
  name: 'smoke',
  description: 'tiny OPERA-CE-shaped encoder, COLA, 12 steps of 8 recordings; development data or generated audio',
  encoder: {
    id: 'opera-ce',
    reference: { width_coefficient: 0.25, blocks_args: ['r1_k3_s11_e1_i32_o16_se0.25', 'r1_k3_s22_e6_i16_o24_se0.25'] },
  },
  objective: { kind: 'cola', head: { dimOut: 32, dimHidden: null, dropout: 0.1, layerNormEps: 1e-5 }, augment: OPERA_COLA_AUGMENT },
  optimizer: { kind: 'adam', lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 },
  schedule: { kind: 'epochExponential', gamma: 0.99 },
  clip: { maxNorm: 5 },
  batchSize: 8,
  length: { steps: 12 },
  checkpointEvery: 5,
  keepCheckpoints: 2,
  validation: { fraction: 0.15, splitSeed: 1337, every: 6, maxBatches: 2 },
  seed: 42,
  data: {
    root: SHARED_DATA,
    ifMissing: 'synthetic',
    sources: [operaSource('icbhi', 'cola', { maxRecords: 24 }), operaSource('kauh', 'cola', { maxRecords: 24 }), operaSource('covid19-cough', 'cola', { maxRecords: 60 })],
    synthetic: [
      { name: 'synthetic-cough', dataset: 'synthetic', modalities: ['cough'], minSeconds: 1, trim: true, frames: 32, synthetic: { recordings: 40, seconds: [1.5, 3] } },
      { name: 'synthetic-breath', dataset: 'synthetic', modalities: ['breath'], minSeconds: 2, trim: true, frames: 64, synthetic: { recordings: 40, seconds: [3, 6] } },
    ],
    exclude: { suite: 'opera' },
  },
  init: null,
} as const satisfies PretrainConfig;
