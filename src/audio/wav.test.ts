import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeWav, encodeWav, WavStreamDecoder } from './wav.ts';
import { AudioError } from './errors.ts';
import { ffmpeg, ffmpegDecode, makeTempDir, maxAbsDiff, readBytes, sox } from '../../test/helpers/audio-tools.ts';

// ---- hand-built WAV files ----

interface Chunk {
  id: string;
  body: Uint8Array;
  /** Size written in the chunk header (defaults to body length). */
  size?: number;
}

function chunkBytes(c: Chunk): Uint8Array {
  const pad = c.body.length & 1;
  const out = new Uint8Array(8 + c.body.length + pad);
  for (let i = 0; i < 4; i++) out[i] = c.id.charCodeAt(i);
  new DataView(out.buffer).setUint32(4, c.size ?? c.body.length, true);
  out.set(c.body, 8);
  return out;
}

function fmtBody(tag: number, channels: number, rate: number, bits: number, blockAlign = channels * Math.ceil(bits / 8)): Uint8Array {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, tag, true);
  dv.setUint16(2, channels, true);
  dv.setUint32(4, rate, true);
  dv.setUint32(8, rate * blockAlign, true);
  dv.setUint16(12, blockAlign, true);
  dv.setUint16(14, bits, true);
  return b;
}

function riff(chunks: Chunk[], form = 'RIFF'): Uint8Array {
  const parts = chunks.map(chunkBytes);
  const total = 12 + parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  for (let i = 0; i < 4; i++) out[i] = form.charCodeAt(i);
  new DataView(out.buffer).setUint32(4, total - 8, true);
  out.set([0x57, 0x41, 0x56, 0x45], 8); // WAVE
  let off = 12;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function int16Bytes(values: number[]): Uint8Array {
  const b = new Uint8Array(values.length * 2);
  values.forEach((v, i) => new DataView(b.buffer).setInt16(2 * i, v, true));
  return b;
}

function expectAudioError(fn: () => unknown, kind: AudioError['kind'], reason: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof AudioError, `expected AudioError, got ${String(e)}`);
    assert.equal(e.kind, kind, e.message);
    assert.equal(e.file, 'x.wav');
    assert.match(e.reason, reason);
    assert.ok(e.message.startsWith('x.wav: '));
    return true;
  });
}

test('integer scaling is k / 2^(n-1) (soundfile semantics); u8 is (u - 128) / 128', () => {
  const s16 = decodeWav(riff([{ id: 'fmt ', body: fmtBody(1, 1, 8000, 16) }, { id: 'data', body: int16Bytes([-32768, -1, 0, 1, 32767]) }]), 'x.wav');
  assert.deepEqual(Array.from(s16.channels[0] as Float32Array), [-1, -1 / 32768, 0, 1 / 32768, 32767 / 32768]);
  const u8 = decodeWav(riff([{ id: 'fmt ', body: fmtBody(1, 1, 8000, 8) }, { id: 'data', body: Uint8Array.from([0, 127, 128, 255]) }]), 'x.wav');
  assert.deepEqual(Array.from(u8.channels[0] as Float32Array), [-1, -1 / 128, 0, 127 / 128]);
  const s24 = decodeWav(riff([{ id: 'fmt ', body: fmtBody(1, 1, 8000, 24) }, { id: 'data', body: Uint8Array.from([0, 0, 0x80, 0xff, 0xff, 0x7f, 1, 0, 0]) }]), 'x.wav');
  assert.deepEqual(Array.from(s24.channels[0] as Float32Array), [-1, Math.fround(8388607 / 8388608), 1 / 8388608]);
  const s32 = decodeWav(riff([{ id: 'fmt ', body: fmtBody(1, 1, 8000, 32) }, { id: 'data', body: Uint8Array.from([0, 0, 0, 0x80, 0xff, 0xff, 0xff, 0x7f]) }]), 'x.wav');
  assert.deepEqual(Array.from(s32.channels[0] as Float32Array), [-1, Math.fround(2147483647 / 2147483648)]);
});

