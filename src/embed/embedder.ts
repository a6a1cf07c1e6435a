/**
 * Recording → embedding for any registered encoder (the encoder contract end to end):
 *
 *   mono samples at the front end's rate (resampling is the caller's job: `loadMono`)
 *     → `InputPolicy` → audio segments (./segment.ts)
 *     → front end → one spectrogram per segment
 *     → `modelInputs` → model → mean over the segment's model inputs (./model.ts)
 *     → mean over the segments that gave at least one model input.
 * `embedStream` does the same for a recording that arrives in blocks, under a 'windows' policy.
 *
 * A segment whose spectrogram is too short for the encoder (no model input) is skipped and counted; when
 * every segment is skipped the recording fails with `TooShortError`. The input policy can be overridden
 * per call (OPERA's per-task rules), and `configHashFor` reflects the override.
 */
import { createFrontEnd, type FrontEnd } from '../audio/frontend.ts';
import type { EmbedOptions, Embedder } from '../bench/embedder.ts';
import type { InputPolicy } from '../encoders/types.ts';
import { asFloat32, type HostTensor, tensor } from '../tensor/index.ts';
import { fmtShape } from '../util/index.ts';
import { embedConfigHash, type EmbedRunConfig, type WeightsSource } from './config-hash.ts';
import { EmbedInputError, TooShortError } from './errors.ts';
import { RowMean, meanRows, type EncoderModel, type ModelSpec, type SpectrogramEmbedding } from './model.ts';
import { applyInputPolicy } from './segment.ts';
import { WindowStream } from './window-stream.ts';
import { taskInputPolicy } from './task-input.ts';

export interface RecordingOptions extends EmbedOptions {
  /** An explicit policy; it takes precedence over `inputs`. */
  readonly input?: InputPolicy;
}

export interface RecordingEmbedding {
  readonly embedding: Float32Array;
  /** Segments the input policy made of the recording. */
  readonly segments: number;
  /** Segments that gave at least one model input (the others were too short for the encoder). */
  readonly segmentsUsed: number;
  /** Model inputs run, over all segments. */
  readonly modelInputs: number;
  /** Length of the recording in seconds (before trimming). */
  readonly durationS: number;
}

/**
 * What a run of `spec` with `weights` under `input` computes (see ./config-hash.ts); `resample` is how the
 * caller resamples audio to the front end's rate (null if undeclared).
 */
export function embedRunConfig(spec: ModelSpec, weights: WeightsSource, input: InputPolicy | 'spectrogram', resample: unknown = null): EmbedRunConfig {
  const { def, cfg, pooling, output } = spec;
  const audio = input !== 'spectrogram';
  return { encoder: def.id, modelConfig: cfg, weights, resample: audio ? resample : null, frontEnd: audio ? def.frontEnd : null, input, pooling, output };
}

export interface RecordingEmbedderOptions {
  /** How callers resample audio to `sampleRate` (e.g. `{ quality: 'hq' }`), recorded in the config hash. */
  readonly resample?: unknown;
}

export class RecordingEmbedder implements Embedder {
  readonly id: string;
  readonly dim: number;
  readonly sampleRate: number;
  readonly configHash: string;
  private readonly frontEnd: FrontEnd;

  readonly resample: unknown;

  constructor(
    readonly model: EncoderModel,
    readonly weights: WeightsSource,
    opts: RecordingEmbedderOptions = {},
  ) {
    this.resample = opts.resample ?? null;
    const def = model.spec.def;
    this.id = def.id;
    this.dim = model.dim;
    this.sampleRate = def.frontEnd.sampleRate;
    this.frontEnd = createFrontEnd(def.frontEnd);
    this.configHash = embedConfigHash(this.runConfig(def.input));
  }

  /** The hashed description of a run of this embedder under `input`. */
  runConfig(input: InputPolicy | 'spectrogram'): EmbedRunConfig {
    return embedRunConfig(this.model.spec, this.weights, input, this.resample);
  }

  /** The policy a call uses: `opts.input`, else the task's rule for this encoder, else the default. */
  policyFor(opts: RecordingOptions = {}): InputPolicy {
    if (opts.input) return opts.input;
    if (opts.inputs) return taskInputPolicy(this.model.spec.def.id, opts.inputs) ?? this.model.spec.def.input;
    return this.model.spec.def.input;
  }

  configHashFor(opts: RecordingOptions = {}): string {
    return embedConfigHash(this.runConfig(this.policyFor(opts)));
  }

  private checkRate(sampleRate: number): void {
    if (sampleRate !== this.sampleRate) {
      throw new EmbedInputError(this.id, `expects ${this.sampleRate} Hz audio, got ${sampleRate} Hz (resample first, e.g. loadMono(path, ${this.sampleRate}))`);
    }
  }

