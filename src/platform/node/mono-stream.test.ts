import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SHARED_DIR } from '../../../test/helpers/audio-tools.ts';
import { loadMono } from './audio-file.ts';
import { streamMono } from './mono-stream.ts';

test('streamMono blocks concatenate to loadMono exactly (resampling up and down)', async () => {
  for (const [file, rate] of [[`${SHARED_DIR}fixtures/frontend/inputs/covid19cough_002f642a.wav`, 32000], [`${SHARED_DIR}data/icbhi/ICBHI_final_database/101_1b1_Al_sc_Meditron.wav`, 16000]] as const) {
    const parts: Float32Array[] = [];
    for await (const b of streamMono(file, rate, 'hq')) parts.push(b);
    assert.ok(parts.length > 1, 'more than one block');
    const got = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
    let off = 0;
    for (const p of parts) {
      got.set(p, off);
      off += p.length;
    }
    assert.deepEqual(got, await loadMono(file, rate, { quality: 'hq' }));
  }
});
