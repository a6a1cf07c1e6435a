/**
 * ICBHI 2017 Respiratory Sound Database (Rocha et al. 2019), official layout:
 *   ICBHI_final_database/{patient}_{index}_{location}_{mode}_{device}.wav (+ .txt cycle annotation)
 *   ICBHI_Challenge_diagnosis.txt                 patient <TAB> diagnosis
 *   ICBHI_Challenge_demographic_information.txt   patient, age, sex, adult BMI, child weight, child height (NA = missing)
 *   ICBHI_challenge_train_test.txt                recording <TAB> train|test
 * The three metadata files cover the whole database; line ends are LF or CRLF. A recording without
 * its annotation is kept (annotated = false). Verified on ../shared/data/icbhi (see README.md).
 */
import { checkLayout, parseNumber, ScanLog, type DatasetAdapter, type LayoutEntry } from '../../adapter.ts';
import { joinPath, stem, type DirReader } from '../../dir-reader.ts';
import { makeManifest, type LabelSchema, type Manifest } from '../../manifest.ts';

export const ICBHI_LOCATIONS = ['Tc', 'Al', 'Ar', 'Pl', 'Pr', 'Ll', 'Lr'] as const;
export const ICBHI_DEVICES = ['AKGC417L', 'LittC2SE', 'Litt3200', 'Meditron'] as const;

export type IcbhiLabels = {
  readonly patient: string;
  readonly recordingIndex: string;
  readonly chestLocation: (typeof ICBHI_LOCATIONS)[number];
  /** sc: sequential/single channel; mc: simultaneous/multichannel. */
  readonly acquisitionMode: 'sc' | 'mc';
  /** Official diagnosis of the patient (COPD, Healthy, URTI, ...); null when the patient is not listed. */
  readonly diagnosis: string | null;
  readonly age: number | null;
  readonly sex: 'F' | 'M' | null;
  readonly adultBmi: number | null;
  readonly childWeightKg: number | null;
  readonly childHeightCm: number | null;
  readonly officialSplit: 'train' | 'test' | null;
  readonly annotated: boolean;
  /** Respiratory cycles in the annotation file, and how many of them have crackles / wheezes; null without annotation. */
  readonly cycles: number | null;
  readonly crackleCycles: number | null;
  readonly wheezeCycles: number | null;
};

const NAME = /^(\d{3})_([0-9a-z]+)_(Tc|Al|Ar|Pl|Pr|Ll|Lr)_(sc|mc)_(AKGC417L|LittC2SE|Litt3200|Meditron)$/;

const layout: readonly LayoutEntry[] = [
  { path: 'ICBHI_final_database', kind: 'dir', required: true, what: 'recordings and cycle annotations' },
  { path: 'ICBHI_Challenge_diagnosis.txt', kind: 'file', required: true, what: 'official diagnosis per patient' },
  { path: 'ICBHI_Challenge_demographic_information.txt', kind: 'file', required: false, what: 'official demographics per patient' },
  { path: 'ICBHI_challenge_train_test.txt', kind: 'file', required: false, what: 'official challenge split per recording' },
];

const labels: LabelSchema<IcbhiLabels> = {
  patient: 'string',
  recordingIndex: 'string',
  chestLocation: { oneOf: ICBHI_LOCATIONS, nullable: false },
  acquisitionMode: { oneOf: ['sc', 'mc'], nullable: false },
  diagnosis: 'string?',
  age: 'number?',
  sex: { oneOf: ['F', 'M'], nullable: true },
  adultBmi: 'number?',
  childWeightKg: 'number?',
  childHeightCm: 'number?',
  officialSplit: { oneOf: ['train', 'test'], nullable: true },
  annotated: 'boolean',
  cycles: 'number?',
  crackleCycles: 'number?',
  wheezeCycles: 'number?',
};

/** Whitespace-separated rows of a metadata .txt (LF or CRLF), blank lines skipped. */
function tableRows(text: string): string[][] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => l.split(/\s+/));
}

async function readTable(root: DirReader, path: string, log: ScanLog<'icbhi'>): Promise<string[][]> {
  if (!(await root.exists(path))) {
    log.problem('missing-metadata', path, 'not found; the labels it provides are null');
    return [];
  }
  return tableRows(await root.readText(path));
}

interface Cycles {
  cycles: number;
  crackles: number;
  wheezes: number;
}

