import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OPERA_TRIM } from '../audio/trim.ts';
import type { InputPolicy } from '../encoders/types.ts';
import { EmbedInputError, TooShortError } from './errors.ts';
import { operaSplit, windowSegments } from '../audio/segment.ts';
import { allSegments, applyInputPolicy, checkInputPolicy } from './segment.ts';

const ramp = (n: number, offset = 1): Float32Array => Float32Array.from({ length: n }, (_, i) => i + offset);
const apply = (p: InputPolicy, x: Float32Array, sr: number) => {
  const s = applyInputPolicy(p, x, sr, 't');
  return { segments: allSegments(s), kept: s.kept };
};

test('opera-entire: shorter recordings are repeat-padded to int(minSeconds·sr) with the clip at the end', () => {
  const x = ramp(3);
  const { segments, kept } = apply({ kind: 'opera-entire', trim: null, minSeconds: 0.8, pad: 'repeat' }, x, 10);
  assert.equal(segments.length, 1);
  // L = int(0.8·10) = 8; out[j] = x[(j − 5) mod 3]
  assert.deepEqual([...(segments[0] as Float32Array)], [2, 3, 1, 2, 3, 1, 2, 3]);
  assert.deepEqual(kept, { start: 0, end: 3 });
  const z = apply({ kind: 'opera-entire', trim: null, minSeconds: 0.8, pad: 'zero' }, x, 10).segments[0];
  // n/L = 3/8 < 0.5: tile while cursor + n < L (cursors 0, 3), rest zeros
  assert.deepEqual([...(z as Float32Array)], [1, 2, 3, 1, 2, 3, 0, 0]);
});

test('opera-entire: a recording at least minSeconds long is kept whole (no crop); int() truncates 8.18·16000', () => {
  const x = ramp(12);
  const { segments } = apply({ kind: 'opera-entire', trim: null, minSeconds: 0.8, pad: 'repeat' }, x, 10);
  assert.equal(segments[0], x);
  const long = new Float32Array(130880).fill(0.5);
  assert.equal(apply({ kind: 'opera-entire', trim: null, minSeconds: 8.18, pad: 'repeat' }, long, 16000).segments[0]?.length, 130880);
  assert.equal(apply({ kind: 'opera-entire', trim: null, minSeconds: 8.18, pad: 'repeat' }, long.subarray(1), 16000).segments[0]?.length, 130880);
});

test('opera-entire with OPERA trim: silence is cut before padding (librosa trim, 1600/800 frames)', () => {
  const sr = 16000;
  const x = new Float32Array(48000);
  for (let i = 16000; i < 24000; i++) x[i] = Math.sin(i / 7);
  const { segments, kept } = apply({ kind: 'opera-entire', trim: OPERA_TRIM, minSeconds: 2, pad: 'repeat' }, x, sr);
  // frames 20..30 overlap the burst (frame t covers [800t − 800, 800t + 800)): start = 20·800, end = 31·800
  assert.deepEqual(kept, { start: 16000, end: 24800 });
  const seg = segments[0] as Float32Array;
  assert.equal(seg.length, 32000);
  const trimmed = x.subarray(16000, 24800);
  assert.deepEqual([...seg.subarray(32000 - trimmed.length)], [...trimmed]);
});

test('opera-split: 50 % overlapping chunks plus the repeat-padded tail chunk', () => {
  const x = ramp(10);
  const { segments } = apply({ kind: 'opera-split', trim: null, chunkSeconds: 0.4 }, x, 10);
  // L = 4, hop 2: chunks at 0, 2, 4, 6 (1 + (10 − 4)//2 = 4), then x[8:] = [9, 10] preceded by x's last 2 samples
  assert.deepEqual(segments.map((s) => [...s]), [[1, 2, 3, 4], [3, 4, 5, 6], [5, 6, 7, 8], [7, 8, 9, 10], [9, 10, 9, 10]]);
});

test('windows: full windows, tail policy, and one zero-padded window for a short recording under every tail policy', () => {
  const x = ramp(7);
  const w = (tail: 'drop' | 'pad-zero' | 'snap-to-end') => apply({ kind: 'windows', seconds: 0.3, hopSeconds: 0.2, tail }, x, 10).segments.map((s) => [...s]);
  assert.deepEqual(w('drop'), [[1, 2, 3], [3, 4, 5], [5, 6, 7]]);
  const y = ramp(8);
  const v = (tail: 'drop' | 'pad-zero' | 'snap-to-end') => apply({ kind: 'windows', seconds: 0.3, hopSeconds: 0.2, tail }, y, 10).segments.map((s) => [...s]);
  assert.deepEqual(v('drop'), [[1, 2, 3], [3, 4, 5], [5, 6, 7]]);
  assert.deepEqual(v('pad-zero'), [[1, 2, 3], [3, 4, 5], [5, 6, 7], [7, 8, 0]]);
  assert.deepEqual(v('snap-to-end'), [[1, 2, 3], [3, 4, 5], [5, 6, 7], [6, 7, 8]]);
  for (const tail of ['drop', 'pad-zero', 'snap-to-end'] as const) {
    assert.deepEqual(apply({ kind: 'windows', seconds: 0.3, hopSeconds: 0.2, tail }, ramp(2), 10).segments.map((s) => [...s]), [[1, 2, 0]]);
  }
});

