/**
 * OPERA T10: obstructive (asthma or COPD) vs healthy on KAUH. OPERA's linear_eval.py loads
 * train_test_split.npy, which puts the three filter versions of one auscultation into different
 * partitions for 51 of 78 subjects, and sends its `val` rows to the test set; 10 % of train,
 * stratified (random_state 1337), becomes validation. The committed train_test.npy is
 * subject-consistent (52/26 subjects) but loaded by no code: it is the `subject-consistent` variant.
 */
import { defineTask } from '../task.ts';
import { operaPublished } from './opera-published.ts';
import { HEAR_WINDOWS, OPERA_SEEDS, operaLinear, operaPathA, valFromTrain } from './protocols.ts';

export const T10 = defineTask({
  id: 'T10',
  title: 'KAUH: obstructive (asthma or COPD) vs healthy',
  dataset: 'kauh',
  modalities: ['lung'],
  select: (r) => r.labels.operaT10 !== null,
  target: {
    kind: 'binary',
    positive: 'obstructive (asthma or COPD)',
    negative: 'healthy',
    label: (r) => (r.labels.operaT10 === null ? null : r.labels.operaT10 === 'healthy' ? 0 : 1),
  },
  splits: [
    {
      name: 'opera-as-used',
      description: 'train_test_split.npy as linear_eval.py uses it: train vs everything else (val and test) as test',
      policy: {
        kind: 'committed',
        file: 'kauh_t10_train_test_split.csv',
        key: { column: 'file', pathPrefix: 'AudioFiles/' },
        where: [],
        splitColumn: 'split',
        parts: { train: 'train', val: 'test', test: 'test' },
        subjectColumn: 'subject_id',
        labelColumn: 'label_binary',
      },
      leak: {
        declared: true,
        reason: "OPERA's train_test_split.npy is file-level: a subject's three filter versions of one recording fall into different partitions",
      },
    },
    {
      name: 'subject-consistent',
      description: 'train_test.npy: 52 train / 26 test subjects, every subject in one partition',
      policy: {
        kind: 'committed',
        file: 'kauh_t10_train_test.csv',
        key: { column: 'file', pathPrefix: 'AudioFiles/' },
        where: [],
        splitColumn: 'split',
        parts: { train: 'train', test: 'test' },
        subjectColumn: 'subject_id',
        labelColumn: 'label_binary',
      },
      leak: { declared: false },
    },
  ],
  inputs: { opera: operaPathA(8, 8), hear: HEAR_WINDOWS },
  metric: 'auroc',
  probe: operaLinear(50, 32, 5, valFromTrain(0.1)),
  seeds: OPERA_SEEDS,
  confounds: [],
  published: operaPublished('T10', 'auroc'),
  notes: 'The published numbers were obtained with the leaking split.',
});
