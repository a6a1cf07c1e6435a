/**
 * RespiratoryDatabase@TR (Altan et al., Mendeley Data p9z4h98s6j): 12-channel auscultation of COPD
 * patients, one WAV per channel. Layout (OPERA's copd_processing.py and download_data.sh):
 *   RespiratoryDatabase@TR/{patient}_{L|R}{1..6}.wav   e.g. H045_L5.wav
 *   Labels.csv                                          "Patient ID,Diagnosis," then e.g. "H002,COPD4," (UTF-8 BOM)
 * Labels.csv is OPERA's file (datasets/copd/Labels.csv, made from the dataset's Labels.xlsx); the
 * severity is the last character of the diagnosis (COPD0..COPD4).
 */
import { checkLayout, ScanLog, type DatasetAdapter, type LayoutEntry } from '../../adapter.ts';
import { parseCsvRows } from '../../csv.ts';
import { joinPath, type DirReader } from '../../dir-reader.ts';
import { makeManifest, type LabelSchema, type Manifest } from '../../manifest.ts';

export const RESPTR_CHANNELS = ['L1', 'L2', 'L3', 'L4', 'L5', 'L6', 'R1', 'R2', 'R3', 'R4', 'R5', 'R6'] as const;

export type ResptrLabels = {
  readonly patient: string;
  /** Auscultation channel: left/right, position 1-6. */
  readonly channel: (typeof RESPTR_CHANNELS)[number];
  /** Diagnosis as written in Labels.csv (COPD0..COPD4); null when the patient is not listed. */
  readonly diagnosis: string | null;
  /** COPD severity 0-4 (GOLD stage), the last character of the diagnosis. */
  readonly copdSeverity: number | null;
};

const DIR = 'RespiratoryDatabase@TR';
const NAME = /^(H\d{3})_([LR][1-6])\.wav$/;

const layout: readonly LayoutEntry[] = [
  { path: DIR, kind: 'dir', required: true, what: 'the WAV files, one per patient and channel' },
  { path: 'Labels.csv', kind: 'file', required: false, what: "COPD severity per patient (OPERA's datasets/copd/Labels.csv)" },
];

const labels: LabelSchema<ResptrLabels> = {
  patient: 'string',
  channel: { oneOf: RESPTR_CHANNELS, nullable: false },
  diagnosis: 'string?',
  copdSeverity: 'number?',
};

async function scan(root: DirReader): Promise<Manifest<'resptr'>> {
  const log = new ScanLog<'resptr'>();
  if (!(await checkLayout(root, layout, log))) return makeManifest('resptr', log.records, log.problems);
  const diagnosis = new Map<string, string>();
  if (await root.exists('Labels.csv')) {
    for (const r of parseCsvRows(await root.readText('Labels.csv'), `${root.location}/Labels.csv`).slice(1)) {
      if (r[0] !== undefined && r[0] !== '' && r[1] !== undefined) diagnosis.set(r[0], r[1]);
    }
  } else {
    log.problem('missing-metadata', 'Labels.csv', 'not found; copdSeverity is null for every record');
  }
  for (const e of await root.list(DIR)) {
    if (e.kind !== 'file' || !e.name.toLowerCase().endsWith('.wav')) continue;
    const path = joinPath(DIR, e.name);
    const m = NAME.exec(e.name);
    if (m === null) {
      log.problem('unparsable-name', path, 'expected H{nnn}_{L|R}{1-6}.wav');
      continue;
    }
    const [, patient, channel] = m as unknown as [string, string, ResptrLabels['channel']];
    const diag = diagnosis.get(patient) ?? null;
    const sev = diag !== null && /^COPD[0-4]$/.test(diag) ? Number(diag.slice(4)) : null;
    if (diag !== null && sev === null) log.problem('unknown-value', 'Labels.csv', `patient ${patient}: diagnosis ${JSON.stringify(diag)} is not COPD0..COPD4`);
    if (diag === null && diagnosis.size > 0) log.problem('missing-metadata', path, `patient ${patient} is not in Labels.csv`);
    log.add({
      id: path,
      dataset: 'resptr',
      path,
      subject: patient,
      subjectBasis: 'participant',
      modality: 'lung',
      labels: { patient, channel, diagnosis: diag, copdSeverity: sev },
    });
  }
  return makeManifest('resptr', log.records, log.problems);
}

export const resptr: DatasetAdapter<'resptr'> = {
  id: 'resptr',
  title: 'RespiratoryDatabase@TR: multichannel lung sounds with COPD severity',
  licence: 'CC-BY-4.0',
  access: 'open',
  source: 'https://data.mendeley.com/datasets/p9z4h98s6j/1',
  citation:
    'Altan, G., Kutlu, Y., Garbi, Y., Pekmezci, A. Ö., Nural, S. (2017). Multimedia respiratory database (RespiratoryDatabase@TR): Auscultation sounds and chest X-rays. Natural and Engineering Sciences 2(3), 59-72.',
  modalities: ['lung'],
  layout,
  labels,
  scan,
};
