// MelStft: the WebAssembly SIMD kernel against the JavaScript specification (PowerStft + SparseMel), bit for
// bit, over every pass type of the FFT, every framing, signal transform and per-frame step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MelStft } from './mel-stft.ts';
import type { KernelChoice } from './kernel-choice.ts';
import { PowerStft, type FramePadding, type StftSpec } from './stft.ts';
import { SparseMel, librosaMelBank, kaldiMelBank, type MelBank } from './mel.ts';
import { stockhamPasses } from './fft.ts';
import { makeWindow, padWindowCenter } from './window.ts';
import { FrontEndError } from './frontend-errors.ts';
import { Rng } from '../util/index.ts';

function signal(n: number, seed: number): Float32Array {
  const rng = Rng.seeded(seed);
  return Float32Array.from({ length: n }, (_, i) => Math.fround(0.3 * Math.sin(i * 0.05) + 0.2 * (rng.uniform() - 0.5)));
}

function spec(window: Float64Array, hop: number, nFft: number, padding: FramePadding, extra: Partial<StftSpec> = {}): StftSpec {
  return { window, hop, nFft, padding, signal: { kind: 'none' }, removeDc: false, framePreemphasis: 0, ...extra };
}

function melRows(s: StftSpec, bank: MelBank, kernels: KernelChoice, x: Float32Array, sig = s.signal): Float64Array {
  const ms = new MelStft(s, bank, kernels);
  const M = ms.nMels;
  const T = ms.numFrames(x.length);
  const out = new Float64Array(T * M).fill(NaN);
  const seen: number[] = [];
  assert.equal(ms.run(x, (t0, rows, count) => {
    seen.push(t0, count);
    out.set(rows.subarray(0, count * M), t0 * M);
  }, sig), T);
  // blocks arrive in order and cover every frame once
  let next = 0;
  for (let i = 0; i < seen.length; i += 2) {
    assert.equal(seen[i], next);
    next += seen[i + 1] as number;
  }
  assert.equal(next, T);
  return out;
}

function assertBitIdentical(s: StftSpec, bank: MelBank, x: Float32Array, label: string, sig = s.signal): void {
  const js = melRows(s, bank, 'js', x, sig);
  const wasm = melRows(s, bank, 'wasm', x, sig);
  assert.equal(wasm.length, js.length);
  for (let i = 0; i < js.length; i++) {
    if (js[i] !== wasm[i]) assert.fail(`${label}: cell ${i}: js ${js[i]} wasm ${wasm[i]}`);
  }
}

/** A Slaney mel bank over n_fft bins (dense enough that every bin is used). */
const bankFor = (nFft: number, nMels: number): MelBank => librosaMelBank({ sampleRate: 16000, nFft, nMels, fmin: 0, fmax: 8000, scale: 'slaney', norm: 'slaney' });

test('every Stockham pass type (radix 2, 3, 4, 5, 8; first and later passes) gives the specification bit for bit', () => {
  const radixSeen = new Set<string>();
  for (const nFft of [6, 10, 16, 24, 36, 40, 50, 64, 96, 400, 512, 2048]) {
    for (const ps of stockhamPasses(nFft / 2) ?? []) radixSeen.add(`${ps.p}${ps.l === 1 ? 'first' : ''}`);
    const w = makeWindow('hann-periodic', nFft);
    assertBitIdentical(spec(w, Math.max(1, nFft >> 2), nFft, 'center-constant'), bankFor(nFft, Math.min(8, nFft / 2)), signal(20 * nFft + 7, nFft), `nFft ${nFft}`);
  }
  for (const r of ['2first', '2', '3first', '3', '4first', '4', '5first', '5', '8first', '8']) assert.ok(radixSeen.has(r), `radix ${r} covered`);
});

