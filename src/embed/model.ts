/**
 * A compiled encoder: def + architecture config + weights + pooling → one ONNX model (input `x` with the
 * encoder's dynamic axes, outputs `embedding` and every head) → one session from an injected
 * `ExecutionBackend`, reused for every input size the dynamic axes allow.
 *
 * `embedSpectrogram(spec)` is the encoder contract's stages 3–4: `modelInputs(cfg, spec)` cuts the
 * spectrogram into model inputs, each is run, and the selected output's rows are averaged (float64
 * accumulation, one rounding to float32; a single input is returned bit for bit).
 *
 * The graph is built for a model input made by `modelInputs` from a `MODEL_EXAMPLE_FRAMES`-frame
 * spectrogram. `pneuma export` builds the same graph with the same weights, so an exported file computes
 * exactly what `pneuma embed` computes for each model input.
 */
import type { Graph } from '../ir/index.ts';
import { toOnnx, type EncodedWithExternalData, type ExternalDataOptions } from '../onnx/index.ts';
import type { ExecutionBackend, Session, SessionOptions } from '../runtime/index.ts';
import { type HostTensor, tensor } from '../tensor/index.ts';
import { type Shape, fmtShape } from '../util/index.ts';
import { ENCODER_EMBEDDING, ENCODER_INPUT, buildEncoderGraph, encoderDynamicAxes } from '../encoders/encoder-graph.ts';
import { exampleInputShape } from '../encoders/example-input.ts';
import type { AnyEncoderDef } from '../encoders/registry.ts';
import type { Pooling } from '../encoders/types.ts';
import { EmbedConfigError, EmbedInputError, TooShortError } from './errors.ts';

/** Frames of the spectrogram whose first model input fixes the graph's example shape. */
export const MODEL_EXAMPLE_FRAMES = 256;

/** What is computed: an encoder at a config, with a token pooling, writing one of its graph outputs. */
export interface ModelSpec {
  readonly def: AnyEncoderDef;
  readonly cfg: unknown;
  readonly pooling: Pooling;
  /** `'embedding'` or the name of a head the encoder's `build` returns (e.g. EfficientAT's 'logits'). */
  readonly output: string;
}

export interface EncoderGraph {
  readonly graph: Graph;
  /** Size of the selected output's last axis. */
  readonly dim: number;
  /** Every output of the graph with its shape at the example input. */
  readonly outputs: readonly { readonly name: string; readonly shape: Shape }[];
  readonly inputShape: Shape;
  readonly dynamicAxes: Readonly<Record<number, string>>;
}

/** Build the encoder graph for `spec` at the example input shape; checks the pooling and the output name. */
export function encoderGraph(spec: ModelSpec): EncoderGraph {
  const { def, cfg, pooling, output } = spec;
  if (!def.poolings.includes(pooling)) {
    throw new EmbedConfigError(`${def.id}: pooling '${pooling}' is not offered; this encoder offers ${def.poolings.map((p) => `'${p}'`).join(', ')}`);
  }
  const inputShape = exampleInputShape(def, cfg, MODEL_EXAMPLE_FRAMES);
  const graph = buildEncoderGraph(def, cfg, inputShape, { mode: 'eval', pooling });
  const outputs = graph.outputs.map((o) => ({ name: o.name, shape: o.value.shape }));
  const selected = outputs.find((o) => o.name === output);
  if (!selected) {
    throw new EmbedConfigError(`${def.id}: no graph output '${output}'; outputs: ${outputs.map((o) => `'${o.name}' ${fmtShape(o.shape)}`).join(', ')}`);
  }
  if (selected.shape.length !== 2) {
    throw new EmbedConfigError(`${def.id}: output '${output}' is ${fmtShape(selected.shape)}; only [batch, dim] outputs can be written as rows`);
  }
  return { graph, dim: selected.shape[1] as number, outputs, inputShape, dynamicAxes: def.dynamicAxes(cfg) };
}

/** The declared parameters' weights only (a checkpoint bound for the default pooling may hold more). */
function graphWeights(graph: Graph, weights: ReadonlyMap<string, HostTensor>): Map<string, HostTensor> {
  const out = new Map<string, HostTensor>();
  for (const p of graph.params) {
    const w = weights.get(p.params.name);
    if (w) out.set(p.params.name, w);
  }
  return out;
}

export interface OnnxOptions {
  /** Model metadata_props (see `exportMetadata`). */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Store initializers of at least `threshold` bytes in a separate blob. */
  readonly externalData?: ExternalDataOptions;
}

