/**
 * The metadata_props of an encoder's ONNX model: what it is, what goes in and comes out (names, layouts,
 * dynamic axes), how a recording becomes its input, and the embed config hash of the run it reproduces.
 * Keys are prefixed `pneuma.`; `pneuma.doc` is the same in prose.
 */
import type { AnyEncoderDef } from '../encoders/registry.ts';
import { canonicalJson } from '../util/index.ts';
import { SEGMENT_POOLING, embedConfigHash, type EmbedRunConfig } from './config-hash.ts';
import { ENCODER_INPUT, type EncoderGraph } from './model.ts';

function dims(shape: readonly number[], dynamic: Readonly<Record<number, string>>): string {
  return `[${shape.map((d, i) => dynamic[i] ?? String(d)).join(', ')}]`;
}

export function exportMetadata(def: AnyEncoderDef, g: EncoderGraph, run: EmbedRunConfig): Record<string, string> {
  const input = `${ENCODER_INPUT}: float32 ${dims(g.inputShape, g.dynamicAxes)}`;
  const batch = g.dynamicAxes[0] ?? String(g.inputShape[0]);
  const outputs = g.outputs.map((o) => `${o.name}: float32 [${[batch, ...o.shape.slice(1)].join(', ')}]`);
  const axes = Object.entries(g.dynamicAxes).map(([k, v]) => `axis ${k} '${v}'`).join(', ') || 'none';
  const weights = run.weights.kind === 'file' ? `sha256 ${run.weights.sha256} (${run.weights.file})` : `random initialisation, seed ${run.weights.seed}`;
  const doc = [
    `${def.title} (${def.id}). ${def.description}`,
    `Input ${input}; dynamic axes: ${axes}. Outputs: ${outputs.join('; ')}.`,
    `The input is one model input as the encoder's modelInputs makes it from a front-end spectrogram (front end in pneuma.front_end); `
      + `a recording becomes segments by pneuma.input_policy, each segment one spectrogram, which may give several model inputs. `
      + `pneuma embed writes the ${SEGMENT_POOLING} of '${run.output}'.`,
    `Weights: ${weights}.`,
  ].join('\n');
  return {
    'pneuma.encoder': def.id,
    'pneuma.title': def.title,
    'pneuma.config_hash': embedConfigHash(run),
    'pneuma.input': input,
    'pneuma.outputs': outputs.join('; '),
    'pneuma.dynamic_axes': canonicalJson(g.dynamicAxes),
    'pneuma.resample': canonicalJson(run.resample),
    'pneuma.front_end': canonicalJson(run.frontEnd),
    'pneuma.input_policy': canonicalJson(run.input),
    'pneuma.pooling': run.pooling,
    'pneuma.model_config': canonicalJson(run.modelConfig),
    'pneuma.weights': weights,
    'pneuma.doc': doc,
  };
}
