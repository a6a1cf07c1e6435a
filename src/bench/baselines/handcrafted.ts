/**
 * The `handcrafted` baseline as an Embedder: frame descriptors (lld.ts) → functionals over the whole
 * recording (functionals.ts) → one float32 vector of 33 × 13 = 429 features for HANDCRAFTED_CONFIG
 * (names: `handcraftedFeatureNames`). No checkpoint, no randomness: the same samples always give the same
 * vector. Task input rules do not apply (the whole recording is described), so `configHashFor` is the
 * same for every task.
 */
import type { EmbedOptions, Embedder } from '../embedder.ts';
import { configHash, PneumaError } from '../../util/index.ts';
import { type HandcraftedConfig, SPECTRAL_LLDS, handcraftedFeatureNames } from './handcrafted-config.ts';
import { functionalCount, functionals } from './functionals.ts';
import { frameDescriptors } from './lld.ts';

export class BaselineError extends PneumaError {
  constructor(baseline: string, reason: string) {
    super('baseline', `${baseline}: ${reason}`);
  }
}

export const HANDCRAFTED_ID = 'handcrafted';

export const HANDCRAFTED_FORMAT = 'pneuma-handcrafted/1';

export interface HandcraftedOptions {
  /** How the caller resamples audio to cfg.sampleRate, recorded in the config hash. */
  readonly resample: unknown;
}

export class HandcraftedEmbedder implements Embedder {
  readonly id = HANDCRAFTED_ID;
  readonly dim: number;
  readonly sampleRate: number;
  readonly configHash: string;
  readonly featureNames: readonly string[];

  constructor(
    readonly config: HandcraftedConfig,
    opts: HandcraftedOptions,
  ) {
    this.sampleRate = config.sampleRate;
    this.dim = (2 * config.nMfcc + SPECTRAL_LLDS.length) * functionalCount(config.percentiles);
    this.featureNames = handcraftedFeatureNames(config);
    this.configHash = configHash({ format: HANDCRAFTED_FORMAT, config, resample: opts.resample });
  }

  configHashFor(_opts?: EmbedOptions): string {
    return this.configHash;
  }

  /** The 429 features as float64 (the embedding is their float32 rounding). */
  features(samples: ArrayLike<number>): Float64Array {
    if (samples.length === 0) throw new BaselineError(this.id, 'empty recording');
    for (let i = 0; i < samples.length; i++) {
      if (!Number.isFinite(samples[i] as number)) throw new BaselineError(this.id, `sample ${i} is ${samples[i]}`);
    }
    const d = frameDescriptors(samples, this.config);
    const nf = functionalCount(this.config.percentiles);
    const out = new Float64Array(this.dim);
    const dt = this.config.hop / this.config.sampleRate;
    for (let j = 0; j < d.width; j++) functionals(d.values, j, d.width, d.frames, dt, this.config.percentiles, out, j * nf);
    return out;
  }

  async embed(samples: Float32Array, sampleRate: number, _opts?: EmbedOptions): Promise<Float32Array> {
    if (sampleRate !== this.sampleRate) throw new BaselineError(this.id, `expects ${this.sampleRate} Hz audio, got ${sampleRate} Hz`);
    return Float32Array.from(this.features(samples));
  }

  async release(): Promise<void> {}
}
