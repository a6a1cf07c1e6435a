/**
 * Coswara (IISc Bangalore, github.com/iiscleap/Coswara-Data). The repository holds one folder per
 * collection date with split tar.gz archives; its extract_data.py unpacks them into
 *   Extracted_data/<YYYYMMDD>/<user id>/<recording>.wav   (9 recordings per user + metadata.json)
 *   combined_data.csv                                      one row per user: id, a (age), g (gender), covid_status, smoker, asthma, ...
 *   annotations/<recording>_labels.csv                     "FILENAME, QUALITY": <user id>_<recording>, 0 (bad) / 1 / 2 (good)
 * Users are real participants (subjectBasis "participant").
 */
import { checkLayout, parseNumber, ScanLog, type DatasetAdapter, type LayoutEntry } from '../../adapter.ts';
import { parseCsv, parseCsvRows } from '../../csv.ts';
import { joinPath, listDirs, stem, type DirReader } from '../../dir-reader.ts';
import type { Modality } from '../../dataset-id.ts';
import { makeManifest, type LabelSchema, type Manifest } from '../../manifest.ts';

export const COSWARA_RECORDINGS = [
  'breathing-deep',
  'breathing-shallow',
  'cough-heavy',
  'cough-shallow',
  'counting-fast',
  'counting-normal',
  'vowel-a',
  'vowel-e',
  'vowel-o',
] as const;
export type CoswaraRecording = (typeof COSWARA_RECORDINGS)[number];

export type CoswaraLabels = {
  readonly recording: CoswaraRecording;
  /** The collection-date folder the recording was extracted into. */
  readonly recordDate: string;
  /** `g` as written (male, female, other, pnts = prefer not to say); null when empty or the user is not in combined_data.csv. */
  readonly gender: string | null;
  readonly age: number | null;
  readonly covidStatus: string | null;
  /** `smoker`: y/True/TRUE -> true, n/False/FALSE -> false, empty -> null (OPERA's mapping). */
  readonly smoker: boolean | null;
  readonly asthma: boolean | null;
  /** Annotated audio quality 0 (bad), 1, 2 (good); null when not annotated. */
  readonly quality: number | null;
};

const MODALITY: Readonly<Record<string, Modality>> = { breathing: 'breath', cough: 'cough', counting: 'speech', vowel: 'vowel' };

const layout: readonly LayoutEntry[] = [
  { path: 'Extracted_data', kind: 'dir', required: true, what: 'WAV files unpacked by the repository\'s extract_data.py' },
  { path: 'combined_data.csv', kind: 'file', required: true, what: 'metadata per user' },
  { path: 'annotations', kind: 'dir', required: false, what: 'audio-quality annotations per recording type' },
];

const labels: LabelSchema<CoswaraLabels> = {
  recording: { oneOf: COSWARA_RECORDINGS, nullable: false },
  recordDate: 'string',
  gender: 'string?',
  age: 'number?',
  covidStatus: 'string?',
  smoker: 'boolean?',
  asthma: 'boolean?',
  quality: 'number?',
};

function flag(v: string | undefined): boolean | null {
  if (v === undefined) return null;
  if (['y', 'True', 'TRUE', 'true'].includes(v)) return true;
  if (['n', 'False', 'FALSE', 'false'].includes(v)) return false;
  return null;
}

function text(v: string | undefined): string | null {
  return v === undefined || v === '' ? null : v;
}

async function scan(root: DirReader): Promise<Manifest<'coswara'>> {
  const log = new ScanLog<'coswara'>();
  if (!(await checkLayout(root, layout, log))) return makeManifest('coswara', log.records, log.problems);
  const users = new Map(
    parseCsv(await root.readText('combined_data.csv'), `${root.location}/combined_data.csv`, { required: ['id'] }).rows.map((r) => [r['id'] as string, r]),
  );
  const quality = new Map<string, number>();
  for (const rec of COSWARA_RECORDINGS) {
    const path = joinPath('annotations', `${rec}_labels.csv`);
    if (!(await root.exists(path))) continue;
    const rows = parseCsvRows(await root.readText(path), `${root.location}/${path}`).slice(1);
    for (const r of rows) {
      const q = parseNumber(r[1]);
      if (r[0] !== undefined && q !== null) quality.set(r[0], q);
    }
  }
  for (const date of (await listDirs(root, 'Extracted_data')) ?? []) {
    for (const e of await root.list(joinPath('Extracted_data', date))) {
      const userDir = joinPath('Extracted_data', date, e.name);
      if (e.kind !== 'dir') {
        log.problem('unexpected-entry', userDir, 'expected a user folder');
        continue;
      }
      const user = users.get(e.name);
      if (user === undefined) log.problem('missing-metadata', userDir, `user ${e.name} is not in combined_data.csv`);
      for (const f of await root.list(userDir)) {
        if (f.kind !== 'file' || !f.name.endsWith('.wav')) continue;
        const path = joinPath(userDir, f.name);
        const rec = stem(f.name);
        if (!(COSWARA_RECORDINGS as readonly string[]).includes(rec)) {
          log.problem('unparsable-name', path, `unknown recording type ${JSON.stringify(rec)}`);
          continue;
        }
        log.add({
          id: path,
          dataset: 'coswara',
          path,
          subject: e.name,
          subjectBasis: 'participant',
          modality: MODALITY[rec.split('-')[0] as string] as Modality,
          labels: {
            recording: rec as CoswaraRecording,
            recordDate: date,
            gender: text(user?.['g']),
            age: parseNumber(user?.['a']),
            covidStatus: text(user?.['covid_status']),
            smoker: flag(user?.['smoker']),
            asthma: flag(user?.['asthma']),
            quality: quality.get(`${e.name}_${rec}`) ?? null,
          },
        });
      }
    }
  }
  return makeManifest('coswara', log.records, log.problems);
}

export const coswara: DatasetAdapter<'coswara'> = {
  id: 'coswara',
  title: 'Coswara: breathing, cough and voice sounds for COVID-19 (IISc Bangalore)',
  licence: 'CC-BY-4.0',
  access: 'open',
  source: 'https://github.com/iiscleap/Coswara-Data',
  citation:
    'Bhattacharya, D., Sharma, N. K., Dutta, D., Chetupalli, S. R., Mote, P., Ganapathy, S., et al. (2023). Coswara: A respiratory sounds and symptoms dataset for remote screening of SARS-CoV-2 infection. Scientific Data 10, 397. https://doi.org/10.1038/s41597-023-02266-0',
  modalities: ['breath', 'cough', 'speech', 'vowel'],
  layout,
  labels,
  scan,
};
