/**
 * The pretraining batch pipeline: batches are read, augmented and assembled in a worker thread
 * (pretrain-batch-worker.ts) while ONNX Runtime runs the current step, `ahead` batches in advance, so the
 * trainer waits only when the worker falls behind. `waitSeconds` adds up the time `batch()` spent waiting.
 * Batch (epoch, index) is the same whichever order positions are asked in (src/ssl/sampler.ts), which is
 * what makes a resumed run exact.
 */
import { Worker } from 'node:worker_threads';
import type { BatchSource } from '../../train/index.ts';
import type { HostTensor } from '../../tensor/index.ts';
import type { ObjectiveConfig } from '../../ssl/config.ts';
import type { Corpus } from '../../ssl/corpus.ts';
import { SourceSampler, validationBatching } from '../../ssl/sampler.ts';
import { CorpusError } from '../../ssl/errors.ts';
import type { BatchReply, BatchRequest, BatchWorkerData } from './pretrain-batch-worker.ts';

export interface PipelineOptions {
  readonly corpus: Corpus;
  /** The corpus store's data file. */
  readonly dataFile: string;
  readonly objective: ObjectiveConfig;
  /** MAE patches of each source's inputs (zeros for COLA). */
  readonly patches: readonly number[];
  readonly batchSize: number;
  readonly seed: number;
  readonly valSeed: number;
  /** Batches prepared beyond the one asked for (default 2). */
  readonly ahead?: number;
}

export class BatchPipeline implements BatchSource {
  readonly sampler: SourceSampler;
  readonly batchesPerEpoch: number;
  /** Validation batches per source and their size. */
  readonly validation: readonly { readonly size: number; readonly batches: number }[];
  private readonly worker: Worker;
  private readonly pending = new Map<string, Promise<Record<string, HostTensor>>>();
  private readonly waiters = new Map<number, { resolve: (t: Record<string, HostTensor>) => void; reject: (e: Error) => void }>();
  private readonly ahead: number;
  private nextId = 0;
  private failed: Error | null = null;
  /** Seconds `batch()` waited for the worker, and the worker's own assembly time. */
  waitSeconds = 0;
  assemblySeconds = 0;

  constructor(opts: PipelineOptions) {
    const { corpus } = opts;
    this.sampler = new SourceSampler(corpus.sources.map((s) => ({ name: s.rule.name, items: s.train.length })), opts.batchSize, opts.seed);
    this.batchesPerEpoch = this.sampler.batchesPerEpoch;
    const minValBatch = opts.objective.kind === 'cola' ? 2 : 1;
    this.validation = corpus.sources.map((s) => validationBatching(s.val.length, opts.batchSize, minValBatch));
    this.ahead = opts.ahead ?? 2;
    const data: BatchWorkerData = {
      dataFile: opts.dataFile,
      bins: corpus.bins,
      batchSize: opts.batchSize,
      seed: opts.seed,
      valSeed: opts.valSeed,
      minValBatch,
      objective: opts.objective,
      sources: corpus.sources.map((s, k) => ({
        name: s.rule.name,
        frames: s.rule.frames,
        patches: opts.patches[k] ?? 0,
        train: s.train.map((r) => r.segments),
        val: s.val.map((r) => r.segments),
      })),
    };
    const script = new URL('./pretrain-batch-worker.ts', import.meta.url).href;
    const tsx = import.meta.resolve('tsx/esm/api');
    const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(script)}); });`;
    this.worker = new Worker(bootstrap, { eval: true, workerData: data });
    this.worker.on('message', (r: BatchReply) => {
      const w = this.waiters.get(r.id);
      if (!w) return;
      this.waiters.delete(r.id);
      if (r.ok) {
        this.assemblySeconds += r.seconds;
        w.resolve(r.tensors as Record<string, HostTensor>);
      } else w.reject(new CorpusError(`batch worker: ${r.reason}`));
    });
    this.worker.on('error', (e) => {
      this.failed = new CorpusError(`batch worker failed: ${e.message}`, { cause: e });
      for (const w of this.waiters.values()) w.reject(this.failed);
      this.waiters.clear();
    });
  }

  private request(key: string, msg: { kind: 'train'; epoch: number; index: number } | { kind: 'val'; source: number; batch: number }): void {
    if (this.pending.has(key)) return;
    if (this.failed) throw this.failed;
    const id = this.nextId++;
    const p = new Promise<Record<string, HostTensor>>((resolve, reject) => this.waiters.set(id, { resolve, reject }));
    p.catch(() => undefined);
    this.pending.set(key, p);
    this.worker.postMessage({ ...msg, id } as BatchRequest);
  }

  private async take(key: string): Promise<Record<string, HostTensor>> {
    const p = this.pending.get(key) as Promise<Record<string, HostTensor>>;
    this.pending.delete(key);
    const t0 = performance.now();
    const out = await p;
    this.waitSeconds += (performance.now() - t0) / 1000;
    return out;
  }

  /** Batch `index` of `epoch`; the next `ahead` positions are requested as well. */
  batch(epoch: number, index: number): Promise<Readonly<Record<string, HostTensor>>> {
    let e = epoch;
    let i = index;
    for (let k = 0; k <= this.ahead; k++) {
      this.request(`t:${e}:${i}`, { kind: 'train', epoch: e, index: i });
      if (++i === this.batchesPerEpoch) {
        e++;
        i = 0;
      }
    }
    return this.take(`t:${epoch}:${index}`);
  }

  /** Validation batch `batch` of source `source` (deterministic augmentation). */
  validationBatch(source: number, batch: number): Promise<Record<string, HostTensor>> {
    const n = this.validation[source]?.batches ?? 0;
    if (!(Number.isInteger(batch) && batch >= 0 && batch < n)) return Promise.reject(new CorpusError(`source ${source} has ${n} validation batches, asked for batch ${batch}`));
    for (let k = batch; k < Math.min(n, batch + 1 + this.ahead); k++) this.request(`v:${source}:${k}`, { kind: 'val', source, batch: k });
    return this.take(`v:${source}:${batch}`);
  }

  async close(): Promise<void> {
    for (const w of this.waiters.values()) w.reject(new CorpusError('the batch pipeline was closed'));
    this.waiters.clear();
    await this.worker.terminate();
  }
}
