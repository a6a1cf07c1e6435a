/**
 * resolveTask: apply a TaskSpec to a dataset manifest. Returns the selected records with their
 * labels, one split assignment per split variant, the files a committed split names that are not in
 * the manifest (reported, not fatal), and the subject-leakage check of each variant.
 *
 * Leakage is checked over every row a committed split names, present or not, using the split
 * file's subject column where it has one (KAUH's held-out test subjects still count), and again
 * over the present records only. A leak found but not declared is reported as 'undeclared-leak';
 * the runner refuses to report such a variant.
 */
import { PneumaError, Rng } from '../../util/index.ts';
import type { DatasetId } from '../../data/dataset-id.ts';
import type { DirReader } from '../../data/dir-reader.ts';
import type { Manifest, ManifestRecord } from '../../data/manifest.ts';
import { readSplitFile } from '../../data/split-file.ts';
import type { CsvTable } from '../../data/csv.ts';
import {
  checkSubjectLeakage,
  groupedKFold,
  groupedStratifiedKFold,
  LeakageError,
  leaveOneSubjectOut,
  stratifiedHoldout,
  type Partition,
  type SubjectOverlap,
} from '../splits.ts';
import type { Clause, SplitPart, SplitPolicy, SplitVariant, TaskSpec } from '../task.ts';

export class TaskError extends PneumaError {
  constructor(task: string, reason: string) {
    super('task', `task '${task}': ${reason}`);
  }
}

export interface ResolvedRecord<D extends DatasetId = DatasetId> {
  readonly record: ManifestRecord<D>;
  /** 0/1 (binary), class index (multiclass) or value (regression). */
  readonly label: number;
}

export interface ResolvedFold {
  readonly name: string;
  /** Indices into ResolvedTask.records, ascending. */
  readonly train: Int32Array;
  readonly test: Int32Array;
}

export type Assignment =
  /** One part per resolved record (null: the split does not use the record). */
  | { readonly kind: 'fixed'; readonly parts: readonly (SplitPart | null)[]; readonly counts: Readonly<Record<SplitPart | 'unused', number>> }
  | { readonly kind: 'folds'; readonly folds: readonly ResolvedFold[] };

export interface LeakageResult {
  readonly status: 'clean' | 'declared-leak' | 'undeclared-leak' | 'declared-but-clean';
  readonly declaredReason: string | null;
  /** Subjects in more than one partition, over every row the split names (present or not). */
  readonly leakingSubjects: readonly string[];
  readonly overlaps: readonly SubjectOverlap[];
  /** The same, over the records present in the manifest only. */
  readonly presentLeakingSubjects: readonly string[];
  /** Rows of a committed split whose subject is unknown (missing audio and no subject column); they are not checked. */
  readonly uncheckedRows: number;
}

export interface ResolvedVariant {
  readonly name: string;
  readonly description: string;
  readonly assignment: Assignment;
  /** Files the split names that the manifest does not have (relative paths, or `<label>=<value>` keys). */
  readonly missingFiles: readonly string[];
  /** Records the split names that are present but excluded by the task's selection or label. */
  readonly excludedByTask: readonly string[];
  /** Records whose label differs from the split file's label column. */
  readonly labelMismatches: readonly string[];
  readonly leakage: LeakageResult;
}

export interface ResolvedTask<D extends DatasetId = DatasetId> {
  readonly task: string;
  readonly dataset: D;
  readonly records: readonly ResolvedRecord<D>[];
  /** Manifest records left out: wrong modality or not selected, or selected but without a label. */
  readonly excluded: { readonly notSelected: number; readonly noLabel: number };
  readonly variants: readonly ResolvedVariant[];
}

export interface ResolveOptions {
  /** Reader over the committed split files (src/data/splits/). Needed by tasks with committed splits. */
  readonly splits?: DirReader;
}

function labelString(r: ManifestRecord, key: string): string | null {
  const v = (r.labels as Readonly<Record<string, unknown>>)[key];
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
}

function matches(row: Readonly<Record<string, string>>, clauses: readonly Clause[]): boolean {
  return clauses.every((c) => c.oneOf.includes(row[c.column] ?? ''));
}

