/**
 * What the demo page computes, free of DOM: an exported encoder (model/model.json + its ONNX file) loaded on
 * an injected backend, and for a mono recording at the front end's rate its spectrogram, its embedding and,
 * when the encoder has a class head, the top classes.
 *
 * The embedding is `RecordingEmbedder.embedRecording` over `EncoderModel.fromOnnx`: the code `pneuma embed`
 * runs, on the file `pneuma export` writes. Loading checks that the page's own config and hash agree with the
 * build's (`configHash`), so a page and a model from different versions refuse to run instead of drifting.
 * Class scores are the same pipeline with the head as the output (`pneuma embed --head logits`), through a
 * sigmoid (AudioSet is multi-label); both outputs come from one session of the file.
 */
import type { ExecutionProvider } from '../../src/onnx/opset.ts';
import type { ExecutionBackend, ProviderFallback, Session, SessionOptions } from '../../src/runtime/index.ts';
import { RESAMPLE_PRESETS } from '../../src/audio/resample.ts';
import { EncoderModel, RecordingEmbedder, resolveEncoder, resolveModelConfig, type ModelSpec, type WeightsSource } from '../../src/embed/index.ts';
import { parseCsv } from '../../src/data/csv.ts';
import type { HostTensor } from '../../src/tensor/index.ts';
import { Rng, canonicalJson, sha256Hex } from '../../src/util/index.ts';
import { DemoManifestError, type DemoModelManifest } from './manifest.ts';

/** A class of the head with its probability (sigmoid of the mean logit). */
export interface ClassScore {
  readonly index: number;
  readonly label: string;
  readonly probability: number;
}

export interface DemoResult {
  readonly embedding: Float32Array;
  /** Head scores (logits); null when the encoder has no class head, and then `top` is empty. */
  readonly logits: Float32Array | null;
  readonly top: readonly ClassScore[];
  /** The front end's spectrogram of the whole recording, in the front end's layout. */
  readonly spectrogram: HostTensor<'float32'>;
  readonly segments: number;
  readonly modelInputs: number;
  readonly durationS: number;
  /** Milliseconds: 'front end' (the picture), 'embedding' and 'classes' (each front end + model). */
  readonly timings: Readonly<Record<string, number>>;
}

/**
 * A backend that opens one runtime session per model: callers that open the same bytes (the same array) with
 * the same options share it, and it is released with its last holder. The embedding and the class head are
 * two outputs of one ONNX file, so they run on one session (creating a session costs far more than a run).
 * Records the provider and fallbacks of each session it opened.
 */
class SharedSessionBackend implements ExecutionBackend {
  readonly opened: { provider: ExecutionProvider; fallbacks: readonly ProviderFallback[] }[] = [];
  private readonly open = new Map<Uint8Array, { session: Session; key: string; holders: number }>();

  constructor(private readonly inner: ExecutionBackend) {}

  get name(): string {
    return this.inner.name;
  }

  available(): Promise<boolean> {
    return this.inner.available();
  }

  async createSession(model: Uint8Array, opts: SessionOptions = {}): Promise<Session> {
    const key = canonicalJson(opts);
    let entry = this.open.get(model);
    if (entry === undefined || entry.key !== key) {
      const session = await this.inner.createSession(model, opts);
      this.opened.push({ provider: session.provider, fallbacks: session.fallbacks });
      entry = { session, key, holders: 0 };
      this.open.set(model, entry);
    }
    entry.holders++;
    const shared = entry;
    let released = false;
    const s = shared.session;
    return {
      inputNames: s.inputNames,
      outputNames: s.outputNames,
      inputs: s.inputs,
      outputs: s.outputs,
      provider: s.provider,
      fallbacks: s.fallbacks,
      run: (feeds, runOpts) => s.run(feeds, runOpts),
      release: async () => {
        if (released) return;
        released = true;
        if (--shared.holders === 0) {
          if (this.open.get(model) === shared) this.open.delete(model);
          await s.release();
        }
      },
    };
  }
}

export interface DemoPipelineOptions {
  readonly backend: ExecutionBackend;
  /** Providers in order of preference; later ones are explicit fallbacks. */
  readonly providers: readonly ExecutionProvider[];
  /** Milliseconds clock (default `performance.now`). */
  readonly now?: () => number;
}

/** The top `k` classes by probability (ties: lower index first). */
export function topClasses(logits: Float32Array, labels: readonly string[], k: number): ClassScore[] {
  const scores = Array.from(logits, (z, index) => ({ index, label: labels[index] ?? `class ${index}`, probability: 1 / (1 + Math.exp(-z)) }));
  scores.sort((a, b) => b.probability - a.probability || a.index - b.index);
  return scores.slice(0, k);
}

