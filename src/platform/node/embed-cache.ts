/**
 * The benchmark's embedding cache on disk (default `.pneuma-cache/` in the working directory):
 *   <dir>/embeddings/<key[0..2]>/<key>.npy        float32 [dim], one embedding
 *   <dir>/embeddings/<key[0..2]>/<key>.error.json  {"kind", "message"}: the recording was rejected
 * Keys are hashes of (embedder config under the task's input rules, file sha256, resampler); see
 * src/bench/runner-embed.ts. Every entry is written atomically (temporary file, fsync, rename), so an
 * interrupted run leaves complete entries only and the next run computes just the missing ones.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CachedEmbedding, EmbeddingCache } from '../../bench/runner-types.ts';
import { parseNpy, serializeNpy, tensor } from '../../tensor/index.ts';
import { PneumaError } from '../../util/index.ts';
import { writeFileAtomic } from './fs.ts';

export class EmbedCacheError extends PneumaError {
  constructor(path: string, reason: string, options?: { cause?: unknown }) {
    super('embed-cache', `${path}: ${reason}`, options);
  }
}

/** `.pneuma-cache` in the working directory. */
export const DEFAULT_CACHE_DIR = '.pneuma-cache';

export class FileEmbeddingCache implements EmbeddingCache {
  readonly location: string;

  constructor(dir: string) {
    this.location = dir;
  }

  private base(key: string): string {
    if (!/^[0-9a-f]{8,}$/.test(key)) throw new EmbedCacheError(this.location, `invalid cache key ${JSON.stringify(key)}`);
    return join(this.location, 'embeddings', key.slice(0, 2), key);
  }

  async get(key: string): Promise<CachedEmbedding | null> {
    const base = this.base(key);
    const npy = `${base}.npy`;
    if (existsSync(npy)) {
      let t;
      try {
        const b = readFileSync(npy);
        t = parseNpy(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), npy);
      } catch (e) {
        throw new EmbedCacheError(npy, `unreadable cache entry (delete it to recompute): ${(e as Error).message}`, { cause: e });
      }
      if (t.dtype !== 'float32' || t.shape.length !== 1) throw new EmbedCacheError(npy, `expected float32 [dim], got ${t.dtype} [${t.shape.join(',')}]`);
      return { ok: true, vector: t.data as Float32Array };
    }
    const err = `${base}.error.json`;
    if (existsSync(err)) {
      try {
        const o = JSON.parse(readFileSync(err, 'utf8')) as { kind: unknown; message: unknown };
        if (typeof o.kind === 'string' && typeof o.message === 'string') return { ok: false, kind: o.kind, message: o.message };
      } catch (e) {
        throw new EmbedCacheError(err, `unreadable cache entry (delete it to recompute): ${(e as Error).message}`, { cause: e });
      }
      throw new EmbedCacheError(err, 'expected {"kind": string, "message": string}');
    }
    return null;
  }

  async put(key: string, value: CachedEmbedding): Promise<void> {
    const base = this.base(key);
    if (value.ok) writeFileAtomic(`${base}.npy`, serializeNpy(tensor('float32', [value.vector.length], value.vector)));
    else writeFileAtomic(`${base}.error.json`, `${JSON.stringify({ kind: value.kind, message: value.message })}\n`);
  }
}
