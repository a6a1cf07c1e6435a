/**
 * The runner's embedding phase. Every record a kept variant uses is embedded once per (model, embedder
 * config under the task's input rules, file content): tasks that share recordings and input rules share
 * embeddings. The cache key is `configHash` of (embedder config hash, file sha256, the store's resampler);
 * entries are read from the cache first, so an interrupted run resumes with only the missing embeddings
 * computed. A recording the embedder rejects with a PneumaError (too short, undecodable) is cached as a
 * failure and left out of the evaluation (counted as `n_failed`); any other error aborts the run.
 */
import { configHash, PneumaError } from '../util/index.ts';
import { usedRecords } from './eval-folds.ts';
import type { PreparedTask } from './runner-prepare.ts';
import type { BenchModel, CachedEmbedding, EmbeddingCache, ProgressFactory, RecordingStore } from './runner-types.ts';

export const EMBED_CACHE_FORMAT = 'pneuma-embed-cache/1';

/** Per task (by index in the preparation), per resolved record: its embedding, or null when unused. */
export type TaskEmbeddings = readonly (CachedEmbedding | null)[];

export interface EmbeddingPhase {
  /** [model index][task index] */
  readonly embeddings: readonly (readonly TaskEmbeddings[])[];
  /** [task index][record index]: sha256 of the record's file ('' when unused). */
  readonly fileHashes: readonly (readonly string[])[];
  /** [model index][task index]: the embedder's config hash under the task's input rules. */
  readonly configHashes: readonly (readonly string[])[];
  readonly computed: number;
  readonly cached: number;
  readonly failed: number;
  /** Seconds spent per model id (cache look-ups, loading, embedding). */
  readonly seconds: Readonly<Record<string, number>>;
}

export function cacheKey(embedderConfig: string, fileSha256: string, resample: unknown): string {
  return configHash({ format: EMBED_CACHE_FORMAT, embedder: embedderConfig, file: fileSha256, resample }, 32);
}

interface Job {
  readonly key: string;
  readonly dataset: PreparedTask['spec']['dataset'];
  readonly path: string;
  readonly opts: { readonly inputs: PreparedTask['spec']['inputs'] };
}

export async function embedTasks(
  tasks: readonly PreparedTask[],
  models: readonly BenchModel[],
  store: RecordingStore,
  cache: EmbeddingCache,
  progress: ProgressFactory | undefined,
  log: (line: string) => void,
): Promise<EmbeddingPhase> {
  const used = tasks.map((t) => new Set(t.variants.flatMap((v) => usedRecords(v.folds))));
  const fileHashes: string[][] = [];
  const total = used.reduce((n, s) => n + s.size, 0);
  const hashBar = progress?.('hash files', total);
  for (const [ti, t] of tasks.entries()) {
    const hashes = t.resolved.records.map(() => '');
    for (const i of [...(used[ti] as Set<number>)].sort((a, b) => a - b)) {
      hashes[i] = await store.fileHash(t.spec.dataset, (t.resolved.records[i] as { record: { path: string } }).record.path);
      hashBar?.tick();
    }
    fileHashes.push(hashes);
  }
  hashBar?.stop();

  let computed = 0;
  let cached = 0;
  let failed = 0;
  const embeddings: TaskEmbeddings[][] = [];
  const configHashes: string[][] = [];
  const seconds: Record<string, number> = {};
  for (const model of models) {
    const started = performance.now();
    const e = model.embedder;
    const hashes = tasks.map((t) => e.configHashFor({ inputs: t.spec.inputs }));
    configHashes.push(hashes);
    const byKey = new Map<string, CachedEmbedding | null>();
    const todo: Job[] = [];
    for (const [ti, t] of tasks.entries()) {
      for (const i of used[ti] as Set<number>) {
        const key = cacheKey(hashes[ti] as string, (fileHashes[ti] as string[])[i] as string, store.resample);
        if (byKey.has(key)) continue;
        const hit = await cache.get(key);
        byKey.set(key, hit);
        if (hit !== null) cached++;
        else todo.push({ key, dataset: t.spec.dataset, path: (t.resolved.records[i] as { record: { path: string } }).record.path, opts: { inputs: t.spec.inputs } });
      }
    }
    if (todo.length > 0) log(`${model.id}: ${todo.length} recording(s) to embed, ${byKey.size - todo.length} from the cache (${cache.location})`);
    const bar = todo.length > 0 ? progress?.(`embed ${model.id}`, todo.length) : undefined;
    // the next recording is loaded while the current one is embedded (the store may decode in a worker)
    const load = (k: number): Promise<Float32Array> | null => {
      const job = todo[k];
      if (job === undefined) return null;
      const p = store.load(job.dataset, job.path, e.sampleRate);
      p.catch(() => undefined);
      return p;
    };
    let next = load(0);
    try {
      for (const [k, job] of todo.entries()) {
        const current = next as Promise<Float32Array>;
        next = load(k + 1);
        let value: CachedEmbedding;
        try {
          const x = await current;
          const vector = await e.embed(x, e.sampleRate, job.opts);
          if (vector.length !== e.dim) throw new PneumaError('embed', `${model.id}: embedding of ${job.dataset}/${job.path} has ${vector.length} values, expected ${e.dim}`);
          value = { ok: true, vector };
          computed++;
        } catch (err) {
          if (!(err instanceof PneumaError)) throw err;
          value = { ok: false, kind: err.code, message: err.message.includes(job.path) ? err.message : `${job.dataset}/${job.path}: ${err.message}` };
          failed++;
          log(`${model.id}: cannot embed ${job.dataset}/${job.path}: ${value.message}`);
        }
        await cache.put(job.key, value);
        byKey.set(job.key, value);
        bar?.tick(1, { failed });
      }
    } finally {
      bar?.stop();
    }
    seconds[model.id] = (performance.now() - started) / 1000;
    embeddings.push(tasks.map((t, ti) => t.resolved.records.map((_, i) => ((used[ti] as Set<number>).has(i) ? byKey.get(cacheKey(hashes[ti] as string, (fileHashes[ti] as string[])[i] as string, store.resample)) ?? null : null))));
  }
  return { embeddings, fileHashes, configHashes, computed, cached, failed, seconds };
}
