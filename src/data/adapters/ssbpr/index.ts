/**
 * SSBPR, Snore-based Sleep Body Position Recognition (Xiao et al., Interspeech 2023), given on
 * request. Layout (OPERA's datasets/SSBPR/README.md and ssbpr_processing.py, which globs
 * SSBPR/{*}/{*}/{*}.wav):
 *   female/<folder>/A-B-C.wav, male/<folder>/A-B-C.wav
 * A and B identify the patient, C is the sleep body position 0-5 (5 = prone, excluded by OPERA).
 * Only the top folder names and the A-B-C pattern are documented; the middle folder is taken as is.
 */
import { checkLayout, ScanLog, type DatasetAdapter, type LayoutEntry } from '../../adapter.ts';
import { joinPath, walkFiles, type DirReader } from '../../dir-reader.ts';
import { makeManifest, type LabelSchema, type Manifest } from '../../manifest.ts';

export const SSBPR_POSITIONS = [
  'supine',
  'supine, head left',
  'supine, head right',
  'left lateral',
  'right lateral',
  'prone',
] as const;

export type SsbprLabels = {
  readonly sex: 'female' | 'male';
  /** Position code C: 0 supine, 1 supine with the head turned left, 2 supine with the head turned right, 3 left lateral, 4 right lateral, 5 prone. */
  readonly position: number;
  readonly positionName: (typeof SSBPR_POSITIONS)[number];
};

const NAME = /^(.+)-([0-5])\.wav$/;

const layout: readonly LayoutEntry[] = [
  { path: 'female', kind: 'dir', required: true, what: 'snore clips of female patients' },
  { path: 'male', kind: 'dir', required: true, what: 'snore clips of male patients' },
];

const labels: LabelSchema<SsbprLabels> = {
  sex: { oneOf: ['female', 'male'], nullable: false },
  position: 'number',
  positionName: { oneOf: SSBPR_POSITIONS, nullable: false },
};

async function scan(root: DirReader): Promise<Manifest<'ssbpr'>> {
  const log = new ScanLog<'ssbpr'>();
  if (!(await checkLayout(root, layout, log))) return makeManifest('ssbpr', log.records, log.problems);
  for (const sex of ['female', 'male'] as const) {
    for (const rel of await walkFiles(root, sex)) {
      if (!rel.toLowerCase().endsWith('.wav')) continue;
      const path = joinPath(sex, rel);
      const name = rel.slice(rel.lastIndexOf('/') + 1);
      const m = NAME.exec(name);
      if (m === null || !(m[1] as string).includes('-')) {
        log.problem('unparsable-name', path, 'expected A-B-C.wav with C the position 0-5');
        continue;
      }
      const position = Number(m[2]);
      log.add({
        id: path,
        dataset: 'ssbpr',
        path,
        subject: `${sex}/${m[1] as string}`,
        subjectBasis: 'participant',
        modality: 'snore',
        labels: { sex, position, positionName: SSBPR_POSITIONS[position] as SsbprLabels['positionName'] },
      });
    }
  }
  return makeManifest('ssbpr', log.records, log.problems);
}

export const ssbpr: DatasetAdapter<'ssbpr'> = {
  id: 'ssbpr',
  title: 'SSBPR: Snore-based Sleep Body Position Recognition',
  licence: 'CC-BY-4.0',
  access: 'request',
  source: 'https://github.com/xiaoli1996/SSBPR',
  citation:
    'Xiao, L., Yang, X., Li, X., Tu, W., Chen, X., Yi, W., Lin, J., Yang, Y., Ren, Y. (2023). A Snoring Sound Dataset for Body Position Recognition: Collection, Annotation, and Analysis. Proc. Interspeech 2023, 5416-5420. https://doi.org/10.21437/Interspeech.2023-1430',
  modalities: ['snore'],
  layout,
  labels,
  scan,
};
