/**
 * Split policies over rows that carry a subject (participant, patient) id: the subject-disjointness
 * (leakage) check, a label-stratified train/validation hold-out, participant-grouped (stratified)
 * K-fold as HeAR's eval_utils builds it, and leave-one-subject-out. Deterministic given the Rng;
 * row indices in every output are ascending.
 */
import { PneumaError, type Rng } from '../util/index.ts';

export class LeakageError extends PneumaError {
  readonly task: string;
  readonly overlaps: readonly SubjectOverlap[];
  constructor(task: string, overlaps: readonly SubjectOverlap[]) {
    const text = overlaps
      .map((o) => `${o.a}/${o.b} share ${o.subjects.length} subject(s): ${o.subjects.slice(0, 20).join(', ')}${o.subjects.length > 20 ? ', …' : ''}`)
      .join('; ');
    super('leakage', `task '${task}': subjects occur in more than one partition (${text}); declare the leak to accept it`);
    this.task = task;
    this.overlaps = overlaps;
  }
}

export class SplitError extends PneumaError {
  constructor(task: string, reason: string) {
    super('split', `task '${task}': ${reason}`);
  }
}

/** One partition of a split: its name and the subject id of each of its rows. */
export interface Partition {
  readonly name: string;
  readonly subjects: readonly string[];
}

export interface SubjectOverlap {
  readonly a: string;
  readonly b: string;
  /** Subjects with rows in both partitions, sorted. */
  readonly subjects: readonly string[];
}

export interface LeakageReport {
  readonly overlaps: readonly SubjectOverlap[];
  /** The reason given when the caller declared the leak, else null. */
  readonly declared: string | null;
}

/**
 * Lists, for every pair of partitions, the subjects found on both sides. Raises LeakageError when
 * any subject is shared unless `declaredLeak` (the reason the leak is accepted, e.g. "OPERA T10
 * uses a file-level split") is given, in which case the overlaps are returned for reporting.
 */
export function checkSubjectLeakage(task: string, partitions: readonly Partition[], declaredLeak?: string): LeakageReport {
  const sets = partitions.map((p) => new Set(p.subjects));
  const overlaps: SubjectOverlap[] = [];
  for (let i = 0; i < partitions.length; i++) {
    for (let j = i + 1; j < partitions.length; j++) {
      const b = sets[j] as Set<string>;
      const shared = [...(sets[i] as Set<string>)].filter((s) => b.has(s)).sort();
      if (shared.length > 0) overlaps.push({ a: (partitions[i] as Partition).name, b: (partitions[j] as Partition).name, subjects: shared });
    }
  }
  if (overlaps.length > 0 && declaredLeak === undefined) throw new LeakageError(task, overlaps);
  return { overlaps, declared: declaredLeak ?? null };
}

export interface Holdout {
  readonly train: Int32Array;
  readonly val: Int32Array;
}

/**
 * Label-stratified hold-out of ⌈fraction·n⌉ rows (sklearn `train_test_split(test_size=fraction,
 * stratify=labels)` sizes). Per class c the held-out count is ⌊n_val·n_c/n⌋ plus one for the
 * classes with the largest remainders (ties: lower class value first); the held-out rows of a class
 * are the first of one Rng permutation of its rows. Classes are visited in ascending label value.
 * Every class needs at least two rows.
 */
export function stratifiedHoldout(task: string, labels: ArrayLike<number>, fraction: number, rng: Rng): Holdout {
  const n = labels.length;
  if (!(fraction > 0 && fraction < 1)) throw new SplitError(task, `hold-out fraction must be in (0, 1), got ${fraction}`);
  const byClass = rowsByValue(labels);
  for (const [c, rows] of byClass) {
    if (rows.length < 2) throw new SplitError(task, `class ${c} has ${rows.length} row(s); a stratified hold-out needs at least 2`);
  }
  const nVal = Math.ceil(fraction * n);
  if (nVal >= n) throw new SplitError(task, `hold-out of ${nVal} of ${n} rows leaves no training rows`);
  const classes = [...byClass.keys()];
  const want = classes.map((c) => (nVal * (byClass.get(c) as number[]).length) / n);
  const take = want.map(Math.floor);
  let left = nVal - take.reduce((a, b) => a + b, 0);
  const byRemainder = classes.map((_, i) => i).sort((a, b) => ((want[b] as number) - (take[b] as number)) - ((want[a] as number) - (take[a] as number)) || a - b);
  for (const i of byRemainder) {
    if (left === 0) break;
    take[i] = (take[i] as number) + 1;
    left--;
  }
  const val: number[] = [];
  const train: number[] = [];
  classes.forEach((c, i) => {
    const rows = rng.shuffle([...(byClass.get(c) as number[])]);
    val.push(...rows.slice(0, take[i]));
    train.push(...rows.slice(take[i]));
  });
  return { train: sortedInt32(train), val: sortedInt32(val) };
}

