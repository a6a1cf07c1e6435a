import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MonoBuffer, loadMono, readAudioFile, streamAudioFile } from './audio-file.ts';
import { AudioError } from '../../audio/errors.ts';
import { encodeWav } from '../../audio/wav.ts';
import { mixToMono } from '../../audio/mix.ts';
import { resample } from '../../audio/resample.ts';
import { SHARED_DIR, ffmpeg, makeTempDir } from '../../../test/helpers/audio-tools.ts';

let tmp: { dir: string; cleanup: () => void };
before(() => {
  tmp = makeTempDir('audio-file');
});
after(() => tmp.cleanup());

async function rejects(p: Promise<unknown>, kind: AudioError['kind'], path: string, reason: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof AudioError, `expected AudioError, got ${String(e)}`);
    assert.equal(e.kind, kind, e.message);
    assert.equal(e.file, path);
    assert.match(e.message, new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: `));
    assert.match(e.reason, reason);
    return true;
  });
}

test('missing paths, directories, empty and oversized files raise AudioErrors naming the path', async () => {
  const missing = join(tmp.dir, 'nope.wav');
  await rejects(readAudioFile(missing), 'not-found', missing, /no such file/);
  await rejects(loadMono(missing, 16000), 'not-found', missing, /no such file/);
  const dir = join(tmp.dir, 'a-dir.wav');
  mkdirSync(dir);
  await rejects(readAudioFile(dir), 'not-a-file', dir, /directory/);
  await rejects((async () => {
    for await (const b of streamAudioFile(dir)) void b;
  })(), 'not-a-file', dir, /directory/);
  const empty = join(tmp.dir, 'empty.wav');
  writeFileSync(empty, '');
  await rejects(readAudioFile(empty), 'empty', empty, /0 bytes/);
  const small = join(tmp.dir, 'small.wav');
  writeFileSync(small, encodeWav({ sampleRate: 8000, channels: [new Float32Array(1000)] }, 'pcm16'));
  await rejects(readAudioFile(small, { maxBytes: 100 }), 'too-large', small, /2044 bytes exceed the 100-byte limit/);
  const truncated = join(tmp.dir, 'truncated.wav');
  writeFileSync(truncated, encodeWav({ sampleRate: 8000, channels: [new Float32Array(10)] }, 'pcm16').subarray(0, 30));
  await rejects(readAudioFile(truncated), 'truncated', truncated, /inside the header/);
});

test('streamAudioFile yields bounded blocks that concatenate to readAudioFile', async () => {
  const path = join(SHARED_DIR, 'data', 'icbhi', 'ICBHI_final_database', '101_1b1_Al_sc_Meditron.wav');
  const whole = await readAudioFile(path);
  let off = 0;
  let blocks = 0;
  const ch = whole.channels[0] as Float32Array;
  for await (const b of streamAudioFile(path, { chunkBytes: 64 << 10 })) {
    const c = b.channels[0] as Float32Array;
    assert.ok(c.length <= (64 << 10) / 4, `block of ${c.length} frames`);
    for (let i = 0; i < c.length; i += 53) assert.equal(c[i], ch[off + i]);
    off += c.length;
    blocks++;
  }
  assert.equal(off, ch.length);
  assert.ok(blocks > 40);
});

test('loadMono: decode → mean → resample; the streamed path gives identical samples', async () => {
  const wav = join(tmp.dir, 'st.wav');
  ffmpeg(['-f', 'lavfi', '-i', "aevalsrc=exprs='0.5*sin(2*PI*440*t)|0.25*sin(2*PI*3000*t)':s=44100:d=2", '-c:a', 'pcm_s24le', wav]);
  const mp3 = join(tmp.dir, 'st.mp3');
  ffmpeg(['-i', wav, '-c:a', 'libmp3lame', mp3]);
  for (const path of [wav, mp3]) {
    const decoded = await readAudioFile(path);
    const expected = resample(mixToMono(decoded.channels), decoded.sampleRate, 16000, 'hq');
    const oneShot = await loadMono(path, 16000);
    const streamed = await loadMono(path, 16000, { streamAboveBytes: 0 });
    assert.equal(oneShot.length, Math.ceil(((decoded.channels[0] as Float32Array).length * 16000) / 44100));
    assert.deepEqual(oneShot, expected);
    assert.deepEqual(streamed, expected, path);
  }
  const native = await loadMono(wav, 44100, { streamAboveBytes: 0 });
  assert.deepEqual(native, mixToMono((await readAudioFile(wav)).channels));
});

test('MonoBuffer: blocks are appended in place into one buffer; the result survives a transfer (worker replies)', () => {
  const m = new MonoBuffer('x.wav', 16000);
  const blocks = [Float32Array.of(1, 2, 3), new Float32Array(0), Float32Array.from({ length: 70000 }, (_, i) => i / 7), Float32Array.of(-1)];
  for (const b of blocks) m.push(b);
  const x = m.samples();
  assert.equal(x.length, 70004);
  assert.deepEqual([...x.subarray(0, 4)], [1, 2, 3, 0]);
  assert.equal(x[70002], Math.fround(69999 / 7));
  assert.equal(x[70003], -1);
  assert.equal(x.byteOffset, 0);
  assert.equal(x.buffer.byteLength, 70004 * 4, 'the buffer holds exactly the samples');
  const moved = structuredClone(x.buffer, { transfer: [x.buffer] });
  const y = new Float32Array(moved, 0, 70004);
  assert.deepEqual([y[0], y[3], y[70003]], [1, 0, -1]);
});
