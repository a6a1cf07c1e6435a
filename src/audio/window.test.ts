import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeWindow, padWindowCenter } from './window.ts';
import { FrontEndError } from './frontend-errors.ts';

const close = (a: ArrayLike<number>, b: readonly number[], tol = 1e-15): void => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < b.length; i++) assert.ok(Math.abs((a[i] as number) - (b[i] as number)) <= tol, `i=${i}: ${a[i]} vs ${b[i]}`);
};

test('Hann windows: periodic divides by n, symmetric by n−1', () => {
  close(makeWindow('hann-periodic', 4), [0, 0.5, 1, 0.5]);
  close(makeWindow('hann-symmetric', 5), [0, 0.5, 1, 0.5, 0]);
  close(makeWindow('hann-symmetric', 1), [1]);
  // periodic Hann(n) = first n points of symmetric Hann(n+1)
  const p = makeWindow('hann-periodic', 400);
  const s = makeWindow('hann-symmetric', 401);
  close(p, Array.from(s.subarray(0, 400)), 1e-15);
});

test('Hamming and Povey windows', () => {
  close(makeWindow('hamming-symmetric', 3), [0.08, 1, 0.08], 1e-15);
  close(makeWindow('hamming-periodic', 2), [0.08, 1], 1e-15);
  const hs = makeWindow('hann-symmetric', 25);
  const pv = makeWindow('povey', 25);
  for (let i = 0; i < 25; i++) assert.ok(Math.abs((pv[i] as number) - Math.pow(hs[i] as number, 0.85)) < 1e-15);
});

test('padWindowCenter centres with floor((nFft − len)/2) zeros on the left', () => {
  const w = padWindowCenter(new Float64Array([1, 2, 3]), 8);
  close(w, [0, 0, 1, 2, 3, 0, 0, 0]);
  const e = padWindowCenter(makeWindow('hann-symmetric', 800), 1024);
  assert.equal(e[111], 0);
  assert.equal(e[112], 0); // symmetric Hann starts at exactly 0
  assert.ok((e[113] as number) > 0);
  assert.equal(e[112 + 799], 0);
  assert.throws(() => padWindowCenter(new Float64Array(9), 8), FrontEndError);
  assert.throws(() => makeWindow('hann-periodic', 0), FrontEndError);
});
