/**
 * KAUH lung sounds (Fraiwan et al. 2021): one auscultation per subject, saved in three stethoscope
 * filter modes, with all metadata in the file name:
 *   AudioFiles/{B|D|E}P{n}_{diagnosis},{sound type},{chest location},{age},{sex}.wav
 * Fields are kept exactly as written (case varies, some end with a space); `diagnosis` is the
 * normalised form. Layout and naming verified on ../shared/data/kauh (see README.md).
 */
import { checkLayout, ScanLog, type DatasetAdapter, type LayoutEntry } from '../../adapter.ts';
import { joinPath, type DirReader } from '../../dir-reader.ts';
import { makeManifest, type LabelSchema, type Manifest } from '../../manifest.ts';

export const KAUH_DIAGNOSES = [
  'healthy',
  'asthma',
  'heart failure',
  'COPD',
  'pneumonia',
  'lung fibrosis',
  'bronchiectasis',
  'pleural effusion',
  'asthma + lung fibrosis',
  'heart failure + lung fibrosis',
  'heart failure + COPD',
] as const;
export type KauhDiagnosis = (typeof KAUH_DIAGNOSES)[number];

export type KauhFilter = 'bell' | 'diaphragm' | 'extended';

export type KauhLabels = {
  /** Stethoscope filter mode, from the name prefix B/D/E. */
  readonly filter: KauhFilter;
  /** The diagnosis field exactly as in the file name. */
  readonly diagnosisRaw: string;
  readonly diagnosis: KauhDiagnosis;
  /** Sound type field as written: N normal, I inspiratory, E expiratory, W wheezes, C crackles, Crep, Bronchial, B (undefined in the legend). */
  readonly soundType: string;
  /** Chest location field as written: {A|P} {L|R} {L|M|U}, e.g. "P R L ". */
  readonly location: string;
  readonly age: number;
  readonly sex: 'F' | 'M';
  /**
   * OPERA's Task 10 class (kauh_processing.py): raw field "N" -> healthy; contains "asthma" or
   * "Asthma" -> asthma; contains "COPD" -> COPD (case-sensitive, so "copd" is left out); else null.
   */
  readonly operaT10: 'healthy' | 'asthma' | 'COPD' | null;
};

const DIAGNOSIS_BY_RAW: Readonly<Record<string, KauhDiagnosis>> = {
  n: 'healthy',
  asthma: 'asthma',
  copd: 'COPD',
  'heart failure': 'heart failure',
  pneumonia: 'pneumonia',
  'lung fibrosis': 'lung fibrosis',
  bron: 'bronchiectasis',
  'plueral effusion': 'pleural effusion',
  'pleural effusion': 'pleural effusion',
  'asthma and lung fibrosis': 'asthma + lung fibrosis',
  'heart failure + lung fibrosis': 'heart failure + lung fibrosis',
  'heart failure + copd': 'heart failure + COPD',
};

const FILTERS: Readonly<Record<string, KauhFilter>> = { B: 'bell', D: 'diaphragm', E: 'extended' };

const NAME = /^([BDE])P(\d+)_([^,]*),([^,]*),([^,]*),([^,]*),([^,]*)\.wav$/;

export function operaT10Class(diagnosisRaw: string): KauhLabels['operaT10'] {
  if (diagnosisRaw === 'N') return 'healthy';
  if (diagnosisRaw.includes('asthma') || diagnosisRaw.includes('Asthma')) return 'asthma';
  if (diagnosisRaw.includes('COPD')) return 'COPD';
  return null;
}

const layout: readonly LayoutEntry[] = [
  { path: 'AudioFiles', kind: 'dir', required: true, what: 'the WAV files, as unzipped from the Mendeley record' },
];

const labels: LabelSchema<KauhLabels> = {
  filter: { oneOf: ['bell', 'diaphragm', 'extended'], nullable: false },
  diagnosisRaw: 'string',
  diagnosis: { oneOf: KAUH_DIAGNOSES, nullable: false },
  soundType: 'string',
  location: 'string',
  age: 'number',
  sex: { oneOf: ['F', 'M'], nullable: false },
  operaT10: { oneOf: ['healthy', 'asthma', 'COPD'], nullable: true },
};

async function scan(root: DirReader): Promise<Manifest<'kauh'>> {
  const log = new ScanLog<'kauh'>();
  if (!(await checkLayout(root, layout, log))) return makeManifest('kauh', log.records, log.problems);
  const filtersBySubject = new Map<string, Set<KauhFilter>>();
  for (const e of await root.list('AudioFiles')) {
    const path = joinPath('AudioFiles', e.name);
    if (e.kind !== 'file') {
      log.problem('unexpected-entry', path, `not a file (${e.kind})`);
      continue;
    }
    const m = NAME.exec(e.name);
    if (m === null) {
      log.problem('unparsable-name', path, 'expected {B|D|E}P{n}_{diagnosis},{sound type},{location},{age},{sex}.wav');
      continue;
    }
    const [, prefix, num, diagnosisRaw, soundType, location, ageField, sexField] = m as unknown as [string, string, string, string, string, string, string, string];
    const diagnosis = DIAGNOSIS_BY_RAW[diagnosisRaw.trim().toLowerCase()];
    if (diagnosis === undefined) {
      log.problem('unknown-value', path, `unknown diagnosis ${JSON.stringify(diagnosisRaw)}`);
      continue;
    }
    const age = /^\s*\d+\s*$/.test(ageField) ? Number(ageField) : null;
    const sex = sexField.trim();
    if (age === null || (sex !== 'F' && sex !== 'M')) {
      log.problem('unparsable-name', path, `age ${JSON.stringify(ageField)} or sex ${JSON.stringify(sexField)} not understood`);
      continue;
    }
    const filter = FILTERS[prefix] as KauhFilter;
    const subject = `P${num}`;
    const seen = filtersBySubject.get(subject) ?? new Set<KauhFilter>();
    seen.add(filter);
    filtersBySubject.set(subject, seen);
    log.add({
      id: path,
      dataset: 'kauh',
      path,
      subject,
      subjectBasis: 'participant',
      modality: 'lung',
      device: 'Littmann 3200',
      labels: { filter, diagnosisRaw, diagnosis, soundType, location, age, sex, operaT10: operaT10Class(diagnosisRaw) },
    });
  }
  for (const [subject, seen] of filtersBySubject) {
    const missing = (['bell', 'diaphragm', 'extended'] as const).filter((f) => !seen.has(f));
    if (missing.length > 0) log.problem('missing-file', 'AudioFiles', `subject ${subject} has no ${missing.join('/')} file`);
  }
  return makeManifest('kauh', log.records, log.problems);
}

export const kauh: DatasetAdapter<'kauh'> = {
  id: 'kauh',
  title: 'KAUH lung sounds (King Abdullah University Hospital)',
  licence: 'CC-BY-4.0',
  access: 'open',
  source: 'https://data.mendeley.com/datasets/jwyy9np4gv/3',
  citation:
    'Fraiwan, M., Fraiwan, L., Khassawneh, B., Ibnian, A. (2021). A dataset of lung sounds recorded from the chest wall using an electronic stethoscope. Data in Brief 35, 106913. https://doi.org/10.1016/j.dib.2021.106913',
  modalities: ['lung'],
  layout,
  labels,
  scan,
};
