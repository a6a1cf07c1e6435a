/**
 * The optimisation pieces of OPERA's linear-probe loop (evelyn0414/OPERA at 3622310,
 * `src/benchmark/linear_eval.py`, `src/model/models_eval.py`), as PyTorch and Lightning run them:
 * the head initialisation, Adam, gradient clipping by global norm, the per-epoch learning-rate decay
 * and the per-seed random streams.
 */
import { Rng } from '../util/index.ts';
import type { LinearParams } from './probe-data.ts';

export interface OperaOptimizer {
  /** Adam learning rate of epoch 0 (OPERA: 1e-4; its `--lr` flag is never passed to the head). */
  readonly lr: number;
  /** `DecayLearningRate`: the rate of epoch e is lr·decayᵉ (OPERA: 0.97). */
  readonly decay: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  /** Lightning `gradient_clip_val` with the default "norm" algorithm (OPERA: 1.0). */
  readonly clipNorm: number;
}

/** OPERA's optimiser: Adam(lr 1e-4) with PyTorch's defaults β = (0.9, 0.999), eps 1e-8; ×0.97 per epoch; clip 1.0. */
export const OPERA_OPTIMIZER: OperaOptimizer = { lr: 1e-4, decay: 0.97, beta1: 0.9, beta2: 0.999, eps: 1e-8, clipNorm: 1 };
/** `l2_strength` of the classification head (the CLI default). */
export const OPERA_CLASSIFIER_L2 = 1e-5;
/** `l2_strength` of the regression head (`linear_evaluation_mmlung` / `_nosemic` calls). */
export const OPERA_REGRESSION_L2 = 1e-1;
/** Seeds of the five runs (`for seed in range(n_run)`). */
export const OPERA_SEEDS: readonly number[] = [0, 1, 2, 3, 4];

/**
 * `weights_init`: weight ~ N(0, 0.01²), bias 0. Draws outputs·features normals from `rng`, weight
 * row by row.
 */
export function operaHeadInit(rng: Rng, features: number, outputs: number): LinearParams {
  const weight = new Float64Array(outputs * features);
  for (let i = 0; i < weight.length; i++) weight[i] = 0.01 * rng.normal();
  return { weight, bias: new Float64Array(outputs), outputs, features };
}

/** The random streams of one seed: the head initialisation, then one permutation of the training rows per epoch. */
export interface OperaStreams {
  readonly init: LinearParams;
  readonly epochOrder: (epoch: number) => ArrayLike<number>;
}

/**
 * Seed-level streams: `Rng.seeded(seed)` draws the initial head first (operaHeadInit), then, epoch
 * after epoch, `rng.permutation(trainRows)` (the shuffling DataLoader). Epoch orders must be
 * requested in increasing epoch order.
 */
export function operaStreams(seed: number, features: number, outputs: number, trainRows: number): OperaStreams {
  const rng = Rng.seeded(seed);
  const init = operaHeadInit(rng, features, outputs);
  let next = 0;
  return {
    init,
    epochOrder: (epoch: number) => {
      if (epoch !== next) throw new RangeError(`epoch orders must be drawn in order: asked for ${epoch}, next is ${next}`);
      next++;
      return rng.permutation(trainRows);
    },
  };
}

/**
 * Adam as `torch.optim.Adam` (torch 2.3, no weight decay, no amsgrad) over one flat parameter
 * vector, preceded by `clip_grad_norm_(max_norm)`: g ← g·min(1, max_norm / (‖g‖₂ + 1e-6)) with the
 * norm taken over all head parameters together.
 */
export class ClippedAdam {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;
  constructor(
    readonly params: Float64Array,
    private readonly opt: OperaOptimizer,
  ) {
    this.m = new Float64Array(params.length);
    this.v = new Float64Array(params.length);
  }

  step(grad: Float64Array, lr: number): void {
    const { beta1, beta2, eps, clipNorm } = this.opt;
    let sq = 0;
    for (let i = 0; i < grad.length; i++) sq += (grad[i] as number) ** 2;
    const coef = Math.min(1, clipNorm / (Math.sqrt(sq) + 1e-6));
    this.t++;
    const bc1 = 1 - beta1 ** this.t;
    const bc2Sqrt = Math.sqrt(1 - beta2 ** this.t);
    const stepSize = lr / bc1;
    const { params: p, m, v } = this;
    for (let i = 0; i < p.length; i++) {
      const g = (grad[i] as number) * coef;
      const mi = beta1 * (m[i] as number) + (1 - beta1) * g;
      const vi = beta2 * (v[i] as number) + (1 - beta2) * g * g;
      m[i] = mi;
      v[i] = vi;
      p[i] = (p[i] as number) - (stepSize * mi) / (Math.sqrt(vi) / bc2Sqrt + eps);
    }
  }
}

/** Packs W (outputs × features) then b into one vector, the layout ClippedAdam works on. */
export function packParams(p: LinearParams): Float64Array {
  const flat = new Float64Array(p.weight.length + p.bias.length);
  flat.set(p.weight, 0);
  flat.set(p.bias, p.weight.length);
  return flat;
}

/** A view of a packed vector as LinearParams (shares memory) or, with `copy`, a snapshot. */
export function unpackParams(flat: Float64Array, features: number, outputs: number, copy: boolean): LinearParams {
  const src = copy ? flat.slice() : flat;
  return {
    weight: src.subarray(0, outputs * features),
    bias: src.subarray(outputs * features, outputs * features + outputs),
    outputs,
    features,
  };
}

/** Consecutive batches of an epoch order; the last batch may be short (DataLoader `drop_last=False`). */
export function batchesOf(order: ArrayLike<number>, batchSize: number): Int32Array[] {
  const out: Int32Array[] = [];
  for (let s = 0; s < order.length; s += batchSize) out.push(Int32Array.from({ length: Math.min(batchSize, order.length - s) }, (_, i) => order[s + i] as number));
  return out;
}
