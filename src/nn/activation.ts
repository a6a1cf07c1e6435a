/**
 * Activations built from IR ops (formulas from torch.nn.functional and transformers.activations).
 */
import type { GraphBuilder, Value } from '../ir/index.ts';

export type Activation = 'identity' | 'relu' | 'gelu' | 'geluTanh' | 'silu' | 'hardswish' | 'hardsigmoid' | 'sigmoid' | 'tanh';

/**
 * GELU, exact: 0.5·x·(1 + erf(x/√2)) (F.gelu, approximate='none'). Written with a division by √2: that is
 * the pattern ONNX Runtime's GeluFusion turns into one Gelu kernel (a multiplication by √½ is not fused).
 */
export function gelu(b: GraphBuilder, x: Value): Value {
  return b.mul(b.mul(x, 0.5), b.add(b.erf(b.div(x, Math.SQRT2)), 1));
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

/** Hardswish: x·relu6(x + 3)/6 (F.hardswish), the IR's HardSwish op (one ONNX HardSwish node). */
export function hardswish(b: GraphBuilder, x: Value): Value {
  return b.hardSwish(x);
}

/**
 * Hardsigmoid: relu6(x + 3)/6 (F.hardsigmoid), as ONNX HardSigmoid with alpha 1/6 and beta 1/2, i.e.
 * max(0, min(1, x/6 + 1/2)): the same function, rounded differently (within 1 ulp in float64).
 */
export function hardsigmoid(b: GraphBuilder, x: Value): Value {
  return b.hardSigmoid(x, 1 / 6, 0.5);
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
