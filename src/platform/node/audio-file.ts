/**
 * Audio files from disk (Node): whole-file decoding, streaming decoding with bounded memory, and
 * `loadMono` (decode → mean mixdown → resample). Errors are `AudioError`s naming the path:
 * 'not-found', 'not-a-file' (directories, devices, FIFOs), 'empty', 'too-large', and every decoding
 * error of `decodeAudio`.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { AudioError, AudioParamError } from '../../audio/errors.ts';
import type { DecodedAudio } from '../../audio/decoded.ts';
import { type DecodeOptions, decodeAudio, decodeAudioStream } from '../../audio/decode.ts';
import { mixToMono } from '../../audio/mix.ts';
import { type ResampleQuality, type SincKernelSpec, Resampler } from '../../audio/resample.ts';

export interface ReadAudioOptions extends DecodeOptions {
  /** Files larger than this are rejected ('too-large'); use `streamAudioFile` for them. Default 1 GiB. */
  maxBytes?: number;
}

export interface StreamAudioOptions extends DecodeOptions {
  /** Bytes read per chunk, which also sets the PCM block size. Default 256 KiB. */
  chunkBytes?: number;
}

export interface LoadMonoOptions extends DecodeOptions {
  /** Resampling kernel. Default 'hq'. */
  quality?: ResampleQuality | SincKernelSpec;
  /** Files larger than this are decoded and resampled as a stream. Default 64 MiB. */
  streamAboveBytes?: number;
}

const DEFAULT_MAX_BYTES = 1 << 30;
const DEFAULT_CHUNK_BYTES = 256 << 10;
const DEFAULT_STREAM_ABOVE = 64 << 20;

/** Size of a regular, non-empty file; typed errors otherwise. */
async function statAudioFile(path: string): Promise<number> {
  let st;
  try {
    st = await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new AudioError('not-found', path, 'no such file', { cause: e });
    throw new AudioError('not-a-file', path, `cannot stat (${code ?? (e as Error).message})`, { cause: e });
  }
  if (st.isDirectory()) throw new AudioError('not-a-file', path, 'is a directory, not a file');
  if (!st.isFile()) throw new AudioError('not-a-file', path, 'is not a regular file');
  if (st.size === 0) throw new AudioError('empty', path, 'file is empty (0 bytes)');
  return st.size;
}

/** Reads and decodes a whole audio file (any format `decodeAudio` supports). */
export async function readAudioFile(path: string, opts: ReadAudioOptions = {}): Promise<DecodedAudio> {
  const size = await statAudioFile(path);
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  if (size > maxBytes) throw new AudioError('too-large', path, `${size} bytes exceed the ${maxBytes}-byte limit; stream it instead`);
  const bytes = await readFile(path);
  return decodeAudio(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path, opts);
}

async function* fileChunks(path: string, chunkBytes: number): AsyncGenerator<Uint8Array> {
  const stream = createReadStream(path, { highWaterMark: chunkBytes });
  try {
    for await (const chunk of stream) {
      const b = chunk as Buffer;
      yield new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    }
  } finally {
    stream.destroy();
  }
}

/** Decodes a file block by block; memory stays bounded by the chunk size and the decoder state. */
export async function* streamAudioFile(path: string, opts: StreamAudioOptions = {}): AsyncGenerator<DecodedAudio> {
  await statAudioFile(path);
  const chunkBytes = opts.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  if (!Number.isSafeInteger(chunkBytes) || chunkBytes <= 0) throw new AudioParamError('streamAudioFile', `chunkBytes must be a positive integer, got ${chunkBytes}`);
  yield* decodeAudioStream(fileChunks(path, chunkBytes), path, opts);
}

/**
 * Mono audio at `targetRate`: decode, mean over channels, resample (skipped when the rates match).
 * Large files go through the streaming decoder and a streaming resampler, whose output blocks are written
 * into one growing buffer (`MonoBuffer`), so the peak memory is about one copy of the result; both paths
 * give identical samples for the same decoded input. A streamed result is a view of a resizable
 * ArrayBuffer that is not resized again.
 */
export async function loadMono(path: string, targetRate: number, opts: LoadMonoOptions = {}): Promise<Float32Array> {
  const quality = opts.quality ?? 'hq';
  const size = await statAudioFile(path);
  if (size <= (opts.streamAboveBytes ?? DEFAULT_STREAM_ABOVE)) {
    const audio = await readAudioFile(path, opts);
    const mono = mixToMono(audio.channels);
    if (audio.sampleRate === targetRate) return mono;
    const r = new Resampler(audio.sampleRate, targetRate, quality);
    return concat([r.process(mono), r.flush()]);
  }
  const out = new MonoBuffer(path, targetRate);
  let r: Resampler | null = null;
  for await (const block of streamAudioFile(path, opts)) {
    r ??= new Resampler(block.sampleRate, targetRate, quality);
    out.push(r.process(mixToMono(block.channels)));
  }
  if (r === null) throw new AudioError('no-samples', path, 'no audio was decoded');
  out.push(r.flush());
  return out.samples();
}

/** ES2024 resizable ArrayBuffer (V8 11.1+, Node 20+); the project's TypeScript lib is ES2022. */
interface ResizableArrayBuffer extends ArrayBuffer {
  resize(byteLength: number): void;
}
const ResizableArrayBuffer = ArrayBuffer as unknown as new (byteLength: number, options: { maxByteLength: number }) => ResizableArrayBuffer;

/** The largest `maxByteLength` V8 accepts for a resizable ArrayBuffer (2³² bytes: 2³⁰ float32 samples). */
const MAX_MONO_BYTES = 2 ** 32;

/**
 * Float32 samples appended block by block to one resizable ArrayBuffer. V8 reserves `maxByteLength` of
 * address space up front and commits memory only as the buffer grows, in place: no block is copied twice
 * and no second array of the whole signal ever exists.
 */
export class MonoBuffer {
  private readonly buf = new ResizableArrayBuffer(0, { maxByteLength: MAX_MONO_BYTES });
  private length = 0;

  constructor(private readonly path: string, private readonly sampleRate: number) {}

  push(x: Float32Array): void {
    const bytes = (this.length + x.length) * 4;
    if (bytes > MAX_MONO_BYTES) {
      const hours = MAX_MONO_BYTES / 4 / this.sampleRate / 3600;
      throw new AudioError('too-large', this.path, `more than ${MAX_MONO_BYTES / 4} samples at ${this.sampleRate} Hz (${hours.toFixed(1)} h) do not fit one buffer; split the recording`);
    }
    this.buf.resize(bytes);
    new Float32Array(this.buf, this.length * 4, x.length).set(x);
    this.length += x.length;
  }

  /** The samples pushed so far (a view; later pushes do not change its length). */
  samples(): Float32Array {
    return new Float32Array(this.buf, 0, this.length);
  }
}

function concat(parts: readonly Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0] as Float32Array;
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Float32Array(n);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
