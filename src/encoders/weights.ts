/**
 * Loading a reference checkpoint into an encoder: `loadStateDict` (PyTorch zip / Lightning .ckpt, .pt,
 * .bin, safetensors, .npz), then strict binding to the parameters the encoder's graph declares:
 *  - keys under `checkpoint.prefix` bind by their name after the prefix; when no stored key carries the
 *    prefix (a checkpoint of the encoder alone), keys bind as they are;
 *  - keys matching a `checkpoint.ignore` pattern (a full-key regular expression, tested on the key without
 *    the prefix) are dropped; a checkpoint need not contain them;
 *  - every other key must be a declared parameter with the same shape, and every declared parameter must
 *    be present: the error lists every missing, unexpected and mis-shaped key.
 */
import type { Graph } from '../ir/index.ts';
import { bindStateDict, StateDictError, type IgnoreRule } from '../nn/index.ts';
import { loadStateDict, type HostTensor, type LoadStateDictOptions } from '../tensor/index.ts';
import type { AnyEncoderDef } from './registry.ts';
import type { CheckpointLayout } from './types.ts';
import { buildEncoderGraph } from './encoder-graph.ts';
import { exampleInputShape } from './example-input.ts';
import { EncoderConfigError, EncoderWeightsError } from './errors.ts';

/** Frames of the spectrogram the parameter-only graph is built for (any size the encoder accepts would do). */
const PARAMS_FRAMES = 256;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The layout's ignore patterns as rules on stored keys (with or without the prefix). */
export function ignoreRules(layout: CheckpointLayout, encoder: string): IgnoreRule[] {
  return layout.ignore.map(({ pattern, reason }) => {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${escapeRegExp(layout.prefix)})?(?:${pattern})$`);
    } catch (e) {
      throw new EncoderConfigError(encoder, `checkpoint.ignore pattern ${JSON.stringify(pattern)} is not a regular expression: ${(e as Error).message}`);
    }
    return { pattern: re, reason };
  });
}

/** The graph whose parameters a checkpoint must provide (eval mode, default pooling). */
export function parameterGraph<C>(def: AnyEncoderDef, cfg: C): Graph {
  return buildEncoderGraph(def, cfg, exampleInputShape(def, cfg, PARAMS_FRAMES), { mode: 'eval', pooling: 'default' });
}

/** Bind an already-loaded state dict to `graph` (built from `def`) under the encoder's checkpoint layout. */
export function bindEncoderWeights(def: AnyEncoderDef, graph: Graph, stateDict: ReadonlyMap<string, HostTensor>, file: string): Map<string, HostTensor> {
  const layout = def.checkpoint;
  const keys = [...stateDict.keys()];
  const strip = layout.prefix !== '' && keys.some((k) => k.startsWith(layout.prefix)) ? layout.prefix : '';
  const rules = ignoreRules(layout, def.id).filter((r) => keys.some((k) => (r.pattern as RegExp).test(k)));
  try {
    return bindStateDict(graph, stateDict, { stripPrefix: strip, ignore: rules });
  } catch (e) {
    if (!(e instanceof StateDictError)) throw e;
    const parts: string[] = [];
    if (e.missing.length) parts.push(`${e.missing.length} missing: ${e.missing.join(', ')}`);
    if (e.unexpected.length) parts.push(`${e.unexpected.length} unexpected: ${e.unexpected.join(', ')}`);
    if (e.mismatched.length) parts.push(`${e.mismatched.length} mis-shaped: ${e.mismatched.join('; ')}`);
    const how = strip ? `keys under '${strip}'` : 'keys as stored';
    throw new EncoderWeightsError(def.id, file, `checkpoint does not match the encoder (${how}): ${parts.join('; ')}`, { cause: e });
  }
}

/** Load a checkpoint's bytes and bind them to `def` with config `cfg`: parameter name → tensor. */
export function loadEncoderWeights<C>(def: AnyEncoderDef, cfg: C, bytes: Uint8Array, file: string, opts: LoadStateDictOptions = {}): Map<string, HostTensor> {
  return bindEncoderWeights(def, parameterGraph(def, cfg), loadStateDict(bytes, file, opts), file);
}
