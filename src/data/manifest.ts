/**
 * The manifest schema: what a dataset adapter produces from a dataset in its original layout.
 *
 * One record per audio file. `path` is relative to the dataset root and exactly as on disk (KAUH
 * names contain commas and trailing spaces: never trimmed). `subject` is mandatory; `subjectBasis`
 * says what it is: the dataset's own participant id, a pseudo-subject per file (the dataset has
 * no speaker ids, so the same person may appear under several ids), or a grouping derived from
 * metadata that is not a verified person id (a YouTube video, a Freesound uploader, a session).
 * Problems found while scanning (missing files, unparsable names, metadata without audio) are
 * reported in `problems`, never thrown.
 *
 * Serialisation is deterministic: records sorted by id, keys in a fixed order, labels sorted by
 * key. JSON round-trips exactly; CSV is for reading by people and spreadsheets.
 */
import { ManifestError, ParseError } from './errors.ts';
import { formatCsv } from './csv.ts';
import { checkRelativePath } from './dir-reader.ts';
import { isDatasetId, isModality, type DatasetId, type Modality } from './dataset-id.ts';
import type { DatasetLabels } from './labels.ts';

export type LabelValue = string | number | boolean | null | readonly string[];

/** Label value kinds; `?` means null is allowed (the dataset has no value for this record). */
export type LabelKind = 'string' | 'string?' | 'number' | 'number?' | 'boolean' | 'boolean?' | 'string[]' | 'string[]?';

/** A string label restricted to a closed set of values. */
export interface EnumLabel {
  readonly oneOf: readonly string[];
  readonly nullable: boolean;
}

type KindOf<V> = [V] extends [string]
  ? 'string' | EnumLabel
  : [V] extends [string | null]
    ? 'string?' | EnumLabel
    : [V] extends [number]
      ? 'number'
      : [V] extends [number | null]
        ? 'number?'
        : [V] extends [boolean]
          ? 'boolean'
          : [V] extends [boolean | null]
            ? 'boolean?'
            : [V] extends [readonly string[]]
              ? 'string[]'
              : [V] extends [readonly string[] | null]
                ? 'string[]?'
                : never;

/** One entry per label key, with the kind that key's type allows: the compiler checks both. */
export type LabelSchema<L> = { readonly [K in keyof L]-?: KindOf<L[K]> };

export type SubjectBasis = 'participant' | 'per-file' | 'derived';
export const SUBJECT_BASES: readonly SubjectBasis[] = ['participant', 'per-file', 'derived'];

export interface ManifestRecord<D extends DatasetId = DatasetId> {
  /** Unique within the manifest and stable across scans (derived from the path or the dataset's own id). */
  readonly id: string;
  readonly dataset: D;
  /** Relative to the dataset root, exactly as on disk. */
  readonly path: string;
  readonly subject: string;
  readonly subjectBasis: SubjectBasis;
  readonly modality: Modality;
  readonly device?: string;
  readonly labels: DatasetLabels[D];
  readonly durationS?: number;
  readonly sampleRate?: number;
  readonly channels?: number;
}

export const PROBLEM_KINDS = [
  'missing-layout',
  'missing-file',
  'missing-metadata',
  'unparsable-name',
  'unknown-value',
  'duplicate',
  'empty-recording',
  'unexpected-entry',
] as const;
export type ProblemKind = (typeof PROBLEM_KINDS)[number];

export interface ManifestProblem {
  readonly kind: ProblemKind;
  /** The file or entry concerned, relative to the dataset root ('' for the dataset as a whole). */
  readonly path: string;
  readonly detail: string;
}

export const MANIFEST_FORMAT = 'pneuma-manifest/1';

