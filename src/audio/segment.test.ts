import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cropLoudest, loudestWindow, operaRepeatPad, operaSplit, operaZeroPad, windowPlacements, windowSegments } from './segment.ts';
import { OPERA_TRIM, trimRange } from './trim.ts';
import { decodeWav } from './wav.ts';
import { AudioParamError } from './errors.ts';
import { parseNpy } from '../tensor/index.ts';
import { SHARED_DIR, readBytes } from '../../test/helpers/audio-tools.ts';

const FIXTURES = join(SHARED_DIR, 'fixtures', 'frontend');

interface FileRef {
  file: string;
  shape: number[];
}
interface Index {
  inputs: { id: string; file: string }[];
  outputs: Record<string, { opera: Record<string, FileRef | undefined> & { trim: { start: number; end: number } } }>;
}

function npy(ref: FileRef): Float32Array {
  return parseNpy(readFileSync(join(FIXTURES, ref.file))).data as Float32Array;
}

function same(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

test('OPERA repeat/zero padding and the 8.18 s split equal the fixtures exactly', () => {
  const index = JSON.parse(readFileSync(join(FIXTURES, 'index.json'), 'utf8')) as Index;
  let repeat = 0;
  let zero = 0;
  let splits = 0;
  for (const inp of index.inputs) {
    const path = join(FIXTURES, inp.file);
    const x = decodeWav(readBytes(path), path).channels[0] as Float32Array;
    const o = index.outputs[inp.id]?.opera;
    assert.ok(o);
    const r = trimRange(x, OPERA_TRIM);
    const yt = x.slice(r.start, r.end);
    for (const s of [2, 8]) {
      const rep = o[`repeat_pad${s}s_wave`];
      if (rep) {
        assert.ok(same(operaRepeatPad(yt, s * 16000), npy(rep)), `${inp.id} repeat ${s}s`);
        repeat++;
      }
      const z = o[`zero_pad${s}s_wave`];
      if (z) {
        assert.ok(same(operaZeroPad(yt, s * 16000), npy(z)), `${inp.id} zero ${s}s`);
        zero++;
      }
    }
    const L = Math.trunc(8.18 * 16000);
    const chunks = operaSplit(yt, L);
    assert.equal(chunks.length, o.split_8p18s?.shape[0], `${inp.id} chunk count`);
    const waves = o.split_8p18s_waves;
    if (waves) {
      const w = npy(waves);
      chunks.forEach((c, i) => assert.ok(same(c, w.subarray(i * L, (i + 1) * L)), `${inp.id} split chunk ${i}`));
      splits++;
    }
  }
  assert.deepEqual([repeat, zero, splits], [7, 4, 1]);
});

test('OPERA closed forms: circular repeat with the clip at the end; tiling strictly below L', () => {
  const x = Float32Array.from([1, 2, 3]);
  assert.deepEqual(Array.from(operaRepeatPad(x, 8)), [2, 3, 1, 2, 3, 1, 2, 3]);
  assert.deepEqual(Array.from(operaRepeatPad(x, 3)), [1, 2, 3]);
  assert.deepEqual(Array.from(operaZeroPad(x, 12)), [1, 2, 3, 1, 2, 3, 1, 2, 3, 0, 0, 0]); // n = L/4: 3 copies
  assert.deepEqual(Array.from(operaZeroPad(x, 7)), [1, 2, 3, 1, 2, 3, 0]);
  assert.deepEqual(Array.from(operaZeroPad(x, 6)), [1, 2, 3, 0, 0, 0]); // n/L = 0.5: no tiling
  // n = 10, L = 4, h = 2: frames at 0, 2, 4, 6 (1 + (10−4)//2 = 4), then the rest x[8:] = [8, 9]
  // preceded by the clip's last L − 2 samples, which here are the same [8, 9].
  const y = Float32Array.from({ length: 10 }, (_, i) => i);
  assert.deepEqual(operaSplit(y, 4).map((c) => Array.from(c)), [[0, 1, 2, 3], [2, 3, 4, 5], [4, 5, 6, 7], [6, 7, 8, 9], [8, 9, 8, 9]]);
  // n = 11: rest x[8:] = [8, 9, 10] preceded by the clip's last sample.
  const z = Float32Array.from({ length: 11 }, (_, i) => i);
  assert.deepEqual(Array.from(operaSplit(z, 4).at(-1) as Float32Array), [10, 8, 9, 10]);
  assert.throws(() => operaRepeatPad(x, 2), AudioParamError);
  assert.throws(() => operaZeroPad(new Float32Array(0), 4), AudioParamError);
  assert.throws(() => operaSplit(new Float32Array(0), 4), AudioParamError);
  assert.throws(() => operaSplit(x, 0), AudioParamError);
});

test('window placements for each tail policy', () => {
  const spec = { length: 4, hop: 3 };
  assert.deepEqual(windowPlacements(11, { ...spec, tail: 'drop' }), [{ start: 0, valid: 4 }, { start: 3, valid: 4 }, { start: 6, valid: 4 }]);
  assert.deepEqual(windowPlacements(11, { ...spec, tail: 'pad-zero' }).at(-1), { start: 9, valid: 2 });
  assert.deepEqual(windowPlacements(11, { ...spec, tail: 'snap-to-end' }).at(-1), { start: 7, valid: 4 });
  assert.equal(windowPlacements(10, { ...spec, tail: 'snap-to-end' }).length, 3); // last window ends at 10: no tail
  assert.deepEqual(windowPlacements(3, { ...spec, tail: 'drop' }), []);
  assert.deepEqual(windowPlacements(3, { ...spec, tail: 'snap-to-end' }), [{ start: 0, valid: 3 }]);
  // HeAR: 2-s windows at 16 kHz with 10 % overlap over 5 s.
  const hear = windowPlacements(80000, { length: 32000, hop: 28800, tail: 'pad-zero' });
  assert.deepEqual(hear.map((w) => w.start), [0, 28800, 57600]);
  assert.equal(hear.at(-1)?.valid, 22400);
  const x = Float32Array.from({ length: 11 }, (_, i) => i + 1);
  assert.deepEqual(windowSegments(x, { ...spec, tail: 'pad-zero' }).map((c) => Array.from(c)), [[1, 2, 3, 4], [4, 5, 6, 7], [7, 8, 9, 10], [10, 11, 0, 0]]);
  assert.throws(() => windowPlacements(10, { length: 4, hop: 0, tail: 'drop' }), AudioParamError);
  assert.throws(() => windowSegments(new Float32Array(0), { ...spec, tail: 'drop' }), AudioParamError);
});

test('loudest window: highest Σx² among hop-spaced starts plus the end-aligned one; earliest wins ties', () => {
  const x = new Float32Array(100);
  x[57] = 1;
  assert.deepEqual(loudestWindow(x, 10, 1), { start: 48, end: 58 });
  assert.deepEqual(loudestWindow(x, 10, 5), { start: 50, end: 60 });
  x[99] = 2;
  assert.deepEqual(loudestWindow(x, 10, 7), { start: 90, end: 100 }); // only the end-aligned start sees x[99]
  assert.deepEqual(loudestWindow(new Float32Array(30), 10, 3), { start: 0, end: 10 });
  assert.deepEqual(Array.from(cropLoudest(Float32Array.from([0.5, -0.5]), 4, 1)), [0.5, -0.5, 0, 0]);
  assert.throws(() => loudestWindow(new Float32Array(0), 4, 1), AudioParamError);
});
