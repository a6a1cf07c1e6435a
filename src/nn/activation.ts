/**
 * Activations as composites of IR ops (formulas from torch.nn.functional and transformers.activations).
 */
import type { GraphBuilder, Value } from '../ir/index.ts';

export type Activation = 'identity' | 'relu' | 'gelu' | 'geluTanh' | 'silu' | 'hardswish' | 'hardsigmoid' | 'sigmoid' | 'tanh';

/** GELU, exact: 0.5·x·(1 + erf(x/√2)) (F.gelu, approximate='none'). */
export function gelu(b: GraphBuilder, x: Value): Value {
  return b.mul(b.mul(x, 0.5), b.add(b.erf(b.mul(x, Math.SQRT1_2)), 1));
}

/**
 * GELU, tanh approximation: 0.5·x·(1 + tanh(√(2/π)·x·(1 + 0.044715·x²))) (F.gelu approximate='tanh',
 * HF gelu_pytorch_tanh / gelu_fast; gelu_fast writes √(2/π) as 0.7978845608, 2.9e-11 away, far below float32).
 */
export function geluTanh(b: GraphBuilder, x: Value): Value {
  const inner = b.mul(b.mul(x, Math.sqrt(2 / Math.PI)), b.add(b.mul(b.mul(x, x), 0.044715), 1));
  return b.mul(b.mul(x, 0.5), b.add(b.tanh(inner), 1));
}

/** SiLU / swish: x·sigmoid(x). */
export function silu(b: GraphBuilder, x: Value): Value {
  return b.mul(x, b.sigmoid(x));
}

export const swish = silu;

/** Hardswish: x·relu6(x + 3)/6 (F.hardswish). */
export function hardswish(b: GraphBuilder, x: Value): Value {
  return b.div(b.mul(x, b.clip(b.add(x, 3), 0, 6)), 6);
}

/** Hardsigmoid: relu6(x + 3)/6 (F.hardsigmoid). */
export function hardsigmoid(b: GraphBuilder, x: Value): Value {
  return b.div(b.clip(b.add(x, 3), 0, 6), 6);
}

export function relu(b: GraphBuilder, x: Value): Value {
  return b.relu(x);
}

export function activation(b: GraphBuilder, kind: Activation, x: Value): Value {
  switch (kind) {
    case 'identity': return x;
    case 'relu': return b.relu(x);
    case 'gelu': return gelu(b, x);
    case 'geluTanh': return geluTanh(b, x);
    case 'silu': return silu(b, x);
    case 'hardswish': return hardswish(b, x);
    case 'hardsigmoid': return hardsigmoid(b, x);
    case 'sigmoid': return b.sigmoid(x);
    case 'tanh': return b.tanh(x);
  }
}
