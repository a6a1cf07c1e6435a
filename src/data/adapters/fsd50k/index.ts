/**
 * FSD50K (Fonseca et al. 2022, Zenodo 4060432): Freesound clips labelled with 200 AudioSet classes.
 * Layout of the unzipped release:
 *   FSD50K.ground_truth/dev.csv    fname,labels,mids,split   (split: train | val)
 *   FSD50K.ground_truth/eval.csv   fname,labels,mids
 *   FSD50K.dev_audio/<fname>.wav, FSD50K.eval_audio/<fname>.wav
 *   FSD50K.metadata/{dev,eval}_clips_info_FSD50K.json   optional: {"<fname>": {title, description, tags, license, uploader}}
 * `labels` and `mids` are comma-separated lists. Clips by one Freesound uploader share a derived
 * subject when the clips-info files are present; otherwise every clip is its own pseudo-subject.
 */
import { checkLayout, ScanLog, type DatasetAdapter, type LayoutEntry } from '../../adapter.ts';
import { parseCsv } from '../../csv.ts';
import { joinPath, listFiles, type DirReader } from '../../dir-reader.ts';
import { ParseError } from '../../errors.ts';
import { makeManifest, type LabelSchema, type Manifest } from '../../manifest.ts';

export type Fsd50kLabels = {
  /** Class names (e.g. Cough, Sneeze, Breathing), as in the ground truth. */
  readonly classes: readonly string[];
  /** AudioSet ontology ids, aligned with `classes`. */
  readonly mids: readonly string[];
  readonly split: 'train' | 'val' | 'eval';
  readonly licence: string | null;
};

const GT = 'FSD50K.ground_truth';
const META = 'FSD50K.metadata';

const layout: readonly LayoutEntry[] = [
  { path: `${GT}/dev.csv`, kind: 'file', required: true, what: 'development-set labels and train/val split' },
  { path: `${GT}/eval.csv`, kind: 'file', required: true, what: 'evaluation-set labels' },
  { path: 'FSD50K.dev_audio', kind: 'dir', required: true, what: 'development clips' },
  { path: 'FSD50K.eval_audio', kind: 'dir', required: true, what: 'evaluation clips' },
  { path: META, kind: 'dir', required: false, what: 'clip metadata (uploader, licence)' },
];

const labels: LabelSchema<Fsd50kLabels> = {
  classes: 'string[]',
  mids: 'string[]',
  split: { oneOf: ['train', 'val', 'eval'], nullable: false },
  licence: 'string?',
};

interface ClipInfo {
  uploader?: unknown;
  license?: unknown;
}

async function clipsInfo(root: DirReader, part: 'dev' | 'eval'): Promise<Map<string, ClipInfo> | null> {
  const path = joinPath(META, `${part}_clips_info_FSD50K.json`);
  if (!(await root.exists(path))) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(await root.readText(path));
  } catch (e) {
    throw new ParseError(`${root.location}/${path}`, `not JSON: ${(e as Error).message}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ParseError(`${root.location}/${path}`, 'expected an object keyed by fname');
  return new Map(Object.entries(raw as Record<string, ClipInfo>));
}

async function scan(root: DirReader): Promise<Manifest<'fsd50k'>> {
  const log = new ScanLog<'fsd50k'>();
  if (!(await checkLayout(root, layout, log))) return makeManifest('fsd50k', log.records, log.problems);
  for (const part of ['dev', 'eval'] as const) {
    const csvPath = joinPath(GT, `${part}.csv`);
    const table = parseCsv(await root.readText(csvPath), `${root.location}/${csvPath}`, {
      required: part === 'dev' ? ['fname', 'labels', 'mids', 'split'] : ['fname', 'labels', 'mids'],
    });
    const dir = `FSD50K.${part}_audio`;
    const files = new Set((await listFiles(root, dir)) ?? []);
    const info = await clipsInfo(root, part);
    const listed = new Set<string>();
    for (const row of table.rows) {
      const fname = row['fname'] as string;
      const path = joinPath(dir, `${fname}.wav`);
      listed.add(`${fname}.wav`);
      const split = part === 'eval' ? 'eval' : row['split'];
      if (split !== 'train' && split !== 'val' && split !== 'eval') {
        log.problem('unknown-value', csvPath, `clip ${fname}: split ${JSON.stringify(split)}`);
        continue;
      }
      const classes = (row['labels'] as string).split(',');
      const mids = (row['mids'] as string).split(',');
      if (classes.length !== mids.length) log.problem('unknown-value', csvPath, `clip ${fname}: ${classes.length} labels but ${mids.length} mids`);
      if (!files.has(`${fname}.wav`)) {
        log.problem('missing-file', path, `listed in ${csvPath}`);
        continue;
      }
      const ci = info?.get(fname);
      const uploader = typeof ci?.uploader === 'string' && ci.uploader !== '' ? ci.uploader : null;
      log.add({
        id: path,
        dataset: 'fsd50k',
        path,
        subject: uploader !== null ? `uploader:${uploader}` : `file:${fname}`,
        subjectBasis: uploader !== null ? 'derived' : 'per-file',
        modality: 'event',
        labels: { classes, mids, split, licence: typeof ci?.license === 'string' ? ci.license : null },
      });
    }
    for (const f of files) if (f.endsWith('.wav') && !listed.has(f)) log.problem('missing-metadata', joinPath(dir, f), `not listed in ${csvPath}`);
  }
  return makeManifest('fsd50k', log.records, log.problems);
}

export const fsd50k: DatasetAdapter<'fsd50k'> = {
  id: 'fsd50k',
  title: 'FSD50K: an open dataset of human-labelled sound events',
  licence: 'CC-BY-4.0 (dataset); clips under their individual Creative Commons licences',
  access: 'open',
  source: 'https://zenodo.org/records/4060432',
  citation:
    'Fonseca, E., Favory, X., Pons, J., Font, F., Serra, X. (2022). FSD50K: An Open Dataset of Human-Labeled Sound Events. IEEE/ACM Transactions on Audio, Speech, and Language Processing 30, 829-852. https://doi.org/10.1109/TASLP.2021.3133208',
  modalities: ['event'],
  layout,
  labels,
  scan,
};
