/**
 * Worker-thread side of the batch pipeline (pretrain-batches.ts): plans batch (epoch, index) with the
 * sampler, reads the items' spectrograms from the corpus store's data file, augments them and transfers the
 * batch tensors back. The same code computes a batch whichever thread asks, so batches depend on the
 * position only.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { ObjectiveConfig } from '../../ssl/config.ts';
import type { StoredSegment } from '../../ssl/corpus.ts';
import { assembleBatch } from '../../ssl/batch.ts';
import { SourceSampler, streamRng, validationBatching } from '../../ssl/sampler.ts';
import type { HostTensor } from '../../tensor/index.ts';

export interface BatchWorkerSource {
  readonly name: string;
  readonly frames: number;
  /** MAE patches of a `frames`-frame input (0 for COLA). */
  readonly patches: number;
  /** Per recording: its segments as (offset, frames). */
  readonly train: readonly (readonly StoredSegment[])[];
  readonly val: readonly (readonly StoredSegment[])[];
}

export interface BatchWorkerData {
  readonly dataFile: string;
  readonly bins: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly valSeed: number;
  readonly minValBatch: number;
  readonly objective: ObjectiveConfig;
  readonly sources: readonly BatchWorkerSource[];
}

export type BatchRequest =
  | { readonly id: number; readonly kind: 'train'; readonly epoch: number; readonly index: number }
  | { readonly id: number; readonly kind: 'val'; readonly source: number; readonly batch: number }
  | { readonly id: number; readonly kind: 'close' };

export type BatchReply =
  | { readonly id: number; readonly ok: true; readonly tensors: Readonly<Record<string, HostTensor>>; readonly seconds: number }
  | { readonly id: number; readonly ok: false; readonly reason: string };

const port = parentPort;
if (port === null) throw new Error('pretrain-batch-worker must run in a worker thread');
const cfg = workerData as BatchWorkerData;
const fd = openSync(cfg.dataFile, 'r');
const sampler = new SourceSampler(cfg.sources.map((s) => ({ name: s.name, items: s.train.length })), cfg.batchSize, cfg.seed);

function read(s: StoredSegment): Float32Array {
  const out = new Float32Array(s.frames * cfg.bins);
  const bytes = new Uint8Array(out.buffer);
  let done = 0;
  while (done < bytes.length) {
    const r = readSync(fd, bytes, done, bytes.length - done, s.offset * 4 + done);
    if (r === 0) throw new Error(`${cfg.dataFile}: segment at ${s.offset} runs past the end of the file`);
    done += r;
  }
  return out;
}

function compute(m: Exclude<BatchRequest, { kind: 'close' }>): Record<string, HostTensor> {
  if (m.kind === 'train') {
    const plan = sampler.plan(m.epoch, m.index);
    const src = cfg.sources[plan.source] as BatchWorkerSource;
    const items = plan.items.map((i) => src.train[i] as readonly StoredSegment[]);
    return assembleBatch(items, read, { objective: cfg.objective, frames: src.frames, bins: cfg.bins, patches: src.patches }, sampler.augmentRng(m.epoch, m.index));
  }
  const src = cfg.sources[m.source] as BatchWorkerSource;
  const { size, batches } = validationBatching(src.val.length, cfg.batchSize, cfg.minValBatch);
  if (m.batch >= batches) throw new Error(`source '${src.name}' has ${batches} validation batches, asked for batch ${m.batch}`);
  const items = src.val.slice(m.batch * size, (m.batch + 1) * size);
  return assembleBatch(items, read, { objective: cfg.objective, frames: src.frames, bins: cfg.bins, patches: src.patches }, streamRng('validation-batch', cfg.valSeed, m.source, m.batch));
}

port.on('message', (m: BatchRequest) => {
  if (m.kind === 'close') {
    closeSync(fd);
    port.close();
    return;
  }
  let reply: BatchReply;
  const t0 = performance.now();
  try {
    reply = { id: m.id, ok: true, tensors: compute(m), seconds: (performance.now() - t0) / 1000 };
  } catch (e) {
    reply = { id: m.id, ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
  const transfer = reply.ok ? [...new Set(Object.values(reply.tensors).map((t) => t.data.buffer as ArrayBuffer))] : [];
  port.postMessage(reply, transfer);
});
