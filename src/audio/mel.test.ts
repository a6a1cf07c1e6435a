import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { hzToMel, melToHz, librosaMelBank, tfMelBank, kaldiMelBank, SparseMel, torchLinspaceF32, type MelBank } from './mel.ts';
import { FrontEndError } from './frontend-errors.ts';
import { parseNpy } from '../tensor/index.ts';

const ANALYTIC = new URL('../../../shared/fixtures/frontend/analytic/', import.meta.url);
const EFFAT = new URL('../../../shared/fixtures/models/efficientat_mn04/', import.meta.url);
const load = (base: URL, name: string): Float32Array => parseNpy(readFileSync(new URL(name, base)), name).data as Float32Array;

/** Max |a − b| and the number of cells that differ at all. */
function diff(a: Float32Array, b: Float32Array): { max: number; cells: number } {
  assert.equal(a.length, b.length);
  let max = 0;
  let cells = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] as number) - (b[i] as number));
    if (d > 0) cells++;
    max = Math.max(max, d);
  }
  return { max, cells };
}

test('librosa Slaney filterbanks equal librosa 0.10.1 / nnAudio bit for bit (OPERA 64×513, M2D 80×201)', () => {
  const opera = librosaMelBank({ sampleRate: 16000, nFft: 1024, nMels: 64, fmin: 50, fmax: 8000, scale: 'slaney', norm: 'slaney' });
  assert.deepEqual(diff(opera.weights, load(ANALYTIC, 'opera_librosa_mel_64x513.npy')), { max: 0, cells: 0 });
  const m2d = librosaMelBank({ sampleRate: 16000, nFft: 400, nMels: 80, fmin: 50, fmax: 8000, scale: 'slaney', norm: 'slaney' });
  assert.deepEqual(diff(m2d.weights, load(ANALYTIC, 'm2d_nnaudio_mel_80x201.npy')), { max: 0, cells: 0 });
});

// The torch references build these in float32; we emulate that arithmetic. What is left is torch's SIMD
// log/log10 (SLEEF, 1-ulp accuracy) rounding a few bins' mel value differently from a correctly rounded
// log: a handful of cells, each ≤ 1.2e-5 off. PROVENANCE's float32-vs-float64 gap is 1.4e-5–2.1e-5.
test('HeAR TF-style mel matrix (201×128, float32-built) and its zero channels 0, 3, 6, 13', () => {
  const bank = tfMelBank({ sampleRate: 16000, nBins: 201, nMels: 128, fmin: 0, fmax: 8000 });
  const t = new Float32Array(201 * 128);
  for (let m = 0; m < 128; m++) for (let k = 0; k < 201; k++) t[k * 128 + m] = bank.weights[m * 201 + k] as number;
  const d = diff(t, load(ANALYTIC, 'hear_mel_201x128.npy'));
  assert.ok(d.max <= 2e-5 && d.cells <= 10, JSON.stringify(d));
  for (let m = 0; m < 128; m++) {
    const empty = bank.weights.subarray(m * 201, (m + 1) * 201).every((v) => v === 0);
    assert.equal(empty, [0, 3, 6, 13].includes(m), `channel ${m}`);
  }
  for (let m = 0; m < 128; m++) assert.equal(bank.weights[m * 201], 0, 'DC row is zero');
});

test('Kaldi mel banks (AudioMAE 128×257, EfficientAT 128×513) match torchaudio get_mel_banks', () => {
  const kaldi = kaldiMelBank({ sampleRate: 16000, nFft: 512, nMels: 128, lowFreq: 20, highFreq: 8000 });
  const dk = diff(kaldi.weights, load(ANALYTIC, 'kaldi_mel_128x257.npy'));
  assert.ok(dk.max <= 2e-5 && dk.cells <= 10, JSON.stringify(dk));
  assert.ok(kaldi.weights.subarray(3 * 257, 4 * 257).every((v) => v === 0), 'row 3 is empty');
  const effat = kaldiMelBank({ sampleRate: 32000, nFft: 1024, nMels: 128, lowFreq: 0, highFreq: 15000 });
  const de = diff(effat.weights, load(EFFAT, 'debug_mel_basis_128x513.npy'));
  assert.ok(de.max <= 2e-5 && de.cells <= 10, JSON.stringify(de));
  for (let m = 0; m < 128; m++) assert.equal(effat.weights[m * 513 + 512], 0, 'Nyquist column is zero');
});