test('G.711: µ-law and A-law expand to the 16-bit linear code / 32768', () => {
  const mu = decodeWav(riff([{ id: 'fmt ', body: fmtBody(7, 1, 8000, 8) }, { id: 'data', body: Uint8Array.from([0x00, 0x80, 0xff, 0x7f]) }]), 'x.wav');
  assert.deepEqual(Array.from(mu.channels[0] as Float32Array), [-32124 / 32768, 32124 / 32768, 0, 0]);
  const a = decodeWav(riff([{ id: 'fmt ', body: fmtBody(6, 1, 8000, 8) }, { id: 'data', body: Uint8Array.from([0xd5, 0x55, 0xaa, 0x2a]) }]), 'x.wav');
  assert.deepEqual(Array.from(a.channels[0] as Float32Array), [8 / 32768, -8 / 32768, 32256 / 32768, -32256 / 32768]);
});

test('odd-sized chunks with pad bytes, JUNK/LIST/fact anywhere, and trailing chunks after data', () => {
  const data = int16Bytes([100, -200, 300, -400, 500, -600]);
  const bytes = riff([
    { id: 'JUNK', body: Uint8Array.from([1, 2, 3]) },
    { id: 'fmt ', body: fmtBody(1, 2, 22050, 16) },
    { id: 'LIST', body: new TextEncoder().encode('INFOISFT\x05\x00\x00\x00Lavf\x00') },
    { id: 'fact', body: Uint8Array.from([3, 0, 0, 0]) },
    { id: 'data', body: data },
    { id: 'LIST', body: Uint8Array.from([9, 9, 9]) },
  ]);
  const a = decodeWav(bytes, 'x.wav');
  assert.equal(a.sampleRate, 22050);
  assert.deepEqual(a.channels.map((c) => Array.from(c, (v) => v * 32768)), [[100, 300, 500], [-200, -400, -600]]);
  const odd = decodeWav(riff([{ id: 'fmt ', body: fmtBody(1, 1, 8000, 8) }, { id: 'data', body: Uint8Array.from([1, 2, 3]) }, { id: 'JUNK', body: Uint8Array.from([7]) }]), 'x.wav');
  assert.equal(odd.channels[0]?.length, 3);
});

test('data size 0 and 0xFFFFFFFF read to the end; a size beyond the file reads the whole frames present', () => {
  const data = int16Bytes([1, 2, 3, 4, 5]);
  for (const size of [0, 0xffffffff]) {
    const a = decodeWav(riff([{ id: 'fmt ', body: fmtBody(1, 1, 8000, 16) }, { id: 'data', body: data, size }]), 'x.wav');
    assert.deepEqual(Array.from(a.channels[0] as Float32Array, (v) => v * 32768), [1, 2, 3, 4, 5]);
  }
  // Claims 2 GiB of data but holds 4 stereo frames plus half a frame: nothing is allocated from the claim.
  const claim = riff([{ id: 'fmt ', body: fmtBody(1, 2, 8000, 16) }, { id: 'data', body: int16Bytes([1, 2, 3, 4, 5, 6, 7, 8, 9]), size: 0x7ffffff0 }]);
  const dec = new WavStreamDecoder('x.wav');
  const block = dec.push(claim.subarray(0, claim.length - 1)); // drop the pad byte: odd tail stays a partial frame
  dec.end();
  assert.equal(block?.channels[0]?.length, 4);
  assert.equal(dec.truncated, true);
  assert.equal(dec.frames, 4);
});

test('headers claiming gigabytes never allocate from the claim', () => {
  // RF64 whose ds64 declares 2^40 data bytes.
  const ds64 = new Uint8Array(28);
  new DataView(ds64.buffer).setUint32(12, 256, true); // data size high word → 2^40
  const rf = riff([{ id: 'ds64', body: ds64 }, { id: 'fmt ', body: fmtBody(1, 1, 8000, 16) }, { id: 'data', body: int16Bytes([7, 8, 9]), size: 0xffffffff }], 'RF64');
  const a = decodeWav(rf, 'x.wav');
  assert.deepEqual(Array.from(a.channels[0] as Float32Array, (v) => v * 32768), [7, 8, 9]);
  // A LIST chunk claiming 4 GiB before the data: the stream ends inside it.
  expectAudioError(() => decodeWav(riff([{ id: 'fmt ', body: fmtBody(1, 1, 8000, 16) }, { id: 'LIST', body: new Uint8Array(10), size: 0xfffffff0 }]), 'x.wav'), 'truncated', /before the data chunk/);
  // A fmt chunk claiming 1 GiB is rejected before any buffering.
  expectAudioError(() => decodeWav(riff([{ id: 'fmt ', body: fmtBody(1, 1, 8000, 16), size: 1 << 30 }]), 'x.wav'), 'corrupt', /'fmt ' chunk claims/);
});

