/**
 * nn.Linear: y = x·Wᵀ + b over the last dimension, any number of leading dimensions (rank ≥ 2).
 * Parameters `weight` [out, in] and, with `bias`, `bias` [out]; PyTorch's default init unless overridden.
 */
import type { GraphBuilder, Value } from '../ir/index.ts';
import { type InitSpec, biasUniformInit, kaimingUniformInit, resolveInit } from './init.ts';
import { type ModuleName, checkPositive, expectLastDim, inScope, moduleError } from './module.ts';

export interface LinearConfig {
  inFeatures: number;
  outFeatures: number;
  bias: boolean;
  /** Overrides of PyTorch's default init; rules get (in, out) features as fan-in and fan-out. */
  init?: { weight?: InitSpec; bias?: InitSpec };
}

export function linear(b: GraphBuilder, name: ModuleName, x: Value, cfg: LinearConfig): Value {
  return inScope(b, name, () => {
    checkPositive(b, 'linear', 'inFeatures', cfg.inFeatures);
    checkPositive(b, 'linear', 'outFeatures', cfg.outFeatures);
    if (x.rank < 2) throw moduleError(b, 'linear', `needs an input of rank ≥ 2 ([…, ${cfg.inFeatures}]), got rank ${x.rank}`);
    expectLastDim(b, 'linear', x, cfg.inFeatures);
    const w = b.param('weight', [cfg.outFeatures, cfg.inFeatures], { init: resolveInit(cfg.init?.weight ?? kaimingUniformInit(cfg.inFeatures), cfg.inFeatures, cfg.outFeatures) });
    const bias = cfg.bias ? b.param('bias', [cfg.outFeatures], { init: resolveInit(cfg.init?.bias ?? biasUniformInit(cfg.inFeatures), cfg.inFeatures, cfg.outFeatures) }) : null;
    const y = b.matmul(x, b.transpose(w, [1, 0]));
    return bias ? b.add(y, bias) : y;
  });
}
