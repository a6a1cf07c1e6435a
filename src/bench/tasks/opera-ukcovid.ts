/**
 * OPERA T1 (exhalation) and T2 (cough): COVID-19 test result on the UK COVID-19 Vocal Audio
 * Dataset. OPERA downsampled the dataset's participant-level train/val/test to 1,000/500/1,000
 * recordings per modality (`*_downsample.npy`); its resolved lists are committed as
 * opera_t1_t2_ukcovid.csv (coviduk_eval arrays). Inputs from coviduk_processing.py.
 */
import type { ManifestRecord } from '../../data/manifest.ts';
import { defineTask, type TaskSpec } from '../task.ts';
import { operaPublished } from './opera-published.ts';
import { HEAR_WINDOWS, OPERA_SEEDS, operaLinear, operaPathA, VAL_FROM_SPLIT } from './protocols.ts';

function covidPositive(r: ManifestRecord<'ukcovid'>): 0 | 1 | null {
  const v = r.labels.covidTestResult;
  return v === 'Positive' ? 1 : v === 'Negative' ? 0 : null;
}

function ukcovidTask(id: 'T1' | 'T2', recording: 'exhalation' | 'cough'): TaskSpec<'ukcovid'> {
  return defineTask({
    id,
    title: `UK COVID-19 ${recording}: COVID-19 test result`,
    dataset: 'ukcovid',
    modalities: [recording],
    select: (r) => r.labels.recording === recording,
    target: { kind: 'binary', positive: 'COVID-19 positive', negative: 'negative', label: covidPositive },
    splits: [
      {
        name: 'opera-as-used',
        description: "OPERA's downsampled participant-level train/val/test (coviduk_eval split arrays)",
        policy: {
          kind: 'committed',
          file: 'opera_t1_t2_ukcovid.csv',
          key: { column: 'file', label: 'fileName' },
          where: [{ column: 'modality', oneOf: [recording] }],
          splitColumn: 'split',
          parts: { train: 'train', val: 'val', test: 'test' },
          labelColumn: 'label',
        },
        leak: { declared: false },
      },
    ],
    inputs: { opera: operaPathA(2, 2), hear: HEAR_WINDOWS },
    metric: 'auroc',
    probe: operaLinear(64, 64, 1, VAL_FROM_SPLIT),
    seeds: OPERA_SEEDS,
    confounds: [],
    published: operaPublished(id, 'auroc'),
    notes: 'The split file names files only; leakage is checked against participant ids from the manifest.',
  });
}

export const T1 = ukcovidTask('T1', 'exhalation');
export const T2 = ukcovidTask('T2', 'cough');
