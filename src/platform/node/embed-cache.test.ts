import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbedCacheError, FileEmbeddingCache } from './embed-cache.ts';

const dir = mkdtempSync(join(tmpdir(), 'pneuma-embed-cache-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('embeddings and failures round-trip through files; unknown keys miss', async () => {
  const c = new FileEmbeddingCache(dir);
  const key = 'ab'.repeat(16);
  assert.equal(await c.get(key), null);
  await c.put(key, { ok: true, vector: Float32Array.from([1.5, -2, 3e-8]) });
  assert.deepEqual(await c.get(key), { ok: true, vector: Float32Array.from([1.5, -2, 3e-8]) });
  const bad = 'cd'.repeat(16);
  await c.put(bad, { ok: false, kind: 'too-short', message: 'x.wav: 0.1 s is too short' });
  assert.deepEqual(await c.get(bad), { ok: false, kind: 'too-short', message: 'x.wav: 0.1 s is too short' });
  assert.deepEqual(readdirSync(join(dir, 'embeddings', 'ab')), [`${key}.npy`], 'no temporary files left behind');
});

test('corrupt entries and malformed keys raise EmbedCacheError naming the file', async () => {
  const c = new FileEmbeddingCache(dir);
  const key = 'ef'.repeat(16);
  await c.put(key, { ok: true, vector: new Float32Array(4) });
  writeFileSync(join(dir, 'embeddings', 'ef', `${key}.npy`), 'not an npy file');
  await assert.rejects(c.get(key), (e: unknown) => e instanceof EmbedCacheError && e.message.includes(`${key}.npy`) && e.message.includes('delete it'));
  await assert.rejects(c.get('../etc/passwd'), EmbedCacheError);
});