function countParts(parts: readonly (SplitPart | null)[]): Record<SplitPart | 'unused', number> {
  const c = { train: 0, val: 0, test: 0, unused: 0 };
  for (const p of parts) c[p ?? 'unused']++;
  return c;
}

function partitionsOf(subjectsByPart: ReadonlyMap<SplitPart, string[]>): Partition[] {
  return [...subjectsByPart].map(([name, subjects]) => ({ name, subjects }));
}

function leakage(task: string, variant: SplitVariant, all: Partition[], present: Partition[], uncheckedRows: number): LeakageResult {
  const declaredReason = variant.leak.declared ? variant.leak.reason : null;
  const label = `${task}/${variant.name}`;
  const run = (parts: Partition[]): readonly SubjectOverlap[] => {
    try {
      return checkSubjectLeakage(label, parts, declaredReason ?? undefined).overlaps;
    } catch (e) {
      if (e instanceof LeakageError) return e.overlaps;
      throw e;
    }
  };
  const overlaps = run(all);
  const subjects = (o: readonly SubjectOverlap[]): string[] => [...new Set(o.flatMap((x) => x.subjects))].sort();
  const leakingSubjects = subjects(overlaps);
  const leaking = leakingSubjects.length > 0;
  const status = leaking ? (declaredReason !== null ? 'declared-leak' : 'undeclared-leak') : declaredReason !== null ? 'declared-but-clean' : 'clean';
  return { status, declaredReason, leakingSubjects, overlaps, presentLeakingSubjects: subjects(run(present)), uncheckedRows };
}

function addSubject(map: Map<SplitPart, string[]>, part: SplitPart, subject: string): void {
  const list = map.get(part);
  if (list === undefined) map.set(part, [subject]);
  else list.push(subject);
}

async function resolveCommitted<D extends DatasetId>(
  spec: TaskSpec<D>,
  variant: SplitVariant,
  policy: Extract<SplitPolicy, { kind: 'committed' }>,
  manifest: Manifest<D>,
  records: readonly ResolvedRecord<D>[],
  table: CsvTable,
): Promise<ResolvedVariant> {
  const keyOf = (r: ManifestRecord): string | null =>
    'pathPrefix' in policy.key ? (r.path.startsWith(policy.key.pathPrefix) ? r.path.slice(policy.key.pathPrefix.length) : null) : labelString(r, policy.key.label);
  const index = new Map<string, number>();
  records.forEach((rr, i) => {
    const k = keyOf(rr.record);
    if (k !== null) index.set(k, i);
  });
  const inManifest = new Set<string>();
  for (const r of manifest.records) {
    const k = keyOf(r);
    if (k !== null) inManifest.add(k);
  }
  const parts: (SplitPart | null)[] = records.map(() => null);
  const missingFiles: string[] = [];
  const excludedByTask: string[] = [];
  const labelMismatches: string[] = [];
  const all = new Map<SplitPart, string[]>();
  const present = new Map<SplitPart, string[]>();
  let uncheckedRows = 0;
  for (const [n, row] of table.rows.entries()) {
    if (!matches(row, policy.where)) continue;
    if (policy.dropWhere !== undefined && matches(row, policy.dropWhere)) continue;
    const value = row[policy.splitColumn] ?? '';
    const part = policy.parts[value];
    if (part === undefined) throw new TaskError(spec.id, `${policy.file} row ${n + 2}: split value ${JSON.stringify(value)} is not one of ${Object.keys(policy.parts).join(', ')}`);
    const key = row[policy.key.column] ?? '';
    const at = index.get(key);
    const shown = 'pathPrefix' in policy.key ? `${policy.key.pathPrefix}${key}` : `${policy.key.label}=${key}`;
    const fileSubject = policy.subjectColumn !== undefined ? row[policy.subjectColumn] : undefined;
    if (at === undefined) {
      if (inManifest.has(key)) excludedByTask.push(shown);
      else missingFiles.push(shown);
      if (fileSubject !== undefined && fileSubject !== '') addSubject(all, part, fileSubject);
      else uncheckedRows++;
      continue;
    }
    const rr = records[at] as ResolvedRecord<D>;
    if (parts[at] !== null) throw new TaskError(spec.id, `${policy.file}: ${shown} is named by more than one row`);
    parts[at] = part;
    addSubject(all, part, fileSubject !== undefined && fileSubject !== '' ? fileSubject : rr.record.subject);
    addSubject(present, part, rr.record.subject);
    if (policy.labelColumn !== undefined && row[policy.labelColumn] !== String(rr.label)) {
      labelMismatches.push(`${rr.record.id}: task label ${rr.label}, ${policy.labelColumn} ${JSON.stringify(row[policy.labelColumn])}`);
    }
  }
  return {
    name: variant.name,
    description: variant.description,
    assignment: { kind: 'fixed', parts, counts: countParts(parts) },
    missingFiles,
    excludedByTask,
    labelMismatches,
    leakage: leakage(spec.id, variant, partitionsOf(all), partitionsOf(present), uncheckedRows),
  };
}

