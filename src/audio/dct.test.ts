import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DctII } from './dct.ts';
import { FrontEndError } from './frontend-errors.ts';

test('orthonormal DCT-II: a constant vector has only c0 = c·√n, and the full matrix is orthogonal', () => {
  const n = 8;
  const d = new DctII(n, n, 'ortho');
  const out = new Float64Array(n);
  d.apply(new Float64Array(n).fill(3), 0, out, 0);
  assert.ok(Math.abs((out[0] as number) - 3 * Math.sqrt(n)) < 1e-12);
  for (let k = 1; k < n; k++) assert.ok(Math.abs(out[k] as number) < 1e-12);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += (d.matrix[a * n + i] as number) * (d.matrix[b * n + i] as number);
      assert.ok(Math.abs(dot - (a === b ? 1 : 0)) < 1e-12, `rows ${a}, ${b}: ${dot}`);
    }
  }
});

test('unnormalised DCT-II of [1, 2, 3, 4] matches scipy.fft.dct(x, type=2)', () => {
  // scipy 1.10: dct([1, 2, 3, 4], type=2) = [20, -6.30864406, 0, -0.44834153]
  const d = new DctII(4, 4, 'none');
  const out = new Float64Array(6);
  d.apply([9, 1, 2, 3, 4], 1, out, 2);
  const want = [20, -6.308644059797899, 0, -0.4483415291679655];
  want.forEach((w, k) => assert.ok(Math.abs((out[2 + k] as number) - w) < 1e-12, `k=${k}: ${out[2 + k]}`));
});

test('bad sizes and norms are refused', () => {
  assert.throws(() => new DctII(4, 5, 'ortho'), FrontEndError);
  assert.throws(() => new DctII(0, 1, 'ortho'), FrontEndError);
  assert.throws(() => new DctII(4, 2, 'bogus' as 'ortho'), FrontEndError);
});
