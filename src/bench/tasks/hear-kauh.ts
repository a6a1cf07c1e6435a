/**
 * HeAR-style tasks on KAUH (the HeAR paper evaluates sex, age and clinical findings from health
 * sounds with participant-grouped 5-fold CV, eval_utils): sex, age in years, and the four largest
 * single-diagnosis classes. Folds are drawn over subjects, so a subject's three filter versions of
 * one auscultation always stay together. OPERA inputs follow T10 (path (a), 8 s) as a choice.
 */
import { defineTask } from '../task.ts';
import { HEAR_FOLD_SEED, HEAR_PROBE, HEAR_WINDOWS, operaPathA } from './protocols.ts';

const inputs = { opera: operaPathA(8, 8, 'chosen'), hear: HEAR_WINDOWS } as const;
const filters = 'Each subject contributes three filter versions (bell, diaphragm, extended) of one recording.';

export const hearKauhSex = defineTask({
  id: 'hear-kauh-sex',
  title: 'KAUH lung sounds: sex (female vs male)',
  dataset: 'kauh',
  modalities: ['lung'],
  select: () => true,
  target: { kind: 'binary', positive: 'female', negative: 'male', label: (r) => (r.labels.sex === 'F' ? 1 : 0) },
  splits: [
    {
      name: 'subject-5fold',
      description: 'Subject-grouped 5-fold CV stratified on sex',
      policy: { kind: 'grouped-kfold', k: 5, stratified: true, seed: HEAR_FOLD_SEED },
      leak: { declared: false },
    },
  ],
  inputs,
  metric: 'auroc',
  probe: HEAR_PROBE,
  seeds: [0],
  confounds: ['Sex is unevenly distributed over diagnoses (KAUH development part: 50 M / 29 F subjects).'],
  published: null,
  notes: filters,
});

export const hearKauhAge = defineTask({
  id: 'hear-kauh-age',
  title: 'KAUH lung sounds: age (years)',
  dataset: 'kauh',
  modalities: ['lung'],
  select: () => true,
  target: { kind: 'regression', unit: 'years', label: (r) => r.labels.age },
  splits: [
    {
      name: 'subject-5fold',
      description: 'Subject-grouped 5-fold CV (not stratified)',
      policy: { kind: 'grouped-kfold', k: 5, stratified: false, seed: HEAR_FOLD_SEED },
      leak: { declared: false },
    },
  ],
  inputs,
  metric: 'mae',
  probe: HEAR_PROBE,
  seeds: [0],
  confounds: ['Age correlates with diagnosis (children are mostly asthma cases).'],
  published: null,
  notes: filters,
});

export const KAUH_DIAGNOSIS_CLASSES = ['healthy', 'asthma', 'heart failure', 'COPD'] as const;

export const hearKauhDiagnosis = defineTask({
  id: 'hear-kauh-diagnosis',
  title: 'KAUH lung sounds: diagnosis (healthy, asthma, heart failure, COPD)',
  dataset: 'kauh',
  modalities: ['lung'],
  select: (r) => (KAUH_DIAGNOSIS_CLASSES as readonly string[]).includes(r.labels.diagnosis),
  target: {
    kind: 'multiclass',
    classes: KAUH_DIAGNOSIS_CLASSES,
    label: (r) => {
      const i = (KAUH_DIAGNOSIS_CLASSES as readonly string[]).indexOf(r.labels.diagnosis);
      return i < 0 ? null : i;
    },
  },
  splits: [
    {
      name: 'subject-5fold',
      description: 'Subject-grouped 5-fold CV stratified on diagnosis',
      policy: { kind: 'grouped-kfold', k: 5, stratified: true, seed: HEAR_FOLD_SEED },
      leak: { declared: false },
    },
  ],
  inputs,
  metric: 'macro-auroc',
  probe: HEAR_PROBE,
  seeds: [0],
  confounds: [],
  published: null,
  notes: `${filters} Smaller and mixed diagnoses (pneumonia, fibrosis, bronchiectasis, effusion, combinations) are left out.`,
});
