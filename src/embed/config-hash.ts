/**
 * The identity of an embedding run: everything that determines the numbers, hashed with the stable
 * `configHash` (sha256 of canonical JSON). Caches and result rows key on it; two runs with the same hash
 * produce the same vectors (up to the runtime's floating-point reproducibility).
 *
 * Included: the encoder id, its resolved architecture config, the weights (sha256 of the checkpoint file,
 * or the seed of a random initialisation), the resampler the caller used to reach the front end's rate, the
 * front end config (both null when spectrograms are given), the input policy (or 'spectrogram'), the token
 * pooling, the graph output written (embedding or a head) and the rule that pools model inputs and segments
 * (mean, then mean). Not included: file paths, thread counts and the runtime, which do not change the
 * function computed.
 */
import type { FrontEndConfig } from '../audio/frontend.ts';
import type { EncoderId, InputPolicy, Pooling } from '../encoders/types.ts';
import { configHash } from '../util/index.ts';

/** Where the weights came from: a checkpoint file (named for people, identified by its sha256) or a seeded random init. */
export type WeightsSource =
  | { readonly kind: 'file'; readonly file: string; readonly sha256: string }
  | { readonly kind: 'random'; readonly seed: number };

export interface EmbedRunConfig {
  readonly encoder: EncoderId;
  readonly modelConfig: unknown;
  readonly weights: WeightsSource;
  /**
   * How audio was brought to the front end's rate (e.g. `{ quality: 'hq' }` for `loadMono`'s resampler),
   * as declared by the caller; null for spectrogram inputs or when the caller declares none.
   */
  readonly resample: unknown;
  /** null when the inputs are precomputed spectrograms. */
  readonly frontEnd: FrontEndConfig | null;
  readonly input: InputPolicy | 'spectrogram';
  readonly pooling: Pooling;
  /** 'embedding' or the name of a head. */
  readonly output: string;
}

/** Version tag of the hashed record; bump it when the meaning of a field changes. */
export const EMBED_CONFIG_FORMAT = 'pneuma-embed-config/1';

/** How per-input and per-segment vectors are combined (the reference rule of every encoder here). */
export const SEGMENT_POOLING = 'mean over the model inputs of each segment, then mean over segments';

/** The hashed record: the weights enter by content (sha256 or seed), never by path. */
export function embedConfigRecord(c: EmbedRunConfig): Record<string, unknown> {
  const weights = c.weights.kind === 'file' ? { sha256: c.weights.sha256 } : { random: true, seed: c.weights.seed };
  return {
    format: EMBED_CONFIG_FORMAT,
    encoder: c.encoder,
    modelConfig: c.modelConfig,
    weights,
    resample: c.resample,
    frontEnd: c.frontEnd,
    input: c.input,
    pooling: c.pooling,
    output: c.output,
    segmentPooling: SEGMENT_POOLING,
  };
}

export function embedConfigHash(c: EmbedRunConfig): string {
  return configHash(embedConfigRecord(c));
}
