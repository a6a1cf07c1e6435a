/**
 * Benchmark tasks as typed data, the equivalent of a HEAR `task_metadata.json`. A TaskSpec says
 * which records of a dataset's manifest take part, what is predicted from them, how they are split
 * (one or more named split variants, each with its own leakage declaration), how each encoder
 * family turns a recording into model input, and which probe protocol, metric and seeds produce
 * the reported number. The generic runner interprets it; no task has its own code path.
 */
import type { DatasetId, Modality } from '../data/dataset-id.ts';
import type { ManifestRecord } from '../data/manifest.ts';
import type { SplitFileName } from '../data/split-file.ts';

/** A seed with the name under which the original code used it (e.g. OPERA's sklearn random_state 1337). */
export interface NamedSeed {
  readonly name: string;
  readonly value: number;
}

/**
 * What is predicted. `label` maps a record to the target; null excludes the record from the task.
 * Binary labels are 0/1 (1 = `positive`); multiclass labels index `classes`.
 */
export type Target<D extends DatasetId> =
  | { readonly kind: 'binary'; readonly positive: string; readonly negative: string; readonly label: (r: ManifestRecord<D>) => 0 | 1 | null }
  | { readonly kind: 'multiclass'; readonly classes: readonly string[]; readonly label: (r: ManifestRecord<D>) => number | null }
  | { readonly kind: 'regression'; readonly unit: string; readonly label: (r: ManifestRecord<D>) => number | null };

export type SplitPart = 'train' | 'val' | 'test';

/** A condition on one column of a split file: the field must be one of `oneOf`. */
export interface Clause {
  readonly column: string;
  readonly oneOf: readonly string[];
}

/** How a split-file row names its record: a column holding the path after a prefix, or a label value. */
export type RowKey =
  | { readonly column: string; readonly pathPrefix: string }
  | { readonly column: string; readonly label: string };

export type SplitPolicy =
  /** A committed split file under src/data/splits/: rows matching every `where` clause (and not every `dropWhere` clause) are assigned by `parts[row[splitColumn]]`. */
  | {
      readonly kind: 'committed';
      readonly file: SplitFileName;
      readonly key: RowKey;
      readonly where: readonly Clause[];
      readonly dropWhere?: readonly Clause[];
      readonly splitColumn: string;
      readonly parts: Readonly<Record<string, SplitPart>>;
      /** Subject of each row, so that leakage is checked on rows whose audio is missing too. */
      readonly subjectColumn?: string;
      /** A column holding the label the original code used; it is compared with the target's label. */
      readonly labelColumn?: string;
    }
  /** The dataset's own split, a label of each record. `trainEvery` keeps only training records whose `rankLabel` (0-based position of their metadata row among the rows of that split) is a multiple of n: OPERA's `train[::n]`. */
  | {
      readonly kind: 'official';
      readonly label: string;
      readonly parts: Readonly<Record<string, SplitPart>>;
      readonly trainEvery?: { readonly n: number; readonly rankLabel: string };
    }
  /** K folds over subjects; stratified on the subject's label for classification (HeAR's eval_utils). */
  | { readonly kind: 'grouped-kfold'; readonly k: number; readonly stratified: boolean; readonly seed: NamedSeed }
  /** One fold per subject; with `testSubjects`, only those subjects are ever held out (others always train). */
  | { readonly kind: 'loso'; readonly testSubjects?: readonly string[] }
  /** Record-level random split stratified on the label (not grouped by subject): test fraction, then validation fraction of the whole. */
  | { readonly kind: 'random-stratified'; readonly test: number; readonly val: number; readonly seed: NamedSeed };

/** A known leak is declared with its reason; an undeclared leak found by the check is an error for the runner. */
export type LeakDeclaration = { readonly declared: false } | { readonly declared: true; readonly reason: string };

export interface SplitVariant {
  /** `opera-as-used` for the split OPERA's code actually evaluates on; other names describe corrections. */
  readonly name: string;
  readonly description: string;
  readonly policy: SplitPolicy;
  readonly leak: LeakDeclaration;
}

