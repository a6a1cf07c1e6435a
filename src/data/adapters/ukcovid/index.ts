/**
 * The UK COVID-19 Vocal Audio Dataset, Open Access Edition (UKHSA / Turing-RSS, Zenodo 10043978).
 *   audio_metadata.csv        per participant: participant_identifier, {m}_file_name, {m}_size, {m}_length,
 *                             {m}_sample_rate, {m}_channels, ... for m in exhalation, cough, three_cough
 *   participant_metadata.csv  participant_identifier, covid_test_result (Positive/Negative), gender, age, ...
 *   train_test_splits.csv     participant_identifier and split columns (OPERA reads `splits`: train/val/test)
 *   audio/<file>.wav          (OPERA keeps its selection in audio_selected/; both folders are looked in)
 * A recording whose {m}_size is at most 44 bytes is a WAV header without audio (the dataset's own
 * unit test skips those); it is reported, not listed.
 */
import { checkLayout, parseNumber, ScanLog, type DatasetAdapter, type LayoutEntry } from '../../adapter.ts';
import { parseCsv } from '../../csv.ts';
import { joinPath, listFiles, type DirReader } from '../../dir-reader.ts';
import type { Modality } from '../../dataset-id.ts';
import { makeManifest, type LabelSchema, type Manifest } from '../../manifest.ts';

export const UKCOVID_RECORDINGS = ['exhalation', 'cough', 'three_cough'] as const;
export type UkcovidRecording = (typeof UKCOVID_RECORDINGS)[number];

export type UkcovidLabels = {
  readonly recording: UkcovidRecording;
  /** Basename of the audio file, as listed in audio_metadata.csv. */
  readonly fileName: string;
  readonly covidTestResult: string | null;
  readonly gender: string | null;
  readonly age: string | null;
  readonly smokerStatus: string | null;
  /** The participant's split in train_test_splits.csv column `splits` (as OPERA reads it); null when absent. */
  readonly officialSplit: string | null;
};

const MODALITY: Readonly<Record<UkcovidRecording, Modality>> = { exhalation: 'exhalation', cough: 'cough', three_cough: 'cough' };
const AUDIO_DIRS = ['audio', 'audio_selected'] as const;

const layout: readonly LayoutEntry[] = [
  { path: 'audio_metadata.csv', kind: 'file', required: true, what: 'file names and audio properties per participant' },
  { path: 'participant_metadata.csv', kind: 'file', required: true, what: 'demographics and test results per participant' },
  { path: 'train_test_splits.csv', kind: 'file', required: false, what: 'split membership per participant' },
  { path: 'audio', kind: 'dir', required: false, what: 'the WAV files (audio_selected/ in OPERA\'s layout)' },
];

const labels: LabelSchema<UkcovidLabels> = {
  recording: { oneOf: UKCOVID_RECORDINGS, nullable: false },
  fileName: 'string',
  covidTestResult: 'string?',
  gender: 'string?',
  age: 'string?',
  smokerStatus: 'string?',
  officialSplit: 'string?',
};

const ID = 'participant_identifier';

async function scan(root: DirReader): Promise<Manifest<'ukcovid'>> {
  const log = new ScanLog<'ukcovid'>();
  if (!(await checkLayout(root, layout, log))) return makeManifest('ukcovid', log.records, log.problems);
  const audio = parseCsv(await root.readText('audio_metadata.csv'), `${root.location}/audio_metadata.csv`, { required: [ID] });
  const people = new Map(
    parseCsv(await root.readText('participant_metadata.csv'), `${root.location}/participant_metadata.csv`, { required: [ID] }).rows.map((r) => [r[ID] as string, r]),
  );
  const splits = new Map<string, string>();
  if (await root.exists('train_test_splits.csv')) {
    const t = parseCsv(await root.readText('train_test_splits.csv'), `${root.location}/train_test_splits.csv`, { required: [ID] });
    if (!t.header.includes('splits')) log.problem('missing-metadata', 'train_test_splits.csv', 'no `splits` column; officialSplit is null');
    else for (const r of t.rows) splits.set(r[ID] as string, r['splits'] as string);
  }
  const dirs: { dir: string; files: Set<string> }[] = [];
  for (const d of AUDIO_DIRS) {
    const files = await listFiles(root, d);
    if (files !== null) dirs.push({ dir: d, files: new Set(files) });
  }
  if (dirs.length === 0) log.problem('missing-layout', 'audio', 'neither audio/ nor audio_selected/ exists; every recording is missing');
  const text = (v: string | undefined): string | null => (v === undefined || v === '' ? null : v);
  for (const row of audio.rows) {
    const pid = row[ID] as string;
    const person = people.get(pid);
    if (person === undefined) log.problem('missing-metadata', 'participant_metadata.csv', `participant ${pid} has audio but no participant row`);
    for (const rec of UKCOVID_RECORDINGS) {
      const name = row[`${rec}_file_name`];
      if (name === undefined || name === '') continue;
      const size = parseNumber(row[`${rec}_size`]);
      if (size !== null && size <= 44) {
        log.problem('empty-recording', name, `${rec} of ${pid} is ${size} bytes (header only)`);
        continue;
      }
      const hit = dirs.find((d) => d.files.has(name));
      if (hit === undefined) {
        if (dirs.length > 0) log.problem('missing-file', joinPath(dirs[0]?.dir ?? 'audio', name), `${rec} of ${pid} is listed in audio_metadata.csv`);
        continue;
      }
      const path = joinPath(hit.dir, name);
      const duration = parseNumber(row[`${rec}_length`]);
      const sr = parseNumber(row[`${rec}_sample_rate`]);
      const ch = parseNumber(row[`${rec}_channels`]);
      log.add({
        id: path,
        dataset: 'ukcovid',
        path,
        subject: pid,
        subjectBasis: 'participant',
        modality: MODALITY[rec],
        labels: {
          recording: rec,
          fileName: name,
          covidTestResult: text(person?.['covid_test_result']),
          gender: text(person?.['gender']),
          age: text(person?.['age']),
          smokerStatus: text(person?.['smoker_status']),
          officialSplit: text(splits.get(pid)),
        },
        ...(duration !== null && duration > 0 ? { durationS: duration } : {}),
        ...(sr !== null && sr > 0 ? { sampleRate: sr } : {}),
        ...(ch !== null && ch > 0 && Number.isInteger(ch) ? { channels: ch } : {}),
      });
    }
  }
  return makeManifest('ukcovid', log.records, log.problems);
}

export const ukcovid: DatasetAdapter<'ukcovid'> = {
  id: 'ukcovid',
  title: 'UK COVID-19 Vocal Audio Dataset, Open Access Edition',
  licence: 'OGL-UK-3.0',
  access: 'open',
  source: 'https://zenodo.org/records/10043978',
  citation:
    'Budd, J., Baker, K., Karoune, E., et al. (2022). A large-scale and PCR-referenced vocal audio dataset for COVID-19. arXiv:2212.07738. Attribution: The UK COVID-19 Vocal Audio Dataset Open Access Edition, UK Health Security Agency, 2023, licensed under the Open Government Licence v3.0',
  modalities: ['exhalation', 'cough'],
  layout,
  labels,
  scan,
};