test('every framing, odd frame counts, short signals and a frame shorter than the FFT', () => {
  const bank = bankFor(64, 12);
  const w = makeWindow('hann-periodic', 64);
  for (const padding of ['center-constant', 'center-reflect', 'pad-end', 'none'] as const) {
    for (const n of [33, 64, 65, 100, 1000, 64 * 16 * 2 + 5]) {
      if (padding === 'none' && n < 64) continue;
      assertBitIdentical(spec(w, 16, 64, padding), bank, signal(n, n), `${padding} n=${n}`);
    }
  }
  // Kaldi-style 400-sample frames in a 512 FFT, symmetric window (zero at both ends: support [1, 399))
  const wk = makeWindow('hann-symmetric', 400);
  assertBitIdentical(spec(wk, 160, 512, 'none'), kaldiMelBank({ sampleRate: 16000, nFft: 512, nMels: 40, lowFreq: 20, highFreq: 8000 }), signal(9000, 3), 'F < nFft');
  // a window centred in the FFT frame (EfficientAT) and a window with an odd first non-zero sample
  const we = padWindowCenter(makeWindow('hann-symmetric', 50), 64);
  assertBitIdentical(spec(we, 20, 64, 'center-reflect'), bank, signal(3000, 4), 'centred window');
  const wo = makeWindow('hann-periodic', 64).map((v, i) => (i < 3 ? 0 : v));
  assertBitIdentical(spec(wo, 16, 64, 'center-constant'), bank, signal(3000, 5), 'odd support start');
});

test('signal transforms and Kaldi per-frame steps (DC removal, pre-emphasis) give the specification bit for bit', () => {
  const bank = bankFor(64, 12);
  const w = makeWindow('hann-symmetric', 50);
  const x = signal(5000, 6);
  assertBitIdentical(spec(w, 16, 64, 'none', { signal: { kind: 'subtract-f32', value: 0 }, removeDc: true, framePreemphasis: 0.97 }), bank, x, 'kaldi', { kind: 'subtract-f32', value: 0.0123 });
  assertBitIdentical(spec(w, 16, 64, 'none', { removeDc: true }), bank, x, 'dc only');
  assertBitIdentical(spec(w, 16, 64, 'none', { framePreemphasis: 0.5 }), bank, x, 'pre-emphasis only');
  assertBitIdentical(spec(padWindowCenter(w, 64), 20, 64, 'center-reflect', { signal: { kind: 'preemphasis', coefficient: 0.97 } }), bank, x, 'signal pre-emphasis');
});

test('the JavaScript kernel is PowerStft followed by SparseMel', () => {
  const s = spec(makeWindow('hann-periodic', 64), 16, 64, 'center-reflect');
  const bank = bankFor(64, 12);
  const x = signal(3000, 7);
  const got = melRows(s, bank, 'js', x);
  const stft = new PowerStft(s);
  const mel = new SparseMel(bank);
  const want = new Float64Array(got.length);
  stft.run(x, (t, p) => mel.apply(p, want, t * 12));
  assert.deepEqual(got, want);
});

test("kernel choice: 'auto' uses wasm where supported and falls back to js; 'wasm' refuses unsupported lengths", () => {
  const bank = bankFor(64, 12);
  assert.equal(new MelStft(spec(makeWindow('hann-periodic', 64), 16, 64, 'pad-end'), bank, 'auto').kernel, 'wasm');
  assert.equal(new MelStft(spec(makeWindow('hann-periodic', 64), 16, 64, 'pad-end'), bank, 'js').kernel, 'js');
  // n_fft 28: half 14 = 2·7 has a prime factor above 5; odd n_fft 63
  for (const nFft of [28, 63]) {
    const b = librosaMelBank({ sampleRate: 16000, nFft, nMels: 4, fmin: 0, fmax: 8000, scale: 'slaney', norm: 'slaney' });
    const s = spec(makeWindow('hann-periodic', nFft), 8, nFft, 'center-constant');
    assert.equal(new MelStft(s, b, 'auto').kernel, 'js');
    assert.throws(() => new MelStft(s, b, 'wasm'), (e: unknown) => e instanceof FrontEndError && /wasm kernel is unavailable/.test(e.message));
  }
  assert.throws(() => new MelStft(spec(makeWindow('hann-periodic', 64), 16, 64, 'pad-end'), bankFor(32, 4), 'auto'), /filterbank has 17 bins, the STFT gives 33/);
  const kaldi = new MelStft(spec(makeWindow('hann-periodic', 64), 16, 64, 'none', { signal: { kind: 'subtract-f32', value: 0 } }), bank, 'wasm');
  assert.throws(() => kaldi.run(signal(100, 1), () => undefined, { kind: 'none' }), /bad signal transform/);
});
