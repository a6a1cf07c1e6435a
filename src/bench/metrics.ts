/**
 * Evaluation metrics in float64 with the confidence intervals the HeAR paper reports (DeLong for
 * AUROC, percentile bootstrap for AP and MAE) and the macro AUROC OPERA reports. Every metric takes
 * a MetricContext and raises DegenerateMetricError instead of returning NaN.
 * Directions: AUROC, macro AUROC, AP and accuracy are higher-better; MAE and MAPE lower-better
 * (the table is METRIC_DIRECTION in metrics-rank.ts).
 */
import {
  type MetricContext,
  DegenerateMetricError,
  checkFinite,
  checkVectors,
  countBinary,
  requireBothClasses,
} from './metrics-error.ts';
import { type BootstrapOptions, type Interval, bootstrapInterval, midranks, normalQuantile, sampleVariance, sortedOrder } from './stats.ts';
import type { Matrix } from './stats-matrix.ts';

export interface EstimateWithInterval {
  readonly value: number;
  readonly interval: Interval;
}

/**
 * Binary AUROC = P(score₊ > score₋) + ½·P(score₊ = score₋), the Mann–Whitney U statistic over
 * P·N with midranks for ties: (Σ ranks of positives − P(P+1)/2) / (P·N). Equals sklearn's
 * `roc_auc_score` and the trapezoidal area under the exact ROC curve. Labels are 0/1.
 */
export function auroc(labels: ArrayLike<number>, scores: ArrayLike<number>, ctx: MetricContext): number {
  checkVectors('auroc', ctx, labels, 'labels', scores, 'scores');
  const pos = countBinary('auroc', ctx, labels);
  requireBothClasses('auroc', ctx, pos, labels.length);
  return aurocFromRanks(labels, midranks(scores), pos);
}

function aurocFromRanks(labels: ArrayLike<number>, ranks: Float64Array, pos: number): number {
  let r = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) r += ranks[i] as number;
  const neg = labels.length - pos;
  return (r - (pos * (pos + 1)) / 2) / (pos * neg);
}

export interface DeLongResult {
  readonly auroc: number;
  /** DeLong's variance estimate S₁₀/P + S₀₁/N (sample variances of the placement values). */
  readonly variance: number;
  readonly standardError: number;
  /** auroc ± Φ⁻¹(1 − α/2)·SE, clipped to [0, 1]. */
  readonly interval: Interval;
}

/**
 * AUROC with DeLong's variance (DeLong, DeLong & Clarke-Pearson, Biometrics 1988) by the fast
 * midrank algorithm of Sun & Xu (IEEE SPL 2014), O(n log n): with Tz the midranks over all scores,
 * Tx over the positives and Ty over the negatives, the placement values are
 * V₁₀(i) = (Tz(i) − Tx(i))/N for positive i and V₀₁(j) = 1 − (Tz(j) − Ty(j))/P for negative j.
 * Needs at least two positives and two negatives for the sample variances.
 */
export function aurocDeLong(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  ctx: MetricContext,
  confidence: number,
): DeLongResult {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`DeLong confidence must be in (0, 1), got ${confidence}`);
  checkVectors('auroc-delong', ctx, labels, 'labels', scores, 'scores');
  const pos = countBinary('auroc-delong', ctx, labels);
  const n = labels.length;
  const neg = n - pos;
  if (pos < 2 || neg < 2) {
    throw new DegenerateMetricError('auroc-delong', ctx, `needs at least 2 positives and 2 negatives, got ${pos} and ${neg}`);
  }
  const x = new Float64Array(pos);
  const y = new Float64Array(neg);
  for (let i = 0, a = 0, b = 0; i < n; i++) {
    if (labels[i] === 1) x[a++] = scores[i] as number;
    else y[b++] = scores[i] as number;
  }
  const tz = midranks(scores);
  const tx = midranks(x);
  const ty = midranks(y);
  const v10 = new Float64Array(pos);
  const v01 = new Float64Array(neg);
  for (let i = 0, a = 0, b = 0; i < n; i++) {
    if (labels[i] === 1) {
      v10[a] = ((tz[i] as number) - (tx[a] as number)) / neg;
      a++;
    } else {
      v01[b] = 1 - ((tz[i] as number) - (ty[b] as number)) / pos;
      b++;
    }
  }
  const auc = aurocFromRanks(labels, tz, pos);
  const variance = sampleVariance(v10) / pos + sampleVariance(v01) / neg;
  const se = Math.sqrt(variance);
  const z = normalQuantile(1 - (1 - confidence) / 2);
  return {
    auroc: auc,
    variance,
    standardError: se,
    interval: { lower: Math.max(0, auc - z * se), upper: Math.min(1, auc + z * se), confidence },
  };
}

