import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pcenInPlace } from './pcen.ts';
import { FrontEndError } from './frontend-errors.ts';
import { Rng } from '../util/index.ts';

const P = { alpha: 0.8, smooth: 0.04, delta: 2, root: 2, floor: 1e-8 };

test('PCEN of a constant input: the EMA equals the input from frame 0 on', () => {
  const c = 3.5;
  const e = new Float64Array(10 * 2).fill(c);
  pcenInPlace(e, 10, 2, P);
  const want = Math.sqrt(c / Math.pow(1e-8 + c, 0.8) + 2) - Math.SQRT2;
  for (const v of e) assert.ok(Math.abs(v - want) < 1e-14);
});

test('PCEN EMA recursion after a step, and zero energy maps to zero', () => {
  const e = new Float64Array([1, 0, 5, 0, 5, 0]);
  pcenInPlace(e, 3, 2, P);
  const m1 = 0.04 * 5 + 0.96 * 1;
  const m2 = 0.04 * 5 + 0.96 * m1;
  const f = (x: number, m: number): number => Math.sqrt(x / Math.pow(1e-8 + m, 0.8) + 2) - Math.SQRT2;
  assert.ok(Math.abs((e[0] as number) - f(1, 1)) < 1e-14);
  assert.ok(Math.abs((e[2] as number) - f(5, m1)) < 1e-14);
  assert.ok(Math.abs((e[4] as number) - f(5, m2)) < 1e-14);
  assert.equal(e[1], 0);
  assert.equal(e[5], 0);
});

test('PCEN refuses parameters the reference would clamp', () => {
  assert.throws(() => pcenInPlace(new Float64Array(2), 1, 2, { ...P, alpha: 1.5 }), FrontEndError);
  assert.throws(() => pcenInPlace(new Float64Array(2), 1, 2, { ...P, root: 0.5 }), FrontEndError);
  assert.throws(() => pcenInPlace(new Float64Array(3), 1, 2, P), FrontEndError);
});

test('the running-product evaluation of (floor + M)^−α matches the direct formula over long, bursty inputs', () => {
  const rng = Rng.seeded(21);
  const frames = 3000;
  const channels = 8;
  const e = new Float64Array(frames * channels);
  for (let t = 0; t < frames; t++) {
    const burst = t % 400 < 40 ? 1e4 : 1; // jumps of the EMA beyond the series radius
    for (let c = 0; c < channels; c++) e[t * channels + c] = c === 0 ? 0 : -Math.log(rng.uniform() + 1e-300) * burst * 10 ** (c - 4);
  }
  const ref = new Float64Array(e.length);
  const m = e.slice(0, channels);
  for (let t = 0; t < frames; t++) {
    for (let c = 0; c < channels; c++) {
      const v = e[t * channels + c] as number;
      if (t > 0) m[c] = 0.04 * v + 0.96 * (m[c] as number);
      ref[t * channels + c] = Math.pow(v / Math.pow(1e-8 + (m[c] as number), 0.8) + 2, 0.5) - Math.SQRT2;
    }
  }
  pcenInPlace(e, frames, channels, P);
  let worst = 0;
  for (let i = 0; i < e.length; i++) worst = Math.max(worst, Math.abs((e[i] as number) - (ref[i] as number)) / Math.max(1e-12, Math.abs(ref[i] as number)));
  assert.ok(worst < 1e-11, `max relative error ${worst}`);
});
