// Parity of the OPERA, Kaldi (AudioMAE), M2D and EfficientAT front ends with the reference libraries'
// outputs in ../shared/fixtures (see frontend/PROVENANCE.md §4 and efficientat_mn04/PROVENANCE.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { FRONTENDS, createFrontEnd, type FrontEndConfig } from './frontend.ts';
import { decodeWav } from './wav.ts';
import { parseNpy, type HostTensor } from '../tensor/index.ts';

const FX = new URL('../../../shared/fixtures/frontend/', import.meta.url);
const EFFAT = new URL('../../../shared/fixtures/models/efficientat_mn04/', import.meta.url);

function clip(base: URL, file: string): { x: Float32Array; sr: number } {
  const d = decodeWav(readFileSync(new URL(file, base)), file);
  assert.equal(d.channels.length, 1);
  return { x: d.channels[0] as Float32Array, sr: d.sampleRate };
}
const npy = (base: URL, file: string): HostTensor => parseNpy(readFileSync(new URL(file, base)), file);

/** Asserts shape equality and |got − want| ≤ atol on every cell selected by `where` (all by default). */
function assertClose(name: string, got: HostTensor<'float32'>, want: HostTensor, atol: number, where: (ref: number) => boolean = () => true): number {
  assert.deepEqual(got.shape, want.shape, `${name}: shape`);
  const w = want.data as Float32Array;
  let max = 0;
  let worst = -1;
  for (let i = 0; i < w.length; i++) {
    if (!where(w[i] as number)) continue;
    const d = Math.abs((got.data[i] as number) - (w[i] as number));
    if (d > max) {
      max = d;
      worst = i;
    }
  }
  assert.ok(max <= atol, `${name}: max abs error ${max} at ${worst} (got ${got.data[worst]}, want ${w[worst]}) > ${atol}`);
  return max;
}

function run(cfg: FrontEndConfig, x: Float32Array, sr: number): HostTensor<'float32'> {
  return createFrontEnd(cfg).compute(x, sr);
}

const ids = (dir: string, suffix: string): string[] =>
  readdirSync(new URL(dir, FX)).filter((f) => f.endsWith(suffix)).map((f) => f.slice(0, -suffix.length)).sort();

test('OPERA pre_process_audio_mel_t: every opera/*__mel_raw.npy within atol 1e-5', () => {
  const list = ids('opera/', '__mel_raw.npy');
  assert.equal(list.length, 8);
  for (const id of list) {
    const { x, sr } = clip(FX, `inputs/${id}.wav`);
    // PROVENANCE §4: the float32 fixture differs from float64 computation by ≤ 1.2e-7 after min–max
    assertClose(`opera ${id}`, run(FRONTENDS.opera, x, sr), npy(FX, `opera/${id}__mel_raw.npy`), 1e-5);
  }
});

test('Kaldi fbank (AudioMAE): atol 1e-3 where the reference is > −8, atol 2e-2 on all cells', () => {
  const list = ids('kaldi/', '__fbank128.npy');
  assert.equal(list.length, 4);
  for (const id of list) {
    const { x, sr } = clip(FX, `inputs/${id}.wav`);
    const got = run(FRONTENDS.kaldi, x, sr);
    const want = npy(FX, `kaldi/${id}__fbank128.npy`);
    // PROVENANCE §4: cells near the ln(eps) floor move with float32 rounding of the mean removal and the
    // FFT (1.1e-2 float32 vs float64); above −8 the gap is ≤ 3.8e-4.
    assertClose(`kaldi ${id} (> −8)`, got, want, 1e-3, (v) => v > -8);
    assertClose(`kaldi ${id} (all)`, got, want, 2e-2);
    // the floor log(max(E, eps)) is hit in the same cells (PROVENANCE K1: 24490 of 38144 for the chirp);
    // a cell within rounding of the floor may land on either side
    const floor = Math.fround(Math.log(1.1920928955078125e-7));
    const w = want.data as Float32Array;
    let both = 0;
    let either = 0;
    for (let i = 0; i < w.length; i++) {
      const a = got.data[i] === floor;
      const b = w[i] === floor;
      if (a && b) both++;
      if (a || b) either++;
    }
    assert.ok(either - both <= Math.max(2, either * 1e-3), `${id}: floor cells agree on ${both} of ${either}`);
    if (id === 'chirp_100_7900_3s') assert.ok(both >= 24480, `chirp floored cells ${both}`);
  }
});

test('M2D log-mel (nnAudio): every m2d/* within atol 1e-3', () => {
  const list = ids('m2d/', '__m2d_logmel80.npy');
  assert.equal(list.length, 4);
  for (const id of list) {
    const { x, sr } = clip(FX, `inputs/${id}.wav`);
    // PROVENANCE §4: float32 conv1d STFT vs float64: 2.3e-4 over all cells
    assertClose(`m2d ${id}`, run(FRONTENDS.m2d, x, sr), npy(FX, `m2d/${id}__m2d_logmel80.npy`), 1e-3);
  }
});

test('EfficientAT AugmentMelSTFT (eval) on its three 32 kHz clips: atol 1e-4', () => {
  for (const c of ['cough', 'icbhi', 'lung_kauh']) {
    const { x, sr } = clip(EFFAT, `clip_${c}_32k.wav`);
    const want = npy(EFFAT, `mel_${c}.npy`);
    const got = run(FRONTENDS.efficientat, x, sr);
    const squeezed = { ...want, shape: want.shape.slice(1) };
    // float32 torch.stft vs our float64 STFT: ≤ 4e-5 observed on (log E + 4.5)/5, largest near the 1e-5 offset
    assertClose(`efficientat ${c}`, got, squeezed, 1e-4);
  }
});
