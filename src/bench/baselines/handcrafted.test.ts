import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../util/index.ts';
import { HANDCRAFTED_CONFIG, handcraftedFeatureNames, lldNames } from './handcrafted-config.ts';
import { functionals } from './functionals.ts';
import { BaselineError, HandcraftedEmbedder } from './handcrafted.ts';
import { frameDescriptors } from './lld.ts';

const cfg = HANDCRAFTED_CONFIG;
const SR = cfg.sampleRate;
const L = lldNames(cfg);
const col = (name: string): number => L.indexOf(name);

function close(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual}, expected ${expected} ± ${tol}`);
}

test('frame descriptors of a 1 kHz sine match a numpy rfft computation of the same frame', () => {
  // Reference for frame 20 (numpy 1.24, float64 arithmetic): x = f32(0.5·sin(2π·1000·n/16000 + 0.3)), centred 512-point frame with a
  // periodic Hann of 400 padded to 512; S = |rfft|; raw frame of 400 samples centred on 20·160.
  const x = Float32Array.from({ length: SR }, (_, n) => 0.5 * Math.sin((2 * Math.PI * 1000 * n) / SR + 0.3));
  const d = frameDescriptors(x, cfg);
  assert.equal(d.frames, 1 + Math.floor(SR / cfg.hop));
  assert.equal(d.width, 33);
  const at = (name: string): number => d.values[20 * d.width + col(name)] as number;
  close(at('centroid'), 1000.082198905563, 1e-6, 'centroid');
  close(at('bandwidth'), 44.787924710774746, 1e-6, 'bandwidth');
  assert.equal(at('rolloff'), 1031.25);
  close(at('rms'), 0.3535533914144883, 1e-12, 'rms');
  close(at('zcr'), 0.1225, 1e-12, 'zcr');
  assert.ok(at('flatness') < 1e-6, `flatness of a pure tone: ${at('flatness')}`);
});

test('white noise: flatness near e^-γ, centroid near fs/4, zcr near 1/2, rms near σ', () => {
  const rng = Rng.seeded(5);
  const x = Float32Array.from({ length: 2 * SR }, () => 0.1 * rng.normal());
  const d = frameDescriptors(x, cfg);
  const mean = (name: string): number => {
    let s = 0;
    for (let t = 5; t < d.frames - 5; t++) s += d.values[t * d.width + col(name)] as number;
    return s / (d.frames - 10);
  };
  close(mean('flatness'), Math.exp(-0.5772156649), 0.05, 'flatness');
  close(mean('centroid'), SR / 4, 150, 'centroid');
  close(mean('zcr'), 0.5, 0.02, 'zcr');
  close(mean('rms'), 0.1, 0.005, 'rms');
});

test('silence has closed-form descriptors: c0 = -100·√40 dB, flatness 1, all else 0', () => {
  const d = frameDescriptors(new Float32Array(1600), cfg);
  for (let t = 0; t < d.frames; t++) {
    const row = Array.from(d.values.subarray(t * d.width, (t + 1) * d.width));
    close(row[0] as number, -100 * Math.sqrt(40), 1e-9, 'mfcc0');
    row.forEach((v, j) => {
      if (j === 0) return;
      close(v, L[j] === 'flatness' ? 1 : 0, 1e-9, `${L[j]} at frame ${t}`);
    });
  }
});

test('functionals of [1, 2, 3, 4, 10] match numpy / scipy.stats', () => {
  // numpy 1.24: mean 4, std 3.1622776601683795, percentile [1.4, 2, 3, 4, 7.6];
  // scipy 1.10: skew 1.1384199576606167, kurtosis -0.212; slope over t = 0, 0.01, … is 200 per second.
  const out = new Float64Array(13);
  functionals(Float64Array.from([0, 1, 0, 2, 0, 3, 0, 4, 0, 10]), 1, 2, 5, 0.01, cfg.percentiles, out, 0);
  const want = [4, 3.1622776601683795, 1, 10, 9, 1.4, 2, 3, 4, 7.6, 1.1384199576606167, -0.212, 200];
  want.forEach((w, i) => close(out[i] as number, w, 1e-9, `functional ${i}`));
  functionals(Float64Array.from([7, 7, 7]), 0, 1, 3, 0.01, cfg.percentiles, out, 0);
  assert.deepEqual(Array.from(out.subarray(10)), [0, 0, 0]);
});

test('the embedder gives 429 finite, deterministic features and refuses other rates and empty input', async () => {
  const e = new HandcraftedEmbedder(cfg, { resample: 'test' });
  assert.equal(e.dim, 429);
  assert.equal(handcraftedFeatureNames(cfg).length, 429);
  assert.equal(handcraftedFeatureNames(cfg)[13 * col('rms') + 1], 'rms_std');
  const rng = Rng.seeded(2);
  const x = Float32Array.from({ length: 8000 }, () => rng.normal() * 0.05);
  const a = await e.embed(x, SR);
  const b = await e.embed(x, SR);
  assert.equal(a.length, 429);
  assert.ok(a.every(Number.isFinite));
  assert.deepEqual(a, b);
  assert.equal(e.configHashFor({}), e.configHash);
  assert.notEqual(new HandcraftedEmbedder(cfg, { resample: 'other' }).configHash, e.configHash);
  await assert.rejects(e.embed(x, 8000), BaselineError);
  await assert.rejects(e.embed(new Float32Array(0), SR), BaselineError);
});
