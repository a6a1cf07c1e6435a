/**
 * The ONNX Runtime (Node) backend: onnxruntime-node 1.30 with its bundled CPU and WebGPU execution
 * providers. The only module that imports onnxruntime-node (loaded lazily, so importing the Node
 * platform barrel stays cheap).
 *
 * Facts this relies on (shared/reference/deps.md §6, measured with onnxruntime-node 1.30.0):
 * - ORT does not fall back from a provider that fails to start (`['webgpu','cpu']` fails when WebGPU
 *   has no adapter), so the fallback is done here, explicitly, and reported in `Session.fallbacks`.
 * - Pre-allocated outputs are written into the caller's buffer, but ORT's result tensor is a copy;
 *   this backend returns the caller's tensors for pre-allocated outputs.
 * - Host tensors are wrapped without copies: float32 as Float32Array, int64 as BigInt64Array,
 *   bool as Uint8Array.
 */
import type * as Ort from 'onnxruntime-node';
import type { ExecutionProvider } from '../../onnx/opset.ts';
import type { TensorSpec } from '../../onnx/read.ts';
import {
  type ExecutionBackend, type ProviderFallback, type RunOptions, type Session, type SessionOptions,
  FeedError, ProviderUnavailableError, SessionCreateError, SessionRunError,
  checkFeeds, checkPreallocated, hostDType, ortElementType, ortTensorSpec, selectOutputs,
} from '../../runtime/index.ts';
import { type HostTensor, tensor } from '../../tensor/index.ts';

type OrtModule = typeof Ort;

let loading: Promise<OrtModule> | undefined;

/** Load onnxruntime-node once; rejects with the loader's reason when the native binding is absent. */
export function loadOrt(): Promise<OrtModule> {
  loading ??= import('onnxruntime-node').then((m) => {
    const mod = ((m as { InferenceSession?: unknown }).InferenceSession ? m : (m as { default: unknown }).default) as OrtModule;
    if (typeof mod?.InferenceSession?.create !== 'function') throw new Error('onnxruntime-node did not export InferenceSession');
    return mod;
  });
  return loading;
}

/** Providers of onnxruntime-node, by Pneuma's provider names. */
const NODE_PROVIDERS: Partial<Record<ExecutionProvider, string>> = { cpu: 'cpu', webgpu: 'webgpu' };

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).trim();
}

export class OrtNodeBackend implements ExecutionBackend {
  readonly name = 'onnxruntime-node';

  async available(): Promise<boolean> {
    try {
      await loadOrt();
      return true;
    } catch {
      return false;
    }
  }

  async createSession(model: Uint8Array, opts: SessionOptions = {}): Promise<Session> {
    const ort = await loadOrt();
    const providers = opts.executionProviders ?? ['cpu'];
    if (providers.length === 0) throw new SessionCreateError(this.name, 'executionProviders is empty');
    for (const p of providers) {
      if (!NODE_PROVIDERS[p]) throw new ProviderUnavailableError(p, `onnxruntime-node has no '${p}' provider (it offers ${Object.keys(NODE_PROVIDERS).join(', ')})`);
    }
    if (opts.threads !== undefined && !(Number.isInteger(opts.threads) && opts.threads >= 0)) {
      throw new SessionCreateError(this.name, `threads must be a non-negative integer, got ${opts.threads}`);
    }
    const base: Ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: opts.threads ?? 0,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: opts.optimization ?? 'all',
      logSeverityLevel: 3,
      ...(opts.externalData ? { externalData: opts.externalData.map((f) => ({ path: f.path, data: f.data })) } : {}),
    };
    const fallbacks: ProviderFallback[] = [];
    for (let i = 0; i < providers.length; i++) {
      const p = providers[i] as ExecutionProvider;
      try {
        const session = await ort.InferenceSession.create(model, { ...base, executionProviders: [NODE_PROVIDERS[p] as string] });
        return new OrtSession(ort, session, p, fallbacks);
      } catch (e) {
        const next = providers[i + 1];
        if (next !== undefined) {
          fallbacks.push({ from: p, to: next, reason: message(e) });
          continue;
        }
        const earlier = fallbacks.map((f) => ` (${f.from} failed first: ${f.reason})`).join('');
        if (p !== 'cpu') throw new ProviderUnavailableError(p, message(e) + earlier, { cause: e });
        throw new SessionCreateError(this.name, message(e) + earlier, { cause: e });
      }
    }
    throw new SessionCreateError(this.name, 'no execution provider was tried');
  }
}

/** Create the backend after checking that onnxruntime-node loads (a registry factory). */
export async function createOrtNodeBackend(): Promise<OrtNodeBackend> {
  await loadOrt();
  return new OrtNodeBackend();
}

class OrtSession implements Session {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  private released = false;

  constructor(
    private readonly ort: OrtModule,
    private readonly session: Ort.InferenceSession,
    readonly provider: ExecutionProvider,
    readonly fallbacks: readonly ProviderFallback[],
  ) {
    this.inputNames = [...session.inputNames];
    this.outputNames = [...session.outputNames];
    this.inputs = session.inputMetadata.map((m) => ortTensorSpec('onnxruntime-node', m, 'input'));
    this.outputs = session.outputMetadata.map((m) => ortTensorSpec('onnxruntime-node', m, 'output'));
  }

  private toOrt(t: HostTensor, what: string): Ort.Tensor {
    const type = ortElementType(t.dtype) as Ort.Tensor.Type | undefined;
    if (!type) throw new FeedError(`${what}: onnxruntime-node cannot take ${t.dtype} tensors`);
    return new this.ort.Tensor(type, t.data as Ort.Tensor.DataTypeMap[typeof type], t.shape);
  }

  async run(feeds: Readonly<Record<string, HostTensor>>, opts?: RunOptions): Promise<Record<string, HostTensor>> {
    if (this.released) throw new SessionRunError('onnxruntime-node', 'session was released');
    const symbols = checkFeeds(this.inputs, feeds);
    const wanted = selectOutputs(this.outputs, opts);
    const ortFeeds: Record<string, Ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = this.toOrt(t, `input '${name}'`);
    const pre = opts?.preallocated ?? {};
    const fetches: Record<string, Ort.Tensor | null> = {};
    for (const s of wanted) {
      const buf = pre[s.name];
      if (buf) checkPreallocated(s, buf, symbols);
      fetches[s.name] = buf ? this.toOrt(buf, `preallocated '${s.name}'`) : null;
    }
    let results: Ort.InferenceSession.ReturnType;
    try {
      results = await this.session.run(ortFeeds, fetches);
    } catch (e) {
      throw new SessionRunError('onnxruntime-node', message(e), { cause: e });
    }
    const out: Record<string, HostTensor> = {};
    for (const s of wanted) {
      const buf = pre[s.name];
      if (buf) {
        out[s.name] = buf;
        continue;
      }
      const r = results[s.name];
      if (!r) throw new SessionRunError('onnxruntime-node', `output '${s.name}' missing from the results`);
      const dtype = hostDType(r.type);
      if (!dtype) throw new SessionRunError('onnxruntime-node', `output '${s.name}' has element type ${r.type}`);
      out[s.name] = tensor(dtype, r.dims, r.data as HostTensor['data']);
    }
    return out;
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.session.release();
  }
}
