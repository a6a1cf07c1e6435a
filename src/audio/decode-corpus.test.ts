// Every real recording in the shared development corpus decodes with the sample rate, channel count
// and duration of its manifest (ffprobe/soxi values).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeAudio } from './decode.ts';
import { SHARED_DIR, ffmpegDecode, maxAbsDiff, parseCsv, readBytes, snrDb } from '../../test/helpers/audio-tools.ts';

const DATA = join(SHARED_DIR, 'data');

function manifest(dataset: string): Record<string, string>[] {
  return parseCsv(readFileSync(join(DATA, dataset, 'manifest.csv'), 'utf8'));
}

test('KAUH: 237 WAVs, 4 kHz mono 16-bit, exact frame counts', async () => {
  const rows = manifest('kauh');
  assert.equal(rows.length, 237);
  for (const r of rows) {
    const path = join(DATA, 'kauh', r.file as string);
    const a = await decodeAudio(readBytes(path), path);
    assert.equal(a.sampleRate, Number(r.sr), r.file);
    assert.equal(a.channels.length, Number(r.channels), r.file);
    assert.equal((a.channels[0] as Float32Array).length, Math.round(Number(r.duration_s) * a.sampleRate), r.file);
  }
});

test('ICBHI: 31 WAVs (44.1 kHz 16/24/32-bit, 4 kHz), exact frame counts and bit-identical to ffmpeg', async () => {
  const rows = manifest('icbhi');
  assert.equal(rows.length, 31);
  const bits = new Set<string>();
  for (const r of rows) {
    const path = join(DATA, 'icbhi', r.file as string);
    const a = await decodeAudio(readBytes(path), path);
    assert.equal(a.sampleRate, Number(r.sr), r.file);
    assert.equal(a.channels.length, Number(r.channels), r.file);
    assert.equal((a.channels[0] as Float32Array).length, Math.round(Number(r.duration_s) * a.sampleRate), r.file);
    bits.add(`${r.sr}/${r.bits}`);
  }
  assert.deepEqual([...bits].sort(), ['4000/16', '44100/16', '44100/24', '44100/32']);
  for (const name of ['101_1b1_Al_sc_Meditron.wav', '101_1b1_Pr_sc_Meditron.wav', '104_1b1_Al_sc_Litt3200.wav']) {
    const path = join(DATA, 'icbhi', 'ICBHI_final_database', name);
    const a = await decodeAudio(readBytes(path), path);
    assert.equal(maxAbsDiff(a.channels[0] as Float32Array, ffmpegDecode(path).channels[0] as Float32Array), 0, name);
  }
});

// MP3 durations in the manifest are ffprobe's container estimates. Gapless decoding (mpg123 here and
// ffmpeg alike, which give identical lengths) removes the encoder delay and padding, so the decoded
// length is 1152–2257 samples shorter at 48 kHz and 1152–1681 shorter at 8 kHz (measured over all 991
// files); the test allows 0 < shortfall ≤ 2304 samples (two MPEG-1 frames).
test('covid19-cough: 991 MP3s (8 kHz stereo, 48 kHz mono) match the manifest up to the encoder delay', async () => {
  const rows = manifest('covid19-cough');
  assert.equal(rows.length, 991);
  for (const r of rows) {
    const path = join(DATA, 'covid19-cough', r.file as string);
    const a = await decodeAudio(readBytes(path), path);
    assert.equal(a.sampleRate, Number(r.sr), r.file);
    assert.equal(a.channels.length, Number(r.channels), r.file);
    const shortfall = Math.round(Number(r.duration_s) * a.sampleRate) - (a.channels[0] as Float32Array).length;
    assert.ok(shortfall > 0 && shortfall <= 2304, `${r.file}: ${shortfall} samples shorter than the manifest`);
  }
  for (const r of [rows[0], rows.find((x) => x.source === 'telegram')]) {
    const path = join(DATA, 'covid19-cough', (r as Record<string, string>).file as string);
    const a = await decodeAudio(readBytes(path), path);
    const ref = ffmpegDecode(path);
    a.channels.forEach((c, i) => {
      assert.equal(c.length, (ref.channels[i] as Float32Array).length);
      assert.ok(snrDb(ref.channels[i] as Float32Array, c) > 100, path);
    });
  }
});

test('front-end fixture inputs decode to int16 / 32768 exactly as the fixtures were computed', async () => {
  const index = JSON.parse(readFileSync(join(SHARED_DIR, 'fixtures', 'frontend', 'index.json'), 'utf8')) as { inputs: { file: string; n_samples: number }[] };
  for (const inp of index.inputs) {
    const path = join(SHARED_DIR, 'fixtures', 'frontend', inp.file);
    const bytes = readBytes(path);
    const a = await decodeAudio(bytes, path);
    const ch = a.channels[0] as Float32Array;
    assert.equal(ch.length, inp.n_samples);
    const dataStart = bytes.length - 2 * inp.n_samples;
    const dv = new DataView(bytes.buffer, bytes.byteOffset + dataStart);
    for (let i = 0; i < ch.length; i += 97) assert.equal(ch[i], dv.getInt16(2 * i, true) / 32768);
  }
});
