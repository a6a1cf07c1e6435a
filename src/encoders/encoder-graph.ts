/**
 * An encoder's graph for one model-input shape: input `x`, output `embedding` and one output per head
 * (named as `build` names them). The export, parity tests, the shared suite and the benchmarks all build
 * encoder graphs this way, so ONNX models of every encoder have the same signature.
 */
import { GraphBuilder, type Graph, type Value } from '../ir/index.ts';
import type { Shape } from '../util/index.ts';
import type { AnyEncoderDef } from './registry.ts';
import type { BuildOptions } from './types.ts';
import { EncoderConfigError } from './errors.ts';

/** Name of the model input of every encoder graph. */
export const ENCODER_INPUT = 'x';
/** Name of the embedding output of every encoder graph. */
export const ENCODER_EMBEDDING = 'embedding';

export function buildEncoderGraph<C>(def: AnyEncoderDef, cfg: C, shape: Shape, opts: BuildOptions): Graph {
  const b = new GraphBuilder();
  const x = b.input(ENCODER_INPUT, shape);
  const { embedding, heads } = def.build(b, cfg, x, opts);
  const outputs: Record<string, Value> = { [ENCODER_EMBEDDING]: embedding };
  for (const [name, v] of Object.entries(heads ?? {})) {
    if (name === ENCODER_EMBEDDING) throw new EncoderConfigError(def.id, `a head may not be named '${ENCODER_EMBEDDING}'`);
    outputs[name] = v;
  }
  return b.build(outputs);
}

/** `toOnnx`'s `dynamicAxes` for an encoder graph. */
export function encoderDynamicAxes<C>(def: AnyEncoderDef, cfg: C): Record<string, Readonly<Record<number, string>>> {
  return { [ENCODER_INPUT]: def.dynamicAxes(cfg) };
}
