import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ComplexFft, RealFft } from './fft.ts';
import { Rng } from '../util/index.ts';

/** Direct O(n²) DFT in float64 with exactly reduced angles: the reference. */
function naiveDft(re: Float64Array, im: Float64Array): [Float64Array, Float64Array] {
  const n = re.length;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let j = 0; j < n; j++) {
      const a = (-2 * Math.PI * ((j * k) % n)) / n;
      const c = Math.cos(a);
      const s = Math.sin(a);
      sr += (re[j] as number) * c - (im[j] as number) * s;
      si += (re[j] as number) * s + (im[j] as number) * c;
    }
    outRe[k] = sr;
    outIm[k] = si;
  }
  return [outRe, outIm];
}

function randomVec(rng: Rng, n: number): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.normal();
  return v;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, n: number): number {
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

// mixed radix (2,3,4,5 combinations), primes and prime powers through Bluestein, and the hot sizes
const SIZES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 25, 27, 30, 32, 49, 60, 64, 97, 100, 121, 200, 243, 256, 400, 509, 512, 1000, 1024];

test('ComplexFft matches the direct DFT for mixed-radix and Bluestein lengths', () => {
  const rng = Rng.seeded(11);
  for (const n of SIZES) {
    const re = randomVec(rng, n);
    const im = randomVec(rng, n);
    const [wr, wi] = naiveDft(re, im);
    const fft = new ComplexFft(n);
    fft.forward(re, im);
    // error of a float64 FFT grows ~ eps·log n·‖x‖; ‖x‖ ~ sqrt(n)
    const tol = 1e-12 * Math.sqrt(n) * Math.max(1, Math.log2(n));
    assert.ok(maxAbsDiff(re, wr, n) < tol, `n=${n} re err ${maxAbsDiff(re, wr, n)}`);
    assert.ok(maxAbsDiff(im, wi, n) < tol, `n=${n} im err ${maxAbsDiff(im, wi, n)}`);
  }
});

test('ComplexFft inverse(forward(x)) = x', () => {
  const rng = Rng.seeded(12);
  for (const n of [7, 64, 400, 1009]) {
    const re = randomVec(rng, n);
    const im = randomVec(rng, n);
    const r0 = re.slice();
    const i0 = im.slice();
    const fft = new ComplexFft(n);
    fft.forward(re, im);
    fft.inverse(re, im);
    assert.ok(maxAbsDiff(re, r0, n) < 1e-12, `n=${n}`);
    assert.ok(maxAbsDiff(im, i0, n) < 1e-12, `n=${n}`);
  }
});

test('RealFft matches the direct DFT of a real signal (even and odd n) and power = |X|²', () => {
  const rng = Rng.seeded(13);
  for (const n of [1, 2, 3, 5, 6, 9, 14, 31, 400, 512, 1024, 1022]) {
    const x = randomVec(rng, n);
    const [wr, wi] = naiveDft(x, new Float64Array(n));
    const fft = new RealFft(n);
    assert.equal(fft.nBins, Math.floor(n / 2) + 1);
    const or = new Float64Array(fft.nBins);
    const oi = new Float64Array(fft.nBins);
    fft.forward(x, or, oi);
    const tol = 1e-12 * Math.sqrt(n) * Math.max(1, Math.log2(n));
    assert.ok(maxAbsDiff(or, wr, fft.nBins) < tol, `n=${n}`);
    assert.ok(maxAbsDiff(oi, wi, fft.nBins) < tol, `n=${n}`);
    const p = new Float64Array(fft.nBins);
    fft.power(x, p);
    for (let k = 0; k < fft.nBins; k++) {
      const ref = (wr[k] as number) ** 2 + (wi[k] as number) ** 2;
      assert.ok(Math.abs((p[k] as number) - ref) < tol * (1 + 2 * Math.sqrt(ref)), `n=${n} k=${k}`);
    }
  }
});

test('RealFft of a cosine on a bin puts n/2 in that bin and ~0 elsewhere', () => {
  const n = 400;
  const x = new Float64Array(n);
  for (let j = 0; j < n; j++) x[j] = Math.cos((2 * Math.PI * 25 * j) / n);
  const fft = new RealFft(n);
  const re = new Float64Array(fft.nBins);
  const im = new Float64Array(fft.nBins);
  fft.forward(x, re, im);
  for (let k = 0; k < fft.nBins; k++) {
    assert.ok(Math.abs((re[k] as number) - (k === 25 ? 200 : 0)) < 1e-10, `k=${k}`);
    assert.ok(Math.abs(im[k] as number) < 1e-10, `k=${k}`);
  }
});

test('RealFft.powerWindowed equals power() of the explicitly windowed, zero-extended frame', () => {
  const rng = Rng.seeded(14);
  const x = randomVec(rng, 300);
  for (const [n, w0, w1, start] of [[64, 0, 64, 10], [64, 3, 61, 0], [64, 4, 40, 200], [63, 1, 62, 5], [64, 7, 8, 100]] as const) {
    const win = Float64Array.from({ length: n }, (_, q) => (q >= w0 && q < w1 ? 0.5 + Math.cos(q) / 3 : 0));
    const frame = Float64Array.from({ length: n }, (_, q) => (q >= w0 && q < w1 ? (x[start + q] as number) * (win[q] as number) : 0));
    const fft = new RealFft(n);
    const want = new Float64Array(fft.nBins);
    fft.power(frame, want);
    const got = new Float64Array(fft.nBins);
    // a NaN outside [start + w0, start + w1) must never be read
    const poisoned = x.slice();
    if (start + w0 > 0) poisoned[start + w0 - 1] = NaN;
    poisoned[start + w1] = NaN;
    fft.powerWindowed(poisoned, start, win, w0, w1, got);
    assert.ok(maxAbsDiff(got, want, fft.nBins) < 1e-12, `n=${n} w0=${w0} w1=${w1}`);
  }
});
