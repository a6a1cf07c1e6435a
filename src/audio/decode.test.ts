import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { decodeAudio, decodeAudioStream } from './decode.ts';
import { assertNotSilent, type DecodedAudio } from './decoded.ts';
import { encodeWav } from './wav.ts';
import { AudioError } from './errors.ts';
import { sniffContainer } from './sniff.ts';
import { Rng } from '../util/index.ts';
import { ffmpeg, ffmpegDecode, makeTempDir, maxAbsDiff, readBytes, snrDb } from '../../test/helpers/audio-tools.ts';

let tmp: { dir: string; cleanup: () => void };
before(() => {
  tmp = makeTempDir('decode');
});
after(() => tmp.cleanup());

const STEREO = "aevalsrc=exprs='0.5*sin(2*PI*440*t)|0.3*sin(2*PI*1234*t)+0.05*sin(2*PI*9000*t)':s=48000:d=3";
const MONO = "aevalsrc=exprs='0.5*sin(2*PI*440*t)+0.2*sin(2*PI*3000*t)':s=48000:d=3";

function make(name: string, src: string, args: string[]): string {
  const path = join(tmp.dir, name);
  ffmpeg(['-f', 'lavfi', '-i', src, ...args, path]);
  return path;
}

async function* chunked(bytes: Uint8Array, sizes: () => number): AsyncGenerator<Uint8Array> {
  for (let off = 0; off < bytes.length; ) {
    const n = sizes();
    yield bytes.subarray(off, off + n);
    off += n;
  }
}

async function collect(gen: AsyncGenerator<DecodedAudio>): Promise<{ audio: DecodedAudio; blocks: number; maxBlock: number }> {
  const blocks: DecodedAudio[] = [];
  for await (const b of gen) blocks.push(b);
  const n = blocks.reduce((t, b) => t + (b.channels[0] as Float32Array).length, 0);
  const first = blocks[0] as DecodedAudio;
  const channels = first.channels.map(() => new Float32Array(n));
  let off = 0;
  for (const b of blocks) {
    b.channels.forEach((c, i) => (channels[i] as Float32Array).set(c, off));
    off += (b.channels[0] as Float32Array).length;
  }
  return { audio: { sampleRate: first.sampleRate, channels }, blocks: blocks.length, maxBlock: Math.max(...blocks.map((b) => (b.channels[0] as Float32Array).length)) };
}

async function rejects(p: Promise<unknown>, kind: AudioError['kind'], file: string, reason: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof AudioError, `expected AudioError, got ${String(e)}`);
    assert.equal(e.kind, kind, e.message);
    assert.equal(e.file, file);
    assert.match(e.reason, reason);
    return true;
  });
}

// Thresholds against ffmpeg's decode of the same file (same length required for all):
// FLAC (native and Ogg): bit-identical (our rescaling to k/2^(b−1)); MP3 (mpg123 vs ffmpeg's mp3float):
// ≥ 100 dB (measured 117–123); Vorbis (libvorbis vs ffmpeg's native): ≥ 120 dB (measured 136); Opus
// (libopus vs ffmpeg's native decoder): ≥ 80 dB (measured 94–108).
const COMPRESSED: [string, string, string[], number][] = [
  ['s16.flac', STEREO, ['-ar', '44100', '-sample_fmt', 's16', '-c:a', 'flac'], Infinity],
  ['s24.flac', MONO, ['-sample_fmt', 's32', '-c:a', 'flac'], Infinity],
  ['flac.oga', STEREO, ['-c:a', 'flac'], Infinity],
  ['stereo.mp3', STEREO, ['-c:a', 'libmp3lame', '-b:a', '128k'], 100],
  ['mono.mp3', MONO, ['-ar', '22050', '-c:a', 'libmp3lame'], 100],
  ['vorbis.ogg', STEREO, ['-c:a', 'libvorbis'], 120],
  ['opus.opus', STEREO, ['-c:a', 'libopus'], 80],
  ['opus.webm', STEREO, ['-c:a', 'libopus'], 80],
  ['vorbis.webm', MONO, ['-c:a', 'libvorbis'], 120],
];

