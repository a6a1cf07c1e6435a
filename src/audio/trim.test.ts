import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPERA_TRIM, frameMeanSquare, trimRange, trimSilence } from './trim.ts';
import { decodeWav } from './wav.ts';
import { AudioParamError } from './errors.ts';
import { SHARED_DIR, readBytes } from '../../test/helpers/audio-tools.ts';

const FIXTURES = join(SHARED_DIR, 'fixtures', 'frontend');

interface Index {
  inputs: { id: string; file: string; n_samples: number }[];
  outputs: Record<string, { opera: { trim: { start: number; end: number } } }>;
}

test('OPERA trim indices equal librosa 0.10.1 effects.trim on all 8 fixture inputs', () => {
  const index = JSON.parse(readFileSync(join(FIXTURES, 'index.json'), 'utf8')) as Index;
  assert.equal(index.inputs.length, 8);
  for (const inp of index.inputs) {
    const path = join(FIXTURES, inp.file);
    const x = decodeWav(readBytes(path), path).channels[0] as Float32Array;
    const want = index.outputs[inp.id]?.opera.trim;
    assert.deepEqual(trimRange(x, OPERA_TRIM), { start: want?.start, end: want?.end }, inp.id);
  }
});

test('closed forms: centred zero-padded frames, end one hop past the last loud frame, all-zero untouched', () => {
  // Frame t covers [t·hop − F/2, t·hop + F/2): with F = 4, hop = 2 and x = [0,0,0,0,1,0,0,0,0,0]
  // the frames are [−2,2), [0,4), [2,6), [4,8), [6,10), [8,12) → mean squares 0,0,¼,¼,0,0.
  const x = Float32Array.from([0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
  assert.deepEqual(Array.from(frameMeanSquare(x, 4, 2)), [0, 0, 0.25, 0.25, 0, 0]);
  assert.deepEqual(trimRange(x, { topDb: 60, frameLength: 4, hopLength: 2, ref: 'max' }), { start: 4, end: 8 });
  assert.deepEqual(Array.from(trimSilence(x, { topDb: 60, frameLength: 4, hopLength: 2, ref: 'max' })), [1, 0, 0, 0]);
  // Quiet part at 2^-10 (−60.2 dB re 1): silent for topDb 60, loud for topDb 60.5 except the last frame,
  // which is half padding (−63.2 dB). Frame 1 = [5, 15) still holds five loud samples.
  const y = new Float32Array(40);
  y.fill(1, 0, 10);
  y.fill(2 ** -10, 10, 40);
  assert.deepEqual(trimRange(y, { topDb: 60, frameLength: 10, hopLength: 10, ref: 1 }), { start: 0, end: 20 });
  assert.deepEqual(trimRange(y, { topDb: 60.5, frameLength: 10, hopLength: 10, ref: 1 }), { start: 0, end: 40 });
  assert.deepEqual(trimRange(new Float32Array(5000), OPERA_TRIM), { start: 0, end: 5000 });
  assert.deepEqual(trimRange(Float32Array.from([0.5, 0.5]), { topDb: 60, frameLength: 4, hopLength: 2, ref: 1e4 }), { start: 0, end: 0 });
});

test('invalid parameters and empty input are AudioParamErrors', () => {
  assert.throws(() => trimRange(new Float32Array(0), OPERA_TRIM), AudioParamError);
  assert.throws(() => trimRange(new Float32Array(10), { ...OPERA_TRIM, hopLength: 0 }), AudioParamError);
  assert.throws(() => trimRange(new Float32Array(10), { ...OPERA_TRIM, frameLength: 1.5 }), AudioParamError);
  assert.throws(() => trimRange(new Float32Array(10), { ...OPERA_TRIM, ref: -1 }), AudioParamError);
});
