/**
 * The exact ROC curve of binary scores (sklearn `roc_curve(drop_intermediate=False)` points with (0, 0)
 * prepended): thresholds are the distinct scores in decreasing order; at each, FPR = FP/N and TPR = TP/P
 * of predicting positive for score ≥ threshold. Tied scores form one step. The trapezoidal area under
 * these points equals the AUROC. Long curves are thinned to at most `maxPoints` for plotting, keeping the
 * end points.
 */
import { DegenerateMetricError } from './metrics-error.ts';
import { sortedOrder } from './stats.ts';

export const ROC_MAX_POINTS = 400;

export function rocPoints(labels: ArrayLike<number>, scores: ArrayLike<number>, maxPoints = ROC_MAX_POINTS): { fpr: number[]; tpr: number[] } {
  const n = labels.length;
  let pos = 0;
  for (let i = 0; i < n; i++) pos += labels[i] === 1 ? 1 : 0;
  const neg = n - pos;
  if (pos === 0 || neg === 0) throw new DegenerateMetricError('roc', { task: 'roc' }, `needs both classes, got ${pos} positives and ${neg} negatives`);
  const negScores = Float64Array.from({ length: n }, (_, i) => -(scores[i] as number));
  const order = sortedOrder(negScores);
  const fpr = [0];
  const tpr = [0];
  let tp = 0;
  let fp = 0;
  let i = 0;
  while (i < n) {
    const v = negScores[order[i] as number] as number;
    while (i < n && negScores[order[i] as number] === v) {
      if (labels[order[i] as number] === 1) tp++;
      else fp++;
      i++;
    }
    fpr.push(fp / neg);
    tpr.push(tp / pos);
  }
  if (fpr.length <= maxPoints) return { fpr, tpr };
  const step = (fpr.length - 1) / (maxPoints - 1);
  const keep = Array.from({ length: maxPoints }, (_, k) => Math.round(k * step));
  return { fpr: keep.map((k) => fpr[k] as number), tpr: keep.map((k) => tpr[k] as number) };
}
