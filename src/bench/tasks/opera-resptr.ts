/**
 * OPERA T11: COPD severity (5 classes, COPD0-COPD4) on RespiratoryDatabase@TR, all 12 channels of
 * each patient. Patient-level 80/20 then 80/20 split (random_state 1337, stratified), committed as
 * opera_t11_resptr.csv (copd_eval arrays).
 */
import { defineTask } from '../task.ts';
import { operaPublished } from './opera-published.ts';
import { HEAR_WINDOWS, OPERA_SEEDS, operaLinear, operaPathA, VAL_FROM_SPLIT } from './protocols.ts';

export const T11 = defineTask({
  id: 'T11',
  title: 'RespiratoryDatabase@TR: COPD severity (5 classes)',
  dataset: 'resptr',
  modalities: ['lung'],
  select: () => true,
  target: {
    kind: 'multiclass',
    classes: ['COPD0', 'COPD1', 'COPD2', 'COPD3', 'COPD4'],
    label: (r) => r.labels.copdSeverity,
  },
  splits: [
    {
      name: 'opera-as-used',
      description: "OPERA's patient-level train/val/test (26/7/9 patients)",
      policy: {
        kind: 'committed',
        file: 'opera_t11_resptr.csv',
        key: { column: 'file', pathPrefix: '' },
        where: [],
        splitColumn: 'split',
        parts: { train: 'train', val: 'val', test: 'test' },
        subjectColumn: 'patient_id',
        labelColumn: 'label',
      },
      leak: { declared: false },
    },
  ],
  inputs: { opera: operaPathA(8, 8), hear: HEAR_WINDOWS },
  metric: 'macro-auroc',
  probe: operaLinear(64, 32, 1, VAL_FROM_SPLIT),
  seeds: OPERA_SEEDS,
  confounds: [],
  published: operaPublished('T11', 'macro-auroc'),
  notes: 'Macro one-vs-rest AUROC over the 5 classes (torchmetrics multiclass AUROC).',
});
