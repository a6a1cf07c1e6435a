/** What a report says about the run besides its results. */
export interface ReportMeta {
  readonly title: string;
  /** The suite name, or null for an explicit task list. */
  readonly suite: string | null;
  readonly models: readonly { readonly id: string; readonly description: string }[];
  readonly dataRoot: string;
  /** The command line that produced the run. */
  readonly command: string;
  /** Wall time of the run in seconds, when measured. */
  readonly seconds: number | null;
}

/** How the numbers are computed, for the reader (markdown and HTML). */
export const METHOD_NOTES: readonly string[] = [
  'Cells are "mean ± std · pooled [95 % CI]". mean ± std (population): over the seeds for a fixed train/test split (OPERA reports mean ± np.std over seeds 0-4), over the folds for cross-validation (each fold averaged over seeds). pooled: the metric of the seed-averaged test predictions pooled over folds (every test record once), with its 95 % CI.',
  'CIs: AUROC by DeLong; macro AUROC by a percentile bootstrap stratified by class (1000 resamples); MAE by a percentile bootstrap (1000 resamples). They treat test records as independent: where a subject has several records (KAUH: three filter versions of one recording), they are optimistic. Binary rows also carry the average precision with its stratified bootstrap CI in results.jsonl.',
  'A split marked "leak, declared" shares subjects between training and test, as the task declares (e.g. OPERA T10 as published); an undeclared leak fails the task.',
  'Published numbers are those of the publication on the same task and split (OPERA: calculate_rank.py table); they were obtained with the original code and data, so differences in data available here, decoding and resampling apply.',
];