function fixedVariant<D extends DatasetId>(spec: TaskSpec<D>, variant: SplitVariant, records: readonly ResolvedRecord<D>[], parts: (SplitPart | null)[]): ResolvedVariant {
  const byPart = new Map<SplitPart, string[]>();
  parts.forEach((p, i) => {
    if (p !== null) addSubject(byPart, p, (records[i] as ResolvedRecord<D>).record.subject);
  });
  const partitions = partitionsOf(byPart);
  return {
    name: variant.name,
    description: variant.description,
    assignment: { kind: 'fixed', parts, counts: countParts(parts) },
    missingFiles: [],
    excludedByTask: [],
    labelMismatches: [],
    leakage: leakage(spec.id, variant, partitions, partitions, 0),
  };
}

function foldVariant<D extends DatasetId>(
  spec: TaskSpec<D>,
  variant: SplitVariant,
  records: readonly ResolvedRecord<D>[],
  folds: ResolvedFold[],
  missingFiles: string[] = [],
): ResolvedVariant {
  const subjects = records.map((r) => r.record.subject);
  const overlapsAll: SubjectOverlap[] = [];
  for (const f of folds) {
    const parts: Partition[] = [
      { name: `${f.name}/train`, subjects: Array.from(f.train, (i) => subjects[i] as string) },
      { name: `${f.name}/test`, subjects: Array.from(f.test, (i) => subjects[i] as string) },
    ];
    const r = leakage(spec.id, variant, parts, parts, 0);
    overlapsAll.push(...r.overlaps);
  }
  const leaking = [...new Set(overlapsAll.flatMap((o) => o.subjects))].sort();
  const declaredReason = variant.leak.declared ? variant.leak.reason : null;
  return {
    name: variant.name,
    description: variant.description,
    assignment: { kind: 'folds', folds },
    missingFiles,
    excludedByTask: [],
    labelMismatches: [],
    leakage: {
      status: leaking.length > 0 ? (declaredReason !== null ? 'declared-leak' : 'undeclared-leak') : declaredReason !== null ? 'declared-but-clean' : 'clean',
      declaredReason,
      leakingSubjects: leaking,
      overlaps: overlapsAll,
      presentLeakingSubjects: leaking,
      uncheckedRows: 0,
    },
  };
}

