// OPERA's full paths (PROVENANCE §3A, quirks O1–O6): trim → repeat-pad to S s → mel
// (`get_entire_signal_librosa`, OPERA-CT/CE) and trim → split into 8.18-s chunks → mel per chunk
// (`get_split_signal_librosa`, OPERA-GT), with the trim/segment functions of src/audio.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FRONTENDS, createFrontEnd } from './frontend.ts';
import { decodeWav } from './wav.ts';
import { trimSilence, OPERA_TRIM } from './trim.ts';
import { operaRepeatPad, operaSplit } from './segment.ts';
import { parseNpy } from '../tensor/index.ts';

const FX = new URL('../../../shared/fixtures/frontend/', import.meta.url);
interface Entry {
  file: string;
  shape: number[];
}
const index = JSON.parse(readFileSync(new URL('index.json', FX), 'utf8')) as {
  outputs: Record<string, { opera: Record<string, Entry> }>;
};
const opera = createFrontEnd(FRONTENDS.opera);
// PROVENANCE §4: padded and split spectrograms differ from float64 computation by ≤ 1.2e-7
const ATOL = 1e-5;

function clip(id: string): Float32Array {
  return decodeWav(readFileSync(new URL(`inputs/${id}.wav`, FX)), id).channels[0] as Float32Array;
}

function maxAbs(a: Float32Array, b: Float32Array, offset: number): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[offset + i] as number)));
  return m;
}

test('entire signal, repeat-padded to 2 s and 8 s after trimming (every clip, incl. mel_raw aliases)', () => {
  let checked = 0;
  for (const [id, out] of Object.entries(index.outputs)) {
    const yt = trimSilence(clip(id), OPERA_TRIM);
    for (const [key, S] of [['entire_pad2s', 2], ['entire_pad8s', 8]] as const) {
      const e = out.opera[key];
      assert.ok(e, `${id} ${key} in index.json`);
      const L = S * 16000;
      const input = yt.length < L ? operaRepeatPad(yt, L) : yt;
      const got = opera.compute(input, 16000);
      const want = parseNpy(readFileSync(new URL(e.file, FX)), e.file);
      assert.deepEqual(got.shape, want.shape, `${id} ${key}`);
      const err = maxAbs(got.data, want.data as Float32Array, 0);
      assert.ok(err <= ATOL, `${id} ${key}: max abs error ${err}`);
      checked++;
    }
  }
  assert.equal(checked, 16);
});

test('split into 8.18-s chunks after trimming, each chunk min–max normalised on its own', () => {
  for (const [id, out] of Object.entries(index.outputs)) {
    const e = out.opera['split_8p18s'];
    assert.ok(e, `${id} split_8p18s in index.json`);
    const want = parseNpy(readFileSync(new URL(e.file, FX)), e.file);
    const chunks = operaSplit(trimSilence(clip(id), OPERA_TRIM), 130880); // int(8.18·16000)
    assert.deepEqual([chunks.length, 256, 64], want.shape, id);
    chunks.forEach((c, i) => {
      const got = opera.compute(c, 16000);
      assert.deepEqual(got.shape, [256, 64]);
      const err = maxAbs(got.data, want.data as Float32Array, i * 256 * 64);
      assert.ok(err <= ATOL, `${id} chunk ${i}: max abs error ${err}`);
    });
  }
});
