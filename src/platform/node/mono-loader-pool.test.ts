import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AudioError } from '../../audio/errors.ts';
import { SHARED_DIR, makeTempDir } from '../../../test/helpers/audio-tools.ts';
import { loadMono } from './audio-file.ts';
import { MonoLoaderPool, prefetch } from './mono-loader-pool.ts';

test('worker loads equal loadMono in the main thread; errors come back typed', async () => {
  const { dir, cleanup } = makeTempDir('pool');
  const pool = new MonoLoaderPool(2);
  try {
    const wav = `${SHARED_DIR}fixtures/frontend/inputs/covid19cough_002f642a.wav`;
    const [a, b] = await Promise.all([pool.load(wav, 32000, 'hq'), pool.load(wav, 16000, 'torchaudio')]);
    assert.deepEqual(a, await loadMono(wav, 32000, { quality: 'hq' }));
    assert.deepEqual(b, await loadMono(wav, 16000, { quality: 'torchaudio' }));
    writeFileSync(join(dir, 'empty.wav'), new Uint8Array(0));
    await assert.rejects(pool.load(join(dir, 'empty.wav'), 16000, 'hq'), (e: unknown) => e instanceof AudioError && e.kind === 'empty' && e.file === join(dir, 'empty.wav'));
    await assert.rejects(pool.load(join(dir, 'none.wav'), 16000, 'hq'), (e: unknown) => e instanceof AudioError && e.kind === 'not-found');
  } finally {
    await pool.close();
    cleanup();
  }
  await assert.rejects(pool.load('x.wav', 16000, 'hq'), /closed/);
});

test('prefetch starts loads ahead in order, once each, and rejects a failed load only when it is asked for', async () => {
  const started: number[] = [];
  const p = prefetch(5, async (k) => {
    started.push(k);
    if (k === 2) throw new Error('bad 2');
    return k * 10;
  }, 2);
  assert.equal(await p.get(0), 0);
  assert.deepEqual(started, [0, 1, 2]);
  assert.equal(await p.get(1), 10);
  await assert.rejects(p.get(2), /bad 2/);
  assert.equal(await p.get(3), 30);
  assert.equal(await p.get(4), 40);
  assert.deepEqual(started, [0, 1, 2, 3, 4]);
});
