/**
 * `pneuma-resp`: Pneuma's own respiratory model, the bundled default (assets/models/pneuma-resp). EfficientAT
 * mn04 (AudioSet, MIT) continued on the development corpus (../shared/data: KAUH lung sounds, covid19-cough
 * coughs, the ICBHI subset) with COLA, as `cola-mn04` but sized for a corpus of a few hundred recordings: batch
 * 32, Adam 1e-4 after a 50-step warm-up, ×0.99 per epoch.
 *
 * What it never hears: the OPERA suite's test data (T7's official ICBHI test recordings, T10's test files),
 * and a subject hold-out (`data.exclude.holdout`): half of the KAUH and covid19-cough subjects, drawn by hash,
 * plus every subject of the bundled examples (assets/examples). `pneuma bench` leaves out the subjects listed in
 * the model's corpus.json, so its numbers on those datasets come from the held-out subjects only.
 */
import type { PretrainConfig } from '../../src/ssl/config.ts';
import { colaMn04 } from './cola-mn04.ts';

export const pneumaResp = {
  ...colaMn04,
  name: 'pneuma-resp',
  description: "Pneuma's respiratory model: mn04 (AudioSet) continued with COLA on the development corpus, half of its subjects and the examples held out",
  optimizer: { ...colaMn04.optimizer, lr: 1e-4 },
  schedule: { kind: 'epochExponential', gamma: 0.99, warmup: { steps: 50, startFactor: 0.1 } },
  clip: { maxNorm: 5 },
  batchSize: 32,
  length: { epochs: 60 },
  checkpointEvery: 50,
  keepCheckpoints: 2,
  validation: { fraction: 0.1, splitSeed: 1337, every: 100, maxBatches: 4 },
  data: {
    ...colaMn04.data,
    sources: colaMn04.data.sources.filter((s) => ['icbhi', 'kauh', 'covid19-cough'].includes(s.name)),
    exclude: { suite: 'opera', holdout: { datasets: ['kauh', 'covid19-cough'], fraction: 0.5, seed: 2026, always: ['assets/examples'] } },
  },
} as const satisfies PretrainConfig;