export interface Manifest<D extends DatasetId = DatasetId> {
  readonly format: typeof MANIFEST_FORMAT;
  readonly dataset: D;
  readonly records: readonly ManifestRecord<D>[];
  readonly problems: readonly ManifestProblem[];
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareProblems(a: ManifestProblem, b: ManifestProblem): number {
  return compareStrings(a.path, b.path) || compareStrings(a.kind, b.kind) || compareStrings(a.detail, b.detail);
}

/** Build a manifest with records sorted by id and problems sorted by path, kind, detail. */
export function makeManifest<D extends DatasetId>(
  dataset: D,
  records: readonly ManifestRecord<D>[],
  problems: readonly ManifestProblem[],
): Manifest<D> {
  return {
    format: MANIFEST_FORMAT,
    dataset,
    records: [...records].sort((a, b) => compareStrings(a.id, b.id)),
    problems: [...problems].sort(compareProblems),
  };
}

function checkLabel(key: string, kind: LabelKind | EnumLabel, v: unknown): string | null {
  const nullable = typeof kind === 'string' ? kind.endsWith('?') : kind.nullable;
  if (v === null) return nullable ? null : `label ${key} is null but not nullable`;
  if (typeof kind !== 'string') {
    if (typeof v !== 'string' || !kind.oneOf.includes(v)) {
      return `label ${key} = ${JSON.stringify(v)} is not one of ${kind.oneOf.map((s) => JSON.stringify(s)).join(', ')}`;
    }
    return null;
  }
  switch (kind) {
    case 'string':
    case 'string?':
      return typeof v === 'string' ? null : `label ${key} should be a string, got ${JSON.stringify(v)}`;
    case 'number':
    case 'number?':
      return typeof v === 'number' && Number.isFinite(v) ? null : `label ${key} should be a finite number, got ${JSON.stringify(v)}`;
    case 'boolean':
    case 'boolean?':
      return typeof v === 'boolean' ? null : `label ${key} should be a boolean, got ${JSON.stringify(v)}`;
    case 'string[]':
    case 'string[]?':
      return Array.isArray(v) && v.every((s) => typeof s === 'string') ? null : `label ${key} should be a list of strings, got ${JSON.stringify(v)}`;
  }
}

/** Any label schema, seen from outside its dataset. */
export type AnyLabelSchema = Readonly<Record<string, LabelKind | EnumLabel>>;

/**
 * Every violation of the manifest schema, as messages naming the record. An empty list means the
 * manifest is valid. With `labelSchema`, label keys must match it exactly and values its kinds.
 */
export function validateManifest(m: Manifest, labelSchema?: AnyLabelSchema): string[] {
  const issues: string[] = [];
  if (m.format !== MANIFEST_FORMAT) issues.push(`format is ${JSON.stringify(m.format)}, expected ${MANIFEST_FORMAT}`);
  if (!isDatasetId(m.dataset)) issues.push(`unknown dataset ${JSON.stringify(m.dataset)}`);
  const ids = new Set<string>();
  const paths = new Set<string>();
  let prev = '';
  for (const [n, r] of m.records.entries()) {
    const at = `record ${n} (${JSON.stringify(r.id)})`;
    if (typeof r.id !== 'string' || r.id === '') issues.push(`${at}: empty id`);
    if (ids.has(r.id)) issues.push(`${at}: duplicate id`);
    ids.add(r.id);
    if (n > 0 && compareStrings(prev, r.id) > 0) issues.push(`${at}: records are not sorted by id`);
    prev = r.id;
    if (r.dataset !== m.dataset) issues.push(`${at}: dataset ${JSON.stringify(r.dataset)} differs from the manifest's ${JSON.stringify(m.dataset)}`);
    const bad = typeof r.path === 'string' && r.path !== '' ? checkRelativePath(r.path) : 'is empty';
    if (bad !== null) issues.push(`${at}: path ${JSON.stringify(r.path)} ${bad}`);
    if (paths.has(r.path)) issues.push(`${at}: path ${JSON.stringify(r.path)} occurs twice`);
    paths.add(r.path);
    if (typeof r.subject !== 'string' || r.subject === '') issues.push(`${at}: empty subject`);
    if (!SUBJECT_BASES.includes(r.subjectBasis)) issues.push(`${at}: unknown subjectBasis ${JSON.stringify(r.subjectBasis)}`);
    if (!isModality(r.modality)) issues.push(`${at}: unknown modality ${JSON.stringify(r.modality)}`);
    if (r.device !== undefined && (typeof r.device !== 'string' || r.device === '')) issues.push(`${at}: device must be a non-empty string when present`);
    for (const key of ['durationS', 'sampleRate', 'channels'] as const) {
      const v = r[key];
      if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v > 0)) issues.push(`${at}: ${key} must be a positive number, got ${JSON.stringify(v)}`);
    }
    if (r.channels !== undefined && !Number.isInteger(r.channels)) issues.push(`${at}: channels must be an integer`);
    const labels = r.labels as Readonly<Record<string, unknown>>;
    if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) {
      issues.push(`${at}: labels must be an object`);
      continue;
    }
    if (labelSchema !== undefined) {
      for (const key of Object.keys(labels)) if (!(key in labelSchema)) issues.push(`${at}: unknown label ${key}`);
      for (const [key, kind] of Object.entries(labelSchema)) {
        if (!(key in labels)) {
          issues.push(`${at}: missing label ${key}`);
          continue;
        }
        const problem = checkLabel(key, kind, labels[key]);
        if (problem !== null) issues.push(`${at}: ${problem}`);
      }
    } else {
      for (const [key, v] of Object.entries(labels)) {
        const ok = v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) ||
          (Array.isArray(v) && v.every((s) => typeof s === 'string'));
        if (!ok) issues.push(`${at}: label ${key} has an unsupported value ${JSON.stringify(v)}`);
      }
    }
  }
  for (const [n, p] of m.problems.entries()) {
    if (!(PROBLEM_KINDS as readonly string[]).includes(p.kind)) issues.push(`problem ${n}: unknown kind ${JSON.stringify(p.kind)}`);
    if (typeof p.path !== 'string' || typeof p.detail !== 'string' || p.detail === '') issues.push(`problem ${n}: path and a non-empty detail are required`);
  }
  return issues;
}

