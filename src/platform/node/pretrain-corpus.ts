/**
 * Building the pretraining corpus on Node: find the sources' datasets under the data root, scan them,
 * collect every benchmark test recording and subject (src/ssl/corpus.ts `testExclusion`) of the configured
 * tasks, select and check the corpus, compute the missing spectrograms into the corpus store (worker
 * threads) and split off validation recordings. With no data root (or a missing one and
 * `ifMissing: 'synthetic'`) the config's synthetic sources are generated instead.
 */
import { join } from 'node:path';
import type { FrontEndConfig } from '../../audio/frontend.ts';
import type { ResampleQuality } from '../../audio/resample.ts';
import { presentDatasets, scanDataset } from '../../data/data-root.ts';
import type { DatasetId } from '../../data/dataset-id.ts';
import type { Manifest } from '../../data/manifest.ts';
import { suiteTasks } from '../../bench/suites.ts';
import { TASK_IDS, tasks } from '../../bench/tasks/index.ts';
import type { AnyTaskSpec } from '../../bench/task.ts';
import type { DataConfig, SourceRule } from '../../ssl/config.ts';
import { segmentationFor } from '../../ssl/corpus-audio.ts';
import {
  type Corpus, type StoredRecord, type TestExclusion, assertCorpusClean, holdoutExclusion, mergeExclusions, selectCorpus, splitCorpus, subjectKey, testExclusion,
} from '../../ssl/corpus.ts';
import { CorpusError } from '../../ssl/errors.ts';
import { Rng, sha256Hex } from '../../util/index.ts';
import { CorpusStore, type StoreJob } from './corpus-store.ts';
import { NodeDirReader, committedSplitsReader } from './dir-reader.ts';
import type { Progress } from './progress.ts';

export interface CorpusBuildOptions {
  readonly data: DataConfig;
  /** Absolute data root, or null to use the synthetic sources. */
  readonly dataRoot: string | null;
  readonly frontEnd: FrontEndConfig;
  /** Absolute paths of `data.exclude.holdout.always` (data roots whose subjects are held out). */
  readonly holdoutRoots: readonly string[];
  readonly storeRoot: string;
  readonly quality: ResampleQuality;
  readonly workers: number;
  /** COLA crops need every segment to hold at least the source's frames. */
  readonly needsCrop: boolean;
  readonly validation: { readonly fraction: number; readonly splitSeed: number };
  readonly seed: number;
  readonly log: (line: string) => void;
  readonly progress?: (label: string, total: number) => Progress;
}

export interface SourceReport {
  readonly name: string;
  readonly dataset: string;
  readonly selected: number;
  readonly droppedTestRecords: number;
  readonly droppedTestSubjects: number;
  readonly droppedByLimit: number;
  readonly failed: readonly { readonly key: string; readonly reason: string }[];
  readonly tooShort: number;
  readonly train: number;
  readonly val: number;
  readonly trainSeconds: number;
}

export interface CorpusReport {
  readonly dataRoot: string | null;
  readonly synthetic: boolean;
  readonly excludedTasks: readonly string[];
  readonly exclusion: TestExclusion['perVariant'];
  readonly sources: readonly SourceReport[];
  readonly skippedSources: readonly { readonly name: string; readonly reason: string }[];
  readonly storeKey: string;
  readonly fingerprint: string;
  /**
   * Every subject (`dataset:subject`) with a recording in the corpus (training or validation): what
   * `pneuma bench --exclude-corpus` leaves out so that a model is never scored on subjects it was trained on.
   */
  readonly subjects: readonly string[];
}

export interface BuiltCorpus {
  readonly corpus: Corpus;
  readonly store: CorpusStore;
  readonly report: CorpusReport;
}

function excludedSpecs(data: DataConfig, present: readonly DatasetId[]): AnyTaskSpec[] {
  const ids = 'tasks' in data.exclude ? TASK_IDS : suiteTasks(data.exclude.suite, present);
  return ids.map((id) => tasks[id]);
}

/** Subject keys of every recording of `datasets` under each data root (the hold-out's `always` roots). */
async function subjectsUnder(roots: readonly string[], datasets: readonly DatasetId[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const root of roots) {
    const reader = new NodeDirReader(root);
    const there = await presentDatasets(reader);
    if (there.length === 0) throw new CorpusError(`hold-out root ${root} holds no dataset folder`);
    for (const id of datasets.filter((d) => there.includes(d))) for (const r of (await scanDataset(reader, id)).records) out.add(subjectKey(r.dataset, r.subject));
  }
  return out;
}

/** A generated recording's duration and generator seed, from its key alone. */
function syntheticJob(rule: SourceRule, key: string): { seconds: number; seed: number } {
  const rng = Rng.seeded(Number.parseInt(sha256Hex(key).slice(0, 8), 16));
  const [lo, hi] = rule.synthetic?.seconds ?? [1, 1];
  return { seconds: lo + (hi - lo) * rng.uniform(), seed: rng.nextUint32() };
}

