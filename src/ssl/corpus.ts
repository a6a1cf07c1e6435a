/**
 * The pretraining corpus: which recordings each source contributes, with OPERA's rules (opera.md §1.6, §3.1)
 * and one rule OPERA applies by hand and Pneuma enforces: no recording and no subject that a benchmark task
 * puts in a test split may be pretrained on.
 *
 *   1. `testExclusion`: for every task of the chosen set whose dataset is scanned, resolve it on the manifest
 *      (resolveTask) and collect, over every split variant, the records in a test partition ('test' of a
 *      fixed split, the test side of every fold of a k-fold or leave-one-subject-out split, so a k-fold task
 *      excludes its whole dataset) and their subjects. Keys are dataset-scoped: `dataset:recordId`,
 *      `dataset:subject`.
 *   1b. `holdoutExclusion` (optional, `data.exclude.holdout`): a hash-ordered fraction of some datasets' subjects
 *      and every subject of given data roots, merged into the exclusion (`mergeExclusions`), so that a model can
 *      be benchmarked on subjects it never heard even where a task cross-validates over the whole dataset.
 *   2. `selectCorpus`: per source rule, the manifest's records of the rule's modalities (and label filter), minus excluded records
 *      and records of excluded subjects; `maxRecords` keeps a seeded subset.
 *   3. `assertCorpusClean`: an independent final check of the selected list against the exclusion; any test
 *      record or subject in it is a CorpusLeakError naming every offender (the build stops).
 *   4. After the spectrograms are computed (the corpus store), `splitCorpus` drops recordings shorter than the
 *      rule's minimum (after trimming, OPERA's `pad=False`) or shorter than the crop (COLA), and holds out a
 *      seeded validation fraction per source (OPERA: `train_test_split(test_size=0.1, random_state=1337)`,
 *      ⌈0.1·n⌉ recordings).
 */
import type { DatasetId } from '../data/dataset-id.ts';
import type { DirReader } from '../data/dir-reader.ts';
import type { Manifest } from '../data/manifest.ts';
import type { AnyTaskSpec, TaskSpec } from '../bench/task.ts';
import { resolveTask } from '../bench/tasks/resolve.ts';
import { configHash, sha256Hex } from '../util/index.ts';
import type { SourceRule, SubjectHoldout } from './config.ts';
import { CorpusError, CorpusLeakError } from './errors.ts';
import { streamRng } from './sampler.ts';

export interface CorpusRecord {
  /** `dataset:recordId` (synthetic: `synthetic:<source>/<n>`). */
  readonly key: string;
  readonly dataset: DatasetId | 'synthetic';
  /** Name of the source rule that selected it. */
  readonly source: string;
  /** Relative to the dataset's folder ('' for synthetic recordings). */
  readonly path: string;
  /** `dataset:subject`. */
  readonly subject: string;
}

export interface TaskExclusion {
  readonly task: string;
  readonly variant: string;
  readonly records: number;
  readonly subjects: number;
}

export interface TestExclusion {
  /** Tasks considered (their dataset was scanned); tasks of other datasets cannot reach the corpus. */
  readonly tasks: readonly string[];
  readonly records: ReadonlySet<string>;
  readonly subjects: ReadonlySet<string>;
  readonly perVariant: readonly TaskExclusion[];
}

export const recordKey = (dataset: string, id: string): string => `${dataset}:${id}`;
export const subjectKey = (dataset: string, subject: string): string => `${dataset}:${subject}`;

/** Every test recording and subject of `specs` on the manifests given (see the header). */
export async function testExclusion(specs: readonly AnyTaskSpec[], manifests: ReadonlyMap<DatasetId, Manifest>, splits: DirReader): Promise<TestExclusion> {
  const records = new Set<string>();
  const subjects = new Set<string>();
  const perVariant: TaskExclusion[] = [];
  const tasks: string[] = [];
  for (const spec of specs) {
    const manifest = manifests.get(spec.dataset);
    if (!manifest) continue;
    tasks.push(spec.id);
    // AnyTaskSpec is a union over datasets; the manifest is of spec.dataset
    const resolved = await resolveTask(spec as unknown as TaskSpec, manifest as Manifest, { splits });
    for (const v of resolved.variants) {
      const idx = new Set<number>();
      if (v.assignment.kind === 'fixed') v.assignment.parts.forEach((p, i) => p === 'test' && idx.add(i));
      else for (const f of v.assignment.folds) for (const i of f.test) idx.add(i);
      const subs = new Set<string>();
      for (const i of idx) {
        const r = (resolved.records[i] as (typeof resolved.records)[number]).record;
        records.add(recordKey(r.dataset, r.id));
        const s = subjectKey(r.dataset, r.subject);
        subjects.add(s);
        subs.add(s);
      }
      perVariant.push({ task: spec.id, variant: v.name, records: idx.size, subjects: subs.size });
    }
  }
  return { tasks, records, subjects, perVariant };
}

