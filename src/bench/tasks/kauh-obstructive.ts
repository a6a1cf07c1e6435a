/**
 * KAUH obstructive (asthma or COPD, OPERA's T10 classes) vs healthy with subject-grouped cross-validation:
 * the question of T10 without its file-level leak, sized to run on a handful of subjects (the bundled
 * examples: 12 subjects) as well as on the full dataset. 4 outer folds stratified on the label, every
 * subject's three filter files in one fold; HeAR's logistic probe with 3 inner participant folds (5 would
 * leave inner folds without one of the classes on 9 training subjects).
 */
import { defineTask } from '../task.ts';
import { T10 } from './opera-kauh.ts';
import { HEAR_FOLD_SEED, HEAR_WINDOWS, operaPathA } from './protocols.ts';

export const kauhObstructive = defineTask({
  id: 'kauh-obstructive',
  title: 'KAUH: obstructive (asthma or COPD) vs healthy, subject-grouped CV',
  dataset: T10.dataset,
  modalities: T10.modalities,
  select: T10.select,
  target: T10.target,
  splits: [
    {
      name: 'subject-4fold',
      description: "Subject-grouped 4-fold CV stratified on the label; a subject's three filter files stay in one fold",
      policy: { kind: 'grouped-kfold', k: 4, stratified: true, seed: HEAR_FOLD_SEED },
      leak: { declared: false },
    },
  ],
  inputs: { opera: operaPathA(8, 8, 'chosen'), hear: HEAR_WINDOWS },
  metric: 'auroc',
  probe: { kind: 'hear-linear', innerFolds: 3, foldSeed: HEAR_FOLD_SEED },
  seeds: [0],
  confounds: ['Age differs between the classes (several asthma subjects are children).'],
  published: null,
  notes: 'Labels as OPERA T10 (kauh_processing.py): raw diagnosis N → healthy; asthma (any case) or COPD (upper case) → obstructive.',
});
