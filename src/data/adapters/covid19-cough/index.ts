/**
 * covid19-cough (github.com/covid19-cough/dataset): induced coughs with COVID-19 labels from a call
 * centre (telephone, 8 kHz) and a Telegram bot (48 kHz). Layout:
 *   raw/<uuid>.mp3
 *   metadata.json   a JSON array of {filename, covid19, verified?, asymptomatic?, comment, source, kind?}
 * There are no speaker ids: every file is its own pseudo-subject (subjectBasis "per-file"), so the
 * same person may occur under several ids. The label is confounded with the channel (`source`).
 * Verified on ../shared/data/covid19-cough (see README.md).
 */
import { checkLayout, ScanLog, type DatasetAdapter, type LayoutEntry } from '../../adapter.ts';
import { joinPath, type DirReader } from '../../dir-reader.ts';
import { ParseError } from '../../errors.ts';
import { makeManifest, type LabelSchema, type Manifest } from '../../manifest.ts';

export type Covid19CoughSource = 'call-center' | 'telegram';

export type Covid19CoughLabels = {
  readonly covid19: boolean;
  /** PCR confirmed by laboratory data; null where the entry has no such field (all call-centre negatives). */
  readonly verified: boolean | null;
  readonly asymptomatic: boolean | null;
  /** Recording channel: telephone call centre or Telegram voice message. */
  readonly source: Covid19CoughSource;
  /** Only on call-centre negatives: how the call came about (Russian, verbatim). */
  readonly kind: string | null;
  readonly comment: string | null;
};

const layout: readonly LayoutEntry[] = [
  { path: 'raw', kind: 'dir', required: true, what: 'the MP3 files' },
  { path: 'metadata.json', kind: 'file', required: true, what: 'labels per file' },
];

const labels: LabelSchema<Covid19CoughLabels> = {
  covid19: 'boolean',
  verified: 'boolean?',
  asymptomatic: 'boolean?',
  source: { oneOf: ['call-center', 'telegram'], nullable: false },
  kind: 'string?',
  comment: 'string?',
};

const KNOWN_KEYS = new Set(['filename', 'covid19', 'verified', 'asymptomatic', 'comment', 'source', 'kind', 'start_at', 'end_at']);

function optBool(v: unknown): boolean | null | 'bad' {
  if (v === undefined || v === null) return null;
  return typeof v === 'boolean' ? v : 'bad';
}

function optString(v: unknown): string | null | 'bad' {
  if (v === undefined || v === null) return null;
  return typeof v === 'string' ? v : 'bad';
}

async function scan(root: DirReader): Promise<Manifest<'covid19-cough'>> {
  const log = new ScanLog<'covid19-cough'>();
  if (!(await checkLayout(root, layout, log))) return makeManifest('covid19-cough', log.records, log.problems);
  let entries: unknown;
  try {
    entries = JSON.parse(await root.readText('metadata.json'));
  } catch (e) {
    throw new ParseError(`${root.location}/metadata.json`, `not JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(entries)) throw new ParseError(`${root.location}/metadata.json`, 'expected a JSON array of entries');
  const files = new Set((await root.list('raw')).filter((e) => e.kind === 'file').map((e) => e.name));
  const described = new Set<string>();
  for (const [n, entry] of entries.entries()) {
    const at = `metadata.json[${n}]`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      log.problem('unknown-value', at, 'entry is not an object');
      continue;
    }
    const o = entry as Record<string, unknown>;
    const filename = o['filename'];
    if (typeof filename !== 'string' || filename === '' || filename.includes('/')) {
      log.problem('unknown-value', at, `bad filename ${JSON.stringify(filename)}`);
      continue;
    }
    const path = joinPath('raw', filename);
    if (described.has(filename)) {
      log.problem('duplicate', path, `${at} describes a file that an earlier entry already describes`);
      continue;
    }
    described.add(filename);
    for (const k of Object.keys(o)) if (!KNOWN_KEYS.has(k)) log.problem('unknown-value', path, `${at} has an unknown key ${JSON.stringify(k)}`);
    const covid19 = o['covid19'];
    const source = o['source'];
    const verified = optBool(o['verified']);
    const asymptomatic = optBool(o['asymptomatic']);
    const kind = optString(o['kind']);
    const comment = optString(o['comment']);
    if (typeof covid19 !== 'boolean' || (source !== 'call-center' && source !== 'telegram') || verified === 'bad' || asymptomatic === 'bad' || kind === 'bad' || comment === 'bad') {
      log.problem('unknown-value', path, `${at}: covid19 must be a boolean, source call-center|telegram, verified/asymptomatic booleans, kind/comment strings`);
      continue;
    }
    if (!files.has(filename)) {
      log.problem('missing-file', path, `${at} describes a file that is not in raw/`);
      continue;
    }
    log.add({
      id: path,
      dataset: 'covid19-cough',
      path,
      subject: `file:${filename}`,
      subjectBasis: 'per-file',
      modality: 'cough',
      device: source,
      labels: { covid19, verified, asymptomatic, source, kind, comment },
    });
  }
  for (const f of files) if (!described.has(f)) log.problem('missing-metadata', joinPath('raw', f), 'file has no metadata.json entry');
  return makeManifest('covid19-cough', log.records, log.problems);
}

export const covid19Cough: DatasetAdapter<'covid19-cough'> = {
  id: 'covid19-cough',
  title: 'covid19-cough: induced coughs with COVID-19 labels (call centre and Telegram)',
  licence: 'CC0-1.0',
  access: 'open',
  source: 'https://github.com/covid19-cough/dataset',
  citation: 'covid19-cough/dataset, GitHub repository (2020), https://github.com/covid19-cough/dataset',
  modalities: ['cough'],
  layout,
  labels,
  scan,
};