  async embedRecording(samples: Float32Array, sampleRate: number, opts: RecordingOptions = {}): Promise<RecordingEmbedding> {
    this.checkRate(sampleRate);
    const segments = applyInputPolicy(this.policyFor(opts), samples, sampleRate, this.id);
    const acc = new SegmentAccumulator(this);
    for (let k = 0; k < segments.count; k++) await acc.add(segments.segment(k), sampleRate);
    return await acc.finish(samples.length / sampleRate);
  }

  /**
   * A recording that arrives in blocks (mono, `sampleRate` Hz), under a 'windows' policy: windows are embedded
   * as they complete, so memory stays bounded by one window and one block however long the recording is.
   * Gives exactly `embedRecording` of the concatenated blocks.
   */
  async embedStream(blocks: AsyncIterable<Float32Array> | Iterable<Float32Array>, sampleRate: number, opts: RecordingOptions = {}): Promise<RecordingEmbedding> {
    this.checkRate(sampleRate);
    const policy = this.policyFor(opts);
    if (policy.kind !== 'windows') throw new EmbedInputError(this.id, `a recording can be embedded as a stream under a 'windows' input policy only, not '${policy.kind}'`);
    const stream = new WindowStream(policy, sampleRate, this.id);
    const acc = new SegmentAccumulator(this);
    for await (const block of blocks) for (const w of stream.push(block)) await acc.add(w, sampleRate);
    const n = stream.received;
    if (n === 0) throw new TooShortError(this.id, 'the recording has no samples');
    for (const w of stream.end()) await acc.add(w, sampleRate);
    return await acc.finish(n / sampleRate);
  }

  /** The front end's spectrogram of one segment. */
  spectrogram(segment: Float32Array, sampleRate: number): HostTensor<'float32'> {
    return this.frontEnd.compute(segment, sampleRate);
  }

  async embed(samples: Float32Array, sampleRate: number, opts?: RecordingOptions): Promise<Float32Array> {
    return (await this.embedRecording(samples, sampleRate, opts)).embedding;
  }

  /** A precomputed spectrogram in the front end's layout (leading axes of size 1 are dropped) → its embedding. */
  async embedSpectrogram(spec: HostTensor): Promise<SpectrogramEmbedding> {
    return this.model.embedSpectrogram(toSpectrogramLayout(spec, this.id));
  }

  async release(): Promise<void> {
    await this.model.release();
  }
}

/**
 * Mean over the segments that give a model input, with the counts the index reports. Model inputs of
 * consecutive segments are run together up to the model's batch size; each segment's rows are averaged
 * first, then the segment vectors in segment order.
 */
class SegmentAccumulator {
  private readonly mean = new RowMean();
  private pending: HostTensor<'float32'>[][] = [];
  private pendingInputs = 0;
  private segments = 0;
  private modelInputs = 0;
  private shortest = '';

  constructor(private readonly embedder: RecordingEmbedder) {}

  async add(segment: Float32Array, sampleRate: number): Promise<void> {
    this.segments++;
    const spec = this.embedder.spectrogram(segment, sampleRate);
    const inputs = this.embedder.model.modelInputs(spec);
    if (inputs.length === 0) {
      this.shortest = fmtShape(spec.shape);
      return;
    }
    this.pending.push(inputs);
    this.pendingInputs += inputs.length;
    if (this.pendingInputs >= this.embedder.model.batch) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const rows = await this.embedder.model.runInputs(this.pending.flat());
    let k = 0;
    for (const inputs of this.pending) {
      this.mean.add(meanRows(rows.slice(k, k + inputs.length)));
      k += inputs.length;
    }
    this.modelInputs += rows.length;
    this.pending = [];
    this.pendingInputs = 0;
  }

  async finish(durationS: number): Promise<RecordingEmbedding> {
    await this.flush();
    if (this.mean.count === 0) {
      throw new TooShortError(this.embedder.id, `none of the ${this.segments} segment(s) gives a model input (spectrogram ${this.shortest}); the recording lasts ${durationS.toFixed(3)} s`);
    }
    return { embedding: this.mean.result(), segments: this.segments, segmentsUsed: this.mean.count, modelInputs: this.modelInputs, durationS };
  }
}

/** A float spectrogram as [rows, columns]: float32, leading axes of size 1 dropped ([1, T, 64] → [T, 64]). */
export function toSpectrogramLayout(t: HostTensor, encoder: string): HostTensor<'float32'> {
  if (t.dtype !== 'float32' && t.dtype !== 'float64') throw new EmbedInputError(encoder, `a spectrogram must be float32 or float64, got ${t.dtype}`);
  let shape = [...t.shape];
  while (shape.length > 2 && shape[0] === 1) shape = shape.slice(1);
  if (shape.length !== 2) throw new EmbedInputError(encoder, `a spectrogram must be 2-D (leading axes of size 1 allowed), got ${fmtShape(t.shape)}`);
  const data = asFloat32(t).data;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i] as number)) throw new EmbedInputError(encoder, `spectrogram value ${i} is ${data[i]}`);
  }
  return tensor('float32', shape, data);
}