/**
 * Macro one-vs-rest AUROC over C = scores.cols classes:
 * (1/C) Σ_c AUROC(1[label = c], scores[:, c]), each term the binary AUROC above. This is what
 * `torchmetrics.AUROC(task="multiclass", average="macro")` (1.3.1, exact thresholds) reports on
 * OPERA's softmax probabilities, and sklearn's `roc_auc_score(multi_class='ovr', average='macro')`.
 * Scores are used as given (no softmax). Every class must have at least one positive and one
 * negative row: where torchmetrics silently scores a class without positives as 0 (and averages it
 * in), this raises. For C = 2 on softmax probabilities both terms equal the binary AUROC of column 1.
 */
export function macroAuroc(labels: ArrayLike<number>, scores: Matrix, ctx: MetricContext): number {
  const c = scores.cols;
  if (c < 2) throw new DegenerateMetricError('macro-auroc', ctx, `needs at least 2 score columns, got ${c}`);
  if (labels.length !== scores.rows) {
    throw new DegenerateMetricError('macro-auroc', ctx, `labels has ${labels.length} rows but scores has ${scores.rows}`);
  }
  if (scores.rows === 0) throw new DegenerateMetricError('macro-auroc', ctx, 'no rows');
  checkFinite('macro-auroc', ctx, scores.data, 'scores');
  const counts = new Int32Array(c);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i] as number;
    if (!Number.isInteger(y) || y < 0 || y >= c) throw new DegenerateMetricError('macro-auroc', ctx, `label[${i}] is ${y}, expected an integer in [0, ${c})`);
    counts[y] = (counts[y] as number) + 1;
  }
  const bin = new Float64Array(labels.length);
  const col = new Float64Array(labels.length);
  let sum = 0;
  for (let k = 0; k < c; k++) {
    requireBothClasses('macro-auroc', ctx, counts[k] as number, labels.length, `one-vs-rest labels of class ${k}`);
    for (let i = 0; i < labels.length; i++) {
      bin[i] = labels[i] === k ? 1 : 0;
      col[i] = scores.data[i * c + k] as number;
    }
    sum += aurocFromRanks(bin, midranks(col), counts[k] as number);
  }
  return sum / c;
}

/**
 * Average precision, sklearn 1.2 `average_precision_score`: AP = Σₖ (Rₖ − Rₖ₋₁)·Pₖ over the
 * distinct score thresholds in decreasing order (tied scores form one step), R₀ = 0, with Pₖ and Rₖ
 * the precision and recall of predicting positive for score ≥ threshold k. No interpolation.
 */
export function averagePrecision(labels: ArrayLike<number>, scores: ArrayLike<number>, ctx: MetricContext): number {
  checkVectors('average-precision', ctx, labels, 'labels', scores, 'scores');
  const pos = countBinary('average-precision', ctx, labels);
  if (pos === 0) throw new DegenerateMetricError('average-precision', ctx, 'labels contain no positive');
  return apUnchecked(labels, scores, pos, Int32Array.from({ length: labels.length }, (_, i) => i));
}

function apUnchecked(labels: ArrayLike<number>, scores: ArrayLike<number>, pos: number, rows: Int32Array): number {
  const s = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) s[k] = -(scores[rows[k] as number] as number);
  const order = sortedOrder(s);
  let tp = 0;
  let seen = 0;
  let prevRecall = 0;
  let ap = 0;
  let i = 0;
  while (i < order.length) {
    const v = s[order[i] as number] as number;
    while (i < order.length && s[order[i] as number] === v) {
      if (labels[rows[order[i] as number] as number] === 1) tp++;
      seen++;
      i++;
    }
    const recall = tp / pos;
    ap += (recall - prevRecall) * (tp / seen);
    prevRecall = recall;
  }
  return ap;
}