export async function buildPretrainCorpus(o: CorpusBuildOptions): Promise<BuiltCorpus> {
  const synthetic = o.dataRoot === null;
  let rules: readonly SourceRule[] = synthetic ? o.data.synthetic : o.data.sources;
  if (rules.length === 0) throw new CorpusError(synthetic ? 'the config has no synthetic sources' : 'the config has no sources');
  const manifests = new Map<DatasetId, Manifest>();
  const skipped: { name: string; reason: string }[] = [];
  let exclusion: TestExclusion = { tasks: [], records: new Set(), subjects: new Set(), perVariant: [] };
  let present: DatasetId[] = [];
  if (!synthetic) {
    const reader = new NodeDirReader(o.dataRoot as string);
    present = await presentDatasets(reader);
    rules = rules.filter((r) => {
      if (r.dataset === 'synthetic') throw new CorpusError(`source '${r.name}': synthetic sources belong in data.synthetic`);
      if (present.includes(r.dataset)) return true;
      skipped.push({ name: r.name, reason: `dataset '${r.dataset}' is not under ${o.dataRoot}` });
      return false;
    });
    if (rules.length === 0) throw new CorpusError(`none of the sources' datasets is under ${o.dataRoot} (${skipped.map((s) => s.name).join(', ')})`);
    for (const id of new Set(rules.map((r) => r.dataset as DatasetId))) manifests.set(id, await scanDataset(reader, id));
    exclusion = await testExclusion(excludedSpecs(o.data, present), manifests, committedSplitsReader());
    const holdout = o.data.exclude.holdout;
    if (holdout !== undefined) exclusion = mergeExclusions(exclusion, holdoutExclusion(holdout, manifests, await subjectsUnder(o.holdoutRoots, [...manifests.keys()])));
  }
  for (const s of skipped) o.log(`source '${s.name}' skipped: ${s.reason}`);

  const selection = selectCorpus(rules, manifests, exclusion, o.seed);
  assertCorpusClean(selection.flatMap((s) => s.records), exclusion);

  const store = CorpusStore.open(o.storeRoot, { frontEnd: o.frontEnd, segmentation: segmentationFor(o.frontEnd), quality: o.quality });
  try {
    const jobs: StoreJob[] = selection.flatMap((s) => s.records.map((record): StoreJob => {
      if (record.dataset === 'synthetic') return { record, trim: s.rule.trim, synthetic: { modality: s.rule.modalities[0] ?? 'breath', ...syntheticJob(s.rule, record.key) } };
      return { record, trim: s.rule.trim, file: join(o.dataRoot as string, record.dataset, ...record.path.split('/')) };
    }));
    const bar = o.progress?.('spectrograms', jobs.length);
    let shown = 0;
    const results = await store.build(jobs, {
      workers: o.workers,
      onProgress: (done) => {
        bar?.tick(done - shown);
        shown = done;
      },
    });
    bar?.stop();
    let at = 0;
    const failed: { key: string; reason: string }[][] = [];
    const stored: StoredRecord[][] = selection.map((s) => {
      const mine = results.slice(at, at + s.records.length);
      at += s.records.length;
      failed.push(mine.flatMap((r) => (r.ok ? [] : [{ key: r.record.key, reason: r.reason }])));
      return mine.flatMap((r) => (r.ok ? [r.stored] : []));
    });
    const corpus = splitCorpus(stored, rules, store.bins, { needsCrop: o.needsCrop, valFraction: o.validation.fraction, splitSeed: o.validation.splitSeed, storeKey: store.key });
    assertCorpusClean(corpus.sources.flatMap((s) => [...s.train, ...s.val].map((r) => r.record)), exclusion);
    const sources: SourceReport[] = corpus.sources.map((c, k) => {
      const sel = selection[k] as (typeof selection)[number];
      const f = failed[k] ?? [];
      for (const x of f.slice(0, 5)) o.log(`source '${c.rule.name}': ${x.key} left out: ${x.reason}`);
      if (f.length > 5) o.log(`source '${c.rule.name}': ${f.length} recordings could not be read (first 5 above)`);
      return {
        name: c.rule.name, dataset: c.rule.dataset, selected: sel.records.length, droppedTestRecords: sel.dropped.testRecord,
        droppedTestSubjects: sel.dropped.testSubject, droppedByLimit: sel.dropped.limit, failed: f, tooShort: c.tooShort,
        train: c.train.length, val: c.val.length, trainSeconds: c.train.reduce((a, r) => a + r.seconds, 0),
      };
    });
    return {
      corpus, store,
      report: {
        dataRoot: o.dataRoot, synthetic, excludedTasks: exclusion.tasks, exclusion: exclusion.perVariant, sources,
        skippedSources: skipped, storeKey: store.key, fingerprint: corpus.fingerprint,
        subjects: [...new Set(corpus.sources.flatMap((c) => [...c.train, ...c.val].map((r) => r.record.subject)))].sort(),
      },
    };
  } catch (e) {
    store.close();
    throw e;
  }
}
