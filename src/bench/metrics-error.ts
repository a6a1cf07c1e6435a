/**
 * Where a metric is computed (task, fold, seed) and the typed error raised when its input is
 * degenerate. Metrics never return NaN: one class only, empty input, non-finite scores, zero
 * targets for MAPE and the like raise DegenerateMetricError naming task, fold and seed.
 */
import { PneumaError } from '../util/index.ts';

export interface MetricContext {
  readonly task: string;
  /** Cross-validation fold index, or a name such as 'val' or 'test'. */
  readonly fold?: number | string;
  readonly seed?: number;
}

export function describeContext(ctx: MetricContext): string {
  const parts = [`task '${ctx.task}'`];
  if (ctx.fold !== undefined) parts.push(`fold ${typeof ctx.fold === 'number' ? ctx.fold : `'${ctx.fold}'`}`);
  if (ctx.seed !== undefined) parts.push(`seed ${ctx.seed}`);
  return parts.join(', ');
}

export class DegenerateMetricError extends PneumaError {
  readonly metric: string;
  readonly task: string;
  readonly fold: number | string | undefined;
  readonly seed: number | undefined;
  readonly reason: string;
  constructor(metric: string, ctx: MetricContext, reason: string) {
    super('degenerate-metric', `${metric} is undefined for ${describeContext(ctx)}: ${reason}`);
    this.metric = metric;
    this.task = ctx.task;
    this.fold = ctx.fold;
    this.seed = ctx.seed;
    this.reason = reason;
  }
}

/** Checks shared by every metric: equal lengths, at least one row, finite values. */
export function checkVectors(
  metric: string,
  ctx: MetricContext,
  a: ArrayLike<number>,
  aName: string,
  b: ArrayLike<number>,
  bName: string,
): void {
  if (a.length !== b.length) {
    throw new DegenerateMetricError(metric, ctx, `${aName} has ${a.length} rows but ${bName} has ${b.length}`);
  }
  if (a.length === 0) throw new DegenerateMetricError(metric, ctx, 'no rows');
  checkFinite(metric, ctx, a, aName);
  checkFinite(metric, ctx, b, bName);
}

export function checkFinite(metric: string, ctx: MetricContext, xs: ArrayLike<number>, name: string): void {
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i] as number;
    if (!Number.isFinite(v)) throw new DegenerateMetricError(metric, ctx, `${name}[${i}] is ${v}`);
  }
}

/** Binary labels must be exactly 0 or 1; returns the number of positives. */
export function countBinary(metric: string, ctx: MetricContext, labels: ArrayLike<number>): number {
  let pos = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i] as number;
    if (y === 1) pos++;
    else if (y !== 0) throw new DegenerateMetricError(metric, ctx, `label[${i}] is ${y}, expected 0 or 1`);
  }
  return pos;
}

/** Both classes must be present for a ranking metric. */
export function requireBothClasses(metric: string, ctx: MetricContext, pos: number, n: number, what = 'labels'): void {
  if (pos === 0 || pos === n) {
    throw new DegenerateMetricError(metric, ctx, `${what} contain one class only (${pos} positives, ${n - pos} negatives)`);
  }
}
