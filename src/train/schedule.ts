/**
 * Learning-rate schedules computed inside the training-step graph from the update counter s (the number
 * of updates done before this one, 0 for the first), each the closed form of a torch.optim.lr_scheduler
 * stepped once per update:
 *
 *   constant          lr(s) = base
 *   cosine            lr(s) = minLr + (base − minLr)·(1 + cos(π·min(s, T)/T))/2   (CosineAnnealingLR with
 *                     T_max = T, eta_min = minLr; held at minLr after T steps instead of rising again)
 *   step              lr(s) = base·γ^⌊s/k⌋                                        (StepLR(step_size=k, gamma=γ))
 *   epochExponential  lr(s) = base·γ^⌊s/E⌋, E = updates per epoch               (ExponentialLR stepped per
 *                     epoch: OPERA's DecayLearningRate, γ = 0.99 for pretraining, 0.97 for linear probes)
 *
 * Warm-up composes with any of them as torch's SequentialLR([LinearLR(start_factor=f, total_iters=W), main],
 * milestones=[W]): lr(s) = base·(f + (1 − f)·s/W) for s < W, then main(s − W), so the main schedule starts
 * its own count when warm-up ends (cosine's T excludes the warm-up steps).
 *
 * The counter is converted to float32, exact up to 2²⁴ updates. In that range a correctly rounded s/k never
 * reaches the next integer (s/k ≤ q + 1 − 1/k, and 1/k exceeds half an ulp of q + 1 while (q + 1)·k ≤ 2²⁴), so
 * ⌊s/k⌋ is exact; the correction q = ⌊s/k⌋ − [⌊s/k⌋·k > s] keeps it exact on providers whose division is not
 * correctly rounded (WGSL allows 2.5 ulp).
 */
import type { GraphBuilder, Value } from '../ir/index.ts';
import { f64 } from '../tensor/index.ts';
import { TrainError } from './errors.ts';

export interface Warmup {
  /** W: warm-up updates. */
  readonly steps: number;
  /** f: the factor of the first update's learning rate (torch LinearLR start_factor; 0 starts from zero). */
  readonly startFactor: number;
}

export type ScheduleSpec =
  | { readonly kind: 'constant'; readonly warmup?: Warmup }
  | { readonly kind: 'cosine'; readonly steps: number; readonly minLr: number; readonly warmup?: Warmup }
  | { readonly kind: 'step'; readonly every: number; readonly gamma: number; readonly warmup?: Warmup }
  | { readonly kind: 'epochExponential'; readonly stepsPerEpoch: number; readonly gamma: number; readonly warmup?: Warmup };

/** Updates beyond which the float32 update counter is no longer exact. */
export const MAX_EXACT_STEP = 2 ** 24;

function fail(spec: ScheduleSpec, msg: string): never {
  throw new TrainError(`schedule '${spec.kind}': ${msg}`);
}

function positiveInt(spec: ScheduleSpec, field: string, v: number): void {
  if (!(Number.isInteger(v) && v >= 1)) fail(spec, `${field} must be a positive integer, got ${v}`);
}

function positive(spec: ScheduleSpec, field: string, v: number): void {
  if (!(Number.isFinite(v) && v > 0)) fail(spec, `${field} must be a finite number > 0, got ${v}`);
}

export function validateSchedule(spec: ScheduleSpec): void {
  switch (spec.kind) {
    case 'constant':
      break;
    case 'cosine':
      positiveInt(spec, 'steps', spec.steps);
      if (!(Number.isFinite(spec.minLr) && spec.minLr >= 0)) fail(spec, `minLr must be a finite number ≥ 0, got ${spec.minLr}`);
      break;
    case 'step':
      positiveInt(spec, 'every', spec.every);
      positive(spec, 'gamma', spec.gamma);
      break;
    case 'epochExponential':
      positiveInt(spec, 'stepsPerEpoch', spec.stepsPerEpoch);
      positive(spec, 'gamma', spec.gamma);
      break;
    default:
      spec satisfies never;
  }
  if (spec.warmup) {
    positiveInt(spec, 'warmup.steps', spec.warmup.steps);
    if (!(spec.warmup.startFactor >= 0 && spec.warmup.startFactor <= 1)) fail(spec, `warmup.startFactor must be in [0, 1], got ${spec.warmup.startFactor}`);
  }
}

const c64 = (b: GraphBuilder, v: number): Value => b.const(f64([], [v]));

/** ⌊s/k⌋ for a non-negative integer-valued float32 s and a positive integer k, exact below 2²⁴ (see above). */
export function floorDiv(b: GraphBuilder, s: Value, k: number): Value {
  if (k === 1) return s;
  const q = b.floor(b.div(s, c64(b, k)));
  return b.where(b.greater(b.mul(q, c64(b, k)), s), b.sub(q, c64(b, 1)), q);
}

/** The main schedule at s (its own count, ≥ 0). */
function mainLr(b: GraphBuilder, spec: ScheduleSpec, base: number, s: Value): Value {
  switch (spec.kind) {
    case 'constant':
      return c64(b, base);
    case 'cosine': {
      const progress = b.div(b.min(s, c64(b, spec.steps)), c64(b, spec.steps));
      const half = b.mul(b.add(b.cos(b.mul(progress, c64(b, Math.PI))), c64(b, 1)), c64(b, 0.5));
      return b.add(c64(b, spec.minLr), b.mul(half, c64(b, base - spec.minLr)));
    }
    case 'step':
      return b.mul(c64(b, base), b.pow(c64(b, spec.gamma), floorDiv(b, s, spec.every)));
    case 'epochExponential':
      return b.mul(c64(b, base), b.pow(c64(b, spec.gamma), floorDiv(b, s, spec.stepsPerEpoch)));
  }
}

/**
 * The learning rate of the update at counter `s` (a float32 scalar holding a non-negative integer) for
 * base learning rate `base`.
 */
export function scheduledLr(b: GraphBuilder, spec: ScheduleSpec, base: number, s: Value): Value {
  validateSchedule(spec);
  if (!(Number.isFinite(base) && base >= 0)) throw new TrainError(`schedule '${spec.kind}': base learning rate must be a finite number ≥ 0, got ${base}`);
  if (s.dtype !== 'float32' || s.rank !== 0) throw new TrainError(`schedule '${spec.kind}': the update counter must be a float32 scalar, got ${s.dtype} rank ${s.rank}`);
  const w = spec.warmup;
  if (!w) return mainLr(b, spec, base, s);
  const after = mainLr(b, spec, base, b.max(b.sub(s, c64(b, w.steps)), c64(b, 0)));
  const factor = b.add(c64(b, w.startFactor), b.mul(b.div(s, c64(b, w.steps)), c64(b, 1 - w.startFactor)));
  return b.where(b.less(s, c64(b, w.steps)), b.mul(factor, c64(b, base)), after);
}
