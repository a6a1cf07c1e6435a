/**
 * Softmax cross-entropy (F.cross_entropy) on logits [B, K] with either class indices (int64 [B]) or
 * class probabilities (float32 [B, K]):
 *   ℓ_b = −Σ_k t_bk · log_softmax(z_b)_k,  t = one-hot(y) for indices.
 * With label smoothing ε (indices only): ℓ_b = (1 − ε)·(−log p_b,y) + ε/K · Σ_k (−log p_bk).
 * Reduction 'mean' (over the batch, a 0-d result), 'sum' (0-d) or 'none' ([B]).
 */
import type { GraphBuilder, Value } from '../ir/index.ts';
import { GraphBuildError } from '../ir/index.ts';
import { fmtShape } from '../util/index.ts';

export interface CrossEntropyConfig {
  reduction: 'mean' | 'sum' | 'none';
  labelSmoothing?: number;
}

export function softmaxCrossEntropy(b: GraphBuilder, logits: Value, target: Value, cfg: CrossEntropyConfig): Value {
  if (logits.rank !== 2) throw new GraphBuildError(`softmaxCrossEntropy: logits must be [B, K], got ${fmtShape(logits.shape)}`);
  const [bs, k] = logits.shape as [number, number];
  const eps = cfg.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1)) throw new GraphBuildError(`softmaxCrossEntropy: label smoothing must be in [0, 1], got ${eps}`);
  const logp = b.logSoftmax(logits, 1);
  let perSample: Value;
  if (target.dtype === 'int64') {
    if (target.rank !== 1 || target.shape[0] !== bs) throw new GraphBuildError(`softmaxCrossEntropy: class indices must be int64 [${bs}], got ${fmtShape(target.shape)}`);
    perSample = b.neg(b.reshape(b.gatherElements(logp, b.reshape(target, [-1, 1]), 1), [-1]));
    if (eps > 0) perSample = b.add(b.mul(perSample, 1 - eps), b.mul(b.neg(b.sum(logp, [1])), eps / k));
  } else {
    if (target.dtype !== 'float32' || target.shape.join() !== logits.shape.join()) {
      throw new GraphBuildError(`softmaxCrossEntropy: target must be int64 [${bs}] or float32 ${fmtShape(logits.shape)}, got ${target.dtype} ${fmtShape(target.shape)}`);
    }
    if (eps > 0) throw new GraphBuildError('softmaxCrossEntropy: label smoothing applies to class-index targets');
    perSample = b.neg(b.sum(b.mul(target, logp), [1]));
  }
  if (cfg.reduction === 'none') return perSample;
  return cfg.reduction === 'sum' ? b.sum(perSample, [0]) : b.mean(perSample, [0]);
}
