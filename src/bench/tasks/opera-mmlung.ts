/**
 * OPERA T13-T18: spirometry (FVC, FEV1, FEV1/FVC) from MMLung deep breaths (T13-T15) and sustained
 * vowel O (T16-T18), leave-one-subject-out over 40 participants (the order of eval_all.sh).
 * Regression head with 11 % of the training rows as validation (random_state 42, not stratified),
 * early stopping on validation MAE (patience 5, min_delta 0.001), checkpoints every 3 epochs.
 * Inputs (mmlung_processing.py): CT whole recording padded to 20 s with zero-type padding, CE
 * padded to 1 s, GT 5-s chunks.
 */
import type { ManifestRecord } from '../../data/manifest.ts';
import { defineTask, type OperaInputs, type TaskSpec } from '../task.ts';
import { operaPublished } from './opera-published.ts';
import { HEAR_WINDOWS, OPERA_REGRESSION_SEEDS, OPERA_SEED_42, operaRegression, valFromTrain } from './protocols.ts';

const MMLUNG_INPUTS: OperaInputs = {
  source: 'opera',
  ct: { path: 'a', minSec: 20, pad: 'zero' },
  ce: { path: 'a', minSec: 1, pad: 'repeat' },
  gt: { path: 'b', chunkSec: 5 },
};

type Measure = 'FVC' | 'FEV1' | 'FEV1/FVC';

const VALUE: Readonly<Record<Measure, (r: ManifestRecord<'mmlung'>) => number | null>> = {
  FVC: (r) => r.labels.fvcL,
  FEV1: (r) => r.labels.fev1L,
  'FEV1/FVC': (r) => r.labels.fev1FvcRatio,
};

function mmlungTask(id: 'T13' | 'T14' | 'T15' | 'T16' | 'T17' | 'T18', recording: 'deepbreaths' | 'vowelo', measure: Measure): TaskSpec<'mmlung'> {
  return defineTask({
    id,
    title: `MMLung ${recording === 'deepbreaths' ? 'deep breath' : 'vowel O'}: ${measure}`,
    dataset: 'mmlung',
    modalities: [recording === 'deepbreaths' ? 'breath' : 'vowel'],
    select: (r) => r.labels.recording === recording,
    target: { kind: 'regression', unit: measure === 'FEV1/FVC' ? 'ratio' : 'L', label: VALUE[measure] },
    splits: [{ name: 'opera-as-used', description: 'Leave one participant out (40 folds)', policy: { kind: 'loso' }, leak: { declared: false } }],
    inputs: { opera: MMLUNG_INPUTS, hear: HEAR_WINDOWS },
    metric: 'mae',
    probe: operaRegression(3, { patience: 5, minDelta: 0.001 }, valFromTrain(0.11, false, OPERA_SEED_42)),
    seeds: OPERA_REGRESSION_SEEDS,
    confounds: [],
    published: operaPublished(id, 'mae'),
    notes: 'Reported as mean ± std of the per-fold MAE over the 40 folds; spirometry values come from spirometry.csv (see the MMLung adapter).',
  });
}

export const T13 = mmlungTask('T13', 'deepbreaths', 'FVC');
export const T14 = mmlungTask('T14', 'deepbreaths', 'FEV1');
export const T15 = mmlungTask('T15', 'deepbreaths', 'FEV1/FVC');
export const T16 = mmlungTask('T16', 'vowelo', 'FVC');
export const T17 = mmlungTask('T17', 'vowelo', 'FEV1');
export const T18 = mmlungTask('T18', 'vowelo', 'FEV1/FVC');
