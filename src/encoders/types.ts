/**
 * The encoder contract. An encoder is one file exporting an `EncoderDef` plus one line in
 * `registry.ts`; the shared encoder suite, `pneuma embed`, `pneuma export` and the benchmark pick it up.
 *
 * The path from a recording to an embedding has three stages, each owned by one piece of data here:
 *   1. `input` (an `InputPolicy`): how a mono recording at `frontEnd.sampleRate` becomes audio segments
 *      (OPERA's trim + pad/split rules, HeAR's 2-s windows, the whole recording or windows of a long one);
 *   2. `frontEnd`: each segment → one spectrogram (the reference layout, e.g. OPERA [T, 64]);
 *   3. `modelInputs(cfg, spec)`: each spectrogram → one or more fixed-layout model inputs (e.g. OPERA-CT's
 *      1024-frame windows beyond 1024 frames, OPERA-GT's 256-frame pieces of precomputed spectrograms),
 *      each run through the graph from `build`, and the per-input embeddings averaged (the reference rule for
 *      all encoders here: mean over windows/chunks/segments).
 */
import type { FrontEndConfig } from '../audio/frontend.ts';
import type { TrimParams } from '../audio/trim.ts';
import type { TailPolicy } from '../audio/segment.ts';
import type { GraphBuilder, Value } from '../ir/index.ts';
import type { HostTensor } from '../tensor/index.ts';
import type { Mode } from '../nn/module.ts';

export type EncoderId = 'opera-ce' | 'opera-ct' | 'opera-gt' | 'hear' | 'efficientat-mn04';

/** How a decoded mono recording (at the front end's rate) becomes the audio segments that get a spectrogram each. */
export type InputPolicy =
  /**
   * OPERA path (a) `get_entire_signal_librosa`: trim (if `trim`), then if shorter than `minSeconds` pad to
   * exactly `int(minSeconds·sr)` samples with OPERA's 'repeat' or 'zero' rule, else keep the whole recording.
   * One segment.
   */
  | { readonly kind: 'opera-entire'; readonly trim: TrimParams | null; readonly minSeconds: number; readonly pad: 'repeat' | 'zero' }
  /**
   * OPERA path (b) `get_split_signal_librosa`: trim (if `trim`), then `int(chunkSeconds·sr)`-sample chunks
   * with 50 % overlap plus the repeat-padded tail chunk (a single repeat-padded chunk when shorter).
   */
  | { readonly kind: 'opera-split'; readonly trim: TrimParams | null; readonly chunkSeconds: number }
  /** Fixed windows (HeAR: 2 s); `hopSeconds` < `seconds` overlaps them. */
  | { readonly kind: 'windows'; readonly seconds: number; readonly hopSeconds: number; readonly tail: TailPolicy }
  /**
   * The whole recording as one segment when it lasts at most `maxSeconds` (round(maxSeconds·sr) samples);
   * a longer one is cut into `maxSeconds` windows every `hopSeconds` (the samples after the last full
   * window handled by `tail`), whose embeddings are averaged. Bounds the activations of encoders that run
   * on whole recordings (EfficientAT) and keeps their input near the clip length they were trained on.
   */
  | { readonly kind: 'whole-or-windows'; readonly maxSeconds: number; readonly hopSeconds: number; readonly tail: TailPolicy }
  /** The whole recording as one segment. */
  | { readonly kind: 'whole' };

/**
 * How token/feature maps become one vector. 'default' is the reference encoder's own pooling.
 * 'freq-preserving' (Niizumi et al. 2025, M2D's readout): average over time only and concatenate the
 * frequency bands, giving (frequency patches × width) dims; offered by patch-based encoders only.
 */
export type Pooling = 'default' | 'freq-preserving';

/** Reference-checkpoint conventions: where the encoder's keys live and which stored keys the embedding never uses. */
export interface CheckpointLayout {
  /** Prefix of the encoder's keys inside the reference state dict (e.g. 'encoder.' for OPERA-CE), '' if none. */
  readonly prefix: string;
  /** Stored keys (after removing `prefix`, matched as full-key regular expressions) that the embedding path does not use, each with the reason. */
  readonly ignore: readonly { readonly pattern: string; readonly reason: string }[];
}

export interface BuildOptions {
  readonly mode: Mode;
  readonly pooling: Pooling;
}

export interface EncoderDef<C = unknown> {
  readonly id: EncoderId;
  readonly title: string;
  /** One paragraph: what the model is, where its weights come from, what the embedding is. */
  readonly description: string;
  /** The spectrogram this encoder expects (parameters exactly as its reference code). */
  readonly frontEnd: FrontEndConfig;
  /** Default segmentation (tasks may override it with OPERA's per-task rules). */
  readonly input: InputPolicy;
  /** `full`: the published architecture; `tiny`: a few-thousand-parameter variant for tests. */
  readonly presets: { readonly full: C; readonly tiny: C };
  readonly poolings: readonly Pooling[];
  /**
   * Override architecture hyperparameters from a JSON object that uses the reference implementation's own
   * names (a fixture's `model_config.json`, a HuggingFace `config.json`). Unknown or ill-typed keys are errors.
   */
  fromReferenceConfig(json: Readonly<Record<string, unknown>>, base: C): C;
  embeddingDim(cfg: C, pooling: Pooling): number;
  /**
   * One spectrogram in the front end's layout → the model inputs it is cut into, each already in the
   * graph's input layout with a leading batch dim of 1 (e.g. [1, T, 64]). An empty list means "too short
   * for this encoder" and is reported by the caller.
   */
  modelInputs(cfg: C, spectrogram: HostTensor<'float32'>): HostTensor<'float32'>[];
  /**
   * Build the embedding graph for one input value `x` (shape as produced by `modelInputs`, any batch).
   * Parameters are declared with their reference state-dict names (without `checkpoint.prefix`).
   * Returns the pooled embedding [B, embeddingDim], and optionally named extra heads the reference model
   * also computes (e.g. EfficientAT's AudioSet logits), which parity tests and `pneuma embed --head` use.
   */
  build(b: GraphBuilder, cfg: C, x: Value, opts: BuildOptions): { embedding: Value; heads?: Readonly<Record<string, Value>> };
  /** Input axes that may change size in an exported model (e.g. { 0: 'batch', 1: 'time' }). */
  dynamicAxes(cfg: C): Readonly<Record<number, string>>;
  readonly checkpoint: CheckpointLayout;
}