/** Throw a ManifestError listing every schema violation, if there is any. */
export function assertValidManifest(m: Manifest, labelSchema?: AnyLabelSchema, what = `manifest of ${m.dataset}`): void {
  const issues = validateManifest(m, labelSchema);
  if (issues.length > 0) throw new ManifestError(what, issues);
}

function sortedLabels(labels: object): Record<string, LabelValue> {
  const src = labels as Readonly<Record<string, LabelValue>>;
  const out: Record<string, LabelValue> = {};
  for (const k of Object.keys(src).sort(compareStrings)) out[k] = src[k] as LabelValue;
  return out;
}

function recordObject(r: ManifestRecord): Record<string, unknown> {
  const o: Record<string, unknown> = {
    id: r.id,
    dataset: r.dataset,
    path: r.path,
    subject: r.subject,
    subjectBasis: r.subjectBasis,
    modality: r.modality,
  };
  if (r.device !== undefined) o['device'] = r.device;
  if (r.durationS !== undefined) o['durationS'] = r.durationS;
  if (r.sampleRate !== undefined) o['sampleRate'] = r.sampleRate;
  if (r.channels !== undefined) o['channels'] = r.channels;
  o['labels'] = sortedLabels(r.labels);
  return o;
}

/** Deterministic JSON (2-space indent, LF, final line end). */
export function manifestToJson(m: Manifest): string {
  const sorted = makeManifest(m.dataset, m.records, m.problems);
  const obj = {
    format: sorted.format,
    dataset: sorted.dataset,
    records: sorted.records.map(recordObject),
    problems: sorted.problems.map((p) => ({ kind: p.kind, path: p.path, detail: p.detail })),
  };
  return JSON.stringify(obj, null, 2) + '\n';
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.join('|');
  return String(v);
}

/**
 * Deterministic CSV: one row per record; fixed columns, then one `label:<key>` column per label key
 * (sorted). Lists are joined with `|`; null is an empty field. Problems are not included.
 */
export function manifestToCsv(m: Manifest): string {
  const sorted = makeManifest(m.dataset, m.records, m.problems);
  const keys = new Set<string>();
  for (const r of sorted.records) for (const k of Object.keys(r.labels)) keys.add(k);
  const labelKeys = [...keys].sort(compareStrings);
  const fixed = ['id', 'dataset', 'path', 'subject', 'subjectBasis', 'modality', 'device', 'durationS', 'sampleRate', 'channels'] as const;
  const rows: string[][] = [[...fixed, ...labelKeys.map((k) => `label:${k}`)]];
  for (const r of sorted.records) {
    const labels = r.labels as Readonly<Record<string, unknown>>;
    rows.push([...fixed.map((f) => cell(r[f])), ...labelKeys.map((k) => cell(labels[k]))]);
  }
  return formatCsv(rows);
}

const RECORD_KEYS = new Set(['id', 'dataset', 'path', 'subject', 'subjectBasis', 'modality', 'device', 'durationS', 'sampleRate', 'channels', 'labels']);

/**
 * Parse a manifest written by manifestToJson. Unknown keys are rejected; the result is validated
 * (against `labelSchemaOf(dataset)` when given) and a ManifestError lists every violation.
 */
export function parseManifestJson(text: string, path: string, labelSchemaOf?: (d: DatasetId) => AnyLabelSchema): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ParseError(path, `not JSON: ${(e as Error).message}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ParseError(path, 'a manifest must be a JSON object');
  const obj = raw as Record<string, unknown>;
  const issues: string[] = [];
  for (const k of Object.keys(obj)) if (!['format', 'dataset', 'records', 'problems'].includes(k)) issues.push(`unknown key ${k}`);
  if (!Array.isArray(obj['records'])) issues.push('records must be a list');
  if (!Array.isArray(obj['problems'])) issues.push('problems must be a list');
  if (typeof obj['dataset'] !== 'string' || !isDatasetId(obj['dataset'])) issues.push(`unknown dataset ${JSON.stringify(obj['dataset'])}`);
  if (issues.length > 0) throw new ManifestError(path, issues);
  for (const [n, r] of (obj['records'] as unknown[]).entries()) {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) issues.push(`record ${n}: not an object`);
    else for (const k of Object.keys(r)) if (!RECORD_KEYS.has(k)) issues.push(`record ${n}: unknown key ${k}`);
  }
  for (const [n, p] of (obj['problems'] as unknown[]).entries()) {
    if (p === null || typeof p !== 'object' || Array.isArray(p)) issues.push(`problem ${n}: not an object`);
    else for (const k of Object.keys(p)) if (!['kind', 'path', 'detail'].includes(k)) issues.push(`problem ${n}: unknown key ${k}`);
  }
  if (issues.length > 0) throw new ManifestError(path, issues);
  const m = obj as unknown as Manifest;
  assertValidManifest(m, labelSchemaOf?.(m.dataset), path);
  return m;
}
