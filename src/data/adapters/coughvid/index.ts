/**
 * COUGHVID (EPFL, Zenodo record 4048312): crowdsourced coughs, one recording per uuid. Layout:
 *   public_dataset/metadata_compiled.csv   uuid, datetime, cough_detected, latitude, longitude, age, gender,
 *                                          respiratory_condition, fever_muscle_pain, status, expert labels ...
 *   public_dataset/<uuid>.webm | <uuid>.ogg (+ <uuid>.json)
 *   wav/<stem>.wav                         optional: OPERA's ffmpeg conversions (coughvid_wav.py). That script
 *                                          names a file fname[:-5] + '.wav', so every .ogg original lost the
 *                                          last character of its uuid; both stems are looked up.
 * There are no participant ids: each recording is its own pseudo-subject (subjectBasis "per-file").
 */
import { checkLayout, parseNumber, ScanLog, type DatasetAdapter, type LayoutEntry } from '../../adapter.ts';
import { parseCsv } from '../../csv.ts';
import { joinPath, listFiles, type DirReader } from '../../dir-reader.ts';
import { makeManifest, type LabelSchema, type Manifest } from '../../manifest.ts';

export type CoughvidLabels = {
  readonly uuid: string;
  /** Self-reported status: healthy, symptomatic or COVID-19; null when empty. */
  readonly status: string | null;
  /** male, female, other; null when empty. */
  readonly gender: string | null;
  readonly age: number | null;
  /** Probability from the dataset's cough classifier (OPERA keeps >= 0.8). */
  readonly coughDetected: number | null;
  readonly respiratoryCondition: boolean | null;
  readonly feverMusclePain: boolean | null;
  /** Container of the file the record points to. */
  readonly format: 'webm' | 'ogg' | 'wav';
};

const META = 'public_dataset/metadata_compiled.csv';

const layout: readonly LayoutEntry[] = [
  { path: 'public_dataset', kind: 'dir', required: true, what: 'the unzipped public dataset: recordings, per-recording JSON, metadata_compiled.csv' },
  { path: META, kind: 'file', required: true, what: 'one row per recording' },
  { path: 'wav', kind: 'dir', required: false, what: "WAV conversions made by OPERA's coughvid_wav.py" },
];

const labels: LabelSchema<CoughvidLabels> = {
  uuid: 'string',
  status: 'string?',
  gender: 'string?',
  age: 'number?',
  coughDetected: 'number?',
  respiratoryCondition: 'boolean?',
  feverMusclePain: 'boolean?',
  format: { oneOf: ['webm', 'ogg', 'wav'], nullable: false },
};

function bool(v: string | undefined): boolean | null {
  return v === 'True' ? true : v === 'False' ? false : null;
}

async function scan(root: DirReader): Promise<Manifest<'coughvid'>> {
  const log = new ScanLog<'coughvid'>();
  if (!(await checkLayout(root, layout, log))) return makeManifest('coughvid', log.records, log.problems);
  const table = parseCsv(await root.readText(META), `${root.location}/${META}`, { required: ['uuid', 'cough_detected', 'age', 'gender', 'status'] });
  const originals = new Set(await listFiles(root, 'public_dataset'));
  const converted = new Set((await listFiles(root, 'wav')) ?? []);
  const seen = new Set<string>();
  for (const row of table.rows) {
    const uuid = row['uuid'] as string;
    if (seen.has(uuid)) {
      log.problem('duplicate', META, `uuid ${uuid} has more than one row`);
      continue;
    }
    seen.add(uuid);
    let path: string | null = null;
    let format: CoughvidLabels['format'] = 'wav';
    for (const ext of ['webm', 'ogg'] as const) {
      if (originals.has(`${uuid}.${ext}`)) {
        path = joinPath('public_dataset', `${uuid}.${ext}`);
        format = ext;
        break;
      }
    }
    if (path === null) {
      const stemHit = [uuid, uuid.slice(0, -1)].find((s) => converted.has(`${s}.wav`));
      if (stemHit !== undefined) path = joinPath('wav', `${stemHit}.wav`);
    }
    if (path === null) {
      log.problem('missing-file', joinPath('public_dataset', uuid), 'no .webm/.ogg original and no wav/ conversion for this metadata row');
      continue;
    }
    const text = (k: string): string | null => (row[k] === undefined || row[k] === '' ? null : (row[k] as string));
    log.add({
      id: path,
      dataset: 'coughvid',
      path,
      subject: `file:${uuid}`,
      subjectBasis: 'per-file',
      modality: 'cough',
      labels: {
        uuid,
        status: text('status'),
        gender: text('gender'),
        age: parseNumber(row['age']),
        coughDetected: parseNumber(row['cough_detected']),
        respiratoryCondition: bool(row['respiratory_condition']),
        feverMusclePain: bool(row['fever_muscle_pain']),
        format,
      },
    });
  }
  for (const name of originals) {
    const m = /^(.+)\.(webm|ogg)$/.exec(name);
    if (m !== null && !seen.has(m[1] as string)) log.problem('missing-metadata', joinPath('public_dataset', name), 'recording has no row in metadata_compiled.csv');
  }
  return makeManifest('coughvid', log.records, log.problems);
}

export const coughvid: DatasetAdapter<'coughvid'> = {
  id: 'coughvid',
  title: 'COUGHVID crowdsourced cough dataset (EPFL)',
  licence: 'CC-BY-4.0',
  access: 'open',
  source: 'https://zenodo.org/records/4048312',
  citation:
    'Orlandic, L., Teijeiro, T., Atienza, D. (2021). The COUGHVID crowdsourcing dataset, a corpus for the study of large-scale cough analysis algorithms. Scientific Data 8, 156. https://doi.org/10.1038/s41597-021-00937-4',
  modalities: ['cough'],
  layout,
  labels,
  scan,
};
