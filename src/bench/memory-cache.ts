/** An EmbeddingCache in memory (tests, browsers without storage); entries are copied in and out. */
import type { CachedEmbedding, EmbeddingCache } from './runner-types.ts';

export class MemoryEmbeddingCache implements EmbeddingCache {
  readonly location = 'memory';
  readonly entries = new Map<string, CachedEmbedding>();

  async get(key: string): Promise<CachedEmbedding | null> {
    const e = this.entries.get(key);
    if (e === undefined) return null;
    return e.ok ? { ok: true, vector: e.vector.slice() } : e;
  }

  async put(key: string, value: CachedEmbedding): Promise<void> {
    this.entries.set(key, value.ok ? { ok: true, vector: value.vector.slice() } : value);
  }
}
