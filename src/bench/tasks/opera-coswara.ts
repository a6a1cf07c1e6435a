/**
 * OPERA T8 (smoker) and T9 (sex) on Coswara shallow coughs of users who also have a heavy cough.
 * As run, linear_eval.py splits with train_test_split(test_size=0.2, random_state=1337,
 * stratify=labels) and then takes 20 % of train for validation; the committed
 * cough_aligned_train_test_split_*.npy holds that split (recomputing it with scikit-learn 1.2.1 on
 * the committed labels gives the same partition). `--mapgoogle True` is passed by eval_all.sh but never forwarded, so
 * the committed HeAR-aligned split (google_*_cough_split.npy) is a separate variant here.
 * CT and GT read a spectrogram padded to 8 s, CE one padded to 2 s (a file OPERA never generates).
 */
import { defineTask, type OperaInputs, type TaskSpec } from '../task.ts';
import { operaPublished } from './opera-published.ts';
import { HEAR_WINDOWS, OPERA_SEEDS, operaLinear, valFromTrain } from './protocols.ts';

const COSWARA_INPUTS: OperaInputs = {
  source: 'opera',
  ct: { path: 'c', specPadSec: 8, pieceFrames: null },
  ce: { path: 'c', specPadSec: 2, pieceFrames: null },
  gt: { path: 'c', specPadSec: 8, pieceFrames: 256 },
};

function coswaraTask(
  id: 'T8' | 'T9',
  title: string,
  target: TaskSpec<'coswara'>['target'],
): TaskSpec<'coswara'> {
  const committed = (splitColumn: string) =>
    ({
      kind: 'committed',
      file: 'opera_t8_t9_coswara.csv',
      key: { column: 'file', pathPrefix: '' },
      where: [{ column: 'task', oneOf: [id] }],
      splitColumn,
      parts: { train: 'train', test: 'test' },
      labelColumn: 'label',
    }) as const;
  return defineTask({
    id,
    title,
    dataset: 'coswara',
    modalities: ['cough'],
    select: (r) => r.labels.recording === 'cough-shallow',
    target,
    splits: [
      { name: 'opera-as-used', description: 'Stratified 80/20 split of OPERA\'s aligned file list (random_state 1337)', policy: committed('split'), leak: { declared: false } },
      { name: 'google-aligned', description: "OPERA's committed HeAR-aligned split (google_*_cough_split.npy), unused by its code", policy: committed('google_split'), leak: { declared: false } },
    ],
    inputs: { opera: COSWARA_INPUTS, hear: HEAR_WINDOWS },
    metric: 'auroc',
    probe: operaLinear(64, 32, 1, valFromTrain(0.2)),
    seeds: OPERA_SEEDS,
    confounds: [],
    published: operaPublished(id, 'auroc'),
    notes: 'One file per user, so the splits are subject-disjoint.',
  });
}

export const T8 = coswaraTask('T8', 'Coswara shallow cough: smoker', {
  kind: 'binary',
  positive: 'smoker',
  negative: 'non-smoker',
  label: (r) => (r.labels.smoker === null ? null : r.labels.smoker ? 1 : 0),
});

export const T9 = coswaraTask('T9', 'Coswara shallow cough: sex (female vs male)', {
  kind: 'binary',
  positive: 'female',
  negative: 'male',
  label: (r) => (r.labels.gender === 'female' ? 1 : r.labels.gender === 'male' ? 0 : null),
});