function parseAnnotation(text: string): Cycles | string {
  const out: Cycles = { cycles: 0, crackles: 0, wheezes: 0 };
  for (const [n, row] of tableRows(text).entries()) {
    const [start, end, crackle, wheeze] = row;
    if (row.length !== 4 || parseNumber(start) === null || parseNumber(end) === null || !/^[01]$/.test(crackle ?? '') || !/^[01]$/.test(wheeze ?? '')) {
      return `line ${n + 1}: expected "start end crackles(0/1) wheezes(0/1)"`;
    }
    out.cycles++;
    if (crackle === '1') out.crackles++;
    if (wheeze === '1') out.wheezes++;
  }
  return out;
}

async function scan(root: DirReader): Promise<Manifest<'icbhi'>> {
  const log = new ScanLog<'icbhi'>();
  if (!(await checkLayout(root, layout, log))) return makeManifest('icbhi', log.records, log.problems);
  const diagnosis = new Map((await readTable(root, 'ICBHI_Challenge_diagnosis.txt', log)).map((r) => [r[0] ?? '', r[1] ?? '']));
  const demo = new Map((await readTable(root, 'ICBHI_Challenge_demographic_information.txt', log)).map((r) => [r[0] ?? '', r]));
  const split = new Map((await readTable(root, 'ICBHI_challenge_train_test.txt', log)).map((r) => [r[0] ?? '', r[1] ?? '']));
  const dir = 'ICBHI_final_database';
  const entries = await root.list(dir);
  const names = new Set(entries.filter((e) => e.kind === 'file').map((e) => e.name));
  for (const e of entries) {
    const path = joinPath(dir, e.name);
    if (e.kind !== 'file') {
      log.problem('unexpected-entry', path, `not a file (${e.kind})`);
      continue;
    }
    if (!e.name.endsWith('.wav')) {
      if (e.name.endsWith('.txt') && NAME.test(stem(e.name)) && !names.has(`${stem(e.name)}.wav`)) {
        log.problem('missing-file', joinPath(dir, `${stem(e.name)}.wav`), 'annotation present, recording missing');
      }
      continue;
    }
    const name = stem(e.name);
    const m = NAME.exec(name);
    if (m === null) {
      log.problem('unparsable-name', path, 'expected {patient}_{index}_{location}_{sc|mc}_{device}.wav');
      continue;
    }
    const [, patient, recordingIndex, loc, mode, device] = m as unknown as [string, string, string, IcbhiLabels['chestLocation'], 'sc' | 'mc', string];
    let cycles: Cycles | null = null;
    if (names.has(`${name}.txt`)) {
      const parsed = parseAnnotation(await root.readText(joinPath(dir, `${name}.txt`)));
      if (typeof parsed === 'string') log.problem('unknown-value', joinPath(dir, `${name}.txt`), parsed);
      else cycles = parsed;
    }
    const d = demo.get(patient);
    const sex = d?.[2];
    const diag = diagnosis.get(patient);
    if (diag === undefined) log.problem('missing-metadata', path, `patient ${patient} is not in ICBHI_Challenge_diagnosis.txt`);
    const sp = split.get(name);
    log.add({
      id: path,
      dataset: 'icbhi',
      path,
      subject: patient,
      subjectBasis: 'participant',
      modality: 'lung',
      device,
      labels: {
        patient,
        recordingIndex,
        chestLocation: loc,
        acquisitionMode: mode,
        diagnosis: diag ?? null,
        age: parseNumber(d?.[1]),
        sex: sex === 'F' || sex === 'M' ? sex : null,
        adultBmi: parseNumber(d?.[3]),
        childWeightKg: parseNumber(d?.[4]),
        childHeightCm: parseNumber(d?.[5]),
        officialSplit: sp === 'train' || sp === 'test' ? sp : null,
        annotated: cycles !== null,
        cycles: cycles?.cycles ?? null,
        crackleCycles: cycles?.crackles ?? null,
        wheezeCycles: cycles?.wheezes ?? null,
      },
    });
  }
  return makeManifest('icbhi', log.records, log.problems);
}

export const icbhi: DatasetAdapter<'icbhi'> = {
  id: 'icbhi',
  title: 'ICBHI 2017 Respiratory Sound Database',
  licence: 'CC0-1.0 (as listed by OPERA; the official site says "freely available for research")',
  access: 'open',
  source: 'https://bhichallenge.med.auth.gr',
  citation:
    'Rocha, B. M., Filos, D., Mendes, L., et al. (2019). An open access database for the evaluation of respiratory sound classification algorithms. Physiological Measurement 40(3), 035001. https://doi.org/10.1088/1361-6579/ab03ea',
  modalities: ['lung'],
  layout,
  labels,
  scan,
};
