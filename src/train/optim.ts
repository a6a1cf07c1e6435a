/**
 * Optimizers as IR update rules, so that the parameter update is part of the training-step graph. Each
 * rule follows torch.optim (PyTorch 1.13, single-tensor path, maximize=False, no amsgrad) exactly, in
 * the same order of operations:
 *
 * SGD (torch.optim.SGD): d = g + wd·p;  with momentum μ > 0:
 *     buf ← d on the first update, else μ·buf + (1 − dampening)·d;
 *     d ← d + μ·buf (nesterov) or buf;
 *   p ← p − lr·d.
 * Adam (torch.optim.Adam, coupled L2 decay): g ← g + wd·p;  m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²;
 *   p ← p − (lr/(1 − β₁ᵗ))·m / (√v/√(1 − β₂ᵗ) + eps),  t = number of updates including this one
 *   (1 − βᵗ computed as −expm1(t·ln β), see `oneMinusPow`).
 * AdamW (torch.optim.AdamW, decoupled decay): p ← p·(1 − lr·wd), then the Adam update without the L2 term.
 *
 * State per parameter uses torch's state names ('momentum_buffer', 'exp_avg', 'exp_avg_sq'), each with the
 * parameter's shape and zeros before the first update (torch creates the momentum buffer as a copy of d on the
 * first update, which the rule reproduces with the first-update flag). The update counter t is shared by all
 * parameters and lives in the training step (see step.ts). Hyperparameter constants are stored in float64, so
 * the interpreter evaluates the exact formula; ONNX Runtime rounds them to float32.
 *
 * Parameter groups (torch's param_groups) override weight decay and scale the learning rate per parameter;
 * the first group whose `match` accepts a parameter's name applies.
 */
import type { GraphBuilder, Value } from '../ir/index.ts';
import { f64 } from '../tensor/index.ts';
import { TrainError } from './errors.ts';

export interface ParamGroup {
  /** Which parameters (by state_dict name) belong to the group. */
  readonly match: (name: string) => boolean;
  /** Replaces the optimizer's weight decay for the group. */
  readonly weightDecay?: number;
  /** Multiplies the (scheduled) learning rate for the group. */
  readonly lrScale?: number;
}

export interface SgdSpec {
  readonly kind: 'sgd';
  readonly lr: number;
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  readonly groups?: readonly ParamGroup[];
}

export interface AdamSpec {
  readonly kind: 'adam' | 'adamw';
  readonly lr: number;
  readonly betas: readonly [number, number];
  readonly eps: number;
  /** adam: L2 penalty added to the gradient; adamw: decoupled decay of the parameter. */
  readonly weightDecay: number;
  readonly groups?: readonly ParamGroup[];
}

export type OptimizerSpec = SgdSpec | AdamSpec;

export type OptimizerKind = OptimizerSpec['kind'];

/** torch.optim.Adam defaults (lr 1e-3, betas (0.9, 0.999), eps 1e-8, no decay). */
export const ADAM_DEFAULTS: Omit<AdamSpec, 'kind'> = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 };
/** torch.optim.AdamW defaults (as Adam, weight decay 1e-2). */
export const ADAMW_DEFAULTS: Omit<AdamSpec, 'kind'> = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2 };

/** Names of the state tensors each parameter carries (torch's optimizer state keys). */
export function optimizerSlots(spec: OptimizerSpec): readonly string[] {
  if (spec.kind === 'sgd') return spec.momentum !== 0 ? ['momentum_buffer'] : [];
  return ['exp_avg', 'exp_avg_sq'];
}

/** Scalars shared by every parameter's update in one step. */
export interface StepScalars {
  /** The learning rate of this update (float32 scalar, from the schedule). */
  readonly lr: Value;
  /** t: updates done including this one, as a float32 scalar (torch's state['step'] after its increment). */
  readonly t: Value;
  /** bool scalar, true on the first update (t = 1). */
  readonly first: Value;
}

export interface ParamState {
  readonly name: string;
  readonly param: Value;
  readonly grad: Value;
  /** Current value of every slot of `optimizerSlots(spec)`. */
  readonly slots: Readonly<Record<string, Value>>;
}

export interface ParamUpdate {
  readonly param: Value;
  readonly slots: Readonly<Record<string, Value>>;
}

function fail(msg: string): never {
  throw new TrainError(`optimizer: ${msg}`);
}

function checkNonNegative(field: string, v: number): void {
  if (!(Number.isFinite(v) && v >= 0)) fail(`${field} must be a finite number ≥ 0, got ${v}`);
}

/** Reject hyperparameters torch.optim rejects (and non-finite ones). */
export function validateOptimizer(spec: OptimizerSpec): void {
  checkNonNegative('lr', spec.lr);
  checkNonNegative('weightDecay', spec.weightDecay);
  if (spec.kind === 'sgd') {
    checkNonNegative('momentum', spec.momentum);
    if (!(Number.isFinite(spec.dampening) && spec.dampening >= 0 && spec.dampening <= 1)) fail(`dampening must be in [0, 1], got ${spec.dampening}`);
    if (spec.nesterov && (spec.momentum <= 0 || spec.dampening !== 0)) fail('nesterov momentum requires a momentum > 0 and zero dampening (as torch.optim.SGD)');
  } else {
    spec.betas.forEach((beta, i) => {
      if (!(beta >= 0 && beta < 1)) fail(`betas[${i}] must be in [0, 1), got ${beta}`);
    });
    checkNonNegative('eps', spec.eps);
  }
  (spec.groups ?? []).forEach((g, i) => {
    if (g.weightDecay !== undefined) checkNonNegative(`groups[${i}].weightDecay`, g.weightDecay);
    if (g.lrScale !== undefined) checkNonNegative(`groups[${i}].lrScale`, g.lrScale);
  });
}