test('bad headers raise typed errors naming the file and the reason', () => {
  expectAudioError(() => decodeWav(new Uint8Array(0), 'x.wav'), 'empty', /empty/);
  expectAudioError(() => decodeWav(riff([{ id: 'fmt ', body: fmtBody(1, 1, 8000, 16) }]).subarray(0, 11), 'x.wav'), 'truncated', /inside the header/);
  expectAudioError(() => decodeWav(riff([{ id: 'fmt ', body: fmtBody(1, 1, 8000, 16) }]), 'x.wav'), 'truncated', /before the data chunk/);
  const avi = riff([{ id: 'data', body: new Uint8Array(4) }]);
  avi.set([0x41, 0x56, 0x49, 0x20], 8);
  expectAudioError(() => decodeWav(avi, 'x.wav'), 'unsupported', /not a RIFF\/WAVE/);
  expectAudioError(() => decodeWav(riff([{ id: 'fmt ', body: fmtBody(1, 1, 8000, 16) }, { id: 'data', body: new Uint8Array(4) }], 'RIFX'), 'x.wav'), 'unsupported', /RIFX/);
  expectAudioError(() => decodeWav(riff([{ id: 'fmt ', body: fmtBody(2, 1, 8000, 4, 256) }, { id: 'data', body: new Uint8Array(256) }]), 'x.wav'), 'unsupported', /0x0002 \(MS ADPCM\)/);
  expectAudioError(() => decodeWav(riff([{ id: 'fmt ', body: fmtBody(1, 0, 8000, 16, 2) }, { id: 'data', body: new Uint8Array(4) }]), 'x.wav'), 'corrupt', /0 channels/);
  expectAudioError(() => decodeWav(riff([{ id: 'fmt ', body: fmtBody(1, 2, 8000, 16, 3) }, { id: 'data', body: new Uint8Array(6) }]), 'x.wav'), 'corrupt', /block align 3/);
  expectAudioError(() => decodeWav(riff([{ id: 'fmt ', body: fmtBody(1, 1, 0, 16) }, { id: 'data', body: new Uint8Array(4) }]), 'x.wav'), 'corrupt', /sample rate of 0/);
  expectAudioError(() => decodeWav(riff([{ id: 'data', body: new Uint8Array(4) }, { id: 'fmt ', body: fmtBody(1, 1, 8000, 16) }]), 'x.wav'), 'unsupported', /before the 'fmt ' chunk/);
  expectAudioError(() => decodeWav(riff([{ id: 'fmt ', body: fmtBody(1, 2, 8000, 16) }, { id: 'data', body: new Uint8Array(3) }]), 'x.wav'), 'no-samples', /no complete frame/);
  expectAudioError(() => decodeWav(riff([{ id: 'fmt ', body: fmtBody(3, 1, 8000, 24) }, { id: 'data', body: new Uint8Array(6) }]), 'x.wav'), 'unsupported', /float with 24 bits/);
});

test('NaN and Inf in a float WAV are rejected with their position', () => {
  const body = new Uint8Array(16);
  const dv = new DataView(body.buffer);
  [0.5, -0.25, 0.125, Number.NaN].forEach((v, i) => dv.setFloat32(4 * i, v, true));
  expectAudioError(() => decodeWav(riff([{ id: 'fmt ', body: fmtBody(3, 2, 8000, 32) }, { id: 'data', body }]), 'x.wav'), 'non-finite', /NaN at channel 1, frame 1/);
  dv.setFloat32(12, -0.5, true);
  dv.setFloat32(0, Infinity, true);
  expectAudioError(() => decodeWav(riff([{ id: 'fmt ', body: fmtBody(3, 1, 8000, 32) }, { id: 'data', body }]), 'x.wav'), 'non-finite', /Infinity at channel 0, frame 0/);
});

