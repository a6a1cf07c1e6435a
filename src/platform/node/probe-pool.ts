/**
 * Probe jobs in worker threads, so the benchmark's probe phase (pure float64 arithmetic, one core per job)
 * uses every core: `runBenchmark({ probes: pool, concurrency: pool.size })`. A job and its result are
 * plain data (structured clone); the numbers are those of the same job in the main thread (the same code
 * runs). Errors come back as PneumaErrors with their code and message; anything else as an Error.
 */
import { Worker } from 'node:worker_threads';
import type { FoldRun, ProbeExecutor, ProbeJob } from '../../bench/evaluate.ts';
import { PneumaError } from '../../util/index.ts';

export type ProbeReply =
  | { readonly id: number; readonly ok: true; readonly runs: readonly FoldRun[] }
  | {
      readonly id: number;
      readonly ok: false;
      readonly error: { readonly type: 'pneuma'; readonly code: string; readonly name: string; readonly message: string } | { readonly type: 'other'; readonly message: string };
    };

export class ProbeWorkerPool implements ProbeExecutor {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: { id: number; job: ProbeJob }[] = [];
  private readonly pending = new Map<number, { resolve: (r: readonly FoldRun[]) => void; reject: (e: Error) => void; worker: Worker | null }>();
  private nextId = 0;
  private closed = false;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new PneumaError('probe-pool', `a probe pool needs at least one worker, got ${size}`);
    // The worker is TypeScript: register tsx's loader in the worker, then import the worker module.
    const script = new URL('./probe-worker.ts', import.meta.url).href;
    const tsx = import.meta.resolve('tsx/esm/api');
    const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(script)}); });`;
    for (let i = 0; i < size; i++) {
      const w = new Worker(bootstrap, { eval: true });
      w.on('message', (r: ProbeReply) => this.settle(w, r));
      w.on('error', (e) => this.failAll(e));
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  run(job: ProbeJob): Promise<readonly FoldRun[]> {
    if (this.closed) return Promise.reject(new PneumaError('probe-pool', 'the probe pool is closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker: null });
      this.queue.push({ id, job });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const w = this.idle.pop() as Worker;
      const { id, job } = this.queue.shift() as { id: number; job: ProbeJob };
      const p = this.pending.get(id);
      if (p) p.worker = w;
      w.postMessage({ id, job });
    }
  }

  private settle(w: Worker, r: ProbeReply): void {
    const p = this.pending.get(r.id);
    this.idle.push(w);
    if (p) {
      this.pending.delete(r.id);
      if (r.ok) p.resolve(r.runs);
      else if (r.error.type === 'pneuma') {
        const e = new PneumaError(r.error.code, r.error.message);
        e.name = r.error.name;
        p.reject(e);
      } else p.reject(new Error(`probe worker: ${r.error.message}`));
    }
    this.dispatch();
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(new Error(`probe worker failed: ${e.message}`, { cause: e }));
    this.pending.clear();
    this.queue.length = 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failAll(new Error('closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