/** The encoder as self-contained ONNX bytes (or model + external data blob). */
export function encoderOnnx(g: EncoderGraph, def: AnyEncoderDef, cfg: unknown, weights: ReadonlyMap<string, HostTensor>, opts: OnnxOptions & { externalData: ExternalDataOptions }): EncodedWithExternalData;
export function encoderOnnx(g: EncoderGraph, def: AnyEncoderDef, cfg: unknown, weights: ReadonlyMap<string, HostTensor>, opts?: OnnxOptions & { externalData?: undefined }): Uint8Array;
export function encoderOnnx(g: EncoderGraph, def: AnyEncoderDef, cfg: unknown, weights: ReadonlyMap<string, HostTensor>, opts: OnnxOptions = {}): Uint8Array | EncodedWithExternalData {
  const base = { name: def.id, weights: graphWeights(g.graph, weights), dynamicAxes: encoderDynamicAxes(def, cfg), metadata: opts.metadata ?? {} };
  return opts.externalData ? toOnnx(g.graph, { ...base, externalData: opts.externalData }) : toOnnx(g.graph, base);
}

export interface CompileOptions {
  readonly backend: ExecutionBackend;
  readonly session?: Omit<SessionOptions, 'externalData'>;
  /**
   * Model inputs of one shape are run together, up to this many per call, when the encoder's batch axis
   * (axis 0) is dynamic (also across the segments of a recording). Default 1: one input per call, the
   * reference's batch size.
   */
  readonly batch?: number;
  /** The model's metadata_props, from the graph built for it (e.g. `exportMetadata`). */
  readonly metadata?: (g: EncoderGraph) => Readonly<Record<string, string>>;
}

export interface SpectrogramEmbedding {
  readonly embedding: Float32Array;
  /** Model inputs `modelInputs` made of the spectrogram. */
  readonly inputs: number;
}

/** One encoder session; `release()` frees it. */
export class EncoderModel {
  private released = false;

  private constructor(
    readonly spec: ModelSpec,
    readonly dim: number,
    readonly inputShape: Shape,
    readonly dynamicAxes: Readonly<Record<number, string>>,
    private readonly session: Session,
    /** Model inputs run per call at most (1 when the batch axis is fixed). */
    readonly batch: number,
  ) {}

  static async compile(spec: ModelSpec, weights: ReadonlyMap<string, HostTensor>, opts: CompileOptions): Promise<EncoderModel> {
    const batch = checkBatch(opts.batch);
    const g = encoderGraph(spec);
    const bytes = encoderOnnx(g, spec.def, spec.cfg, weights, opts.metadata ? { metadata: opts.metadata(g) } : {});
    const session = await opts.backend.createSession(bytes, opts.session ?? {});
    const canBatch = g.dynamicAxes[0] !== undefined;
    return new EncoderModel(spec, g.dim, g.inputShape, g.dynamicAxes, session, canBatch ? batch : 1);
  }

  /**
   * A model over ONNX bytes that `encoderOnnx` made for `spec` earlier (`pneuma export`, or a build step for
   * a page that loads no checkpoint): the session must declare the input and every output of the graph
   * `spec` builds, at the same ranks; a file made for another encoder or config is an `EmbedConfigError`.
   */
  static async fromOnnx(spec: ModelSpec, model: Uint8Array, opts: Omit<CompileOptions, 'metadata'>): Promise<EncoderModel> {
    const batch = checkBatch(opts.batch);
    const g = encoderGraph(spec);
    const session = await opts.backend.createSession(model, opts.session ?? {});
    const declared = [
      { name: ENCODER_INPUT, rank: g.inputShape.length, specs: session.inputs, what: 'input' },
      ...g.outputs.map((o) => ({ name: o.name, rank: o.shape.length, specs: session.outputs, what: 'output' })),
    ];
    for (const d of declared) {
      const got = d.specs.find((s) => s.name === d.name);
      if (got === undefined || got.shape.length !== d.rank || got.dtype !== 'float32') {
        await session.release();
        const found = got ? `${got.dtype} of rank ${got.shape.length}` : 'absent';
        throw new EmbedConfigError(`${spec.def.id}: the ONNX model does not fit the encoder: ${d.what} '${d.name}' should be float32 of rank ${d.rank}, it is ${found}`);
      }
    }
    const canBatch = g.dynamicAxes[0] !== undefined;
    return new EncoderModel(spec, g.dim, g.inputShape, g.dynamicAxes, session, canBatch ? batch : 1);
  }

  get id(): string {
    return this.spec.def.id;
  }