test('FLAC, MP3, Ogg Vorbis/Opus/FLAC and WebM Opus/Vorbis match ffmpeg; streaming in odd chunks gives the same samples', async () => {
  const rng = Rng.seeded(7);
  for (const [name, src, args, minSnr] of COMPRESSED) {
    const path = make(name, src, args);
    const bytes = readBytes(path);
    const a = await decodeAudio(bytes, path);
    const ref = ffmpegDecode(path);
    assert.equal(a.sampleRate, ref.sampleRate, name);
    assert.equal(a.channels.length, ref.channels.length, name);
    a.channels.forEach((c, i) => {
      const r = ref.channels[i] as Float32Array;
      assert.equal(c.length, r.length, `${name} length`);
      const snr = snrDb(r, c);
      assert.ok(snr >= minSnr, `${name} channel ${i}: SNR ${snr.toFixed(1)} dB < ${minSnr}`);
    });
    const s = await collect(decodeAudioStream(chunked(bytes, () => 1 + Math.floor(rng.uniform() * 3000)), path));
    assert.ok(s.blocks > 1, `${name}: streamed in ${s.blocks} block(s)`);
    assert.equal(s.audio.sampleRate, a.sampleRate);
    s.audio.channels.forEach((c, i) => assert.equal(maxAbsDiff(c, a.channels[i] as Float32Array), 0, `${name} streamed channel ${i}`));
  }
});

test('MP3 channel count follows the frame header: stereo with identical channels stays stereo, mono stays mono', async () => {
  const dual = make('dual.mp3', MONO, ['-ac', '2', '-c:a', 'libmp3lame']);
  const a = await decodeAudio(readBytes(dual), dual);
  assert.equal(a.channels.length, 2);
  assert.equal(maxAbsDiff(a.channels[0] as Float32Array, a.channels[1] as Float32Array), 0);
  assert.equal(sniffContainer(readBytes(dual), true).kind, 'known');
  const mono = make('mono1.mp3', MONO, ['-c:a', 'libmp3lame']);
  assert.equal((await decodeAudio(readBytes(mono), mono)).channels.length, 1);
});

test('WAV streams with blocks bounded by the chunk size', async () => {
  const x = Float32Array.from({ length: 48000 }, (_, i) => Math.sin(i / 10) / 2);
  const bytes = encodeWav({ sampleRate: 48000, channels: [x, x.map((v) => -v)] }, 'pcm16');
  const s = await collect(decodeAudioStream(chunked(bytes, () => 4096), 'long.wav'));
  assert.ok(s.maxBlock <= 4096 / 4, `block of ${s.maxBlock} frames from 4096-byte chunks`);
  assert.deepEqual(s.audio.channels, (await decodeAudio(bytes, 'long.wav')).channels);
});

test('unsupported containers and codecs are named, with the GPL reason for AAC', async () => {
  const m4a = make('aac.m4a', MONO, ['-c:a', 'aac']);
  await rejects(decodeAudio(readBytes(m4a), m4a), 'unsupported', m4a, /MP4\/M4A.*GPL/);
  const adts = make('aac.aac', MONO, ['-c:a', 'aac', '-f', 'adts']);
  await rejects(decodeAudio(readBytes(adts), adts), 'unsupported', adts, /AAC \(ADTS\).*GPL/);
  const mkaAac = make('aac.mka', MONO, ['-c:a', 'aac']);
  await rejects(decodeAudio(readBytes(mkaAac), mkaAac), 'unsupported', mkaAac, /A_AAC.*GPL/);
  const aiff = make('x.aiff', MONO, ['-c:a', 'pcm_s16be']);
  await rejects(decodeAudio(readBytes(aiff), aiff), 'unsupported', aiff, /AIFF/);
  const mp3wav = make('mp3.wav', MONO, ['-c:a', 'libmp3lame']);
  await rejects(decodeAudio(readBytes(mp3wav), mp3wav), 'unsupported', mp3wav, /0x0055 \(MPEG layer 3\)/);
  const noise = new Uint8Array(4000);
  const rng = Rng.seeded(3);
  for (let i = 0; i < noise.length; i++) noise[i] = Math.floor(rng.uniform() * 256) & 0x7f;
  await rejects(decodeAudio(noise, 'noise.bin'), 'unsupported', 'noise.bin', /unrecognised audio format/);
  await rejects(collect(decodeAudioStream(chunked(readBytes(m4a), () => 100), m4a)), 'unsupported', m4a, /GPL/);
});

