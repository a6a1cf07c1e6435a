/**
 * The closed set of datasets Pneuma has adapters for. Each id is also the default folder name of
 * the dataset under a data root (`<data-root>/<id>/`), matching `../shared/data/`.
 */
export const DATASET_IDS = [
  'kauh',
  'icbhi',
  'covid19-cough',
  'coswara',
  'coughvid',
  'ukcovid',
  'covid19sounds',
  'resptr',
  'ssbpr',
  'mmlung',
  'nosemic',
  'hflung',
  'flusense',
  'fsd50k',
] as const;

export type DatasetId = (typeof DATASET_IDS)[number];

export function isDatasetId(x: string): x is DatasetId {
  return (DATASET_IDS as readonly string[]).includes(x);
}

/**
 * What kind of sound a recording holds. `lung`: chest auscultation; `breath`: breathing at the
 * mouth (smartphone); `exhalation`: forced exhalation; `vowel`: sustained vowel; `speech`: read or
 * counted speech; `nasal`: breathing recorded at the nose; `event`: a general sound-event clip
 * (FSD50K, FluSense) that may or may not contain a respiratory sound.
 */
export const MODALITIES = ['lung', 'cough', 'breath', 'exhalation', 'vowel', 'speech', 'snore', 'nasal', 'event'] as const;

export type Modality = (typeof MODALITIES)[number];

export function isModality(x: string): x is Modality {
  return (MODALITIES as readonly string[]).includes(x);
}
