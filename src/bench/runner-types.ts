/**
 * What the benchmark runner is given (models, data, an embedding cache, a recording store) and what it
 * returns. The platform supplies the store and the cache (Node: src/platform/node/bench-store.ts and
 * embed-cache.ts); tests supply in-memory ones.
 */
import type { DatasetId } from '../data/dataset-id.ts';
import type { DirReader } from '../data/dir-reader.ts';
import type { Embedder } from './embedder.ts';
import type { ProbeExecutor } from './evaluate.ts';
import type { ReciprocalRankResult } from './metrics-rank.ts';
import type { FeatureScaling, ResultRow, RowKind } from './result-row.ts';
import type { AnyTaskSpec, PublishedResults, TaskMetric } from './task.ts';

export interface BenchModel {
  /** The id as requested (`default`, `handcrafted`, `random`, an encoder id); rows carry it. */
  readonly id: string;
  readonly embedder: Embedder;
  readonly scaling: FeatureScaling;
  /** For people: encoder, weights and their source. */
  readonly description: string;
  /** The subjects the model was pretrained on, when known (the CLI passes them on as RunOptions.excludeSubjects). */
  readonly pretrainedOn?: SubjectExclusion;
}

/** Recordings under a data root, read by dataset and manifest path. */
export interface RecordingStore {
  /** sha256 (hex) of the file's bytes. */
  fileHash(dataset: DatasetId, path: string): Promise<string>;
  /** Mono samples at `sampleRate`. Rejects with a PneumaError for unreadable audio. */
  load(dataset: DatasetId, path: string, sampleRate: number): Promise<Float32Array>;
  /** How `load` resamples, as recorded in cache keys and run ids. */
  readonly resample: unknown;
}

/** An embedding, or the typed failure the embedder raised for the recording (cached as well). */
export type CachedEmbedding =
  | { readonly ok: true; readonly vector: Float32Array }
  | { readonly ok: false; readonly kind: string; readonly message: string };

export interface EmbeddingCache {
  /** `key` is the hash of (embedder config under the task's input rules, file sha256, resampler). */
  get(key: string): Promise<CachedEmbedding | null>;
  /** Stores atomically: an interrupted run never leaves a partial entry. */
  put(key: string, value: CachedEmbedding): Promise<void>;
  /** Where entries live, for messages. */
  readonly location: string;
}

export interface Progress {
  tick(n?: number, info?: Record<string, string | number>): void;
  stop(): void;
}

export type ProgressFactory = (label: string, total: number) => Progress;

export interface RunOptions {
  readonly tasks: readonly AnyTaskSpec[];
  readonly models: readonly BenchModel[];
  /** The data root: one folder per dataset, named by its id. */
  readonly data: DirReader;
  /** The committed split files (src/data/splits/). */
  readonly splits: DirReader;
  readonly recordings: RecordingStore;
  readonly cache: EmbeddingCache;
  /** Replaces every task's seeds (e.g. `--seeds 3` → [0, 1, 2]). */
  readonly seeds?: readonly number[];
  /** Also probe on 6.25 … 100 % of the training data (label-stratified, subject-grouped subsets). */
  readonly efficiency?: boolean;
  /** Also train on all devices but one and test on that one, where a dataset records devices. */
  readonly unseenDevice?: boolean;
  /**
   * Subjects left out of every task for every model (the pretraining corpora of the models under test), so no
   * model is scored on recordings of subjects it was trained on; the rows are then comparable across models.
   */
  readonly excludeSubjects?: readonly SubjectExclusion[];
  /** Throw the first task failure instead of recording it and going on. */
  readonly failFast?: boolean;
  /** Where probe jobs run (default: in this thread). */
  readonly probes?: ProbeExecutor;
  /** Probe jobs in flight at a time (default 1); worth more than 1 with a worker-pool executor only. */
  readonly concurrency?: number;
  readonly progress?: ProgressFactory;
  /** One line per notable event (skips, failures, cache use). */
  readonly log?: (line: string) => void;
}

/** A task, variant or extra evaluation that was not run, with the reason. */
export interface Skipped {
  readonly task: string;
  readonly split: string | null;
  readonly model: string | null;
  readonly kind: RowKind | null;
  readonly reason: string;
}

/** A task variant that failed for a model (undeclared leak, degenerate fold, …): no row. */
export interface Failure {
  readonly task: string;
  readonly split: string;
  readonly model: string | null;
  /** The error's code (PneumaError.code). */
  readonly code: string;
  readonly message: string;
}

/** ROC curve of a binary row's pooled predictions (thresholds descending). */
export interface RocCurve {
  readonly run_id: string;
  readonly fpr: readonly number[];
  readonly tpr: readonly number[];
}

export interface DatasetSummary {
  readonly id: DatasetId;
  /** Records scanned and kept (after `excluded`). */
  readonly records: number;
  readonly problems: number;
  /** Records left out because their subject is in a pretraining corpus (RunOptions.excludeSubjects). */
  readonly excluded: number;
}

/** Subjects never to evaluate on: those a model under test was pretrained on. */
export interface SubjectExclusion {
  /** For people: where the list comes from (a model id and its corpus.json). */
  readonly source: string;
  /** Dataset-scoped subject keys, `dataset:subject`. */
  readonly subjects: ReadonlySet<string>;
}

/** What a report needs to know about a task besides its rows. */
export interface TaskInfo {
  readonly id: string;
  readonly title: string;
  readonly dataset: DatasetId;
  readonly metric: TaskMetric;
  readonly published: PublishedResults | null;
  readonly confounds: readonly string[];
}

export interface RunSummary {
  /** Every task asked for, in order (run or not). */
  readonly tasks: readonly TaskInfo[];
  readonly rows: readonly ResultRow[];
  readonly roc: readonly RocCurve[];
  readonly skipped: readonly Skipped[];
  readonly failures: readonly Failure[];
  /** Mean reciprocal rank over the main rows scored by every model (null with fewer than 2 models). */
  readonly mrr: (ReciprocalRankResult & { readonly tasks: readonly string[] }) | null;
  readonly datasets: readonly DatasetSummary[];
  /** The subject exclusions applied (RunOptions.excludeSubjects), with the records each removed. */
  readonly excludedSubjects: readonly { readonly source: string; readonly subjects: number; readonly records: number }[];
  readonly embeddings: { readonly computed: number; readonly cached: number; readonly failed: number };
  /** Label mismatches and other findings that do not stop a task. */
  readonly warnings: readonly string[];
  /** Wall time of the phases in seconds (measured, so not reproducible; kept out of the rows). */
  readonly timing: RunTiming;
}

export interface RunTiming {
  readonly prepare: number;
  /** Per model id: hashing excluded, loading and embedding included. */
  readonly embed: Readonly<Record<string, number>>;
  /** Per (task, split, model): the main evaluation and its extras. */
  readonly probe: readonly { readonly task: string; readonly split: string; readonly model: string; readonly seconds: number }[];
}
