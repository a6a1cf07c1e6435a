// HeAR front end against the official `preprocess_audio` outputs in ../shared/fixtures/frontend/hear
// (PROVENANCE.md §3B, quirks H1–H7, tolerances §4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { FRONTENDS, computeFrontEnd } from './frontend.ts';
import { buildHear, hearNormalise } from './frontend-hear.ts';
import { FrontEndError } from './frontend-errors.ts';
import { decodeWav } from './wav.ts';
import { parseNpy, type HostTensor } from '../tensor/index.ts';

const FX = new URL('../../../shared/fixtures/frontend/', import.meta.url);
const HEAR = FRONTENDS.hear;
const pipeline = buildHear(HEAR);

function clip(id: string): Float32Array {
  const d = decodeWav(readFileSync(new URL(`inputs/${id}.wav`, FX)), id);
  return d.channels[0] as Float32Array;
}
const npy = (file: string): HostTensor => parseNpy(readFileSync(new URL(file, FX)), file);

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>, offsetB = 0, n = a.length): number {
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[offsetB + i] as number)));
  return m;
}

// PROVENANCE §4: float32 official vs float64 transcription ≤ 3.4e-4 (largest in low-energy cells of the
// first frames); suggested atol 1e-3.
const ATOL = 1e-3;

test('batch-of-1 parity: every hear/*__hear_b1.npy (first 32000 samples; the 0.4-s clip padded by the front end)', () => {
  const files = readdirSync(new URL('hear/', FX)).filter((f) => f.endsWith('__hear_b1.npy')).sort();
  assert.equal(files.length, 8);
  for (const f of files) {
    const id = f.slice(0, -'__hear_b1.npy'.length);
    const x = clip(id);
    const got = computeFrontEnd(HEAR, x.subarray(0, 32000), 16000);
    const want = npy(`hear/${f}`);
    assert.deepEqual(got.shape, [192, 128]);
    assert.deepEqual(want.shape, [192, 128]);
    const err = maxAbs(got.data, want.data as Float32Array);
    assert.ok(err <= ATOL, `${id}: max abs error ${err}`);
    for (const c of [0, 3, 6, 13]) {
      for (let t = 0; t < 192; t++) assert.equal(got.data[t * 128 + c], 0, `${id}: channel ${c} row ${t} must be 0`);
    }
  }
});

test('PCEN intermediates [200, 128] before the resize', () => {
  for (const id of ['sine_1k_2s', 'covid19cough_002f642a']) {
    const got = pipeline.pcenFrames(clip(id).subarray(0, 32000));
    const want = npy(`hear/${id}__hear_pcen_200x128.npy`);
    assert.deepEqual(got.shape, want.shape);
    const err = maxAbs(got.data, want.data as Float32Array);
    assert.ok(err <= ATOL, `${id}: max abs error ${err}`);
  }
});

test('H7: quantised 1 kHz sine — sum 1460.44 and maximum 5.063026 at (191, 42)', () => {
  const y = computeFrontEnd(HEAR, clip('sine_1k_2s'), 16000).data;
  let sum = 0;
  let best = 0;
  for (let i = 0; i < y.length; i++) {
    sum += y[i] as number;
    if ((y[i] as number) > (y[best] as number)) best = i;
  }
  assert.ok(Math.abs(sum - 1460.4367) < 0.05, `sum ${sum}`);
  assert.deepEqual([Math.floor(best / 128), best % 128], [191, 42]);
  assert.ok(Math.abs((y[best] as number) - 5.063026) < 1e-3);
});

test('H2: a short clip is zero-padded before normalisation, so its tail becomes −2·min/(max − min) − 1', () => {
  const x = clip('cough_like_0p4s');
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of x) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const y = hearNormalise(HEAR, x);
  assert.equal(y.length, 32000);
  const tail = (-2 * lo) / (hi - lo) - 1;
  for (let i = 6400; i < 32000; i += 997) assert.ok(Math.abs((y[i] as number) - tail) < 1e-6);
  assert.ok(Math.abs(tail) > 1e-3, 'the padded tail is not silence after normalisation');
});

/** The reference's batch-global normalisation (H1), in float32 like torch, over a [B, 32000] batch. */
function batchNormalise(rows: Float32Array[]): Float32Array[] {
  const f32 = Math.fround;
  let lo = Infinity;
  for (const r of rows) for (const v of r) lo = Math.min(lo, v);
  const shifted = rows.map((r) => r.map((v) => f32(v - lo)));
  let hi = -Infinity;
  for (const r of shifted) for (const v of r) hi = Math.max(hi, v);
  const denom = f32(hi + 1e-8);
  return shifted.map((r) => r.map((v) => f32(f32(f32(v / denom) * 2) - 1)));
}

test('H1: per-clip normalisation deliberately differs from the reference batch of two by the documented amounts', () => {
  const cases = [
    { file: 'batch2__noise_white_8p18s+sine_1k_2s.npy', rows: ['noise_white_8p18s', 'sine_1k_2s'], documented: [0.1465613842010498, 2.384185791015625e-7] },
    { file: 'batch2__chirp_100_7900_3s+icbhi_101_1b1_Al_12s.npy', rows: ['chirp_100_7900_3s', 'icbhi_101_1b1_Al_12s'], documented: [2.4410247802734375, 1.7466919422149658] },
  ];
  const n = 192 * 128;
  for (const c of cases) {
    const want = npy(`hear/${c.file}`);
    assert.deepEqual(want.shape, [2, 192, 128]);
    const clips = c.rows.map((id) => clip(id).slice(0, 32000));
    // our per-clip output moves from the batched reference by what PROVENANCE (H1) measured for batch 1
    c.rows.forEach((id, b) => {
      const perClip = computeFrontEnd(HEAR, clips[b] as Float32Array, 16000);
      const moved = maxAbs(perClip.data, want.data as Float32Array, b * n, n);
      assert.ok(Math.abs(moved - (c.documented[b] as number)) <= ATOL, `${id}: moved ${moved}, documented ${c.documented[b]}`);
    });
    // and the difference is the normalisation alone: batch-global min–max reproduces the batched reference
    batchNormalise(clips).forEach((y, b) => {
      const err = maxAbs(pipeline.fromNormalised(y).data, want.data as Float32Array, b * n, n);
      assert.ok(err <= ATOL, `${c.rows[b]} with batch normalisation: ${err}`); // PROVENANCE: 5.5e-4 for float64
    });
  }
});

test('clips longer than 2 s and empty clips are refused with a typed error', () => {
  assert.throws(() => computeFrontEnd(HEAR, new Float32Array(32001), 16000), (e: unknown) => e instanceof FrontEndError && /at most 32000/.test(e.message));
  assert.throws(() => computeFrontEnd(HEAR, new Float32Array(0), 16000), FrontEndError);
});

test('a non-finite sample is refused by name with either kernel', () => {
  for (const kernels of ['js', 'wasm'] as const) {
    const run = buildHear(HEAR, kernels);
    for (const bad of [NaN, Infinity, -Infinity]) {
      const x = clip('sine_1k_2s').slice(0, 20000);
      x[1234] = bad;
      assert.throws(() => run(x), (e: unknown) => e instanceof FrontEndError && new RegExp(`frontend hear: sample 1234 is ${bad}`).test(e.message), `${kernels} ${bad}`);
    }
  }
});