test('torch float32 linspace emulation hits both ends exactly', () => {
  const v = torchLinspaceF32(0, 2840.023, 130);
  assert.equal(v[0], 0);
  assert.equal(v[129], Math.fround(2840.023));
  for (let i = 1; i < 130; i++) assert.ok((v[i] as number) > (v[i - 1] as number));
});

test('mel scales: Slaney is linear below 1 kHz and logarithmic above; HTK is 2595·log10(1 + f/700); round trips', () => {
  assert.ok(Math.abs(hzToMel(1000, 'slaney') - 15) < 1e-12);
  assert.ok(Math.abs(hzToMel(500, 'slaney') - 7.5) < 1e-12);
  assert.ok(Math.abs(hzToMel(6400, 'slaney') - 42) < 1e-12, 'one factor 6.4 above 1 kHz = 27 mels');
  assert.ok(Math.abs(hzToMel(700, 'htk') - 2595 * Math.log10(2)) < 1e-12);
  for (const f of [0, 50, 999, 1000, 4321, 8000]) {
    for (const s of ['slaney', 'htk'] as const) assert.ok(Math.abs(melToHz(hzToMel(f, s), s) - f) < 1e-9);
  }
});

test('Slaney-normalised triangles have area 1 in Hz-weighted units: Σ_k W[m,k]·Δf ≈ 1', () => {
  // with enorm = 2/(f_{m+2} − f_m), a triangle of peak enorm over [f_m, f_{m+2}] has area 1
  const bank = librosaMelBank({ sampleRate: 16000, nFft: 4096, nMels: 40, fmin: 300, fmax: 7000, scale: 'slaney', norm: 'slaney' });
  const df = 16000 / 4096;
  for (let m = 0; m < 40; m++) {
    let area = 0;
    for (let k = 0; k < bank.nBins; k++) area += (bank.weights[m * bank.nBins + k] as number) * df;
    assert.ok(Math.abs(area - 1) < 0.02, `band ${m}: area ${area}`);
  }
});

test('SparseMel.apply equals the dense product', () => {
  const bank: MelBank = kaldiMelBank({ sampleRate: 16000, nFft: 512, nMels: 40, lowFreq: 20, highFreq: 8000 });
  const sparse = new SparseMel(bank);
  const p = Float64Array.from({ length: bank.nBins }, (_, k) => Math.sin(k) ** 2 + k / 100);
  const out = new Float64Array(40);
  sparse.apply(p, out, 0);
  for (let m = 0; m < 40; m++) {
    let ref = 0;
    for (let k = 0; k < bank.nBins; k++) ref += (bank.weights[m * bank.nBins + k] as number) * (p[k] as number);
    assert.ok(Math.abs((out[m] as number) - ref) <= 1e-12 * Math.max(1, ref), `band ${m}`);
  }
});

test('filterbank parameter errors are typed', () => {
  assert.throws(() => librosaMelBank({ sampleRate: 16000, nFft: 1024, nMels: 64, fmin: 50, fmax: 9000, scale: 'slaney', norm: 'slaney' }), FrontEndError);
  assert.throws(() => tfMelBank({ sampleRate: 16000, nBins: 201, nMels: 128, fmin: 100, fmax: 50 }), FrontEndError);
  assert.throws(() => kaldiMelBank({ sampleRate: 16000, nFft: 511, nMels: 128, lowFreq: 20, highFreq: 8000 }), FrontEndError);
});
