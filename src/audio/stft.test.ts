import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PowerStft, powerSpectrogram, type StftSpec, type FramePadding } from './stft.ts';
import { makeWindow, padWindowCenter } from './window.ts';
import { FrontEndError } from './frontend-errors.ts';
import { Rng } from '../util/index.ts';

/** Reference: explicit padded signal, explicit frames, direct DFT power. */
function naivePower(frames: number[][], nFft: number): number[][] {
  return frames.map((f) => {
    const out: number[] = [];
    for (let k = 0; k <= nFft / 2; k++) {
      let re = 0;
      let im = 0;
      for (let j = 0; j < nFft; j++) {
        const v = f[j] ?? 0;
        re += v * Math.cos((2 * Math.PI * j * k) / nFft);
        im -= v * Math.sin((2 * Math.PI * j * k) / nFft);
      }
      out.push(re * re + im * im);
    }
    return out;
  });
}

function spec(window: Float64Array, hop: number, nFft: number, padding: FramePadding, extra: Partial<StftSpec> = {}): StftSpec {
  return { window, hop, nFft, padding, signal: { kind: 'none' }, removeDc: false, framePreemphasis: 0, ...extra };
}

function compare(got: Float64Array, want: number[][], nBins: number): void {
  assert.equal(got.length, want.length * nBins, 'frame count');
  want.forEach((row, t) =>
    row.forEach((v, k) => assert.ok(Math.abs((got[t * nBins + k] as number) - v) < 1e-10 * (1 + v), `frame ${t} bin ${k}: ${got[t * nBins + k]} vs ${v}`)),
  );
}

const rng = Rng.seeded(5);
const x = Float32Array.from({ length: 37 }, () => rng.normal());

test('centre padding, constant and reflect: T = 1 + floor(N/hop), frames around t·hop', () => {
  const w = makeWindow('hann-periodic', 16);
  for (const mode of ['center-constant', 'center-reflect'] as const) {
    const padded: number[] = [];
    for (let i = -8; i < 37 + 8; i++) {
      const j = mode === 'center-reflect' ? (i < 0 ? -i : i >= 37 ? 2 * 36 - i : i) : i;
      padded.push(j >= 0 && j < 37 ? (x[j] as number) : 0);
    }
    const frames: number[][] = [];
    for (let t = 0; t < 1 + Math.floor(37 / 4); t++) frames.push(padded.slice(t * 4, t * 4 + 16).map((v, q) => v * (w[q] as number)));
    const got = powerSpectrogram(x, spec(w, 4, 16, mode));
    assert.deepEqual(got.shape, [10, 9]);
    compare(got.data, naivePower(frames, 16), 9);
  }
});

test('pad-end (TF): T = ceil(N/hop), zeros after the signal; none (snip edges): T = 1 + floor((N − F)/hop)', () => {
  const w = makeWindow('hann-periodic', 10);
  const framesEnd: number[][] = [];
  for (let t = 0; t < Math.ceil(37 / 4); t++) framesEnd.push(Array.from({ length: 10 }, (_, q) => (x[t * 4 + q] ?? 0) * (w[q] as number)));
  compare(powerSpectrogram(x, spec(w, 4, 10, 'pad-end')).data, naivePower(framesEnd, 10), 6);
  const framesSnip: number[][] = [];
  for (let t = 0; t < 1 + Math.floor((37 - 10) / 4); t++) framesSnip.push(Array.from({ length: 10 }, (_, q) => (x[t * 4 + q] as number) * (w[q] as number)));
  // frames zero-padded at the end to nFft 16 (Kaldi's padded window)
  compare(powerSpectrogram(x, spec(w, 4, 16, 'none')).data, naivePower(framesSnip, 16), 9);
});

test('Kaldi per-frame steps: DC removal, then pre-emphasis with the first sample as its own predecessor', () => {
  const w = makeWindow('hann-symmetric', 10);
  const frames: number[][] = [];
  for (let t = 0; t < 1 + Math.floor((37 - 10) / 4); t++) {
    const f = Array.from({ length: 10 }, (_, q) => x[t * 4 + q] as number);
    const mean = f.reduce((a, b) => a + b, 0) / 10;
    const d = f.map((v) => v - mean);
    const p = d.map((v, q) => v - 0.97 * (d[Math.max(0, q - 1)] as number));
    frames.push(p.map((v, q) => v * (w[q] as number)));
  }
  compare(powerSpectrogram(x, spec(w, 4, 16, 'none', { removeDc: true, framePreemphasis: 0.97 })).data, naivePower(frames, 16), 9);
});

test('signal transforms: float32 offset removal and EfficientAT pre-emphasis (N−1 samples, then reflect)', () => {
  const w = padWindowCenter(makeWindow('hann-symmetric', 12), 16);
  const y = Array.from({ length: 36 }, (_, i) => (x[i + 1] as number) - 0.97 * (x[i] as number));
  const padded: number[] = [];
  for (let i = -8; i < 36 + 8; i++) padded.push(y[i < 0 ? -i : i >= 36 ? 70 - i : i] as number);
  const frames: number[][] = [];
  for (let t = 0; t < 1 + Math.floor(36 / 4); t++) frames.push(padded.slice(t * 4, t * 4 + 16).map((v, q) => v * (w[q] as number)));
  const got = powerSpectrogram(x, spec(w, 4, 16, 'center-reflect', { signal: { kind: 'preemphasis', coefficient: 0.97 } }));
  compare(got.data, naivePower(frames, 16), 9);

  const w2 = makeWindow('hann-periodic', 8);
  const off = 0.3;
  const z = Array.from(x, (v) => Math.fround(v - Math.fround(off)));
  const fr: number[][] = [];
  for (let t = 0; t < 1 + Math.floor((37 - 8) / 4); t++) fr.push(z.slice(t * 4, t * 4 + 8).map((v, q) => v * (w2[q] as number)));
  compare(powerSpectrogram(x, spec(w2, 4, 8, 'none', { signal: { kind: 'subtract-f32', value: off } })).data, naivePower(fr, 8), 5);
});

test('framing errors are typed and name the function', () => {
  const w = makeWindow('hann-periodic', 16);
  assert.throws(() => new PowerStft(spec(w, 4, 16, 'none')).numFrames(15), FrontEndError);
  assert.throws(() => new PowerStft(spec(w, 4, 16, 'center-reflect')).numFrames(8), FrontEndError);
  assert.equal(new PowerStft(spec(w, 4, 16, 'center-reflect')).numFrames(9), 3);
  assert.throws(() => new PowerStft(spec(w, 0, 16, 'none')), /stft: hop/);
  assert.throws(() => new PowerStft(spec(w, 4, 8, 'none')), /stft: nFft/);
});