test('empty, zero-length, corrupt and non-finite inputs raise typed errors without hanging', async () => {
  await rejects(decodeAudio(new Uint8Array(0), 'e.wav'), 'empty', 'e.wav', /empty/);
  await rejects(collect(decodeAudioStream(chunked(new Uint8Array(0), () => 10), 'e.flac')), 'empty', 'e.flac', /empty/);
  const header = encodeWav({ sampleRate: 8000, channels: [new Float32Array(0)] }, 'pcm16');
  await rejects(decodeAudio(header, 'z.wav'), 'no-samples', 'z.wav', /no complete frame/);
  const flac = readBytes(make('c.flac', MONO, ['-c:a', 'flac']));
  const garbage = flac.slice(0, 2000);
  for (let i = 200; i < garbage.length; i++) garbage[i] = (i * 131) & 0xff;
  await assert.rejects(decodeAudio(garbage, 'g.flac'), (e: unknown) => e instanceof AudioError && e.file === 'g.flac' && (e.kind === 'corrupt' || e.kind === 'no-samples'));
  const mp3 = readBytes(make('c.mp3', MONO, ['-c:a', 'libmp3lame']));
  const full = await decodeAudio(mp3, 'c.mp3');
  const cut = await decodeAudio(mp3.subarray(0, Math.floor(mp3.length / 2)), 'half.mp3');
  const nCut = (cut.channels[0] as Float32Array).length;
  assert.ok(nCut > 0 && nCut < (full.channels[0] as Float32Array).length, `truncated MP3 decoded ${nCut} frames`);
  assert.equal(maxAbsDiff((cut.channels[0] as Float32Array).subarray(0, 10000), (full.channels[0] as Float32Array).subarray(0, 10000)), 0);
  const f32 = encodeWav({ sampleRate: 8000, channels: [Float32Array.from([0, 0.5, 0.25])] }, 'float32');
  new DataView(f32.buffer).setFloat32(f32.length - 4, Number.NEGATIVE_INFINITY, true);
  await rejects(decodeAudio(f32, 'inf.wav'), 'non-finite', 'inf.wav', /-Infinity at channel 0, frame 2/);
  await rejects(decodeAudio(flac, 'big.flac', { maxFrames: 1000 }), 'too-large', 'big.flac', /more than 1000 frames/);
});

test('all-zero audio decodes; assertNotSilent is the separate policy check', async () => {
  const zeros = encodeWav({ sampleRate: 16000, channels: [new Float32Array(1600), new Float32Array(1600)] }, 'pcm16');
  const a = await decodeAudio(zeros, 'zeros.wav');
  assert.equal(a.channels[0]?.length, 1600);
  assert.throws(() => assertNotSilent(a, 'zeros.wav'), (e: unknown) => e instanceof AudioError && e.kind === 'silent' && e.message.startsWith('zeros.wav: all 1600 frames'));
  (a.channels[1] as Float32Array)[1599] = 1 / 32768;
  assertNotSilent(a, 'zeros.wav');
  const silentFlacPath = make('silent.flac', 'anullsrc=r=16000:cl=mono', ['-t', '0.5', '-c:a', 'flac']);
  const s = await decodeAudio(readBytes(silentFlacPath), silentFlacPath);
  assert.equal(s.channels[0]?.length, 8000);
  assert.throws(() => assertNotSilent(s, silentFlacPath), AudioError);
});

test('sniffing asks for more bytes instead of guessing', () => {
  const wav = encodeWav({ sampleRate: 8000, channels: [new Float32Array(4)] }, 'pcm16');
  assert.deepEqual(sniffContainer(wav.subarray(0, 5), false), { kind: 'need-more', bytes: 12 });
  assert.equal(sniffContainer(wav.subarray(0, 12), false).kind, 'known');
  const id3 = Uint8Array.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0x01, 0x00, ...new Array<number>(100).fill(0)]);
  assert.deepEqual(sniffContainer(id3, false), { kind: 'need-more', bytes: 10 + 128 + 4 });
  assert.equal(sniffContainer(id3, true).kind, 'unsupported');
});
