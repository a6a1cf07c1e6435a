/**
 * From names to a runnable model: an encoder id (or `default`), an optional reference-named config
 * (a fixture's `model_config.json`, a HuggingFace `config.json`) applied over the full preset, and weights
 * from checkpoint bytes or from a seeded random initialisation.
 */
import { encoders, encoderIds, type AnyEncoderDef } from '../encoders/registry.ts';
import type { EncoderId } from '../encoders/types.ts';
import { loadEncoderWeights, parameterGraph } from '../encoders/weights.ts';
import { initWeights } from '../nn/index.ts';
import type { HostTensor } from '../tensor/index.ts';
import { PneumaError, Rng } from '../util/index.ts';
import { EmbedConfigError } from './errors.ts';
import { BUNDLED_MODELS, DEFAULT_MODEL_ALIAS, WEIGHTS_SOURCES, bundledModel, bundledWeights } from './weights-sources.ts';

const ALL_IDS: readonly EncoderId[] = Object.keys(WEIGHTS_SOURCES) as EncoderId[];

/**
 * The registered encoder named `name`: an encoder id, or a bundled model's name ('default' = DEFAULT_MODEL)
 * for its encoder; a typed error lists the choices.
 */
export function resolveEncoder(name: string): AnyEncoderDef {
  const id = bundledModel(name)?.encoder ?? name;
  const def = (encoders as Record<string, AnyEncoderDef | undefined>)[id];
  if (def) return def;
  const known = encoderIds();
  const why = (ALL_IDS as readonly string[]).includes(id) ? `encoder '${id}' is not available in this build` : `unknown model '${name}'`;
  throw new EmbedConfigError(`${why}; choose one of ${[...new Set([DEFAULT_MODEL_ALIAS, ...BUNDLED_MODELS.map((b) => b.name), ...known])].join(', ')}`);
}

/** The architecture config: the preset, overridden by a reference-named JSON object when given. */
export function resolveModelConfig(def: AnyEncoderDef, json?: Readonly<Record<string, unknown>>, preset: 'full' | 'tiny' = 'full'): unknown {
  const base: unknown = def.presets[preset];
  return json === undefined ? base : def.fromReferenceConfig(json, base);
}

/** Weights for every declared parameter, drawn from each parameter's init with a seeded stream. */
export function randomEncoderWeights(def: AnyEncoderDef, cfg: unknown, seed: number): Map<string, HostTensor> {
  if (!Number.isSafeInteger(seed)) throw new EmbedConfigError(`--seed must be an integer, got ${seed}`);
  try {
    return initWeights(parameterGraph(def, cfg), Rng.seeded(seed));
  } catch (e) {
    if (e instanceof PneumaError) throw new EmbedConfigError(`${def.id}: cannot initialise randomly: ${e.message}`, { cause: e });
    throw e;
  }
}

/** Checkpoint bytes (any format `loadStateDict` reads) bound strictly to the encoder at `cfg`. */
export function checkpointWeights(def: AnyEncoderDef, cfg: unknown, bytes: Uint8Array, file: string): Map<string, HostTensor> {
  return loadEncoderWeights(def, cfg, bytes, file);
}

/** The error for an encoder run without weights: where its published checkpoint comes from. */
export function missingWeightsError(def: AnyEncoderDef): EmbedConfigError {
  const bundled = bundledWeights(def.id);
  const hint = bundled ? `its bundled checkpoint assets/models/${bundled.folder}/${bundled.file} is missing from this installation` : 'no weights are bundled for it';
  return new EmbedConfigError(
    `${def.id}: no weights given (${hint}). Pass --weights <checkpoint> with ${WEIGHTS_SOURCES[def.id]}; `
    + 'or --random-init --seed <n> for speed tests and baselines',
  );
}
