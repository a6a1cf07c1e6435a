/**
 * Worker-thread side of the corpus store: for each request, load the recording (decode, mix to mono,
 * resample to the front end's rate) or generate it, then trim, segment and run the front end
 * (src/ssl/corpus-audio.ts). Spectrograms are transferred back, never copied; failures come back as text.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { FrontEndConfig } from '../../audio/frontend.ts';
import type { ResampleQuality } from '../../audio/resample.ts';
import type { Modality } from '../../data/dataset-id.ts';
import { type CorpusSegmentation, corpusSpectrograms } from '../../ssl/corpus-audio.ts';
import { syntheticRecording } from '../../ssl/synthetic-audio.ts';
import { Rng } from '../../util/index.ts';
import { loadMono } from './audio-file.ts';

export interface StoreWorkerData {
  readonly frontEnd: FrontEndConfig;
  readonly segmentation: CorpusSegmentation;
  readonly quality: ResampleQuality;
}

export type StoreRequest =
  | { readonly id: number; readonly kind: 'file'; readonly path: string; readonly trim: boolean }
  | { readonly id: number; readonly kind: 'synthetic'; readonly modality: Modality; readonly seconds: number; readonly seed: number; readonly trim: boolean };

export type StoreReply =
  | { readonly id: number; readonly ok: true; readonly seconds: number; readonly frames: readonly number[]; readonly bins: number; readonly data: readonly Float32Array[] }
  | { readonly id: number; readonly ok: false; readonly reason: string };

const port = parentPort;
if (port === null) throw new Error('corpus-store-worker must run in a worker thread');
const cfg = workerData as StoreWorkerData;

port.on('message', (m: StoreRequest) => {
  void (async () => {
    let reply: StoreReply;
    try {
      const sr = cfg.frontEnd.sampleRate;
      const x = m.kind === 'file'
        ? await loadMono(m.path, sr, { quality: cfg.quality })
        : syntheticRecording(m.modality, m.seconds, sr, Rng.seeded(m.seed));
      const out = corpusSpectrograms(cfg.frontEnd, cfg.segmentation, x, m.trim);
      const bins = out.segments.length > 0 ? (out.segments[0]!.shape[1] as number) : 0;
      reply = { id: m.id, ok: true, seconds: out.seconds, frames: out.segments.map((s) => s.shape[0] as number), bins, data: out.segments.map((s) => s.data) };
    } catch (e) {
      reply = { id: m.id, ok: false, reason: e instanceof Error ? e.message : String(e) };
    }
    port.postMessage(reply, reply.ok ? [...new Set(reply.data.map((d) => d.buffer as ArrayBuffer))] : []);
  })();
});
