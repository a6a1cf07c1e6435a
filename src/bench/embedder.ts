/**
 * What the benchmark runner needs from an encoder: recording in, one vector out. The runner resamples to
 * `sampleRate` (decoding and resampling are platform work), passes the task's input rules, and keys its
 * embedding cache on `configHashFor(opts)`, which changes whenever the numbers would.
 *
 * Implemented by `src/embed` (`RecordingEmbedder`) for every registered encoder; tests may supply their own.
 */
import type { InputRules } from './task.ts';

export interface EmbedOptions {
  /**
   * The task's input rules; the embedder applies the rule of its own encoder family (OPERA paths a/b/c,
   * HeAR windows). Absent: the encoder's default input policy.
   */
  readonly inputs?: InputRules;
}

export interface Embedder {
  /** Encoder id (e.g. 'opera-ce'). */
  readonly id: string;
  /** Length of every vector `embed` returns. */
  readonly dim: number;
  /** Sample rate `embed` takes (the encoder front end's rate). */
  readonly sampleRate: number;
  /** Hash of everything that determines the numbers under the default input policy. */
  readonly configHash: string;
  /** The same hash under a task's input rules. */
  configHashFor(opts?: EmbedOptions): string;
  /** Mono samples at `sampleRate` → one float32 vector of `dim` values. Rejects with a PneumaError for unusable input. */
  embed(samples: Float32Array, sampleRate: number, opts?: EmbedOptions): Promise<Float32Array>;
  /** Free the runtime session; `embed` fails afterwards. */
  release(): Promise<void>;
}
