import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPERA_FRONTEND } from '../../audio/frontend-opera.ts';
import { corpusSpectrograms, segmentationFor } from '../../ssl/corpus-audio.ts';
import { syntheticRecording } from '../../ssl/synthetic-audio.ts';
import type { CorpusRecord } from '../../ssl/corpus.ts';
import { Rng } from '../../util/index.ts';
import { CorpusStore, type StoreJob } from './corpus-store.ts';

const spec = { frontEnd: OPERA_FRONTEND, segmentation: segmentationFor(OPERA_FRONTEND), quality: 'hq' as const };

function job(n: number, seconds = 1.2): StoreJob {
  const record: CorpusRecord = { key: `synthetic:s/${n}`, dataset: 'synthetic', source: 's', path: '', subject: `synthetic:s/${n}` };
  return { record, trim: true, synthetic: { modality: n % 2 === 0 ? 'cough' : 'breath', seconds, seed: 100 + n } };
}

/** The spectrogram computed directly, in this thread. */
function direct(j: StoreJob): Float32Array {
  if (!('synthetic' in j)) throw new Error('synthetic jobs only');
  const x = syntheticRecording(j.synthetic.modality, j.synthetic.seconds, OPERA_FRONTEND.sampleRate, Rng.seeded(j.synthetic.seed));
  return corpusSpectrograms(OPERA_FRONTEND, spec.segmentation, x, j.trim).segments[0]!.data;
}

test('corpus store: computes in workers what equals the direct computation, reuses it, cuts off an uncommitted tail, recomputes changed inputs', async () => {
  const root = mkdtempSync(join(tmpdir(), 'pneuma-store-'));
  try {
    const jobs = [job(0), job(1), job(2)];
    const store = CorpusStore.open(root, spec);
    const first: number[] = [];
    const r1 = await store.build(jobs, { workers: 2, onProgress: (d) => first.push(d) });
    assert.equal(first[0], 0, 'nothing cached at first');
    for (const [k, r] of r1.entries()) {
      assert.ok(r.ok);
      const seg = r.stored.segments[0]!;
      assert.deepEqual(store.read(seg.offset, seg.frames), direct(jobs[k]!));
    }
    store.close();

    const again = CorpusStore.open(root, spec);
    const second: number[] = [];
    const r2 = await again.build(jobs, { workers: 2, onProgress: (d) => second.push(d) });
    assert.deepEqual(second, [3], 'every entry reused');
    assert.deepEqual(r2, r1);
    again.close();

    // a crash after appending data but before committing the index leaves bytes past the committed length
    const data = join(again.dir, 'spectrograms.f32');
    const committed = statSync(data).size;
    appendFileSync(data, new Uint8Array(1000).fill(7));
    const third = CorpusStore.open(root, spec);
    const r3 = await third.build([...jobs, job(3)], { workers: 1 });
    const fourth = r3[3]!;
    assert.ok(fourth.ok);
    assert.equal(fourth.stored.segments[0]!.offset * 4, committed, 'the uncommitted tail was cut off');
    assert.deepEqual(third.read(fourth.stored.segments[0]!.offset, fourth.stored.segments[0]!.frames), direct(job(3)));
    const changed = job(1, 1.6);
    const r4 = await third.build([changed], { workers: 1 });
    const before = r1[1]!;
    assert.ok(r4[0]!.ok && before.ok);
    assert.notEqual(r4[0]!.stored.segments[0]!.frames, before.stored.segments[0]!.frames, 'a changed input is recomputed');
    third.close();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
