/**
 * The runner's first phase, before any audio is touched: find the datasets under the data root, scan
 * them, resolve every task's split variants and check them. A variant is
 * - failed when its split leaks subjects between partitions and the task does not declare the leak
 *   (UndeclaredLeakError naming task, variant and the leaking subjects);
 * - skipped, with the reason, when it has no training or no test records present;
 * - kept otherwise, with its evaluation folds (folds without training or test records are dropped and
 *   reported as warnings).
 */
import { presentDatasets, scanDataset } from '../data/data-root.ts';
import type { DatasetId } from '../data/dataset-id.ts';
import type { DirReader } from '../data/dir-reader.ts';
import type { Manifest } from '../data/manifest.ts';
import { PneumaError } from '../util/index.ts';
import { deviceOf } from './device.ts';
import { type EvalFold, foldsOf } from './eval-folds.ts';
import type { DatasetSummary, Failure, Skipped, SubjectExclusion } from './runner-types.ts';
import type { AnyTaskSpec, SplitVariant, TaskSpec } from './task.ts';
import { resolveTask, type ResolvedTask, type ResolvedVariant } from './tasks/resolve.ts';

export class UndeclaredLeakError extends PneumaError {
  readonly task: string;
  readonly variant: string;
  readonly subjects: readonly string[];
  constructor(task: string, variant: string, subjects: readonly string[]) {
    const shown = subjects.slice(0, 20).join(', ') + (subjects.length > 20 ? `, … (${subjects.length} in all)` : '');
    super('undeclared-leak', `task '${task}' split variant '${variant}': subjects occur in more than one partition and the task does not declare the leak: ${shown}`);
    this.task = task;
    this.variant = variant;
    this.subjects = subjects;
  }
}

export interface PreparedVariant {
  readonly variant: SplitVariant;
  readonly resolved: ResolvedVariant;
  readonly folds: readonly EvalFold[];
}

export interface PreparedTask {
  readonly spec: AnyTaskSpec;
  readonly resolved: ResolvedTask;
  readonly variants: readonly PreparedVariant[];
  /** Device of each resolved record (device.ts). */
  readonly devices: readonly (string | null)[];
}

export interface Preparation {
  readonly tasks: readonly PreparedTask[];
  readonly skipped: Skipped[];
  readonly failures: Failure[];
  readonly warnings: string[];
  readonly datasets: DatasetSummary[];
  /** Records removed per exclusion (same order as given). */
  readonly excludedSubjects: { source: string; subjects: number; records: number }[];
}

function checkVariant(spec: AnyTaskSpec, v: ResolvedVariant, out: Preparation): EvalFold[] | null {
  const split = v.name;
  if (v.leakage.status === 'undeclared-leak') {
    const e = new UndeclaredLeakError(spec.id, split, v.leakage.leakingSubjects);
    out.failures.push({ task: spec.id, split, model: null, code: e.code, message: e.message });
    return null;
  }
  for (const m of v.labelMismatches) out.warnings.push(`task '${spec.id}' split '${split}': label differs from the split file: ${m}`);
  const missing = v.missingFiles.length > 0 ? ` (${v.missingFiles.length} file(s) the split names are missing under the data root)` : '';
  const kept: EvalFold[] = [];
  for (const f of foldsOf(v.assignment)) {
    if (f.train.length > 0 && f.test.length > 0) kept.push(f);
    else if (v.assignment.kind === 'folds') out.warnings.push(`task '${spec.id}' split '${split}': fold '${f.name}' dropped: ${f.train.length} training and ${f.test.length} test records present`);
    else out.skipped.push({ task: spec.id, split, model: null, kind: 'main', reason: `${f.train.length} training and ${f.test.length} test records present${missing}` });
  }
  if (kept.length === 0 && v.assignment.kind === 'folds') out.skipped.push({ task: spec.id, split, model: null, kind: 'main', reason: `no fold has both training and test records${missing}` });
  return kept.length > 0 ? kept : null;
}

/** The manifest without the records of excluded subjects; counts what each exclusion removed. */
function withoutSubjects(m: Manifest, exclude: readonly SubjectExclusion[], counts: { records: number }[]): Manifest {
  if (exclude.length === 0) return m;
  const records = m.records.filter((r) => {
    const key = `${r.dataset}:${r.subject}`;
    const hit = exclude.findIndex((e) => e.subjects.has(key));
    if (hit >= 0) (counts[hit] as { records: number }).records++;
    return hit < 0;
  });
  return { ...m, records };
}

/**
 * Scan, resolve and check every task; only the returned tasks' kept variants are embedded and probed.
 * Records of subjects in `exclude` are removed from the manifests before anything else.
 */
export async function prepareTasks(specs: readonly AnyTaskSpec[], data: DirReader, splits: DirReader, failFast: boolean, exclude: readonly SubjectExclusion[] = []): Promise<Preparation> {
  const counts = exclude.map((e) => ({ source: e.source, subjects: e.subjects.size, records: 0 }));
  const out: Preparation = { tasks: [], skipped: [], failures: [], warnings: [], datasets: [], excludedSubjects: counts };
  const present = new Set<DatasetId>(await presentDatasets(data));
  const manifests = new Map<DatasetId, Manifest>();
  const tasks: PreparedTask[] = [];
  for (const spec of specs) {
    if (!present.has(spec.dataset)) {
      out.skipped.push({ task: spec.id, split: null, model: null, kind: null, reason: `dataset '${spec.dataset}' is not under ${data.location} (expected the folder ${spec.dataset}/ in its original layout)` });
      continue;
    }
    let manifest = manifests.get(spec.dataset);
    if (manifest === undefined) {
      const scanned = await scanDataset(data, spec.dataset);
      manifest = withoutSubjects(scanned, exclude, counts);
      manifests.set(spec.dataset, manifest);
      out.datasets.push({ id: spec.dataset, records: manifest.records.length, problems: manifest.problems.length, excluded: scanned.records.length - manifest.records.length });
    }
    // AnyTaskSpec is a union over datasets; the manifest scanned above is of spec.dataset
    const resolved: ResolvedTask = await resolveTask(spec as unknown as TaskSpec, manifest, { splits });
    const variants: PreparedVariant[] = [];
    spec.splits.forEach((variant, k) => {
      const rv = resolved.variants[k] as ResolvedVariant;
      const folds = checkVariant(spec, rv, out);
      if (folds !== null) variants.push({ variant, resolved: rv, folds });
    });
    if (failFast && out.failures.length > 0) {
      const f = out.failures[0] as Failure;
      throw new UndeclaredLeakError(f.task, f.split, resolved.variants.find((v) => v.name === f.split)?.leakage.leakingSubjects ?? []);
    }
    if (variants.length > 0) tasks.push({ spec, resolved, variants, devices: resolved.records.map((r) => deviceOf(r.record)) });
  }
  return { ...out, tasks };
}