test('whole-or-windows: up to maxSeconds the recording itself, longer ones in maxSeconds windows (tail policy)', () => {
  const p = { kind: 'whole-or-windows', maxSeconds: 0.4, hopSeconds: 0.4, tail: 'snap-to-end' } as const;
  for (const n of [1, 3, 4]) {
    const x = ramp(n);
    const { segments, kept } = apply(p, x, 10);
    assert.equal(segments.length, 1);
    assert.equal(segments[0], x, `n=${n}: the recording itself, not padded`);
    assert.deepEqual(kept, { start: 0, end: n });
  }
  // n = 10 > L = 4: windows at 0, 4 and the tail window snapped to end at 10
  assert.deepEqual(apply(p, ramp(10), 10).segments.map((s) => [...s]), [[1, 2, 3, 4], [5, 6, 7, 8], [7, 8, 9, 10]]);
  assert.deepEqual(apply({ ...p, tail: 'drop' }, ramp(10), 10).segments.map((s) => [...s]), [[1, 2, 3, 4], [5, 6, 7, 8]]);
  assert.deepEqual(apply({ ...p, tail: 'pad-zero', hopSeconds: 0.3 }, ramp(9), 10).segments.map((s) => [...s]), [[1, 2, 3, 4], [4, 5, 6, 7], [7, 8, 9, 0]]);
  // longer than L by one sample: the tail snaps back, the first window stays a view
  const x = ramp(5);
  const s = applyInputPolicy(p, x, 10, 't');
  assert.deepEqual(allSegments(s).map((w) => [...w]), [[1, 2, 3, 4], [2, 3, 4, 5]]);
  assert.equal(s.segment(0).buffer, x.buffer);
  // EfficientAT's default at 32 kHz: exactly 10 s whole, 10 s + 1 sample as two windows
  const mn04 = { kind: 'whole-or-windows', maxSeconds: 10, hopSeconds: 10, tail: 'snap-to-end' } as const;
  assert.equal(applyInputPolicy(mn04, new Float32Array(320000), 32000, 't').count, 1);
  assert.deepEqual(allSegments(applyInputPolicy(mn04, new Float32Array(320001), 32000, 't')).map((w) => w.length), [320000, 320000]);
  for (const bad of [{ ...p, maxSeconds: 0 }, { ...p, hopSeconds: -1 }, { ...p, tail: 'wrap' as 'drop' }, { ...p, maxSeconds: 0.01 }]) {
    assert.throws(() => checkInputPolicy(bad, 10, 'enc'), EmbedInputError, JSON.stringify(bad));
  }
});

test('whole: the recording itself; empty input and bad policies are typed errors', () => {
  const x = ramp(5);
  assert.equal(apply({ kind: 'whole' }, x, 10).segments[0], x);
  assert.throws(() => applyInputPolicy({ kind: 'whole' }, new Float32Array(0), 10, 'enc'), (e: unknown) => e instanceof TooShortError && /enc: input too short: the recording has no samples/.test(e.message));
  const bad: InputPolicy[] = [
    { kind: 'opera-entire', trim: null, minSeconds: 0, pad: 'repeat' },
    { kind: 'opera-entire', trim: null, minSeconds: 1, pad: 'mirror' as 'zero' },
    { kind: 'opera-split', trim: null, chunkSeconds: 0.1 },
    { kind: 'windows', seconds: 2, hopSeconds: -1, tail: 'drop' },
    { kind: 'windows', seconds: 2, hopSeconds: 1, tail: 'wrap' as 'drop' },
  ];
  for (const p of bad) assert.throws(() => checkInputPolicy(p, 10, 'enc'), EmbedInputError, JSON.stringify(p));
  assert.throws(() => checkInputPolicy({ kind: 'whole' }, 0, 'enc'), /sample rate must be a positive integer/);
});

test('segments are made lazily but equal operaSplit and windowSegments exactly, views where no padding is needed', () => {
  for (const n of [1, 7, 8, 9, 15, 16, 17, 40, 41]) {
    const x = ramp(n, 0.5);
    const split = applyInputPolicy({ kind: 'opera-split', trim: null, chunkSeconds: 0.8 }, x, 10, 't');
    assert.deepEqual(allSegments(split).map((s) => [...s]), operaSplit(x, 8).map((s) => [...s]), `split n=${n}`);
    for (const tail of ['drop', 'pad-zero', 'snap-to-end'] as const) {
      if (n < 6) continue;
      const w = applyInputPolicy({ kind: 'windows', seconds: 0.6, hopSeconds: 0.4, tail }, x, 10, 't');
      assert.deepEqual(allSegments(w).map((s) => [...s]), windowSegments(x, { length: 6, hop: 4, tail }).map((s) => [...s]), `windows n=${n} ${tail}`);
    }
  }
  const x = ramp(20);
  const first = applyInputPolicy({ kind: 'windows', seconds: 0.6, hopSeconds: 0.4, tail: 'drop' }, x, 10, 't').segment(1);
  assert.equal(first.buffer, x.buffer, 'a full window is a view of the recording');
  assert.throws(() => applyInputPolicy({ kind: 'whole' }, x, 10, 't').segment(1), RangeError);
});
