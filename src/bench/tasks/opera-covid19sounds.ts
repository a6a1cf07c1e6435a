/**
 * OPERA T3 (breath) and T4 (cough): respiratory symptoms on COVID-19 Sounds, Task-1 release.
 * The split is the dataset's own `split` column; OPERA keeps every 5th training row in file order
 * (covid19sounds_processing.py task1_downsample). The target is the release's `label` column
 * (symptoms reported vs none).
 */
import { defineTask, type TaskSpec } from '../task.ts';
import { operaPublished } from './opera-published.ts';
import { HEAR_WINDOWS, OPERA_SEEDS, operaLinear, operaPathA, VAL_FROM_SPLIT } from './protocols.ts';

function covid19soundsTask(id: 'T3' | 'T4', recording: 'breath' | 'cough'): TaskSpec<'covid19sounds'> {
  return defineTask({
    id,
    title: `COVID-19 Sounds ${recording}: respiratory symptoms`,
    dataset: 'covid19sounds',
    modalities: [recording],
    select: (r) => r.labels.recording === recording,
    target: {
      kind: 'binary',
      positive: 'symptomatic',
      negative: 'no symptoms',
      label: (r) => (r.labels.task1Label === 1 ? 1 : r.labels.task1Label === 0 ? 0 : null),
    },
    splits: [
      {
        name: 'opera-as-used',
        description: 'Task-1 split column (0 train, 1 val, 2 test), training rows subsampled to every 5th in file order',
        policy: {
          kind: 'official',
          label: 'split',
          parts: { train: 'train', val: 'val', test: 'test' },
          trainEvery: { n: 5, rankLabel: 'splitRank' },
        },
        leak: {
          declared: true,
          reason: 'The Task-1 split is meant to be user-disjoint, but 53 Uids of data_0426_en_task1.csv occur in both train and test (opera.md §4)',
        },
      },
    ],
    inputs: { opera: operaPathA(8, 8), hear: HEAR_WINDOWS },
    metric: 'auroc',
    probe: operaLinear(64, 64, 1, VAL_FROM_SPLIT),
    seeds: OPERA_SEEDS,
    confounds: [],
    published: operaPublished(id, 'auroc'),
    notes: 'Needs the DTA release; its metadata CSV is read from the data root, never committed.',
  });
}

export const T3 = covid19soundsTask('T3', 'breath');
export const T4 = covid19soundsTask('T4', 'cough');
