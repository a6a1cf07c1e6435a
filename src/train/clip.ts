/**
 * Gradient clipping by global norm inside the graph, as torch.nn.utils.clip_grad_norm_(norm_type=2):
 *   n = √(Σ_p Σ g_p²),  coef = maxNorm/(n + 1e-6),  g_p ← g_p·min(coef, 1)
 * (torch multiplies by the clamped coefficient, so gradients are unchanged when coef ≥ 1). The norm is
 * returned as well (torch's return value; a useful training metric).
 */
import type { GraphBuilder, Value } from '../ir/index.ts';
import { f64 } from '../tensor/index.ts';
import { TrainError } from './errors.ts';

export interface ClipSpec {
  /** Largest allowed global L2 norm of the gradients. */
  readonly maxNorm: number;
}

/** torch clip_grad_norm_'s guard against division by zero. */
export const CLIP_EPS = 1e-6;

export function clipGradNorm(b: GraphBuilder, grads: readonly Value[], spec: ClipSpec): { grads: Value[]; norm: Value } {
  if (!(Number.isFinite(spec.maxNorm) && spec.maxNorm > 0)) throw new TrainError(`clip: maxNorm must be a finite number > 0, got ${spec.maxNorm}`);
  if (grads.length === 0) throw new TrainError('clip: no gradients to clip');
  const squares = grads.map((g) => b.sumAll(b.mul(g, g)));
  const total = squares.slice(1).reduce<Value>((acc, s) => b.add(acc, s), squares[0] as Value);
  const norm = b.sqrt(total);
  const coef = b.div(b.const(f64([], [spec.maxNorm])), b.add(norm, b.const(f64([], [CLIP_EPS]))));
  const clamped = b.min(coef, b.const(f64([], [1])));
  return { grads: grads.map((g) => b.mul(g, clamped)), norm };
}
