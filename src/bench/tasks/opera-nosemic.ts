/**
 * OPERA T19: respiratory rate from nasal breathing (NoseMic). linear_evaluation_nosemic holds out
 * each of 16 listed users in turn (4-14, 17-21); files of other users are always in training.
 * Validation: 20 % of the training rows (random_state 42); no early stopping. Inputs
 * (nosemic_processing.py): CT padded to 30 s, CE to 1 s, GT 8-s chunks.
 */
import { defineTask } from '../task.ts';
import { operaPublished } from './opera-published.ts';
import { HEAR_WINDOWS, OPERA_REGRESSION_SEEDS, OPERA_SEED_42, operaRegression, valFromTrain } from './protocols.ts';

export const NOSEMIC_TEST_USERS = ['4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '14', '17', '18', '19', '20', '21'] as const;

export const T19 = defineTask({
  id: 'T19',
  title: 'NoseMic: respiratory rate',
  dataset: 'nosemic',
  modalities: ['nasal'],
  select: () => true,
  target: { kind: 'regression', unit: 'breaths/min', label: (r) => r.labels.respiratoryRate },
  splits: [
    {
      name: 'opera-as-used',
      description: 'Leave one listed user out (16 folds)',
      policy: { kind: 'loso', testSubjects: NOSEMIC_TEST_USERS },
      leak: { declared: false },
    },
  ],
  inputs: {
    opera: { source: 'opera', ct: { path: 'a', minSec: 30, pad: 'repeat' }, ce: { path: 'a', minSec: 1, pad: 'repeat' }, gt: { path: 'b', chunkSec: 8 } },
    hear: HEAR_WINDOWS,
  },
  metric: 'mae',
  probe: operaRegression(1, null, valFromTrain(0.2, false, OPERA_SEED_42)),
  seeds: OPERA_REGRESSION_SEEDS,
  confounds: [],
  published: operaPublished('T19', 'mae'),
  notes: 'Reported as mean ± std of the per-fold MAE over the 16 folds.',
});
