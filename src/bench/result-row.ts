/**
 * One line of `results.jsonl`: the benchmark's public contract (scripts depend on it). One row per
 * (task, model, split variant) for `kind: 'main'`, plus extra rows for data-efficiency fractions and
 * unseen-device evaluations. Keys are snake_case and never removed; new keys may be added.
 *
 * Contract fields: task, model, metric, mean, std, ci95 [low, high], n_test, split, leak, run_id.
 * `mean`/`std`: over seeds (population std, OPERA's `np.std`) for a fixed train/test split; over folds
 * (each fold's metric averaged over seeds) for cross-validation. `ci95` is the 95 % interval of `pooled`,
 * the metric of the seed-averaged test predictions pooled over folds: DeLong for AUROC, a label-stratified
 * percentile bootstrap for macro AUROC, a percentile bootstrap for MAE (`ci95_method`).
 */
import type { DatasetId } from '../data/dataset-id.ts';
import type { LeakageResult } from './tasks/resolve.ts';
import type { ProbeProtocol, TaskMetric } from './task.ts';

export const RESULT_ROW_FORMAT = 'pneuma-bench-row/1';

export type RowKind = 'main' | 'efficiency' | 'unseen-device';

/**
 * How embeddings are scaled before a probe that does not standardise them itself (the OPERA protocols):
 * 'none' as OPERA does for encoder embeddings; 'z-score' with the training rows' mean and population std
 * (per fold), for features of mixed units such as the handcrafted set. The HeAR protocol standardises
 * inside every fit for every model.
 */
export type FeatureScaling = 'none' | 'z-score';

export type CiMethod = 'delong' | 'bootstrap-stratified' | 'bootstrap';

/** A published number for the same task and a comparable method. */
export interface PublishedNumber {
  readonly source: string;
  /** The method's name in the publication. */
  readonly method: string;
  readonly mean: number;
  readonly std: number;
  /** Why the method is comparable to this row's model (e.g. the same encoder and weights). */
  readonly comparable: string;
}

export interface FoldValue {
  readonly name: string;
  /** The fold's metric, averaged over seeds. */
  readonly value: number;
  readonly n_test: number;
}

export interface ResultRow {
  readonly format: typeof RESULT_ROW_FORMAT;
  readonly run_id: string;
  readonly kind: RowKind;
  readonly task: string;
  readonly title: string;
  readonly dataset: DatasetId;
  /** The model id as requested (`default`, `handcrafted`, an encoder id). */
  readonly model: string;
  /** The embedder's id (e.g. `efficientat-mn04` for `default`). */
  readonly encoder: string;
  /** The embedder's config hash under the task's input rules (the embedding cache key). */
  readonly model_config_hash: string;
  /** Split variant name; unseen-device rows append `/unseen-device:<device>`. */
  readonly split: string;
  readonly leak: boolean;
  readonly leak_status: LeakageResult['status'];
  readonly leak_reason: string | null;
  readonly metric: TaskMetric;
  readonly mean: number;
  readonly std: number;
  readonly ci95: readonly [number, number];
  readonly ci95_method: CiMethod;
  /** The point estimate `ci95` is an interval for. */
  readonly pooled: number;
  /** Average precision of the pooled predictions with its 95 % bootstrap interval (binary tasks). */
  readonly auprc: { readonly value: number; readonly ci95: readonly [number, number] } | null;
  readonly seeds: readonly number[];
  /** The metric per seed (over folds: the mean of the folds' metrics for that seed). */
  readonly values: readonly number[];
  /** Per-fold values for cross-validated splits, null for a fixed train/test split. */
  readonly folds: readonly FoldValue[] | null;
  /** Distinct records used for training (validation rows included) in any fold. */
  readonly n_train: number;
  /** Distinct records with a test prediction. */
  readonly n_test: number;
  /** Files the split names that are not under the data root. */
  readonly n_missing: number;
  /** Records of the split whose recording could not be embedded. */
  readonly n_failed: number;
  readonly probe: ProbeProtocol['kind'];
  readonly scaling: FeatureScaling;
  /** Share of the training data (efficiency rows), else null. */
  readonly fraction: number | null;
  /** The held-out device (unseen-device rows), else null. */
  readonly device: string | null;
  readonly published: PublishedNumber | null;
  readonly confounds: readonly string[];
}

/** Key of a result in a table: task and split. */
export function rowKey(r: Pick<ResultRow, 'task' | 'split'>): string {
  return `${r.task} / ${r.split}`;
}
