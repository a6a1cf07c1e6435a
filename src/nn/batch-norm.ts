/**
 * nn.BatchNorm{1,2}d over axis 1 of an [N, C, …] input, with PyTorch's state_dict names: `weight`,
 * `bias` (when affine), buffers `running_mean`, `running_var` and int64 `num_batches_tracked`.
 *
 * eval:  y = (x − running_mean)/√(running_var + eps)·weight + bias (the BatchNorm op).
 * train: batch statistics over every axis but 1, m = Σx/n, v = Σ(x − m)²/n (biased, used to normalise);
 *        the running statistics are updated as in ATen's batch_norm_cpu_update_stats:
 *          num_batches_tracked += 1
 *          f = momentum, or 1/num_batches_tracked when momentum is null (cumulative average)
 *          running_mean ← f·m + (1 − f)·running_mean
 *          running_var  ← f·Σ(x − m)²/(n − 1) + (1 − f)·running_var      (unbiased variance)
 *        n = N·H·W… is fixed when the graph is built (the reduced axes must not change size at run time).
 */
import type { GraphBuilder, Value } from '../ir/index.ts';
import { f32 } from '../tensor/index.ts';
import { type Mode, type ModuleName, checkPositive, inScope, moduleError } from './module.ts';
import { fmtShape } from '../util/index.ts';

export interface BatchNormConfig {
  numFeatures: number;
  eps: number;
  /** Running-average factor (PyTorch default 0.1; EfficientNet-PyTorch 0.01); null = cumulative average. */
  momentum: number | null;
  affine: boolean;
  mode: Mode;
}

export function batchNorm(b: GraphBuilder, name: ModuleName, x: Value, cfg: BatchNormConfig): Value {
  return inScope(b, name, () => {
    const c = cfg.numFeatures;
    checkPositive(b, 'batchNorm', 'numFeatures', c);
    if (x.rank < 2 || x.shape[1] !== c) throw moduleError(b, 'batchNorm', `expects [N, ${c}, …], got ${fmtShape(x.shape)}`);
    if (!(cfg.eps > 0)) throw moduleError(b, 'batchNorm', `eps must be > 0, got ${cfg.eps}`);
    if (cfg.momentum !== null && !(cfg.momentum >= 0 && cfg.momentum <= 1)) throw moduleError(b, 'batchNorm', `momentum must be in [0, 1] or null, got ${cfg.momentum}`);
    const weight = cfg.affine ? b.param('weight', [c], { init: { kind: 'ones' } }) : null;
    const bias = cfg.affine ? b.param('bias', [c], { init: { kind: 'zeros' } }) : null;
    const runningMean = b.buffer('running_mean', [c], { kind: 'zeros' });
    const runningVar = b.buffer('running_var', [c], { kind: 'ones' });
    const tracked = b.buffer('num_batches_tracked', [], { kind: 'zeros' }, 'int64');
    if (cfg.mode === 'eval') {
      return b.batchNorm(x, weight ?? b.const(f32([c], new Float32Array(c).fill(1))), bias ?? b.const(f32([c])), runningMean, runningVar, cfg.eps);
    }
    const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
    const n = axes.reduce((acc, a) => acc * (x.shape[a] as number), 1);
    if (n < 2) throw moduleError(b, 'batchNorm', `training needs more than one value per channel, input ${fmtShape(x.shape)}`);
    const perChannel = x.shape.map((_, i) => (i === 1 ? c : 1));
    const mean = b.mean(x, axes, true);
    const centred = b.sub(x, mean);
    const sumSq = b.sum(b.mul(centred, centred), axes, true);
    const invStd = b.reciprocal(b.sqrt(b.add(b.div(sumSq, n), cfg.eps)));
    let y: Value = b.mul(centred, invStd);
    if (weight) y = b.mul(y, b.reshape(weight, perChannel));
    if (bias) y = b.add(y, b.reshape(bias, perChannel));
    const nextTracked = b.add(tracked, b.scalar(1, 'int64'));
    const f = cfg.momentum === null ? b.reciprocal(b.cast(nextTracked, 'float32')) : b.scalar(cfg.momentum);
    const keep = cfg.momentum === null ? b.sub(b.scalar(1), f) : b.scalar(1 - cfg.momentum);
    const batchMean = b.reshape(mean, [c]);
    const unbiased = b.reshape(b.div(sumSq, n - 1), [c]);
    b.setUpdate(runningMean, b.add(b.mul(batchMean, f), b.mul(runningMean, keep)));
    b.setUpdate(runningVar, b.add(b.mul(unbiased, f), b.mul(runningVar, keep)));
    b.setUpdate(tracked, nextTracked);
    return y;
  });
}
