/**
 * Layers whose parameters are declared separately from their use: `declare*` creates the parameters
 * under `<scope>.<name>` (PyTorch state_dict names) and returns them, `apply*` runs the layer with them.
 * The MAE decoders are built this way because an embedding graph must declare the decoder's parameters
 * (they are part of every released checkpoint and bind strictly) without computing the decoder, whose
 * forward pass may not even be defined at the checkpoint's width (OPERA-GT's reduced fixture).
 *
 * Semantics equal the nn modules of the same name: Linear y = x·Wᵀ + b; LayerNorm over the last axis
 * with the biased variance.
 */
import type { GraphBuilder, Value } from '../ir/index.ts';
import { type InitSpec, type ModuleName, inScope, kaimingUniformInit, biasUniformInit, resolveInit } from '../nn/index.ts';

export interface LinearParams {
  readonly weight: Value;
  readonly bias: Value | null;
}

export interface LinearSpec {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly bias: boolean;
  readonly init?: { readonly weight?: InitSpec; readonly bias?: InitSpec };
}

export function declareLinear(b: GraphBuilder, name: ModuleName, s: LinearSpec): LinearParams {
  return inScope(b, name, () => {
    const wInit = resolveInit(s.init?.weight ?? kaimingUniformInit(s.inFeatures), s.inFeatures, s.outFeatures);
    const weight = b.param('weight', [s.outFeatures, s.inFeatures], { init: wInit });
    const bias = s.bias
      ? b.param('bias', [s.outFeatures], { init: resolveInit(s.init?.bias ?? biasUniformInit(s.inFeatures), s.inFeatures, s.outFeatures) })
      : null;
    return { weight, bias };
  });
}

export function applyLinear(b: GraphBuilder, p: LinearParams, x: Value): Value {
  const y = b.matmul(x, b.transpose(p.weight, [1, 0]));
  return p.bias ? b.add(y, p.bias) : y;
}

export interface LayerNormParams {
  readonly weight: Value;
  readonly bias: Value;
  readonly eps: number;
}

export function declareLayerNorm(b: GraphBuilder, name: ModuleName, dim: number, eps: number): LayerNormParams {
  return inScope(b, name, () => ({
    weight: b.param('weight', [dim], { init: { kind: 'ones' } }),
    bias: b.param('bias', [dim], { init: { kind: 'zeros' } }),
    eps,
  }));
}

export function applyLayerNorm(b: GraphBuilder, p: LayerNormParams, x: Value): Value {
  return b.layerNorm(x, p.weight, p.bias, p.eps, -1);
}