  private checkInput(t: HostTensor<'float32'>): void {
    const want = this.inputShape;
    const ok = t.shape.length === want.length && want.every((d, i) => this.dynamicAxes[i] !== undefined || t.shape[i] === d);
    if (!ok) {
      const fixed = want.map((d, i) => (this.dynamicAxes[i] !== undefined ? this.dynamicAxes[i] : d)).join(', ');
      throw new EmbedInputError(this.id, `model input ${fmtShape(t.shape)} does not fit the compiled input [${fixed}]`);
    }
  }

  /** The selected output's row for each model input (each input has batch 1). */
  async runInputs(inputs: readonly HostTensor<'float32'>[]): Promise<Float32Array[]> {
    if (this.released) throw new EmbedInputError(this.id, 'the model was released');
    const rows: Float32Array[] = [];
    let i = 0;
    while (i < inputs.length) {
      const first = inputs[i] as HostTensor<'float32'>;
      this.checkInput(first);
      if (first.shape[0] !== 1) throw new EmbedInputError(this.id, `modelInputs must give batch-1 inputs, got ${fmtShape(first.shape)}`);
      const key = first.shape.join();
      let j = i + 1;
      while (j < inputs.length && j - i < this.batch && (inputs[j] as HostTensor).shape.join() === key) j++;
      const n = j - i;
      let feed = first;
      if (n > 1) {
        const size = first.data.length;
        const data = new Float32Array(n * size);
        for (let k = 0; k < n; k++) data.set((inputs[i + k] as HostTensor<'float32'>).data, k * size);
        feed = tensor('float32', [n, ...first.shape.slice(1)], data);
      }
      const out = (await this.session.run({ [ENCODER_INPUT]: feed }, { outputs: [this.spec.output] }))[this.spec.output];
      if (!out || out.dtype !== 'float32' || out.shape.length !== 2 || out.shape[0] !== n || out.shape[1] !== this.dim) {
        throw new EmbedInputError(this.id, `output '${this.spec.output}' came back as ${out ? `${out.dtype} ${fmtShape(out.shape)}` : 'nothing'}, expected float32 [${n}, ${this.dim}]`);
      }
      const data = out.data as Float32Array;
      for (let k = 0; k < n; k++) rows.push(data.slice(k * this.dim, (k + 1) * this.dim));
      i = j;
    }
    return rows;
  }

  /** The encoder's `modelInputs` for a spectrogram in the front end's layout (empty: too short). */
  modelInputs(spec: HostTensor<'float32'>): HostTensor<'float32'>[] {
    return this.spec.def.modelInputs(this.spec.cfg, spec);
  }

  /** `modelInputs` → run → mean. Throws `TooShortError` when the spectrogram gives no model input. */
  async embedSpectrogram(spec: HostTensor<'float32'>): Promise<SpectrogramEmbedding> {
    const inputs = this.modelInputs(spec);
    if (inputs.length === 0) throw new TooShortError(this.id, `a spectrogram ${fmtShape(spec.shape)} gives no model input`);
    return { embedding: meanRows(await this.runInputs(inputs)), inputs: inputs.length };
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.session.release();
  }
}

function checkBatch(batch: number | undefined): number {
  const b = batch ?? 1;
  if (!Number.isInteger(b) || b < 1) throw new EmbedConfigError(`batch must be a positive integer, got ${b}`);
  return b;
}

/**
 * Running elementwise mean of equal-length rows: float64 sums in the order the rows are added, divided once
 * and rounded to float32; a single row is returned as is.
 */
export class RowMean {
  private sum: Float64Array | null = null;
  private first: Float32Array | null = null;
  count = 0;

  add(row: Float32Array): void {
    if (this.first === null) {
      this.first = row;
      this.sum = Float64Array.from(row);
    } else {
      const sum = this.sum as Float64Array;
      if (row.length !== sum.length) throw new EmbedInputError('embed', `rows of ${sum.length} and ${row.length} values cannot be averaged`);
      for (let k = 0; k < row.length; k++) sum[k] = (sum[k] as number) + (row[k] as number);
    }
    this.count++;
  }

  result(): Float32Array {
    if (this.first === null || this.sum === null) throw new EmbedInputError('embed', 'mean of no rows');
    if (this.count === 1) return this.first;
    const out = new Float32Array(this.sum.length);
    for (let k = 0; k < out.length; k++) out[k] = (this.sum[k] as number) / this.count;
    return out;
  }
}

/** Elementwise mean of equal-length rows (`RowMean`). */
export function meanRows(rows: readonly Float32Array[]): Float32Array {
  const m = new RowMean();
  for (const r of rows) m.add(r);
  return m.result();
}

export { ENCODER_EMBEDDING, ENCODER_INPUT };
