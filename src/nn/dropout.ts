/**
 * Dropout and drop-path (stochastic depth). In 'eval' mode, or with rate 0, both are the identity. In
 * 'train' mode the mask is a declared random input `<scope>.<name>.mask` (see GraphBuilder.randomInput),
 * drawn by the step runner: keep with probability 1 − p, scaled by 1/(1 − p) (inverted dropout, as
 * F.dropout and timm's drop_path with scale_by_keep=True).
 */
import type { GraphBuilder, Value } from '../ir/index.ts';
import { type Mode, type ModuleName, checkRate, inScope } from './module.ts';

export interface DropoutConfig {
  p: number;
  mode: Mode;
}

/** Elementwise dropout: an independent keep draw per element. */
export function dropout(b: GraphBuilder, name: ModuleName, x: Value, cfg: DropoutConfig): Value {
  return inScope(b, name, () => {
    checkRate(b, 'dropout', 'p', cfg.p);
    if (cfg.mode === 'eval' || cfg.p === 0) return x;
    const keep = 1 - cfg.p;
    return b.mul(x, b.randomInput('mask', x.shape, { kind: 'bernoulli', p: keep, scale: 1 / keep }));
  });
}

/** Drop path: one keep draw per sample (axis 0), broadcast over the other axes. */
export function dropPath(b: GraphBuilder, name: ModuleName, x: Value, cfg: DropoutConfig): Value {
  return inScope(b, name, () => {
    checkRate(b, 'dropPath', 'p', cfg.p);
    if (cfg.mode === 'eval' || cfg.p === 0) return x;
    const keep = 1 - cfg.p;
    const shape = x.shape.map((d, i) => (i === 0 ? d : 1));
    return b.mul(x, b.randomInput('mask', shape, { kind: 'bernoulli', p: keep, scale: 1 / keep }));
  });
}
