/**
 * OPERA T7: COPD vs healthy on ICBHI 2017 recordings (other diagnoses masked away). The split is
 * the official challenge split (OPERA's icbhidisease_eval/split.npy, identical to
 * ICBHI_challenge_train_test.txt for all 920 recordings); 20 % of the training rows, stratified,
 * become validation (random_state 1337).
 */
import { defineTask } from '../task.ts';
import { operaPublished } from './opera-published.ts';
import { HEAR_WINDOWS, OPERA_SEEDS, operaLinear, operaPathA, valFromTrain } from './protocols.ts';

export const T7 = defineTask({
  id: 'T7',
  title: 'ICBHI: COPD vs healthy',
  dataset: 'icbhi',
  modalities: ['lung'],
  select: (r) => r.labels.diagnosis === 'COPD' || r.labels.diagnosis === 'Healthy',
  target: {
    kind: 'binary',
    positive: 'COPD',
    negative: 'Healthy',
    label: (r) => (r.labels.diagnosis === 'COPD' ? 1 : r.labels.diagnosis === 'Healthy' ? 0 : null),
  },
  splits: [
    {
      name: 'opera-as-used',
      description: 'Official ICBHI challenge split, restricted to COPD and Healthy recordings (icbhi_t7_split.csv)',
      policy: {
        kind: 'committed',
        file: 'icbhi_t7_split.csv',
        key: { column: 'file', pathPrefix: 'ICBHI_final_database/' },
        where: [{ column: 'used_in_opera_t7', oneOf: ['1'] }],
        splitColumn: 'split',
        parts: { train: 'train', test: 'test' },
        subjectColumn: 'patient_id',
      },
      leak: { declared: true, reason: 'The official challenge split puts patients 156 and 218 in both train and test' },
    },
  ],
  inputs: { opera: operaPathA(8, 8), hear: HEAR_WINDOWS },
  metric: 'auroc',
  probe: operaLinear(64, 32, 1, valFromTrain(0.2)),
  seeds: OPERA_SEEDS,
  confounds: ['Recording device differs between the two sites and correlates with diagnosis.'],
  published: operaPublished('T7', 'auroc'),
  notes: 'OPERA uses whole recordings (not respiratory cycles) for T7.',
});
