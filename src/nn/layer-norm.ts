/**
 * nn.LayerNorm over the trailing `shape` dimensions: y = (x − E[x])/√(Var[x] + eps)·weight + bias with
 * the biased variance. Parameters `weight` (ones) and `bias` (zeros) of that shape when affine.
 */
import type { GraphBuilder, Value } from '../ir/index.ts';
import { f32 } from '../tensor/index.ts';
import { type ModuleName, inScope, moduleError } from './module.ts';
import { fmtShape, numel } from '../util/index.ts';

export interface LayerNormConfig {
  /** normalized_shape: the trailing dimensions normalised together. */
  shape: number | readonly number[];
  eps: number;
  /** elementwise_affine (default true). */
  affine?: boolean;
  /** Learn a bias when affine (default true; nn.LayerNorm(bias=False) otherwise). */
  bias?: boolean;
}

export function layerNorm(b: GraphBuilder, name: ModuleName, x: Value, cfg: LayerNormConfig): Value {
  return inScope(b, name, () => {
    const shape = typeof cfg.shape === 'number' ? [cfg.shape] : [...cfg.shape];
    const axis = x.rank - shape.length;
    if (shape.length === 0 || axis < 0 || x.shape.slice(axis).join() !== shape.join()) {
      throw moduleError(b, 'layerNorm', `normalized shape ${fmtShape(shape)} does not end input ${fmtShape(x.shape)}`);
    }
    if (!(cfg.eps > 0)) throw moduleError(b, 'layerNorm', `eps must be > 0, got ${cfg.eps}`);
    const affine = cfg.affine ?? true;
    const weight = affine ? b.param('weight', shape, { init: { kind: 'ones' } }) : b.const(f32(shape, new Float32Array(numel(shape)).fill(1)));
    const bias = affine && (cfg.bias ?? true) ? b.param('bias', shape, { init: { kind: 'zeros' } }) : b.const(f32(shape));
    return b.layerNorm(x, weight, bias, cfg.eps, axis);
  });
}
