/**
 * NoseMic (University of Cambridge), nasal breathing recorded with a nose-worn microphone, released
 * with OPERA (download link in OPERA's datasets/nosemic/README.md). Layout (nosemic_processing.py):
 *   audio/<user>_<x>_<y>_<rate>.wav
 * The last field is the respiratory rate label (breaths per minute), read as a number; OPERA reads
 * the four `_`-separated fields and uses only the first and the last. The meaning of x and y is not
 * documented; they are kept as written.
 */
import { checkLayout, ScanLog, type DatasetAdapter, type LayoutEntry } from '../../adapter.ts';
import { joinPath, type DirReader } from '../../dir-reader.ts';
import { makeManifest, type LabelSchema, type Manifest } from '../../manifest.ts';

export type NosemicLabels = {
  readonly user: string;
  readonly field2: string;
  readonly field3: string;
  /** Respiratory rate from the file name. */
  readonly respiratoryRate: number;
};

const NAME = /^([^_]+)_([^_]+)_([^_]+)_([^_]+)\.wav$/;

const layout: readonly LayoutEntry[] = [{ path: 'audio', kind: 'dir', required: true, what: 'the WAV files, copied from the shared drive folder' }];

const labels: LabelSchema<NosemicLabels> = { user: 'string', field2: 'string', field3: 'string', respiratoryRate: 'number' };

async function scan(root: DirReader): Promise<Manifest<'nosemic'>> {
  const log = new ScanLog<'nosemic'>();
  if (!(await checkLayout(root, layout, log))) return makeManifest('nosemic', log.records, log.problems);
  for (const e of await root.list('audio')) {
    const path = joinPath('audio', e.name);
    if (e.kind !== 'file' || !e.name.endsWith('.wav')) {
      log.problem('unexpected-entry', path, 'expected only .wav files');
      continue;
    }
    const m = NAME.exec(e.name);
    const rate = m === null ? NaN : Number(m[4]);
    if (m === null || !Number.isFinite(rate)) {
      log.problem('unparsable-name', path, 'expected <user>_<x>_<y>_<respiratory rate>.wav');
      continue;
    }
    const [, user, field2, field3] = m as unknown as [string, string, string, string];
    log.add({
      id: path,
      dataset: 'nosemic',
      path,
      subject: user,
      subjectBasis: 'participant',
      modality: 'nasal',
      labels: { user, field2, field3, respiratoryRate: rate },
    });
  }
  return makeManifest('nosemic', log.records, log.problems);
}

export const nosemic: DatasetAdapter<'nosemic'> = {
  id: 'nosemic',
  title: 'NoseMic: nasal breathing with respiratory-rate labels (University of Cambridge)',
  licence: 'custom (University of Cambridge; see the data-transfer terms)',
  access: 'open',
  source: 'https://github.com/evelyn0414/OPERA/tree/main/datasets/nosemic',
  citation:
    'Released with: Zhang, Y., Xia, T., Han, J., et al. (2024). Towards Open Respiratory Acoustic Foundation Models: Pretraining and Benchmarking. NeurIPS 2024 Datasets and Benchmarks. arXiv:2406.16148',
  modalities: ['nasal'],
  layout,
  labels,
  scan,
};