/** The weight decay and learning-rate scale that apply to one parameter. */
export function groupOf(spec: OptimizerSpec, name: string): { weightDecay: number; lrScale: number } {
  const g = (spec.groups ?? []).find((x) => x.match(name));
  return { weightDecay: g?.weightDecay ?? spec.weightDecay, lrScale: g?.lrScale ?? 1 };
}

const c64 = (b: GraphBuilder, v: number): Value => b.const(f64([], [v]));

function slot(p: ParamState, name: string): Value {
  const v = p.slots[name];
  if (!v) throw new TrainError(`optimizer: parameter '${p.name}' lacks state '${name}'`);
  return v;
}

/**
 * 1 − βᵗ for t ≥ 1, as −expm1(t·ln β) with ln β taken in float64 on the host. Evaluating 1 − βᵗ directly in
 * float32 loses most digits for β near 1 (β₂ = 0.999 rounds to float32 with a relative error of 1.3e-8,
 * which becomes 1.3e-5 of 1 − β₂² at t = 2), while torch computes it in float64. expm1 is Kahan's
 * (u − 1)·x/ln u with u = eˣ for −½ < x < 0 (x itself when u rounds to 1), and u − 1 below, where nothing
 * cancels.
 */
function oneMinusPow(b: GraphBuilder, beta: number, t: Value): Value {
  if (beta === 0) return c64(b, 1);
  const x = b.mul(t, c64(b, Math.log(beta)));
  const u = b.exp(x);
  const um1 = b.sub(u, c64(b, 1));
  const kahan = b.where(b.equal(u, c64(b, 1)), x, b.div(b.mul(um1, x), b.log(u)));
  return b.neg(b.where(b.greater(x, c64(b, -0.5)), kahan, um1));
}

/**
 * A per-parameter update function for one step. Scalars shared by all parameters (bias corrections,
 * scaled learning rates) are built once and reused.
 */
export function optimizerUpdate(b: GraphBuilder, spec: OptimizerSpec, s: StepScalars): (p: ParamState) => ParamUpdate {
  validateOptimizer(spec);
  const lrs = new Map<number, Value>();
  const lrFor = (scale: number): Value => {
    let v = lrs.get(scale);
    if (!v) {
      v = scale === 1 ? s.lr : b.mul(s.lr, c64(b, scale));
      lrs.set(scale, v);
    }
    return v;
  };

  if (spec.kind === 'sgd') {
    const { momentum: mu, dampening, nesterov } = spec;
    return (p) => {
      const { weightDecay, lrScale } = groupOf(spec, p.name);
      let d: Value = weightDecay !== 0 ? b.add(p.grad, b.mul(p.param, c64(b, weightDecay))) : p.grad;
      const slots: Record<string, Value> = {};
      if (mu !== 0) {
        const buf = slot(p, 'momentum_buffer');
        const decayed = b.mul(buf, c64(b, mu));
        // with zero dampening μ·0 + d = d, so zeros before the first update already give torch's clone(d)
        const next = dampening === 0 ? b.add(decayed, d) : b.where(s.first, d, b.add(decayed, b.mul(d, c64(b, 1 - dampening))));
        slots['momentum_buffer'] = next;
        d = nesterov ? b.add(d, b.mul(next, c64(b, mu))) : next;
      }
      return { param: b.sub(p.param, b.mul(d, lrFor(lrScale))), slots };
    };
  }

  const [beta1, beta2] = spec.betas;
  const decoupled = spec.kind === 'adamw';
  // step_size = lr/(1 − β₁ᵗ) and √(1 − β₂ᵗ), shared by all parameters of a learning-rate scale
  const bc1 = oneMinusPow(b, beta1, s.t);
  const bc2Sqrt = b.sqrt(oneMinusPow(b, beta2, s.t));
  const stepSizes = new Map<number, Value>();
  const stepSizeFor = (scale: number): Value => {
    let v = stepSizes.get(scale);
    if (!v) {
      v = b.div(lrFor(scale), bc1);
      stepSizes.set(scale, v);
    }
    return v;
  };
  const eps = c64(b, spec.eps);
  return (p) => {
    const { weightDecay, lrScale } = groupOf(spec, p.name);
    let param = p.param;
    let g = p.grad;
    if (weightDecay !== 0) {
      if (decoupled) param = b.mul(param, b.sub(c64(b, 1), b.mul(lrFor(lrScale), c64(b, weightDecay))));
      else g = b.add(g, b.mul(param, c64(b, weightDecay)));
    }
    const m = b.add(b.mul(slot(p, 'exp_avg'), c64(b, beta1)), b.mul(g, c64(b, 1 - beta1)));
    const v = b.add(b.mul(slot(p, 'exp_avg_sq'), c64(b, beta2)), b.mul(b.mul(g, g), c64(b, 1 - beta2)));
    const denom = b.add(b.div(b.sqrt(v), bc2Sqrt), eps);
    const next = b.sub(param, b.mul(b.div(m, denom), stepSizeFor(lrScale)));
    return { param: next, slots: { exp_avg: m, exp_avg_sq: v } };
  };
}
