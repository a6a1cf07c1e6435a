/**
 * The ONNX Runtime (web) backend: onnxruntime-web 1.30 with its WebAssembly CPU provider ('wasm') and its
 * WebGPU provider ('webgpu'). The only module that imports onnxruntime-web (loaded lazily, so a page pays for
 * the runtime only when it creates a session).
 *
 * Facts this relies on (shared/reference/deps.md §7, measured with onnxruntime-web 1.30.0 in Chromium 156):
 * - The runtime's glue (`ort-wasm-simd-threaded*.mjs`) and binary (`*.wasm`) are fetched at the first session
 *   from `env.wasm.wasmPaths`; a bundled page sets it to the folder it serves them from (`wasmPaths` below).
 * - The thread count (`env.wasm.numThreads`) is fixed when the runtime initialises, at the first session, and
 *   threads need a cross-origin-isolated page (COOP `same-origin` + COEP `require-corp`); without isolation
 *   ORT silently runs one thread. `runtimeInfo()` reports what was in force.
 * - A 'webgpu' session fails when `navigator.gpu` gives no adapter (headless Chromium with --disable-gpu),
 *   and ORT does not fall back by itself. As in the Node backend, the fallback is explicit: the adapter is
 *   asked for first, and a provider that cannot start hands over to the next one in
 *   `SessionOptions.executionProviders`, with the reason in `Session.fallbacks`.
 * - Outputs come back as copies out of the WebAssembly heap, so pre-allocated outputs are filled from them.
 */
import type * as Ort from 'onnxruntime-web';
import type { ExecutionProvider } from '../../onnx/opset.ts';
import type { TensorSpec } from '../../onnx/read.ts';
import {
  type ExecutionBackend, type ProviderFallback, type RunOptions, type Session, type SessionOptions,
  FeedError, ProviderUnavailableError, SessionCreateError, SessionRunError,
  checkFeeds, checkPreallocated, hostDType, ortElementType, ortTensorSpec, selectOutputs,
} from '../../runtime/index.ts';
import { type HostTensor, type TensorDType, tensor } from '../../tensor/index.ts';
import { fmtShape } from '../../util/index.ts';

export type OrtWebModule = typeof Ort;

const NAME = 'onnxruntime-web';

/** Providers of onnxruntime-web, by Pneuma's provider names ('cpu' is the Node CPU provider; here it is 'wasm'). */
const WEB_PROVIDERS: Partial<Record<ExecutionProvider, 'wasm' | 'webgpu'>> = { wasm: 'wasm', webgpu: 'webgpu' };

export interface OrtWebBackendOptions {
  /**
   * URL prefix (ending in '/') of the folder serving onnxruntime-web's `ort-wasm-simd-threaded*.{mjs,wasm}`.
   * Absent: the runtime's own default (next to its script), which a bundled page does not have.
   */
  readonly wasmPaths?: string;
  /**
   * WebAssembly threads for every session of the page: 0 lets the runtime choose. Fixed at the first session;
   * a later session asking for another count is a `SessionCreateError`.
   */
  readonly threads?: number;
  /** How the runtime is loaded (default: `import('onnxruntime-web')`). */
  readonly load?: () => Promise<OrtWebModule>;
}

/** What the runtime runs with, after its first session. */
export interface OrtWebRuntimeInfo {
  readonly version: string;
  /** Threads requested (0: the runtime's choice) and whether the page is cross-origin isolated. */
  readonly threadsRequested: number;
  readonly crossOriginIsolated: boolean;
  /** Threads in use: the request, or 1 when the page is not isolated (ORT's rule). */
  readonly threads: number;
}

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).trim();
}

function isolated(): boolean {
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}

/**
 * Whether WebGPU can start here: null when an adapter is offered, else the reason (no `navigator.gpu`, or
 * `requestAdapter()` gave none or failed).
 */
export async function webGpuUnavailableReason(): Promise<string | null> {
  const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator?.gpu;
  if (gpu === undefined) return 'navigator.gpu is absent (this browser or context has no WebGPU)';
  try {
    const adapter = await gpu.requestAdapter();
    return adapter ? null : 'navigator.gpu.requestAdapter() gave no adapter';
  } catch (e) {
    return `navigator.gpu.requestAdapter() failed: ${message(e)}`;
  }
}

