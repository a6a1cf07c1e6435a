/**
 * OPERA T5 (COVID-19 vs healthy) and T6 (sex) on COUGHVID. OPERA's uuid lists keep recordings with
 * cough_detected >= 0.8; its resolved arrays are committed as opera_t5_t6_coughvid.csv. As run,
 * T5's test set is the T6 (gender) test list: the committed coughvid_covid_test_uuids.npy, a
 * class-sampled subset (172 COVID-19, 2,237 healthy), is never loaded. The `covid-test-list`
 * variant evaluates T5 on that list.
 */
import { defineTask } from '../task.ts';
import { operaPublished } from './opera-published.ts';
import { HEAR_WINDOWS, OPERA_SEEDS, operaLinear, operaPathA, VAL_FROM_SPLIT } from './protocols.ts';

const perFile = 'COUGHVID has no participant ids: each recording is its own pseudo-subject, so the same person may be in train and test.';

export const T5 = defineTask({
  id: 'T5',
  title: 'COUGHVID: COVID-19 vs healthy',
  dataset: 'coughvid',
  modalities: ['cough'],
  select: () => true,
  target: {
    kind: 'binary',
    positive: 'COVID-19',
    negative: 'healthy',
    label: (r) => (r.labels.status === 'COVID-19' ? 1 : r.labels.status === 'healthy' ? 0 : null),
  },
  splits: [
    {
      name: 'opera-as-used',
      description: "OPERA's coughvid_eval split: train/val uuids, test = the gender test uuids",
      policy: {
        kind: 'committed',
        file: 'opera_t5_t6_coughvid.csv',
        key: { column: 'uuid', label: 'uuid' },
        where: [{ column: 't5_label', oneOf: ['0', '1'] }],
        splitColumn: 'split',
        parts: { train: 'train', val: 'val', test: 'test' },
        labelColumn: 't5_label',
      },
      leak: { declared: false },
    },
    {
      name: 'covid-test-list',
      description: 'Same train/val; test = the committed COVID test list coughvid_covid_test_uuids.npy (2,409 uuids)',
      policy: {
        kind: 'committed',
        file: 'opera_t5_t6_coughvid.csv',
        key: { column: 'uuid', label: 'uuid' },
        where: [{ column: 't5_label', oneOf: ['0', '1'] }],
        dropWhere: [
          { column: 'split', oneOf: ['test'] },
          { column: 'in_covid_test_list', oneOf: ['0'] },
        ],
        splitColumn: 'split',
        parts: { train: 'train', val: 'val', test: 'test' },
        labelColumn: 't5_label',
      },
      leak: { declared: false },
    },
  ],
  inputs: { opera: operaPathA(2, 2), hear: HEAR_WINDOWS },
  metric: 'auroc',
  probe: operaLinear(64, 64, 1, VAL_FROM_SPLIT),
  seeds: OPERA_SEEDS,
  confounds: [],
  published: operaPublished('T5', 'auroc'),
  notes: perFile,
});

export const T6 = defineTask({
  id: 'T6',
  title: 'COUGHVID: sex (female vs male)',
  dataset: 'coughvid',
  modalities: ['cough'],
  select: () => true,
  target: {
    kind: 'binary',
    positive: 'female',
    negative: 'male',
    label: (r) => (r.labels.gender === 'female' ? 1 : r.labels.gender === 'male' ? 0 : null),
  },
  splits: [
    {
      name: 'opera-as-used',
      description: "OPERA's coughvid_eval split: train/val uuids and the gender test uuids",
      policy: {
        kind: 'committed',
        file: 'opera_t5_t6_coughvid.csv',
        key: { column: 'uuid', label: 'uuid' },
        where: [{ column: 't6_label', oneOf: ['0', '1'] }],
        splitColumn: 'split',
        parts: { train: 'train', val: 'val', test: 'test' },
        labelColumn: 't6_label',
      },
      leak: { declared: false },
    },
  ],
  inputs: { opera: operaPathA(2, 2), hear: HEAR_WINDOWS },
  metric: 'auroc',
  probe: operaLinear(64, 64, 1, VAL_FROM_SPLIT),
  seeds: OPERA_SEEDS,
  confounds: [],
  published: operaPublished('T6', 'auroc'),
  notes: perFile,
});