test('byte-by-byte streaming gives the same samples as a whole-buffer decode', () => {
  const bytes = riff([
    { id: 'JUNK', body: Uint8Array.from([1, 2, 3, 4, 5]) },
    { id: 'fmt ', body: fmtBody(1, 3, 8000, 24) },
    { id: 'data', body: Uint8Array.from({ length: 9 * 7 }, (_, i) => (i * 37 + 11) & 0xff) },
  ]);
  const whole = decodeWav(bytes, 'x.wav');
  const dec = new WavStreamDecoder('x.wav');
  const got: number[][] = [[], [], []];
  for (let i = 0; i < bytes.length; i++) {
    const b = dec.push(bytes.subarray(i, i + 1));
    b?.channels.forEach((c, k) => got[k]?.push(...c));
  }
  dec.end();
  assert.deepEqual(got, whole.channels.map((c) => Array.from(c)));
});

test('encodeWav round trips: PCM16 exactly on the k/32768 grid (half-even rounding), float32 bit-exactly', () => {
  const x = Float32Array.from([-1, -0.5, 0, 1 / 32768, 32767 / 32768, 1.5, -2]);
  const pcm = decodeWav(encodeWav({ sampleRate: 16000, channels: [x] }, 'pcm16'), 'x.wav');
  assert.deepEqual(Array.from(pcm.channels[0] as Float32Array), [-1, -0.5, 0, 1 / 32768, 32767 / 32768, 32767 / 32768, -1]);
  const halves = decodeWav(encodeWav({ sampleRate: 8000, channels: [Float32Array.from([0.5 / 32768, 1.5 / 32768, -2.5 / 32768])] }, 'pcm16'), 'x.wav');
  assert.deepEqual(Array.from(halves.channels[0] as Float32Array, (v) => v * 32768), [0, 2, -2]);
  const st = [Float32Array.from([0.1, -0.7, 1e-30]), Float32Array.from([3, -0.3, 0])];
  const f = decodeWav(encodeWav({ sampleRate: 44100, channels: st }, 'float32'), 'x.wav');
  assert.equal(f.sampleRate, 44100);
  assert.deepEqual(f.channels, st);
  assert.throws(() => encodeWav({ sampleRate: 8000, channels: [Float32Array.from([Number.NaN])] }, 'pcm16'), AudioError);
});

// ---- files written by ffmpeg and sox, compared with ffmpeg's own float32 decode ----

let tmp: { dir: string; cleanup: () => void };
before(() => {
  tmp = makeTempDir('wav');
});
after(() => tmp.cleanup());

const STEREO = "aevalsrc=exprs='0.5*sin(2*PI*440*t)|0.3*sin(2*PI*1234*t)+0.05*sin(2*PI*9000*t)':s=48000:d=0.5";
const MONO = "aevalsrc=exprs='0.5*sin(2*PI*440*t)+0.2*sin(2*PI*3000*t)':s=48000:d=0.5";
const SIX = "aevalsrc=exprs='0.5*sin(2*PI*440*t)|0.4*sin(2*PI*550*t)|0.3*sin(2*PI*660*t)|0.2*sin(2*PI*770*t)|0.1*sin(2*PI*880*t)|0.05*sin(2*PI*990*t)':s=44100:d=0.5";