/**
 * OPERA encoder input paths (opera.md §1.4): (a) one spectrogram of the whole trimmed recording,
 * padded to `minSec` when shorter; (b) `chunkSec` chunks with 50 % overlap plus a padded tail
 * chunk; (c) a precomputed spectrogram of the recording padded to `specPadSec` (GT cuts it into
 * 256-frame pieces). `source` says whether the value is OPERA's or chosen here for a non-OPERA task.
 */
export type OperaInput =
  | { readonly path: 'a'; readonly minSec: number; readonly pad: 'repeat' | 'zero' }
  | { readonly path: 'b'; readonly chunkSec: number }
  | { readonly path: 'c'; readonly specPadSec: number; readonly pieceFrames: number | null };

export interface OperaInputs {
  readonly source: 'opera' | 'chosen';
  readonly ct: OperaInput;
  readonly ce: OperaInput;
  readonly gt: OperaInput;
}

/** HeAR takes 2-s clips at 16 kHz; a recording becomes windows of `clipSec` every `hopSec`, pooled. */
export interface HearInput {
  readonly clipSec: 2;
  readonly hopSec: number;
  /** What happens to a last window shorter than clipSec: zero-padded at the end, or dropped (a recording shorter than one clip is always zero-padded). */
  readonly tail: 'zero-pad' | 'drop';
  readonly pool: 'mean';
  readonly source: string;
}

export interface InputRules {
  readonly opera: OperaInputs;
  readonly hear: HearInput;
}

export type TaskMetric = 'auroc' | 'macro-auroc' | 'mae';

/** Where the probe's validation rows come from. */
export type ValidationSource =
  | { readonly from: 'split' }
  | { readonly from: 'train'; readonly fraction: number; readonly stratified: boolean; readonly seed: NamedSeed };

export type ProbeProtocol =
  | {
      readonly kind: 'opera-linear';
      readonly epochs: number;
      readonly batchSize: number;
      readonly l2: number;
      readonly checkpointEvery: number;
      readonly validation: ValidationSource;
    }
  | {
      readonly kind: 'opera-regression';
      readonly epochs: number;
      readonly batchSize: number;
      readonly l2: number;
      readonly checkpointEvery: number;
      readonly earlyStopping: { readonly patience: number; readonly minDelta: number } | null;
      readonly validation: ValidationSource;
    }
  | {
      /** HeAR eval_utils: penalty chosen by participant-grouped inner CV on the training rows. */
      readonly kind: 'hear-linear';
      readonly innerFolds: number;
      readonly foldSeed: NamedSeed;
    };

/** Mean ± std reported by a publication for one method. */
export interface Reported {
  readonly mean: number;
  readonly std: number;
}

export interface PublishedResults {
  readonly source: string;
  readonly metric: TaskMetric;
  readonly results: Readonly<Record<string, Reported>>;
}

export interface TaskSpec<D extends DatasetId = DatasetId> {
  readonly id: string;
  readonly title: string;
  readonly dataset: D;
  /** Modalities taken from the manifest; `select` narrows further. */
  readonly modalities: readonly Modality[];
  readonly select: (r: ManifestRecord<D>) => boolean;
  readonly target: Target<D>;
  /** The first variant is the primary one. */
  readonly splits: readonly [SplitVariant, ...SplitVariant[]];
  readonly inputs: InputRules;
  readonly metric: TaskMetric;
  readonly probe: ProbeProtocol;
  readonly seeds: readonly number[];
  /** Known confounds a reader of the results must see (e.g. label confounded with recording channel). */
  readonly confounds: readonly string[];
  readonly published: PublishedResults | null;
  readonly notes: string;
}

/** A TaskSpec of any dataset, with its record type kept. */
export type AnyTaskSpec = { [D in DatasetId]: TaskSpec<D> }[DatasetId];

/**
 * Define a task with its dataset's record type inferred for `select` and `target.label`.
 * Identity at run time.
 */
export function defineTask<D extends DatasetId>(spec: TaskSpec<D>): TaskSpec<D> {
  return spec;
}