export interface Fold {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

/**
 * HeAR's participant-level stratified K-fold (eval_utils `train_linear_probe_with_participant_level_crossval`):
 * folds are drawn over the unique participants (sorted ids; HeAR takes Python `set` order), each
 * stratified on its participant's label = the last label seen in row order, then every row follows
 * its participant. Fold allocation as sklearn 1.2 `StratifiedKFold(shuffle=True)`: classes are
 * encoded in order of first appearance, per-class fold counts come from dealing the sorted class
 * codes round-robin over the k folds, and the fold labels of each class are shuffled with one Rng
 * shuffle per class. Unlike sklearn (which warns), every class needs at least k participants, so
 * each test fold holds both classes.
 */
export function groupedStratifiedKFold(task: string, groups: readonly string[], labels: ArrayLike<number>, k: number, rng: Rng): Fold[] {
  if (groups.length !== labels.length) throw new SplitError(task, `${groups.length} groups for ${labels.length} labels`);
  checkK(task, k);
  const last = new Map<string, number>();
  groups.forEach((g, i) => last.set(g, labels[i] as number));
  const ids = [...last.keys()].sort();
  const code = new Map<number, number>();
  const enc = ids.map((g) => {
    const y = last.get(g) as number;
    if (!code.has(y)) code.set(y, code.size);
    return code.get(y) as number;
  });
  const nClasses = code.size;
  const counts = new Array<number>(nClasses).fill(0);
  for (const e of enc) counts[e] = (counts[e] as number) + 1;
  for (const [y, c] of code) {
    if ((counts[c] as number) < k) throw new SplitError(task, `class ${y} has ${counts[c]} participant(s), fewer than the ${k} folds`);
  }
  const sortedCodes = [...enc].sort((a, b) => a - b);
  const allocation = Array.from({ length: k }, (_, f) => {
    const row = new Array<number>(nClasses).fill(0);
    for (let i = f; i < sortedCodes.length; i += k) row[sortedCodes[i] as number] = (row[sortedCodes[i] as number] as number) + 1;
    return row;
  });
  const foldOfGroup = new Int32Array(ids.length);
  for (let c = 0; c < nClasses; c++) {
    const foldsForClass: number[] = [];
    for (let f = 0; f < k; f++) for (let r = 0; r < ((allocation[f] as number[])[c] as number); r++) foldsForClass.push(f);
    rng.shuffle(foldsForClass);
    let next = 0;
    enc.forEach((e, gi) => {
      if (e === c) foldOfGroup[gi] = foldsForClass[next++] as number;
    });
  }
  return foldsFromGroupAssignment(task, groups, ids, foldOfGroup, k);
}

/**
 * Participant-grouped K-fold without stratification (HeAR's regression case, sklearn
 * `KFold(shuffle=True)` over participants): the sorted unique ids are permuted by one Rng
 * permutation and cut into k consecutive chunks, the first n mod k chunks one larger.
 */
export function groupedKFold(task: string, groups: readonly string[], k: number, rng: Rng): Fold[] {
  checkK(task, k);
  const ids = [...new Set(groups)].sort();
  if (ids.length < k) throw new SplitError(task, `${ids.length} participant(s) for ${k} folds`);
  const perm = rng.permutation(ids.length);
  const foldOfGroup = new Int32Array(ids.length);
  const base = Math.floor(ids.length / k);
  const extra = ids.length % k;
  let pos = 0;
  for (let f = 0; f < k; f++) {
    const size = base + (f < extra ? 1 : 0);
    for (let r = 0; r < size; r++) foldOfGroup[perm[pos++] as number] = f;
  }
  return foldsFromGroupAssignment(task, groups, ids, foldOfGroup, k);
}

/** One fold per subject, subjects in sorted id order; the test rows of fold i are subject i's. */
export function leaveOneSubjectOut(task: string, groups: readonly string[]): { readonly subject: string; readonly fold: Fold }[] {
  const ids = [...new Set(groups)].sort();
  if (ids.length < 2) throw new SplitError(task, `leave-one-subject-out needs at least 2 subjects, got ${ids.length}`);
  const folds = foldsFromGroupAssignment(task, groups, ids, Int32Array.from(ids, (_, i) => i), ids.length);
  return ids.map((subject, i) => ({ subject, fold: folds[i] as Fold }));
}

function foldsFromGroupAssignment(task: string, groups: readonly string[], ids: readonly string[], foldOfGroup: Int32Array, k: number): Fold[] {
  const index = new Map(ids.map((g, i) => [g, i]));
  const tests: number[][] = Array.from({ length: k }, () => []);
  groups.forEach((g, row) => (tests[foldOfGroup[index.get(g) as number] as number] as number[]).push(row));
  return tests.map((test, f) => {
    const inTest = new Uint8Array(groups.length);
    for (const r of test) inTest[r] = 1;
    const train: number[] = [];
    for (let r = 0; r < groups.length; r++) if (!inTest[r]) train.push(r);
    if (test.length === 0) throw new SplitError(task, `fold ${f} is empty`);
    return { train: Int32Array.from(train), test: Int32Array.from(test) };
  });
}

function checkK(task: string, k: number): void {
  if (!Number.isInteger(k) || k < 2) throw new SplitError(task, `number of folds must be an integer ≥ 2, got ${k}`);
}

function rowsByValue(labels: ArrayLike<number>): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i] as number;
    const list = m.get(y);
    if (list) list.push(i);
    else m.set(y, [i]);
  }
  return new Map([...m.entries()].sort((a, b) => a[0] - b[0]));
}

function sortedInt32(xs: number[]): Int32Array {
  return Int32Array.from(xs).sort();
}
