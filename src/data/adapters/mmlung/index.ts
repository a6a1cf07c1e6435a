/**
 * MMLung (University of Southampton), given on request. Layout (OPERA's datasets/mmlung/README.md
 * and extract_mmlung.py):
 *   Trimmed Data from phone/<task folder>/<n>_<suffix>.wav   5_2_O_single/<n>_vowelo.wav, 9_3_deepbreath/<n>_deepbreaths.wav, ...
 *   spirometry_ground_truth/<n>_*.xls                        FVC, FEV1, FEV1/FVC in cells B23, B24, B25 of sheet 1
 *   spirometry.csv                                           optional: participant,FVC,FEV1,FEV1/FVC (see README.md)
 * The spirometry values live in legacy Excel (.xls) files, which this adapter does not parse: they
 * are read from spirometry.csv when present, and are null (with a problem) otherwise.
 */
import { checkLayout, parseNumber, ScanLog, type DatasetAdapter, type LayoutEntry } from '../../adapter.ts';
import { parseCsv } from '../../csv.ts';
import { joinPath, listDirs, listFiles, type DirReader } from '../../dir-reader.ts';
import type { Modality } from '../../dataset-id.ts';
import { makeManifest, type LabelSchema, type Manifest } from '../../manifest.ts';

export type MmlungLabels = {
  /** The task folder, e.g. 5_2_O_single. */
  readonly task: string;
  /** The file-name suffix naming the recording type: vowelo (sustained vowel O) or deepbreaths. */
  readonly recording: 'vowelo' | 'deepbreaths';
  readonly spirometryFile: string | null;
  readonly fvcL: number | null;
  readonly fev1L: number | null;
  readonly fev1FvcRatio: number | null;
};

const AUDIO = 'Trimmed Data from phone';
const SPIRO = 'spirometry_ground_truth';
const RECORDING: Readonly<Record<MmlungLabels['recording'], Modality>> = { vowelo: 'vowel', deepbreaths: 'breath' };
const NAME = /^(\d+)_([A-Za-z0-9]+)\.wav$/;

const layout: readonly LayoutEntry[] = [
  { path: AUDIO, kind: 'dir', required: true, what: 'one folder per recording task' },
  { path: SPIRO, kind: 'dir', required: false, what: 'spirometry report per participant (.xls)' },
  { path: 'spirometry.csv', kind: 'file', required: false, what: 'spirometry values copied from the .xls reports' },
];

const labels: LabelSchema<MmlungLabels> = {
  task: 'string',
  recording: { oneOf: ['vowelo', 'deepbreaths'], nullable: false },
  spirometryFile: 'string?',
  fvcL: 'number?',
  fev1L: 'number?',
  fev1FvcRatio: 'number?',
};

async function scan(root: DirReader): Promise<Manifest<'mmlung'>> {
  const log = new ScanLog<'mmlung'>();
  if (!(await checkLayout(root, layout, log))) return makeManifest('mmlung', log.records, log.problems);
  const xls = new Map<string, string>();
  for (const f of (await listFiles(root, SPIRO)) ?? []) {
    if (f.toLowerCase().endsWith('.xls')) xls.set(f.split('_')[0]?.replace(/\.xls$/i, '') ?? f, joinPath(SPIRO, f));
  }
  const values = new Map<string, Readonly<Record<string, string>>>();
  if (await root.exists('spirometry.csv')) {
    const t = parseCsv(await root.readText('spirometry.csv'), `${root.location}/spirometry.csv`, { required: ['participant', 'FVC', 'FEV1', 'FEV1/FVC'] });
    for (const r of t.rows) values.set(r['participant'] as string, r);
  } else {
    log.problem('missing-metadata', 'spirometry.csv', 'not found; the .xls spirometry reports are not parsed, so FVC/FEV1 labels are null');
  }
  for (const task of (await listDirs(root, AUDIO)) ?? []) {
    let unknown = 0;
    for (const f of (await listFiles(root, joinPath(AUDIO, task))) ?? []) {
      if (!f.toLowerCase().endsWith('.wav')) continue;
      const path = joinPath(AUDIO, task, f);
      const m = NAME.exec(f);
      if (m === null) {
        log.problem('unparsable-name', path, 'expected <participant>_<recording>.wav');
        continue;
      }
      const [, participant, suffix] = m as unknown as [string, string, string];
      if (suffix !== 'vowelo' && suffix !== 'deepbreaths') {
        unknown++;
        continue;
      }
      const v = values.get(participant);
      log.add({
        id: path,
        dataset: 'mmlung',
        path,
        subject: participant,
        subjectBasis: 'participant',
        modality: RECORDING[suffix],
        labels: {
          task,
          recording: suffix,
          spirometryFile: xls.get(participant) ?? null,
          fvcL: parseNumber(v?.['FVC']),
          fev1L: parseNumber(v?.['FEV1']),
          fev1FvcRatio: parseNumber(v?.['FEV1/FVC']),
        },
      });
    }
    if (unknown > 0) log.problem('unknown-value', joinPath(AUDIO, task), `${unknown} file(s) of a recording type other than vowelo/deepbreaths, not listed`);
  }
  return makeManifest('mmlung', log.records, log.problems);
}

export const mmlung: DatasetAdapter<'mmlung'> = {
  id: 'mmlung',
  title: 'MMLung: smartphone respiratory recordings with spirometry (University of Southampton)',
  licence: 'custom (research and education use with credit; datasets/mmlung/Dataset License.txt in OPERA)',
  access: 'request',
  source: 'https://github.com/MohammedMosuily/mmlung (request: mtm1g19@soton.ac.uk)',
  citation:
    'Mosuily, M., Welch, L., Chauhan, J. (2023). MMLung: Moving Closer to Practical Lung Health Estimation using Smartphones. Proc. Interspeech 2023.',
  modalities: ['vowel', 'breath'],
  layout,
  labels,
  scan,
};
