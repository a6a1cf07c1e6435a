import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../util/index.ts';
import type { InputPolicy } from '../encoders/types.ts';
import { allSegments, applyInputPolicy } from './segment.ts';
import { WindowStream } from './window-stream.ts';

type Windows = Extract<InputPolicy, { kind: 'windows' }>;

/** The stream's windows for x pushed in blocks of random sizes (1 … maxBlock). */
function streamed(policy: Windows, x: Float32Array, rng: Rng, maxBlock: number): number[][] {
  const s = new WindowStream(policy, 10, 't');
  const out: Float32Array[] = [];
  for (let off = 0; off < x.length;) {
    const n = 1 + Math.floor(rng.uniform() * maxBlock);
    out.push(...s.push(x.subarray(off, off + n)));
    off += n;
  }
  out.push(...s.end());
  assert.equal(s.received, x.length);
  return out.map((w) => [...w]);
}

test('windows from a stream in blocks of any size equal the policy applied to the whole recording', () => {
  const rng = Rng.seeded(3);
  for (const [seconds, hopSeconds] of [[0.6, 0.4], [0.5, 0.5], [0.3, 0.7], [1.2, 0.1]] as const) {
    for (const tail of ['drop', 'pad-zero', 'snap-to-end'] as const) {
      for (const n of [1, 2, 5, 6, 7, 11, 12, 13, 40, 97]) {
        const x = Float32Array.from({ length: n }, (_, i) => i + 1);
        const policy: Windows = { kind: 'windows', seconds, hopSeconds, tail };
        const want = allSegments(applyInputPolicy(policy, x, 10, 't')).map((w) => [...w]);
        for (const maxBlock of [1, 3, 50]) assert.deepEqual(streamed(policy, x, rng, maxBlock), want, `${seconds}/${hopSeconds} ${tail} n=${n} blocks≤${maxBlock}`);
      }
    }
  }
});

test('a stream holds at most one window and one block, and refuses use after end', () => {
  const s = new WindowStream({ kind: 'windows', seconds: 1, hopSeconds: 1, tail: 'drop' }, 10, 't');
  for (let k = 0; k < 1000; k++) s.push(new Float32Array(7).fill(k));
  assert.ok((s as unknown as { buf: Float32Array }).buf.length <= 20, 'the buffer never grows past two windows');
  assert.equal(s.received, 7000);
  assert.deepEqual(s.end(), []);
  assert.throws(() => s.push(new Float32Array(1)), /push after end/);
  assert.deepEqual(new WindowStream({ kind: 'windows', seconds: 1, hopSeconds: 1, tail: 'drop' }, 10, 't').end(), []);
});
