import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNpy } from '../../tensor/index.ts';
import { makeTempDir } from '../../../test/helpers/audio-tools.ts';
import { EmbedJobError, indexPathFor, partialDirFor, runEmbedJob, type JobItemResult } from './embed-job.ts';

const DIM = 3;
const inputs = Array.from({ length: 7 }, (_, i) => ({ source: `in/${i}.wav`, ...(i === 2 ? { id: 'rec-2' } : {}) }));

/** Input i → the row [i, i + 0.5, −i]; inputs 3 and 5 fail. */
function compute(i: number): JobItemResult {
  if (i === 3 || i === 5) return { ok: false, kind: 'audio:corrupt', message: `in/${i}.wav: bad header` };
  return { ok: true, row: Float32Array.of(i, i + 0.5, -i), info: { durationS: i / 10 } };
}

function job(out: string, process: (i: number) => Promise<JobItemResult>, extra: { restart?: boolean; identity?: Record<string, unknown> } = {}) {
  return runEmbedJob({
    out,
    inputs,
    dim: DIM,
    identity: extra.identity ?? { configHash: 'abc', inputs: 7 },
    indexHeader: { format: 'test', model: 'm' },
    process: (_input, i) => process(i),
    ...(extra.restart ? { restart: true } : {}),
  });
}

const files = (out: string) => ({ npy: readFileSync(out), index: readFileSync(indexPathFor(out), 'utf8') });

test('an uninterrupted job writes the rows of the successful inputs in order, the index and no partial folder', async () => {
  const { dir, cleanup } = makeTempDir('job');
  try {
    const out = join(dir, 'x.npy');
    const s = await job(out, async (i) => compute(i));
    assert.equal(s.rows, 5);
    assert.deepEqual(s.failed.map((f) => f.source), ['in/3.wav', 'in/5.wav']);
    const t = parseNpy(readFileSync(out));
    assert.deepEqual(t.shape, [5, 3]);
    assert.deepEqual([...t.data], [0, 0.5, -0, 1, 1.5, -1, 2, 2.5, -2, 4, 4.5, -4, 6, 6.5, -6]);
    const index = JSON.parse(readFileSync(indexPathFor(out), 'utf8'));
    assert.equal(index.format, 'test');
    assert.deepEqual([index.rows, index.dim, index.inputs], [5, 3, 7]);
    assert.deepEqual(index.items[2], { row: 2, source: 'in/2.wav', id: 'rec-2', durationS: 0.2 });
    assert.deepEqual(index.items.map((r: { source: string }) => r.source), ['in/0.wav', 'in/1.wav', 'in/2.wav', 'in/4.wav', 'in/6.wav']);
    assert.deepEqual(index.failed[0], { source: 'in/3.wav', kind: 'audio:corrupt', message: 'in/3.wav: bad header' });
    assert.equal(existsSync(partialDirFor(out)), false);
    assert.equal(indexPathFor('a/b.npy'), 'a/b.index.json');
  } finally {
    cleanup();
  }
});

test('a job aborted by an exception resumes where it stopped and ends byte-identical to an uninterrupted one', async () => {
  const { dir, cleanup } = makeTempDir('job');
  try {
    const ref = join(dir, 'ref.npy');
    await job(ref, async (i) => compute(i));
    for (const stopAt of [0, 1, 4, 6]) {
      const out = join(dir, `x${stopAt}.npy`);
      const calls: number[] = [];
      await assert.rejects(job(out, async (i) => {
        if (i === stopAt) throw new Error('crash');
        calls.push(i);
        return compute(i);
      }), /crash/);
      assert.ok(existsSync(partialDirFor(out)) && !existsSync(out));
      const resumed: number[] = [];
      const s = await job(out, async (i) => {
        resumed.push(i);
        return compute(i);
      });
      assert.deepEqual(resumed, Array.from({ length: 7 - stopAt }, (_, k) => stopAt + k), 'only the remaining inputs are processed');
      assert.equal(s.resumed, stopAt);
      assert.deepEqual(files(out).npy, files(ref).npy);
      assert.equal(files(out).index, files(ref).index.replaceAll('ref.npy', `x${stopAt}.npy`));
    }
  } finally {
    cleanup();
  }
});

test('a crash between a row and its journal line, or inside a journal line, is repaired on resume', async () => {
  const { dir, cleanup } = makeTempDir('job');
  try {
    const ref = join(dir, 'ref.npy');
    await job(ref, async (i) => compute(i));
    const out = join(dir, 'x.npy');
    await assert.rejects(job(out, async (i) => {
      if (i === 4) throw new Error('crash');
      return compute(i);
    }));
    const part = partialDirFor(out);
    // a row written without its journal line, and half a journal line
    appendFileSync(join(part, 'rows.f32'), new Uint8Array(Float32Array.of(9, 9, 9).buffer));
    appendFileSync(join(part, 'journal.jsonl'), '{"i":4,"ok":tr');
    const before = statSync(join(part, 'rows.f32')).size;
    assert.equal(before, 4 * DIM * 4);
    await job(out, async (i) => compute(i));
    assert.deepEqual(files(out).npy, files(ref).npy);
  } finally {
    cleanup();
  }
});

test('a partial folder of another run is refused unless --restart; missing rows are an error', async () => {
  const { dir, cleanup } = makeTempDir('job');
  try {
    const out = join(dir, 'x.npy');
    await assert.rejects(job(out, async (i) => {
      if (i === 2) throw new Error('crash');
      return compute(i);
    }));
    await assert.rejects(job(out, async (i) => compute(i), { identity: { configHash: 'other', inputs: 7 } }), (e: unknown) => e instanceof EmbedJobError && /interrupted run with other settings/.test(e.message));
    const calls: number[] = [];
    await job(out, async (i) => {
      calls.push(i);
      return compute(i);
    }, { identity: { configHash: 'other', inputs: 7 }, restart: true });
    assert.deepEqual(calls, [0, 1, 2, 3, 4, 5, 6]);

    const out2 = join(dir, 'y.npy');
    await assert.rejects(job(out2, async (i) => {
      if (i === 3) throw new Error('crash');
      return compute(i);
    }));
    writeFileSync(join(partialDirFor(out2), 'rows.f32'), new Uint8Array(4));
    await assert.rejects(job(out2, async (i) => compute(i)), /journal vouches for 3 rows/);
  } finally {
    cleanup();
  }
});
