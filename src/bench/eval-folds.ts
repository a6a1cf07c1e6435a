/**
 * Evaluation folds over the records of a resolved task: a fixed split is one fold named 'test' (train,
 * val, test parts); a cross-validated split is one fold per fold of the assignment (val empty). Derived
 * folds for the extra evaluations:
 * - data efficiency: each fold's training records subsampled (efficiency.ts: nested, label-stratified,
 *   whole subjects) with one seeded stream per fold, the same for every model; val and test unchanged;
 * - unseen device: training and validation records of every device but one, test records of that one.
 * Indices are positions in ResolvedTask.records, ascending.
 */
import { Rng } from '../util/index.ts';
import { efficiencySubsets } from './efficiency.ts';
import type { Assignment } from './tasks/resolve.ts';

export interface EvalFold {
  readonly name: string;
  readonly train: readonly number[];
  readonly val: readonly number[];
  readonly test: readonly number[];
}

/** Seed of the efficiency subsets (with the fold index added): fixed, so every model sees the same subsets. */
export const EFFICIENCY_SEED = 6125;

export function foldsOf(a: Assignment): EvalFold[] {
  if (a.kind === 'folds') return a.folds.map((f) => ({ name: f.name, train: Array.from(f.train), val: [], test: Array.from(f.test) }));
  const train: number[] = [];
  const val: number[] = [];
  const test: number[] = [];
  a.parts.forEach((p, i) => {
    if (p === 'train') train.push(i);
    else if (p === 'val') val.push(i);
    else if (p === 'test') test.push(i);
  });
  return [{ name: 'test', train, val, test }];
}

/** Every record any fold uses, ascending. */
export function usedRecords(folds: readonly EvalFold[]): number[] {
  const s = new Set<number>();
  for (const f of folds) for (const part of [f.train, f.val, f.test]) for (const i of part) s.add(i);
  return [...s].sort((a, b) => a - b);
}

/** Keep only the records for which `keep` holds. */
export function restrictFolds(folds: readonly EvalFold[], keep: (i: number) => boolean): EvalFold[] {
  return folds.map((f) => ({ name: f.name, train: f.train.filter(keep), val: f.val.filter(keep), test: f.test.filter(keep) }));
}

/**
 * Training records of every fold subsampled to `fraction`; `labels` per record for classification (null
 * for regression), `subjects` per record. Throws SplitError for an impossible subset.
 */
export function efficiencyFolds(
  task: string,
  folds: readonly EvalFold[],
  fraction: number,
  labels: ArrayLike<number> | null,
  subjects: readonly string[],
): EvalFold[] {
  return folds.map((f, k) => {
    const groups = f.train.map((i) => subjects[i] as string);
    const spec = labels === null
      ? { rows: f.train.length, fractions: [fraction], groups }
      : { rows: f.train.length, fractions: [fraction], groups, labels: f.train.map((i) => labels[i] as number) };
    const [subset] = efficiencySubsets(`${task}/${f.name}`, spec, Rng.seeded(EFFICIENCY_SEED + k));
    const rows = subset ? Array.from(subset.rows, (r) => f.train[r] as number) : [];
    return { name: f.name, train: rows, val: f.val, test: f.test };
  });
}

/** Train (and validate) on devices other than `device`, test on `device` only. */
export function unseenDeviceFolds(folds: readonly EvalFold[], devices: readonly (string | null)[], device: string): EvalFold[] {
  const other = (i: number): boolean => devices[i] !== device;
  return folds.map((f) => ({ name: f.name, train: f.train.filter(other), val: f.val.filter(other), test: f.test.filter((i) => devices[i] === device) }));
}