async function defaultLoad(): Promise<OrtWebModule> {
  const m = await import('onnxruntime-web');
  const mod = ((m as { InferenceSession?: unknown }).InferenceSession ? m : (m as { default: unknown }).default) as OrtWebModule;
  if (typeof mod?.InferenceSession?.create !== 'function') throw new Error('onnxruntime-web did not export InferenceSession');
  return mod;
}

export class OrtWebBackend implements ExecutionBackend {
  readonly name = NAME;
  private loading: Promise<OrtWebModule> | undefined;
  /** Threads fixed at the first session (undefined before it). */
  private threadsFixed: number | undefined;

  constructor(private readonly opts: OrtWebBackendOptions = {}) {
    const t = opts.threads;
    if (t !== undefined && !(Number.isInteger(t) && t >= 0)) throw new SessionCreateError(NAME, `threads must be a non-negative integer, got ${t}`);
  }

  /** The runtime module, configured with `wasmPaths`; loaded once. */
  load(): Promise<OrtWebModule> {
    this.loading ??= (this.opts.load ?? defaultLoad)().then((ort) => {
      if (this.opts.wasmPaths !== undefined) ort.env.wasm.wasmPaths = this.opts.wasmPaths;
      return ort;
    });
    return this.loading;
  }

  async available(): Promise<boolean> {
    try {
      await this.load();
      return typeof WebAssembly === 'object';
    } catch {
      return false;
    }
  }

  /** The runtime's version and threads (threads: as requested until the first session has started it). */
  async runtimeInfo(): Promise<OrtWebRuntimeInfo> {
    const ort = await this.load();
    const requested = this.threadsFixed ?? this.opts.threads ?? 0;
    const effective = ort.env.wasm.numThreads;
    const threads = !isolated() ? 1 : typeof effective === 'number' && effective > 0 ? effective : requested;
    return { version: ort.env.versions.web ?? ort.env.versions.common, threadsRequested: requested, crossOriginIsolated: isolated(), threads };
  }

  private fixThreads(ort: OrtWebModule, asked: number | undefined): void {
    if (asked !== undefined && !(Number.isInteger(asked) && asked >= 0)) throw new SessionCreateError(NAME, `threads must be a non-negative integer, got ${asked}`);
    const want = asked ?? this.opts.threads ?? 0;
    if (this.threadsFixed === undefined) {
      ort.env.wasm.numThreads = want;
      this.threadsFixed = want;
    } else if (asked !== undefined && asked !== this.threadsFixed) {
      throw new SessionCreateError(NAME, `threads ${asked} asked for, but the WebAssembly runtime was started with ${this.threadsFixed} (fixed at the first session)`);
    }
  }

  async createSession(model: Uint8Array, opts: SessionOptions = {}): Promise<Session> {
    const ort = await this.load();
    const providers = opts.executionProviders ?? ['wasm'];
    if (providers.length === 0) throw new SessionCreateError(NAME, 'executionProviders is empty');
    for (const p of providers) {
      if (!WEB_PROVIDERS[p]) throw new ProviderUnavailableError(p, `onnxruntime-web has no '${p}' provider (it offers ${Object.keys(WEB_PROVIDERS).join(', ')})`);
    }
    this.fixThreads(ort, opts.threads);
    const base: Ort.InferenceSession.SessionOptions = {
      graphOptimizationLevel: opts.optimization ?? 'all',
      executionMode: 'sequential',
      logSeverityLevel: 3,
      ...(opts.externalData ? { externalData: opts.externalData.map((f) => ({ path: f.path, data: f.data })) } : {}),
    };
    const fallbacks: ProviderFallback[] = [];
    const fail = (p: ExecutionProvider, reason: string, cause?: unknown): ProviderUnavailableError | SessionCreateError => {
      const earlier = fallbacks.map((f) => ` (${f.from} failed first: ${f.reason})`).join('');
      const options = cause === undefined ? undefined : { cause };
      return p === 'wasm' ? new SessionCreateError(NAME, reason + earlier, options) : new ProviderUnavailableError(p, reason + earlier, options);
    };
    for (let i = 0; i < providers.length; i++) {
      const p = providers[i] as ExecutionProvider;
      const next = providers[i + 1];
      const unavailable = p === 'webgpu' ? await webGpuUnavailableReason() : null;
      if (unavailable !== null) {
        if (next === undefined) throw fail(p, unavailable);
        fallbacks.push({ from: p, to: next, reason: unavailable });
        continue;
      }
      try {
        const session = await ort.InferenceSession.create(model, { ...base, executionProviders: [WEB_PROVIDERS[p] as string] });
        return new OrtWebSession(ort, session, p, fallbacks);
      } catch (e) {
        if (next === undefined) throw fail(p, message(e), e);
        fallbacks.push({ from: p, to: next, reason: message(e) });
      }
    }
    throw new SessionCreateError(NAME, 'no execution provider was tried');
  }
}

