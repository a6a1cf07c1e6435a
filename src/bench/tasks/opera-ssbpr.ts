/**
 * OPERA T12: sleep body position from snoring (SSBPR), 5 classes (prone excluded). OPERA splits
 * recordings, not subjects: stratified 60/20/20 with random_state 42 (linear_eval_ssbpr). All
 * encoders read a spectrogram padded to 2 s; GT cuts it into 256-frame pieces.
 */
import { defineTask } from '../task.ts';
import { operaPublished } from './opera-published.ts';
import { HEAR_WINDOWS, OPERA_SEED_42, OPERA_SEEDS, operaLinear, VAL_FROM_SPLIT } from './protocols.ts';

export const T12 = defineTask({
  id: 'T12',
  title: 'SSBPR snoring: sleep body position (5 classes)',
  dataset: 'ssbpr',
  modalities: ['snore'],
  select: (r) => r.labels.position !== 5,
  target: {
    kind: 'multiclass',
    classes: ['supine', 'supine, head left', 'supine, head right', 'left lateral', 'right lateral'],
    label: (r) => (r.labels.position <= 4 ? r.labels.position : null),
  },
  splits: [
    {
      name: 'opera-as-used',
      description: 'Recording-level stratified 60/20/20 split (OPERA: sklearn, random_state 42; here: the seeded Rng, so the rows differ)',
      policy: { kind: 'random-stratified', test: 0.2, val: 0.2, seed: OPERA_SEED_42 },
      leak: { declared: true, reason: 'OPERA splits SSBPR recordings, not its 20 subjects: every subject is in train, val and test' },
    },
  ],
  inputs: {
    opera: {
      source: 'opera',
      ct: { path: 'c', specPadSec: 2, pieceFrames: null },
      ce: { path: 'c', specPadSec: 2, pieceFrames: null },
      gt: { path: 'c', specPadSec: 2, pieceFrames: 256 },
    },
    hear: HEAR_WINDOWS,
  },
  metric: 'macro-auroc',
  probe: operaLinear(32, 64, 3, VAL_FROM_SPLIT),
  seeds: OPERA_SEEDS,
  confounds: [],
  published: operaPublished('T12', 'macro-auroc'),
  notes: 'Class counts used by OPERA: 1638/1454/1269/1668/1439 (7,468 clips, 20 subjects).',
});
