/**
 * The closed set of benchmark metrics with their direction, and the mean reciprocal rank (MRR) the
 * HeAR paper uses to summarise models over groups of tasks.
 */
import { DegenerateMetricError } from './metrics-error.ts';

export const METRIC_NAMES = ['auroc', 'macro-auroc', 'average-precision', 'accuracy', 'mae', 'mape'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export type MetricDirection = 'higher' | 'lower';

/** Which way is better, per metric. */
export const METRIC_DIRECTION: { readonly [K in MetricName]: MetricDirection } = {
  auroc: 'higher',
  'macro-auroc': 'higher',
  'average-precision': 'higher',
  accuracy: 'higher',
  mae: 'lower',
  mape: 'lower',
};

/** One task's metric value for every model being compared. */
export interface TaskScores {
  readonly task: string;
  readonly metric: MetricName;
  readonly values: Readonly<Record<string, number>>;
}

export interface ReciprocalRankResult {
  /** Mean over tasks of 1/rank, per model. */
  readonly mrr: Readonly<Record<string, number>>;
  /** rank[task][model], 1 = best. */
  readonly ranks: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/**
 * MRR(model) = (1/T) Σ_tasks 1/rank(model, task), where rank 1 is the best value under the task
 * metric's direction. Ties share the best rank of their block (competition ranking, "1 2 2 4",
 * `scipy.stats.rankdata(method='min')`). Every task must score the same set of models with finite
 * values.
 */
export function meanReciprocalRank(tasks: readonly TaskScores[]): ReciprocalRankResult {
  if (tasks.length === 0) throw new DegenerateMetricError('mrr', { task: '(none)' }, 'no tasks');
  const models = Object.keys((tasks[0] as TaskScores).values).sort();
  if (models.length === 0) throw new DegenerateMetricError('mrr', { task: (tasks[0] as TaskScores).task }, 'no models');
  const sums: Record<string, number> = Object.fromEntries(models.map((m) => [m, 0]));
  const ranks: Record<string, Record<string, number>> = {};
  const seenTasks = new Set<string>();
  for (const t of tasks) {
    if (seenTasks.has(t.task)) throw new DegenerateMetricError('mrr', { task: t.task }, 'task listed twice');
    seenTasks.add(t.task);
    const have = Object.keys(t.values).sort();
    if (have.length !== models.length || have.some((m, i) => m !== models[i])) {
      throw new DegenerateMetricError('mrr', { task: t.task }, `models [${have.join(', ')}] differ from [${models.join(', ')}]`);
    }
    const sign = METRIC_DIRECTION[t.metric] === 'higher' ? 1 : -1;
    const r: Record<string, number> = {};
    for (const m of models) {
      const v = t.values[m] as number;
      if (!Number.isFinite(v)) throw new DegenerateMetricError('mrr', { task: t.task }, `model '${m}' has value ${v}`);
      let better = 0;
      for (const o of models) if (sign * ((t.values[o] as number) - v) > 0) better++;
      r[m] = better + 1;
      sums[m] = (sums[m] as number) + 1 / (better + 1);
    }
    ranks[t.task] = r;
  }
  const mrr: Record<string, number> = {};
  for (const m of models) mrr[m] = (sums[m] as number) / tasks.length;
  return { mrr, ranks };
}