test('ffmpeg- and sox-written WAVs decode bit-identically to ffmpeg (u8…f64, G.711, EXTENSIBLE, RF64, 6 channels)', () => {
  const cases: [string, string, string[], boolean][] = [
    ['u8.wav', STEREO, ['-c:a', 'pcm_u8'], false],
    ['s16.wav', MONO, ['-c:a', 'pcm_s16le'], false],
    ['s24.wav', STEREO, ['-c:a', 'pcm_s24le'], true],
    ['s32-6ch.wav', SIX, ['-c:a', 'pcm_s32le'], true],
    ['s16-6ch.wav', SIX, ['-c:a', 'pcm_s16le'], true],
    ['f32.wav', STEREO, ['-c:a', 'pcm_f32le'], true],
    ['f64.wav', MONO, ['-c:a', 'pcm_f64le'], true],
    ['mulaw.wav', MONO, ['-ar', '8000', '-c:a', 'pcm_mulaw'], false],
    ['alaw.wav', MONO, ['-ar', '8000', '-c:a', 'pcm_alaw'], false],
    ['rf64.wav', STEREO, ['-c:a', 'pcm_s16le', '-rf64', 'always'], false],
  ];
  for (const [name, src, args, extensible] of cases) {
    const path = join(tmp.dir, name);
    ffmpeg(['-f', 'lavfi', '-i', src, ...args, path]);
    const bytes = readBytes(path);
    const dec = new WavStreamDecoder(path);
    const block = dec.push(bytes);
    dec.end();
    assert.equal(dec.format?.extensible, extensible, name);
    const a = decodeWav(bytes, path);
    const ref = ffmpegDecode(path);
    assert.equal(a.sampleRate, ref.sampleRate, name);
    assert.equal(a.channels.length, ref.channels.length, name);
    a.channels.forEach((c, i) => assert.equal(maxAbsDiff(c, ref.channels[i] as Float32Array), 0, `${name} channel ${i}`));
    assert.deepEqual(block?.channels, a.channels);
  }
  assert.equal(new TextDecoder().decode(readBytes(join(tmp.dir, 'rf64.wav')).subarray(0, 4)), 'RF64');
  const soxCases: [string, string[]][] = [
    ['sox-s24.wav', ['-b', '24', '-c', '2']],
    ['sox-f32.wav', ['-e', 'floating-point', '-b', '32', '-c', '1']],
  ];
  for (const [name, args] of soxCases) {
    const path = join(tmp.dir, name);
    sox(['-n', '-r', '16000', ...args, path, 'synth', '0.5', 'sine', '440', 'sine', '660']);
    const a = decodeWav(readBytes(path), path);
    const ref = ffmpegDecode(path);
    a.channels.forEach((c, i) => assert.equal(maxAbsDiff(c, ref.channels[i] as Float32Array), 0, `${name} channel ${i}`));
  }
});

test('a WAV piped by ffmpeg (sizes 0xFFFFFFFF) and the same with data size 0 decode like the seekable file', () => {
  const file = join(tmp.dir, 'seek.wav');
  ffmpeg(['-f', 'lavfi', '-i', STEREO, '-c:a', 'pcm_s16le', file]);
  const piped = new Uint8Array(ffmpeg(['-f', 'lavfi', '-i', STEREO, '-c:a', 'pcm_s16le', '-f', 'wav', 'pipe:1']));
  const dataAt = Buffer.from(piped).indexOf('data');
  assert.equal(new DataView(piped.buffer, piped.byteOffset).getUint32(dataAt + 4, true), 0xffffffff);
  const ref = decodeWav(readBytes(file), file);
  assert.deepEqual(decodeWav(piped, 'pipe.wav').channels, ref.channels);
  const zero = piped.slice();
  new DataView(zero.buffer).setUint32(dataAt + 4, 0, true);
  assert.deepEqual(decodeWav(zero, 'zero.wav').channels, ref.channels);
});

test('ffmpeg reads what encodeWav writes', () => {
  const x = [Float32Array.from({ length: 800 }, (_, i) => Math.round(16384 * Math.sin(i / 7)) / 32768), Float32Array.from({ length: 800 }, (_, i) => (i % 50) / 64)];
  for (const enc of ['pcm16', 'float32'] as const) {
    const path = join(tmp.dir, `ours-${enc}.wav`);
    writeFileSync(path, encodeWav({ sampleRate: 12000, channels: x }, enc));
    const ref = ffmpegDecode(path);
    assert.equal(ref.sampleRate, 12000);
    x.forEach((c, i) => assert.equal(maxAbsDiff(c, ref.channels[i] as Float32Array), 0, `${enc} channel ${i}`));
  }
});