function resolveComputed<D extends DatasetId>(spec: TaskSpec<D>, variant: SplitVariant, records: readonly ResolvedRecord<D>[]): ResolvedVariant {
  const policy = variant.policy;
  const label = `${spec.id}/${variant.name}`;
  const groups = records.map((r) => r.record.subject);
  const labels = Float64Array.from(records, (r) => r.label);
  switch (policy.kind) {
    case 'official': {
      const parts = records.map((r) => policy.parts[labelString(r.record, policy.label) ?? ''] ?? null);
      if (policy.trainEvery !== undefined) {
        const { n, rankLabel } = policy.trainEvery;
        records.forEach((r, i) => {
          if (parts[i] !== 'train') return;
          const rank = Number(labelString(r.record, rankLabel));
          if (!Number.isInteger(rank)) throw new TaskError(spec.id, `record ${r.record.id}: label ${rankLabel} is not an integer rank`);
          if (rank % n !== 0) parts[i] = null;
        });
      }
      return fixedVariant(spec, variant, records, parts);
    }
    case 'random-stratified': {
      const rng = Rng.seeded(policy.seed.value);
      const first = stratifiedHoldout(label, labels, policy.test, rng);
      const rest = Array.from(first.train);
      const second = stratifiedHoldout(label, rest.map((i) => labels[i] as number), policy.val / (1 - policy.test), rng);
      const parts: (SplitPart | null)[] = records.map(() => 'train');
      for (const i of first.val) parts[i] = 'test';
      for (const j of second.val) parts[rest[j] as number] = 'val';
      return fixedVariant(spec, variant, records, parts);
    }
    case 'grouped-kfold': {
      const rng = Rng.seeded(policy.seed.value);
      const folds = policy.stratified ? groupedStratifiedKFold(label, groups, labels, policy.k, rng) : groupedKFold(label, groups, policy.k, rng);
      return foldVariant(spec, variant, records, folds.map((f, k) => ({ name: `fold${k}`, train: f.train, test: f.test })));
    }
    case 'loso': {
      const all = leaveOneSubjectOut(label, groups);
      const wanted = policy.testSubjects;
      const kept = wanted === undefined ? all : all.filter((f) => wanted.includes(f.subject));
      const missing = wanted === undefined ? [] : wanted.filter((s) => !groups.includes(s)).map((s) => `subject=${s}`);
      return foldVariant(spec, variant, records, kept.map((f) => ({ name: f.subject, train: f.fold.train, test: f.fold.test })), missing);
    }
    case 'committed':
      throw new TaskError(spec.id, 'internal: committed splits are resolved separately');
  }
}

/**
 * Resolve a task on a manifest of its dataset. Throws TaskError when the manifest is of another
 * dataset or a committed split file is malformed; missing audio and leaks are reported in the result.
 */
export async function resolveTask<D extends DatasetId>(spec: TaskSpec<D>, manifest: Manifest<D>, options: ResolveOptions = {}): Promise<ResolvedTask<D>> {
  if (manifest.dataset !== spec.dataset) throw new TaskError(spec.id, `needs a ${spec.dataset} manifest, got ${manifest.dataset}`);
  const records: ResolvedRecord<D>[] = [];
  let notSelected = 0;
  let noLabel = 0;
  for (const r of manifest.records) {
    if (!spec.modalities.includes(r.modality) || !spec.select(r)) {
      notSelected++;
      continue;
    }
    const label = spec.target.label(r);
    if (label === null) {
      noLabel++;
      continue;
    }
    if (!Number.isFinite(label)) throw new TaskError(spec.id, `record ${r.id}: label ${label} is not finite`);
    records.push({ record: r, label });
  }
  const tables = new Map<string, CsvTable>();
  const variants: ResolvedVariant[] = [];
  for (const variant of spec.splits) {
    const policy = variant.policy;
    if (policy.kind !== 'committed') {
      variants.push(resolveComputed(spec, variant, records));
      continue;
    }
    if (options.splits === undefined) throw new TaskError(spec.id, `split variant ${variant.name} needs the committed split files (options.splits)`);
    let table = tables.get(policy.file);
    if (table === undefined) {
      table = await readSplitFile(options.splits, policy.file, []);
      tables.set(policy.file, table);
    }
    const needed = [policy.key.column, policy.splitColumn, ...policy.where.map((c) => c.column), ...(policy.dropWhere ?? []).map((c) => c.column)];
    if (policy.subjectColumn !== undefined) needed.push(policy.subjectColumn);
    if (policy.labelColumn !== undefined) needed.push(policy.labelColumn);
    const absent = needed.filter((c) => !table.header.includes(c));
    if (absent.length > 0) throw new TaskError(spec.id, `split variant ${variant.name}: ${policy.file} has no column(s) ${absent.join(', ')}`);
    variants.push(await resolveCommitted(spec, variant, policy, manifest, records, table));
  }
  return { task: spec.id, dataset: spec.dataset, records, excluded: { notSelected, noLabel }, variants };
}