/** Class names by index from an `index,mid,display_name` CSV (AudioSet's class_labels_indices.csv). */
export function parseClassLabels(csv: string, file: string, classes: number): string[] {
  const t = parseCsv(csv, file, { required: ['index', 'display_name'] });
  const labels = new Array<string>(classes);
  for (const r of t.rows) {
    const i = Number(r['index']);
    if (!Number.isInteger(i) || i < 0 || i >= classes) throw new DemoManifestError(`${file}: index ${r['index']} is outside 0..${classes - 1}`);
    labels[i] = r['display_name'] as string;
  }
  for (let i = 0; i < classes; i++) if (labels[i] === undefined) throw new DemoManifestError(`${file}: no label for class ${i}`);
  return labels;
}

export class DemoPipeline {
  private constructor(
    readonly manifest: DemoModelManifest,
    readonly embedder: RecordingEmbedder,
    private readonly classifier: RecordingEmbedder | null,
    private readonly labels: readonly string[],
    /** Provider and fallbacks of the embedding session. */
    readonly provider: ExecutionProvider,
    readonly fallbacks: readonly ProviderFallback[],
    private readonly now: () => number,
  ) {}

  /** Check the manifest against this build's encoder code, then open the sessions. */
  static async load(manifest: DemoModelManifest, onnx: Uint8Array, labelsCsv: string | null, opts: DemoPipelineOptions): Promise<DemoPipeline> {
    const def = resolveEncoder(manifest.encoder);
    const cfg = resolveModelConfig(def);
    if (canonicalJson(cfg) !== canonicalJson(manifest.modelConfig)) throw new DemoManifestError(`modelConfig differs from the ${def.id} preset of this page's code; rebuild the demo`);
    const sha = sha256Hex(onnx);
    if (sha !== manifest.onnxSha256) throw new DemoManifestError(`${manifest.onnx} has sha256 ${sha}, the manifest says ${manifest.onnxSha256}`);
    const kernel = RESAMPLE_PRESETS[manifest.resample.quality];
    if (kernel === undefined || canonicalJson(kernel) !== canonicalJson(manifest.resample.kernel)) {
      throw new DemoManifestError(`resample ${canonicalJson(manifest.resample)} is not this page's '${manifest.resample.quality}' kernel`);
    }
    const weights: WeightsSource = { kind: 'file', file: manifest.weights.file, sha256: manifest.weights.sha256 };
    const backend = new SharedSessionBackend(opts.backend);
    const session = { executionProviders: opts.providers };
    const spec: ModelSpec = { def, cfg, pooling: manifest.pooling, output: 'embedding' };
    const model = await EncoderModel.fromOnnx(spec, onnx, { backend, session });
    const embedder = new RecordingEmbedder(model, weights, { resample: manifest.resample });
    if (embedder.configHash !== manifest.configHash) {
      await embedder.release();
      throw new DemoManifestError(`config hash ${manifest.configHash} of the build differs from this page's ${embedder.configHash}; rebuild the demo`);
    }
    let classifier: RecordingEmbedder | null = null;
    let labels: string[] = [];
    if (manifest.classes !== null) {
      if (labelsCsv === null) throw new DemoManifestError(`the class labels ${manifest.classes.labels} were not given`);
      const head = await EncoderModel.fromOnnx({ ...spec, output: manifest.classes.head }, onnx, { backend, session });
      classifier = new RecordingEmbedder(head, weights, { resample: manifest.resample });
      labels = parseClassLabels(labelsCsv, manifest.classes.labels, head.dim);
    }
    const first = backend.opened[0];
    if (first === undefined) throw new DemoManifestError('no session was created');
    return new DemoPipeline(manifest, embedder, classifier, labels, first.provider, first.fallbacks, opts.now ?? (() => performance.now()));
  }

  get sampleRate(): number {
    return this.embedder.sampleRate;
  }

  /** Spectrogram, embedding and top `k` classes of mono samples at `sampleRate` (the front end's rate). */
  async analyse(samples: Float32Array, sampleRate: number, k: number): Promise<DemoResult> {
    const timings: Record<string, number> = {};
    let t = this.now();
    const lap = (name: string): void => {
      const n = this.now();
      timings[name] = n - t;
      t = n;
    };
    const spectrogram = this.embedder.spectrogram(samples, sampleRate);
    lap('front end');
    const e = await this.embedder.embedRecording(samples, sampleRate);
    lap('embedding');
    let logits: Float32Array | null = null;
    if (this.classifier) {
      logits = (await this.classifier.embedRecording(samples, sampleRate)).embedding;
      lap('classes');
    }
    return {
      embedding: e.embedding,
      logits,
      top: logits ? topClasses(logits, this.labels, k) : [],
      spectrogram,
      segments: e.segments,
      modelInputs: e.modelInputs,
      durationS: e.durationS,
      timings,
    };
  }

  /**
   * One run on a second of quiet seeded noise, so that the first recording's timings do not include the
   * JavaScript compiler's and the runtime's first-run work; returns its milliseconds.
   */
  async warmUp(): Promise<number> {
    const rng = Rng.seeded(0);
    const x = Float32Array.from({ length: this.sampleRate }, () => 0.01 * rng.normal());
    const t = this.now();
    await this.analyse(x, this.sampleRate, 1);
    return this.now() - t;
  }

  async release(): Promise<void> {
    await this.embedder.release();
    await this.classifier?.release();
  }
}
