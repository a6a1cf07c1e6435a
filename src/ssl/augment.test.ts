import { test } from 'node:test';
import assert from 'node:assert/strict';
import { f32 } from '../tensor/index.ts';
import { Rng } from '../util/index.ts';
import {
  OPERA_COLA_AUGMENT, OPERA_ROW_MASK, colaViews, cropOrPad, cropStart, drawGain, drawRowMask, globalMean, rowMask,
} from './augment.ts';

/** An Rng stand-in that returns the given uniforms in order and fails when asked for more. */
function scripted(us: readonly number[]): { rng: Rng; used: () => number } {
  let i = 0;
  const rng = {
    uniform: () => {
      if (i >= us.length) throw new Error(`draw ${i} was not scripted`);
      return us[i++] as number;
    },
  } as unknown as Rng;
  return { rng, used: () => i };
}

test('row mask: first draw < 0.1 masks; after a masked row a second draw < 0.2 masks; the second draw is taken only then', () => {
  // row 0: 0.05 → masked (one draw)
  // row 1: 0.5 fails, prev masked → 0.1 < 0.2 → masked (two draws)
  // row 2: 0.5 fails, prev masked → 0.3 ≥ 0.2 → kept (two draws)
  // row 3: 0.5 fails, prev kept → kept (one draw, no second)
  // row 4: 0.099 → masked; row 5: 0.7 fails, prev masked → 0.25 → kept
  const s = scripted([0.05, 0.5, 0.1, 0.5, 0.3, 0.5, 0.099, 0.7, 0.25]);
  assert.deepEqual([...drawRowMask(6, OPERA_ROW_MASK, s.rng)], [1, 1, 0, 0, 1, 0]);
  assert.equal(s.used(), 9);
});

test('row mask replaces whole rows with the global mean of the unmasked input, other rows unchanged', () => {
  const x = f32([4, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  const s = scripted([0.5, 0.01, 0.5, 0.9, 0.5]);
  const { out, masked } = rowMask(x, OPERA_ROW_MASK, s.rng);
  assert.deepEqual([...masked], [0, 1, 0, 0]);
  assert.equal(globalMean(x.data), 6.5);
  assert.deepEqual([...out.data], [1, 2, 3, 6.5, 6.5, 6.5, 7, 8, 9, 10, 11, 12]);
  assert.deepEqual([...x.data].slice(3, 6), [4, 5, 6], 'the input is not modified');
});

test('row mask rates from a seeded Rng: P(masked | previous kept) = 0.1, P(masked | previous masked) = 0.1 + 0.9·0.2 = 0.28', () => {
  const m = drawRowMask(200_000, OPERA_ROW_MASK, Rng.seeded(11));
  let afterKept = 0, afterKeptMasked = 0, afterMasked = 0, afterMaskedMasked = 0;
  for (let t = 1; t < m.length; t++) {
    if (m[t - 1] === 1) {
      afterMasked++;
      afterMaskedMasked += m[t] as number;
    } else {
      afterKept++;
      afterKeptMasked += m[t] as number;
    }
  }
  const p0 = afterKeptMasked / afterKept;
  const p1 = afterMaskedMasked / afterMasked;
  assert.ok(Math.abs(p0 - 0.1) < 0.004, `P(mask | kept) = ${p0}`);
  assert.ok(Math.abs(p1 - 0.28) < 0.01, `P(mask | masked) = ${p1}`);
});

test('crop start is int(u·(T − crop)): in [0, T − crop − 1] for T > crop, 0 for T = crop, an error for T < crop', () => {
  assert.equal(cropStart(100, 50, scripted([0]).rng), 0);
  assert.equal(cropStart(100, 50, scripted([0.999999]).rng), 49);
  assert.equal(cropStart(100, 50, scripted([0.5]).rng), 25);
  assert.equal(cropStart(50, 50, scripted([0.7]).rng), 0);
  assert.throws(() => cropStart(49, 50, scripted([0.7]).rng), /cannot crop 50 frames from a 49-frame/);
  const rng = Rng.seeded(3);
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < 20000; i++) {
    const s = cropStart(60, 50, rng);
    lo = Math.min(lo, s);
    hi = Math.max(hi, s);
  }
  assert.deepEqual([lo, hi], [0, 9]);
});

test('gain is 0.9 + 0.2·u, in [0.9, 1.1)', () => {
  assert.equal(drawGain(OPERA_COLA_AUGMENT.gain!, scripted([0]).rng), 0.9);
  assert.ok(drawGain(OPERA_COLA_AUGMENT.gain!, scripted([1 - 2 ** -53]).rng) < 1.1);
  assert.ok(Math.abs(drawGain(OPERA_COLA_AUGMENT.gain!, scripted([0.5]).rng) - 1.0) < 1e-15);
  const rng = Rng.seeded(5);
  for (let i = 0; i < 10000; i++) {
    const g = drawGain(OPERA_COLA_AUGMENT.gain!, rng);
    assert.ok(g >= 0.9 && g < 1.1, `gain ${g}`);
  }
});

test('COLA views: mask once, then two crops and two gains in that order', () => {
  const T = 6, F = 2;
  const x = f32([T, F], Array.from({ length: T * F }, (_, i) => i));
  // rows: 0.5 (kept), 0.05 (masked), 0.5 + 0.9 (kept), 0.5, 0.5, 0.5 ; starts u = 0.0, 0.75 → 0, 3 ; gains u = 0.5, 0
  const s = scripted([0.5, 0.05, 0.5, 0.9, 0.5, 0.5, 0.5, 0, 0.75, 0.5, 0]);
  const [a, b] = colaViews(x, 2, OPERA_COLA_AUGMENT, s.rng);
  assert.equal(s.used(), 11);
  const mean = 5.5;
  assert.deepEqual([...a.data], [0, 1, mean, mean].map((v) => Math.fround(v * (0.9 + 0.2 * 0.5))));
  assert.deepEqual([...b.data], [6, 7, 8, 9].map((v) => Math.fround(v * 0.9)));
  assert.deepEqual(a.shape, [2, 2]);
});

test('MAE cut and pad: random crop when longer, zeros appended when shorter, unchanged (no draw) when equal', () => {
  const x = f32([3, 2], [1, 2, 3, 4, 5, 6]);
  assert.deepEqual([...cropOrPad(x, 5, scripted([]).rng).data], [1, 2, 3, 4, 5, 6, 0, 0, 0, 0]);
  assert.deepEqual([...cropOrPad(x, 3, scripted([]).rng).data], [1, 2, 3, 4, 5, 6]);
  assert.deepEqual([...cropOrPad(x, 2, scripted([0.9]).rng).data], [1, 2, 3, 4]);
  assert.deepEqual([...cropOrPad(x, 1, scripted([0.9]).rng).data], [3, 4]);
});
