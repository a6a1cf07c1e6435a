/**
 * COVID-19 Sounds (University of Cambridge), the Task-1 benchmark release used by OPERA (T3, T4).
 * Access needs a data-transfer agreement. Layout (OPERA's covid19sounds_processing.py):
 *   data_0426_en_task1.csv   `;`-separated: Uid;Age;Sex;Medhistory;Smoking;Language;Date;Folder Name;Symptoms;
 *                            Covid-Tested;Hospitalized;Location;Voice filename;Cough filename;Breath filename;split;label
 *   0426_EN_used_task1/<Uid>/<Folder Name>/<file>   (users whose Uid starts with "2020" are web-form users,
 *                                                    stored under form-app-users/ instead of <Uid>/)
 * `split` is 0 train, 1 validation, 2 test; `label` is the Task-1 target. `row` keeps the file order
 * and `splitRank` the position within the split (OPERA's training subsample keeps every 5th training row).
 */
import { checkLayout, parseNumber, ScanLog, type DatasetAdapter, type LayoutEntry } from '../../adapter.ts';
import { parseCsv } from '../../csv.ts';
import { joinPath, listFiles, type DirReader } from '../../dir-reader.ts';
import type { Modality } from '../../dataset-id.ts';
import { makeManifest, type LabelSchema, type Manifest } from '../../manifest.ts';

export const COVID19SOUNDS_RECORDINGS = ['breath', 'cough', 'voice'] as const;
export type Covid19SoundsRecording = (typeof COVID19SOUNDS_RECORDINGS)[number];

export type Covid19SoundsLabels = {
  readonly recording: Covid19SoundsRecording;
  /** 0-based index of the row in data_0426_en_task1.csv. */
  readonly row: number;
  /** 0-based position of the row among the rows of its split, in file order. */
  readonly splitRank: number;
  readonly ageBand: string | null;
  readonly sex: string | null;
  readonly medhistory: string | null;
  readonly smoking: string | null;
  /** `Symptoms` as written ("None" when the user reported none). */
  readonly symptoms: string | null;
  readonly covidTested: string | null;
  readonly split: 'train' | 'val' | 'test';
  /** The Task-1 `label` column. */
  readonly task1Label: number | null;
};

const CSV = 'data_0426_en_task1.csv';
const DIR = '0426_EN_used_task1';
const COLUMN: Readonly<Record<Covid19SoundsRecording, string>> = { breath: 'Breath filename', cough: 'Cough filename', voice: 'Voice filename' };
const MODALITY: Readonly<Record<Covid19SoundsRecording, Modality>> = { breath: 'breath', cough: 'cough', voice: 'speech' };
const SPLITS: Readonly<Record<string, Covid19SoundsLabels['split']>> = { '0': 'train', '1': 'val', '2': 'test' };

const layout: readonly LayoutEntry[] = [
  { path: CSV, kind: 'file', required: true, what: 'Task-1 metadata, labels and splits' },
  { path: DIR, kind: 'dir', required: true, what: 'recordings per user and session' },
];

const labels: LabelSchema<Covid19SoundsLabels> = {
  recording: { oneOf: COVID19SOUNDS_RECORDINGS, nullable: false },
  row: 'number',
  splitRank: 'number',
  ageBand: 'string?',
  sex: 'string?',
  medhistory: 'string?',
  smoking: 'string?',
  symptoms: 'string?',
  covidTested: 'string?',
  split: { oneOf: ['train', 'val', 'test'], nullable: false },
  task1Label: 'number?',
};

async function scan(root: DirReader): Promise<Manifest<'covid19sounds'>> {
  const log = new ScanLog<'covid19sounds'>();
  if (!(await checkLayout(root, layout, log))) return makeManifest('covid19sounds', log.records, log.problems);
  const table = parseCsv(await root.readText(CSV), `${root.location}/${CSV}`, {
    delimiter: ';',
    required: ['Uid', 'Folder Name', 'split', 'label', ...Object.values(COLUMN)],
  });
  const listing = new Map<string, Set<string>>();
  const filesIn = async (dir: string): Promise<Set<string>> => {
    let s = listing.get(dir);
    if (s === undefined) {
      s = new Set((await listFiles(root, dir)) ?? []);
      listing.set(dir, s);
    }
    return s;
  };
  const text = (v: string | undefined): string | null => (v === undefined || v === '' ? null : v);
  const rankOf = { train: 0, val: 0, test: 0 };
  for (const [n, row] of table.rows.entries()) {
    const uid = row['Uid'] as string;
    const split = SPLITS[row['split'] as string];
    if (split === undefined) {
      log.problem('unknown-value', CSV, `row ${n + 2}: split ${JSON.stringify(row['split'])} is not 0, 1 or 2`);
      continue;
    }
    const splitRank = rankOf[split]++;
    const dir = joinPath(DIR, uid.startsWith('2020') ? 'form-app-users' : uid, row['Folder Name'] as string);
    const present = await filesIn(dir);
    for (const rec of COVID19SOUNDS_RECORDINGS) {
      const name = row[COLUMN[rec]];
      if (name === undefined || name === '' || name === '-') continue;
      const path = joinPath(dir, name);
      if (!present.has(name)) {
        log.problem('missing-file', path, `${rec} of row ${n + 2} (user ${uid})`);
        continue;
      }
      log.add({
        id: path,
        dataset: 'covid19sounds',
        path,
        subject: uid,
        subjectBasis: 'participant',
        modality: MODALITY[rec],
        labels: {
          recording: rec,
          row: n,
          splitRank,
          ageBand: text(row['Age']),
          sex: text(row['Sex']),
          medhistory: text(row['Medhistory']),
          smoking: text(row['Smoking']),
          symptoms: text(row['Symptoms']),
          covidTested: text(row['Covid-Tested']),
          split,
          task1Label: parseNumber(row['label']),
        },
      });
    }
  }
  return makeManifest('covid19sounds', log.records, log.problems);
}

export const covid19sounds: DatasetAdapter<'covid19sounds'> = {
  id: 'covid19sounds',
  title: 'COVID-19 Sounds (University of Cambridge), Task-1 release',
  licence: 'custom (data-transfer agreement with the University of Cambridge)',
  access: 'dta',
  source: 'https://covid-19-sounds.org/blog/neurips_dataset',
  citation:
    'Xia, T., Spathis, D., Ch, J., et al. (2021). COVID-19 Sounds: A Large-Scale Audio Dataset for Digital Respiratory Screening. NeurIPS 2021 Datasets and Benchmarks Track.',
  modalities: ['breath', 'cough', 'speech'],
  layout,
  labels,
  scan,
};
