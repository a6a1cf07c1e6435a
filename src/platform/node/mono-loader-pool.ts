/**
 * Decoding and resampling in worker threads. ONNX Runtime's `run` blocks the main thread, so decoding the
 * next recording on the main thread cannot overlap inference; a pool of workers running `loadMono` can.
 * Samples are the same as `loadMono` in the main thread (the same code runs); errors come back as the same
 * typed errors (`AudioError` with its kind, file and reason; other PneumaErrors with their code and message).
 *
 * `prefetch` keeps up to `ahead` loads in flight beyond the one being consumed, in input order.
 */
import { Worker } from 'node:worker_threads';
import { AudioError, type AudioErrorKind } from '../../audio/errors.ts';
import type { ResampleQuality } from '../../audio/resample.ts';
import { PneumaError } from '../../util/index.ts';

export interface LoadRequest {
  readonly id: number;
  readonly path: string;
  readonly rate: number;
  readonly quality: ResampleQuality;
}

export type LoadReply =
  | { readonly id: number; readonly ok: true; readonly buffer: ArrayBuffer; readonly byteOffset: number; readonly length: number }
  | {
      readonly id: number;
      readonly ok: false;
      readonly error:
        | { readonly type: 'audio'; readonly kind: AudioErrorKind; readonly file: string; readonly reason: string }
        | { readonly type: 'pneuma'; readonly code: string; readonly name: string; readonly message: string }
        | { readonly type: 'other'; readonly message: string };
    };

function revive(e: Extract<LoadReply, { ok: false }>['error']): Error {
  if (e.type === 'audio') return new AudioError(e.kind, e.file, e.reason);
  if (e.type === 'pneuma') {
    const err = new PneumaError(e.code, e.message);
    err.name = e.name;
    return err;
  }
  return new Error(`audio loader worker: ${e.message}`);
}

export class MonoLoaderPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { resolve: (x: Float32Array) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private closed = false;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new PneumaError('loader-pool', `a loader pool needs at least one worker, got ${size}`);
    // The worker is TypeScript: register tsx's loader in the worker, then import the worker module.
    const script = new URL('./audio-load-worker.ts', import.meta.url).href;
    const tsx = import.meta.resolve('tsx/esm/api');
    const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(script)}); });`;
    for (let i = 0; i < size; i++) {
      const w = new Worker(bootstrap, { eval: true });
      w.on('message', (r: LoadReply) => this.settle(r));
      w.on('error', (e) => this.failAll(e));
      this.workers.push(w);
    }
  }

  private settle(r: LoadReply): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    if (r.ok) p.resolve(new Float32Array(r.buffer, r.byteOffset, r.length));
    else p.reject(revive(r.error));
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(new Error(`audio loader worker failed: ${e.message}`, { cause: e }));
    this.pending.clear();
  }

  /** Decode `path`, mix to mono and resample to `rate` in a worker (round robin). */
  load(path: string, rate: number, quality: ResampleQuality): Promise<Float32Array> {
    if (this.closed) return Promise.reject(new PneumaError('loader-pool', 'the loader pool is closed'));
    const id = this.nextId++;
    const w = this.workers[id % this.workers.length] as Worker;
    return new Promise<Float32Array>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ id, path, rate, quality } satisfies LoadRequest);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failAll(new Error('closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * `get(k)` returns load k, having started loads k + 1 … k + ahead as well. Each load starts once; a load
 * that fails rejects only when its `get` is awaited.
 */
export function prefetch<T>(count: number, load: (k: number) => Promise<T>, ahead: number): { get(k: number): Promise<T> } {
  const started = new Map<number, Promise<T>>();
  const start = (k: number) => {
    if (k >= count || started.has(k)) return;
    const p = load(k);
    p.catch(() => undefined);
    started.set(k, p);
  };
  return {
    get(k) {
      for (let j = k; j <= k + ahead; j++) start(j);
      const p = started.get(k) as Promise<T>;
      started.delete(k);
      return p;
    },
  };
}
