/**
 * A backend that computes nothing: it validates feeds against the model's declared inputs and
 * returns zeros of the declared output shapes (symbolic dims resolved from the feeds). For testing
 * the plumbing around sessions (runners, caches, CLIs) without a runtime.
 *
 * The signature reader is passed in (`readSignature` from src/onnx/read.ts), so the runtime layer
 * does not depend on the protobuf decoder.
 */
import { type HostTensor, zeros } from '../tensor/index.ts';
import type { ModelSignature, TensorSpec } from '../onnx/read.ts';
import type { ExecutionBackend, RunOptions, Session, SessionOptions } from './backend.ts';
import { FeedError, SessionCreateError, SessionRunError } from './errors.ts';
import { checkFeeds, checkPreallocated, selectOutputs } from './feeds.ts';

export class NullBackend implements ExecutionBackend {
  readonly name = 'null';

  constructor(private readonly describe: (model: Uint8Array) => ModelSignature) {}

  async available(): Promise<boolean> {
    return true;
  }

  async createSession(model: Uint8Array, opts: SessionOptions = {}): Promise<Session> {
    let sig: ModelSignature;
    try {
      sig = this.describe(model);
    } catch (e) {
      throw new SessionCreateError(this.name, (e as Error).message, { cause: e });
    }
    const provider = opts.executionProviders?.[0] ?? 'cpu';
    return new NullSession(sig, provider);
  }
}

class NullSession implements Session {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  readonly fallbacks = [];
  private released = false;

  constructor(sig: ModelSignature, readonly provider: Session['provider']) {
    this.inputs = sig.inputs;
    this.outputs = sig.outputs;
    this.inputNames = sig.inputs.map((s) => s.name);
    this.outputNames = sig.outputs.map((s) => s.name);
  }

  async run(feeds: Readonly<Record<string, HostTensor>>, opts?: RunOptions): Promise<Record<string, HostTensor>> {
    if (this.released) throw new SessionRunError('null', 'session was released');
    const symbols = checkFeeds(this.inputs, feeds);
    const out: Record<string, HostTensor> = {};
    for (const spec of selectOutputs(this.outputs, opts)) {
      const pre = opts?.preallocated?.[spec.name];
      if (pre) {
        checkPreallocated(spec, pre, symbols);
        if (pre.data instanceof BigInt64Array) pre.data.fill(0n);
        else pre.data.fill(0);
        out[spec.name] = pre;
        continue;
      }
      const shape = spec.shape.map((d, i) => {
        const size = typeof d === 'string' ? symbols.get(d) : d;
        if (typeof size !== 'number') throw new FeedError(`output '${spec.name}': axis ${i} (${d ?? 'unknown'}) is not determined by the inputs`);
        return size;
      });
      out[spec.name] = zeros(spec.dtype, shape);
    }
    return out;
  }

  async release(): Promise<void> {
    this.released = true;
  }
}