/** Create the backend after checking that onnxruntime-web loads (a registry factory). */
export async function createOrtWebBackend(opts: OrtWebBackendOptions = {}): Promise<OrtWebBackend> {
  const b = new OrtWebBackend(opts);
  await b.load();
  return b;
}

/** A result's data as the host array type of `dtype` (float16 may arrive as a Float16Array: same bits). */
function hostData(dtype: TensorDType, data: unknown, name: string): HostTensor['data'] {
  if (dtype === 'float16' && ArrayBuffer.isView(data) && !(data instanceof Uint16Array)) {
    return new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2);
  }
  if (!ArrayBuffer.isView(data)) throw new SessionRunError(NAME, `output '${name}' did not come back as host data (is it on the GPU?)`);
  return data as HostTensor['data'];
}

class OrtWebSession implements Session {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  private released = false;

  constructor(
    private readonly ort: OrtWebModule,
    private readonly session: Ort.InferenceSession,
    readonly provider: ExecutionProvider,
    readonly fallbacks: readonly ProviderFallback[],
  ) {
    this.inputNames = [...session.inputNames];
    this.outputNames = [...session.outputNames];
    this.inputs = session.inputMetadata.map((m) => ortTensorSpec(NAME, m, 'input'));
    this.outputs = session.outputMetadata.map((m) => ortTensorSpec(NAME, m, 'output'));
  }

  private toOrt(t: HostTensor, what: string): Ort.Tensor {
    const type = ortElementType(t.dtype) as Ort.Tensor.Type | undefined;
    if (!type) throw new FeedError(`${what}: onnxruntime-web cannot take ${t.dtype} tensors`);
    return new this.ort.Tensor(type, t.data as Ort.Tensor.DataTypeMap[typeof type], t.shape);
  }

  async run(feeds: Readonly<Record<string, HostTensor>>, opts?: RunOptions): Promise<Record<string, HostTensor>> {
    if (this.released) throw new SessionRunError(NAME, 'session was released');
    const symbols = checkFeeds(this.inputs, feeds);
    const wanted = selectOutputs(this.outputs, opts);
    const pre = opts?.preallocated ?? {};
    for (const s of wanted) {
      const buf = pre[s.name];
      if (buf) checkPreallocated(s, buf, symbols);
    }
    const ortFeeds: Record<string, Ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = this.toOrt(t, `input '${name}'`);
    let results: Ort.InferenceSession.ReturnType;
    try {
      results = await this.session.run(ortFeeds, wanted.map((s) => s.name));
    } catch (e) {
      throw new SessionRunError(NAME, message(e), { cause: e });
    }
    const out: Record<string, HostTensor> = {};
    for (const s of wanted) {
      const r = results[s.name];
      if (!r) throw new SessionRunError(NAME, `output '${s.name}' missing from the results`);
      const dtype = hostDType(r.type);
      if (!dtype) throw new SessionRunError(NAME, `output '${s.name}' has element type ${r.type}`);
      const got = tensor(dtype, r.dims, hostData(dtype, r.data, s.name));
      const buf = pre[s.name];
      if (buf) {
        if (buf.dtype !== got.dtype || buf.data.length !== got.data.length) {
          throw new SessionRunError(NAME, `output '${s.name}' is ${got.dtype} ${fmtShape(got.shape)}, the pre-allocated buffer ${buf.dtype} ${fmtShape(buf.shape)}`);
        }
        (buf.data as { set(a: ArrayLike<unknown>): void }).set(got.data as ArrayLike<unknown>);
        out[s.name] = buf;
      } else {
        out[s.name] = got;
      }
    }
    return out;
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.session.release();
  }
}
