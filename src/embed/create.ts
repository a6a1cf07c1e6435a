/**
 * One call from names and bytes to a ready `RecordingEmbedder` (what the benchmark runner and apps need):
 * resolve the encoder, apply a reference-named config, bind checkpoint bytes or draw random weights, and
 * compile the model on the given backend.
 */
import type { Pooling } from '../encoders/types.ts';
import type { ExecutionBackend, SessionOptions } from '../runtime/index.ts';
import { sha256Hex } from '../util/index.ts';
import type { WeightsSource } from './config-hash.ts';
import { RecordingEmbedder } from './embedder.ts';
import { EncoderModel } from './model.ts';
import { checkpointWeights, randomEncoderWeights, resolveEncoder, resolveModelConfig } from './resolve.ts';

export interface CreateEmbedderOptions {
  /** Encoder id, or 'default'. */
  readonly model: string;
  /** Checkpoint bytes (with the file name for messages; sha256 computed when absent), or a random-init seed. */
  readonly weights: { readonly bytes: Uint8Array; readonly file: string; readonly sha256?: string } | { readonly randomSeed: number };
  /** Reference-named architecture overrides (model_config.json, HuggingFace config.json). */
  readonly modelConfig?: Readonly<Record<string, unknown>>;
  readonly pooling?: Pooling;
  /** 'embedding' (default) or a head. */
  readonly output?: string;
  readonly backend: ExecutionBackend;
  readonly session?: Omit<SessionOptions, 'externalData'>;
  readonly batch?: number;
  /** How the caller resamples audio to the front end's rate, recorded in the config hash. */
  readonly resample?: unknown;
}

export async function createRecordingEmbedder(o: CreateEmbedderOptions): Promise<RecordingEmbedder> {
  const def = resolveEncoder(o.model);
  const cfg = resolveModelConfig(def, o.modelConfig);
  let source: WeightsSource;
  let weights;
  if ('randomSeed' in o.weights) {
    weights = randomEncoderWeights(def, cfg, o.weights.randomSeed);
    source = { kind: 'random', seed: o.weights.randomSeed };
  } else {
    weights = checkpointWeights(def, cfg, o.weights.bytes, o.weights.file);
    source = { kind: 'file', file: o.weights.file, sha256: o.weights.sha256 ?? sha256Hex(o.weights.bytes) };
  }
  const model = await EncoderModel.compile({ def, cfg, pooling: o.pooling ?? 'default', output: o.output ?? 'embedding' }, weights, {
    backend: o.backend,
    ...(o.session ? { session: o.session } : {}),
    ...(o.batch !== undefined ? { batch: o.batch } : {}),
  });
  return new RecordingEmbedder(model, source, o.resample !== undefined ? { resample: o.resample } : {});
}