/**
 * The subjects a `SubjectHoldout` keeps out of the corpus (see its doc): per dataset of `h.datasets` that has a
 * manifest, the first ⌈fraction·n⌉ subjects in sha256(`seed:dataset:subject`) order, plus `always` (dataset-scoped
 * subject keys, e.g. every subject with a recording in the bundled examples). Returned as an exclusion to merge.
 */
export function holdoutExclusion(h: SubjectHoldout, manifests: ReadonlyMap<DatasetId, Manifest>, always: ReadonlySet<string>): TestExclusion {
  const subjects = new Set<string>();
  const perVariant: TaskExclusion[] = [];
  for (const [dataset, m] of [...manifests].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const all = [...new Set(m.records.map((r) => r.subject))];
    const drawn = new Set<string>();
    if (h.datasets.includes(dataset)) {
      const ranked = all.map((s) => ({ s, k: sha256Hex(`${h.seed}:${dataset}:${s}`) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
      for (const { s } of ranked.slice(0, Math.ceil(h.fraction * all.length))) drawn.add(s);
    }
    for (const s of all) if (always.has(subjectKey(dataset, s))) drawn.add(s);
    if (drawn.size === 0) continue;
    for (const s of drawn) subjects.add(subjectKey(dataset, s));
    perVariant.push({ task: 'holdout', variant: dataset, records: m.records.filter((r) => drawn.has(r.subject)).length, subjects: drawn.size });
  }
  return { tasks: [], records: new Set(), subjects, perVariant };
}

/** The union of two exclusions. */
export function mergeExclusions(a: TestExclusion, b: TestExclusion): TestExclusion {
  return {
    tasks: [...a.tasks, ...b.tasks.filter((t) => !a.tasks.includes(t))],
    records: new Set([...a.records, ...b.records]),
    subjects: new Set([...a.subjects, ...b.subjects]),
    perVariant: [...a.perVariant, ...b.perVariant],
  };
}

export interface SourceSelection {
  readonly rule: SourceRule;
  readonly records: readonly CorpusRecord[];
  /** Records of the rule's dataset and modalities left out, by reason. */
  readonly dropped: { readonly testRecord: number; readonly testSubject: number; readonly limit: number };
}

/** Records of the manifest that a source rule selects, before exclusion. */
function candidates(rule: SourceRule, manifest: Manifest): CorpusRecord[] {
  const where = rule.where;
  const labelOf = (r: Manifest['records'][number]): string => {
    const v = (r.labels as Readonly<Record<string, unknown>>)[where?.label ?? ''];
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
  };
  return manifest.records
    .filter((r) => rule.modalities.includes(r.modality) && (where === undefined || where.oneOf.includes(labelOf(r))))
    .map((r) => ({ key: recordKey(r.dataset, r.id), dataset: r.dataset, source: rule.name, path: r.path, subject: subjectKey(r.dataset, r.subject) }));
}

/** Generated recordings of a synthetic source rule. */
export function syntheticRecords(rule: SourceRule): CorpusRecord[] {
  if (rule.dataset !== 'synthetic' || !rule.synthetic) throw new CorpusError(`source '${rule.name}': a synthetic source needs dataset 'synthetic' and a 'synthetic' block`);
  return Array.from({ length: rule.synthetic.recordings }, (_, n) => {
    const id = `${rule.name}/${n}`;
    return { key: recordKey('synthetic', id), dataset: 'synthetic' as const, source: rule.name, path: '', subject: subjectKey('synthetic', id) };
  });
}

/** Select each source's records (see the header, step 2). Sources whose dataset has no manifest are an error. */
export function selectCorpus(rules: readonly SourceRule[], manifests: ReadonlyMap<DatasetId, Manifest>, exclusion: TestExclusion, seed: number): SourceSelection[] {
  const names = new Set<string>();
  return rules.map((rule) => {
    if (names.has(rule.name)) throw new CorpusError(`two sources are named '${rule.name}'`);
    names.add(rule.name);
    let all: CorpusRecord[];
    if (rule.dataset === 'synthetic') all = syntheticRecords(rule);
    else {
      const m = manifests.get(rule.dataset);
      if (!m) throw new CorpusError(`source '${rule.name}': dataset '${rule.dataset}' was not scanned`);
      all = candidates(rule, m);
    }
    let testRecord = 0;
    let testSubject = 0;
    let kept = all.filter((r) => {
      if (exclusion.records.has(r.key)) {
        testRecord++;
        return false;
      }
      if (exclusion.subjects.has(r.subject)) {
        testSubject++;
        return false;
      }
      return true;
    });
    let limit = 0;
    if (rule.maxRecords !== undefined && kept.length > rule.maxRecords) {
      const order = streamRng(`subset/${rule.name}`, seed).shuffle([...kept].sort((a, b) => (a.key < b.key ? -1 : 1)));
      limit = kept.length - rule.maxRecords;
      kept = order.slice(0, rule.maxRecords);
    }
    kept.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { rule, records: kept, dropped: { testRecord, testSubject, limit } };
  });
}

/** The final check: throws CorpusLeakError naming every test recording and subject found in `records`. */
export function assertCorpusClean(records: readonly CorpusRecord[], exclusion: TestExclusion): void {
  const badRecords = [...new Set(records.filter((r) => exclusion.records.has(r.key)).map((r) => r.key))].sort();
  const badSubjects = [...new Set(records.filter((r) => exclusion.subjects.has(r.subject)).map((r) => r.subject))].sort();
  if (badRecords.length > 0 || badSubjects.length > 0) throw new CorpusLeakError(badRecords, badSubjects);
}

/** A recording's spectrogram segments in the store (time-major [frames, bins] each, at `offset` float32 elements). */
export interface StoredSegment {
  readonly offset: number;
  readonly frames: number;
}

export interface StoredRecord {
  readonly record: CorpusRecord;
  /** Duration after trimming, seconds. */
  readonly seconds: number;
  readonly segments: readonly StoredSegment[];
}

export interface CorpusSource {
  readonly rule: SourceRule;
  readonly train: readonly StoredRecord[];
  readonly val: readonly StoredRecord[];
  /** Recordings dropped by length: shorter than minSeconds, or (COLA) than the crop. */
  readonly tooShort: number;
}

export interface Corpus {
  readonly sources: readonly CorpusSource[];
  /** Frequency bins of every segment. */
  readonly bins: number;
  /** Identity of the corpus: store key, recordings, segment lengths and the split (part of the run's config hash). */
  readonly fingerprint: string;
}

/**
 * Length rules and the validation split (header, step 4). `needsCrop`: every kept segment must hold at least
 * `rule.frames` frames (COLA crops; MAE pads instead).
 */
export function splitCorpus(
  stored: readonly (readonly StoredRecord[])[], rules: readonly SourceRule[], bins: number,
  opts: { readonly needsCrop: boolean; readonly valFraction: number; readonly splitSeed: number; readonly storeKey: string },
): Corpus {
  if (!(opts.valFraction >= 0 && opts.valFraction < 1)) throw new CorpusError(`validation fraction must be in [0, 1), got ${opts.valFraction}`);
  const sources = rules.map((rule, k) => {
    const all = stored[k] ?? [];
    const ok = all.filter((s) => s.segments.length > 0 && s.seconds >= rule.minSeconds && (!opts.needsCrop || s.segments.every((g) => g.frames >= rule.frames)));
    const order = streamRng('validation', opts.splitSeed, k).permutation(ok.length);
    const nVal = Math.ceil(opts.valFraction * ok.length);
    const isVal = new Set(order.slice(0, nVal));
    return {
      rule,
      train: ok.filter((_, i) => !isVal.has(i)),
      val: ok.filter((_, i) => isVal.has(i)),
      tooShort: all.length - ok.length,
    };
  });
  const fingerprint = configHash({
    store: opts.storeKey,
    bins,
    sources: sources.map((s) => ({ rule: s.rule, train: s.train.map((r) => [r.record.key, r.segments.map((g) => g.frames)]), val: s.val.map((r) => r.record.key) })),
  });
  return { sources, bins, fingerprint };
}
