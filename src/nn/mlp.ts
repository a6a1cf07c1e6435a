/**
 * timm's Mlp: fc1 → act → drop1 → fc2 → drop2, with parameters `fc1.{weight,bias}`, `fc2.{weight,bias}`.
 */
import type { GraphBuilder, Value } from '../ir/index.ts';
import type { InitSpec } from './init.ts';
import { type Activation, activation } from './activation.ts';
import { dropout } from './dropout.ts';
import { linear } from './linear.ts';
import { type Mode, type ModuleName, inScope } from './module.ts';

export interface MlpConfig {
  inFeatures: number;
  hiddenFeatures: number;
  /** Defaults to inFeatures. */
  outFeatures?: number;
  act: Activation;
  bias: boolean;
  /** Dropout after the activation and after fc2. */
  drop: number;
  mode: Mode;
  init?: { weight?: InitSpec; bias?: InitSpec };
}

export function mlp(b: GraphBuilder, name: ModuleName, x: Value, cfg: MlpConfig): Value {
  return inScope(b, name, () => {
    const init = cfg.init ?? {};
    let h = linear(b, 'fc1', x, { inFeatures: cfg.inFeatures, outFeatures: cfg.hiddenFeatures, bias: cfg.bias, init });
    h = dropout(b, 'drop1', activation(b, cfg.act, h), { p: cfg.drop, mode: cfg.mode });
    h = linear(b, 'fc2', h, { inFeatures: cfg.hiddenFeatures, outFeatures: cfg.outFeatures ?? cfg.inFeatures, bias: cfg.bias, init });
    return dropout(b, 'drop2', h, { p: cfg.drop, mode: cfg.mode });
  });
}
