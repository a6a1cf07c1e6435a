import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pcen, negPow, negPowTables, pcenInPlace } from './pcen.ts';
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

test('the table evaluation of (floor + M)^−α matches the direct formula over long, bursty inputs', () => {
  const rng = Rng.seeded(21);
  const frames = 3000;
  const channels = 8;
  const e = new Float64Array(frames * channels);
  for (let t = 0; t < frames; t++) {
    const burst = t % 400 < 40 ? 1e4 : 1; // jumps of the EMA over many octaves
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

test('negPow: y^−α to a few ulp for normal y, and Math.pow for subnormal and infinite y', () => {
  const rng = Rng.seeded(5);
  for (const alpha of [0, 0.25, 0.8, 1, rng.uniform()]) {
    const t = negPowTables(alpha);
    let worst = 0;
    for (let i = 0; i < 20000; i++) {
      // log-uniform over [1e-30, 1e30] plus every mantissa-bucket edge near 1
      const y = i < 256 ? 1 + i / 256 : Math.exp((rng.uniform() - 0.5) * 138);
      const want = Math.pow(y, -alpha);
      worst = Math.max(worst, Math.abs(negPow(t, y) - want) / want);
    }
    assert.ok(worst < 2e-15, `alpha ${alpha}: relative error ${worst}`);
    for (const y of [1e-300, 1e300, 1.7e308]) {
      const want = Math.pow(y, -alpha);
      assert.ok(Math.abs(negPow(t, y) - want) <= 2e-15 * want, `alpha ${alpha} y ${y}`);
    }
    for (const y of [1e-310, 5e-324, Infinity]) assert.equal(negPow(t, y), Math.pow(y, -alpha), `alpha ${alpha} y ${y}`);
  }
});

test('Pcen streams: blocks continue the EMA, reset starts a new signal, and the wasm kernel equals js bit for bit', () => {
  const rng = Rng.seeded(9);
  const frames = 300;
  const channels = 6;
  const e = new Float64Array(frames * channels);
  for (let i = 0; i < e.length; i++) e[i] = i % 37 === 0 ? 0 : Math.exp((rng.uniform() - 0.5) * 40);
  const whole = e.slice();
  pcenInPlace(whole, frames, channels, P);
  for (const kernels of ['js', 'wasm'] as const) {
    const pc = new Pcen(channels, P, kernels);
    assert.equal(pc.kernel, kernels);
    for (let pass = 0; pass < 2; pass++) {
      const y = e.slice();
      pc.reset();
      // blocks of 1, 70 and 229 frames (the wasm kernel runs 64 rows per call)
      pc.apply(y, 0, 1);
      pc.apply(y, channels, 70);
      pc.apply(y, 71 * channels, 229);
      for (let i = 0; i < y.length; i++) if (y[i] !== whole[i]) assert.fail(`${kernels} pass ${pass}: cell ${i}: ${y[i]} vs ${whole[i]}`);
    }
  }
});

test('the Pcen wasm kernel needs an even channel count, root 2 and a normal floor', () => {
  assert.equal(new Pcen(5, P, 'auto').kernel, 'js');
  assert.equal(new Pcen(6, { ...P, root: 3 }, 'auto').kernel, 'js');
  assert.equal(new Pcen(6, { ...P, floor: 1e-310 }, 'auto').kernel, 'js');
  assert.throws(() => new Pcen(5, P, 'wasm'), (e: unknown) => e instanceof FrontEndError && /wasm kernel is unavailable/.test(e.message));
  assert.throws(() => new Pcen(6, P, 'js').apply(new Float64Array(12), 6, 2), /outside an array of 12/);
});

test('energies must be finite and >= 0: the offending cell is named and nothing is changed', () => {
  for (const kernels of ['js', 'wasm'] as const) {
    for (const bad of [-1e-30, NaN, Infinity]) {
      // one block and several blocks of the wasm kernel (64 rows per call)
      for (const [frames, row] of [[4, 2], [150, 130]] as const) {
        const e = new Float64Array(frames * 6).fill(1);
        e[row * 6 + 5] = bad;
        const before = e.slice();
        const pc = new Pcen(6, P, kernels);
        pc.apply(new Float64Array(6).fill(3), 0, 1);
        assert.throws(() => pc.apply(e, 0, frames), (err: unknown) => err instanceof FrontEndError && new RegExp(`energy ${bad} at row ${row}, channel 5`).test(err.message));
        assert.deepEqual(e, before);
        // the stream state is unchanged too: the next frame continues from the EMA of the frame before
        const next = new Float64Array(6).fill(3);
        pc.apply(next, 0, 1);
        const want = new Float64Array(12).fill(3);
        pcenInPlace(want, 2, 6, P);
        assert.deepEqual(next, want.subarray(6));
      }
    }
  }
});