/**
 * AP with a percentile bootstrap interval. Resampling is stratified by label (positives and
 * negatives are resampled separately), so every resample keeps the observed prevalence and has
 * positives: AP depends on prevalence, and an unstratified resample can have no positive at all.
 */
export function averagePrecisionBootstrap(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  ctx: MetricContext,
  boot: BootstrapOptions,
): EstimateWithInterval {
  const value = averagePrecision(labels, scores, ctx);
  let pos = 0;
  for (let i = 0; i < labels.length; i++) pos += labels[i] as number;
  const interval = bootstrapInterval(labels.length, (rows) => apUnchecked(labels, scores, pos, rows), boot, labels);
  return { value, interval };
}

/** Mean absolute error (1/n) Σ |yᵢ − ŷᵢ| (lower is better). */
export function meanAbsoluteError(targets: ArrayLike<number>, predictions: ArrayLike<number>, ctx: MetricContext): number {
  checkVectors('mae', ctx, targets, 'targets', predictions, 'predictions');
  let s = 0;
  for (let i = 0; i < targets.length; i++) s += Math.abs((targets[i] as number) - (predictions[i] as number));
  return s / targets.length;
}

/**
 * Mean absolute percentage error as a fraction (not ×100): (1/n) Σ |yᵢ − ŷᵢ| / |yᵢ| (lower is
 * better). A zero target raises, where sklearn would divide by machine epsilon.
 */
export function meanAbsolutePercentageError(targets: ArrayLike<number>, predictions: ArrayLike<number>, ctx: MetricContext): number {
  checkVectors('mape', ctx, targets, 'targets', predictions, 'predictions');
  let s = 0;
  for (let i = 0; i < targets.length; i++) {
    const y = targets[i] as number;
    if (y === 0) throw new DegenerateMetricError('mape', ctx, `target[${i}] is 0`);
    s += Math.abs(y - (predictions[i] as number)) / Math.abs(y);
  }
  return s / targets.length;
}

/** MAE with a percentile bootstrap interval (rows resampled with replacement, unstratified). */
export function maeBootstrap(targets: ArrayLike<number>, predictions: ArrayLike<number>, ctx: MetricContext, boot: BootstrapOptions): EstimateWithInterval {
  const value = meanAbsoluteError(targets, predictions, ctx);
  const err = Float64Array.from({ length: targets.length }, (_, i) => Math.abs((targets[i] as number) - (predictions[i] as number)));
  return { value, interval: bootstrapInterval(err.length, (rows) => meanOfRows(err, rows), boot) };
}

/** MAPE with a percentile bootstrap interval (rows resampled with replacement, unstratified). */
export function mapeBootstrap(targets: ArrayLike<number>, predictions: ArrayLike<number>, ctx: MetricContext, boot: BootstrapOptions): EstimateWithInterval {
  const value = meanAbsolutePercentageError(targets, predictions, ctx);
  const err = Float64Array.from(
    { length: targets.length },
    (_, i) => Math.abs((targets[i] as number) - (predictions[i] as number)) / Math.abs(targets[i] as number),
  );
  return { value, interval: bootstrapInterval(err.length, (rows) => meanOfRows(err, rows), boot) };
}

function meanOfRows(xs: Float64Array, rows: Int32Array): number {
  let s = 0;
  for (let k = 0; k < rows.length; k++) s += xs[rows[k] as number] as number;
  return s / rows.length;
}

/** Fraction of rows whose predicted class equals the label (integers). */
export function accuracy(labels: ArrayLike<number>, predicted: ArrayLike<number>, ctx: MetricContext): number {
  checkVectors('accuracy', ctx, labels, 'labels', predicted, 'predicted');
  let hit = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i] as number;
    if (!Number.isInteger(y)) throw new DegenerateMetricError('accuracy', ctx, `label[${i}] is ${y}, expected an integer class`);
    if (y === predicted[i]) hit++;
  }
  return hit / labels.length;
}

/** Row-wise argmax of a score matrix (the first maximum on ties, as `torch.max` / `np.argmax`). */
export function argmaxRows(scores: Matrix): Int32Array {
  const out = new Int32Array(scores.rows);
  for (let i = 0; i < scores.rows; i++) {
    const o = i * scores.cols;
    let best = 0;
    for (let k = 1; k < scores.cols; k++) if ((scores.data[o + k] as number) > (scores.data[o + best] as number)) best = k;
    out[i] = best;
  }
  return out;
}
