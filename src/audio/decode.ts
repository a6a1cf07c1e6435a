/**
 * Audio decoding by content (magic bytes), whole-file and streaming.
 *
 * WAV goes through our own reader (wav.ts). FLAC, MP3, Ogg Vorbis, Ogg Opus and WebM Opus/Vorbis go
 * through the `audio-decode` package's per-codec chunked decoders (`decode.<codec>()`, which wrap the
 * `@audio/decode-*` packages: codec-parser + WASM builds of libFLAC, mpg123, libvorbis and libopus).
 * Every format streams: bytes are fed in chunks and PCM comes out per chunk, so memory stays bounded by
 * the chunk size plus the decoder's internal state. WebM is always fed in ≤ 16 KiB pieces, because the
 * WebM decoder's whole-buffer path concatenates its output once per block and is quadratic in length.
 * Native FLAC is re-cut at frame starts into ≥ 64 KiB pieces (flac-chunker.ts), because the chunked FLAC
 * decoder drops frames whose header straddles two chunks.
 *
 * Every result is validated: at least one frame ('no-samples', also catching decoders that silently
 * return nothing), finite samples ('non-finite'), one sample rate and channel count per stream.
 * MP3 goes straight to `@audio/decode-mp3` (mpg123, gapless): mpg123 always emits two channels, and the
 * channel count is taken from the MPEG frame header (mode 3 = mono: keep channel 0; otherwise both).
 * `audio-decode`'s MP3 wrapper is not used because it collapses stereo whose channels agree on a
 * sparse sample grid into mono.
 */
import decode from 'audio-decode';
import { decoder as mp3Decoder } from '@audio/decode-mp3';
import { AudioError } from './errors.ts';
import { type DecodedAudio, assertFinite, assertWellFormed, concatBlocks, frameCount } from './decoded.ts';
import { type Container, MAX_SNIFF_BYTES, sniffContainer } from './sniff.ts';
import { WavStreamDecoder } from './wav.ts';
import { FlacChunker } from './flac-chunker.ts';

export interface DecodeOptions {
  /** Reject inputs that decode to more frames than this ('too-large'). No limit when absent. */
  maxFrames?: number;
}

type Codec = 'flac' | 'mp3' | 'oga' | 'opus' | 'webm';
const CODEC: { readonly [K in Exclude<Container, 'wav'>]: Codec } = {
  flac: 'flac', 'ogg-flac': 'flac', mp3: 'mp3', 'ogg-vorbis': 'oga', 'ogg-opus': 'opus', 'webm-opus': 'webm', 'webm-vorbis': 'webm',
};
const WEBM_PIECE_BYTES = 16 << 10;
const FLAC_MIN_PIECE = 64 << 10;
const FLAC_MAX_PENDING = 16 << 20;

interface StreamDecoder {
  (chunk?: Uint8Array): Promise<{ channelData: Float32Array[]; sampleRate: number }>;
  free(): void;
}

function* pieces(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let off = 0; off < bytes.length; off += size) yield bytes.subarray(off, Math.min(bytes.length, off + size));
}

/** Tracks frame offsets and limits across the blocks of one stream, validating each block. */
class BlockChecker {
  frames = 0;
  private rate = 0;
  private nch = 0;
  constructor(private readonly file: string, private readonly opts: DecodeOptions) {}
  check(block: DecodedAudio): DecodedAudio {
    assertWellFormed(block, this.file);
    if (this.rate === 0) {
      this.rate = block.sampleRate;
      this.nch = block.channels.length;
    } else if (block.sampleRate !== this.rate || block.channels.length !== this.nch) {
      throw new AudioError('unsupported', this.file, `stream changes from ${this.nch} ch @ ${this.rate} Hz to ${block.channels.length} ch @ ${block.sampleRate} Hz`);
    }
    assertFinite(block, this.file, this.frames);
    this.frames += frameCount(block);
    if (this.opts.maxFrames !== undefined && this.frames > this.opts.maxFrames) {
      throw new AudioError('too-large', this.file, `more than ${this.opts.maxFrames} frames`);
    }
    return block;
  }
  finish(what: string): void {
    if (this.frames === 0) throw new AudioError('no-samples', this.file, `${what} produced no audio`);
  }
}

/**
 * The FLAC decoder scales integer samples k by 1/(2^(b−1) − 1). For b ≤ 24 the integer is recovered
 * exactly by rounding and rescaled to k/2^(b−1), the soundfile/torchaudio/ffmpeg convention used for WAV.
 */
function fixFlacScale(block: DecodedAudio, bits: number): DecodedAudio {
  const pos = 2 ** (bits - 1) - 1;
  const inv = 1 / 2 ** (bits - 1);
  for (const ch of block.channels) {
    for (let i = 0; i < ch.length; i++) ch[i] = Math.round((ch[i] as number) * pos) * inv;
  }
  return block;
}

/** mpg123 through `@audio/decode-mp3`, wrapped to the `audio-decode` stream-decoder calling convention. */
async function createMp3Decoder(): Promise<StreamDecoder> {
  const d = await mp3Decoder();
  let freed = false;
  const free = (): void => {
    if (!freed) {
      freed = true;
      d.free();
    }
  };
  const fn = async (chunk?: Uint8Array): Promise<{ channelData: Float32Array[]; sampleRate: number }> => {
    if (chunk === undefined) {
      free();
      return { channelData: [], sampleRate: 0 };
    }
    return d.decode(chunk);
  };
  return Object.assign(fn, { free });
}

async function* decodeCompressed(
  container: Exclude<Container, 'wav'>,
  mp3Channels: number | undefined,
  flacBits: number | undefined,
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  file: string,
  check: BlockChecker,
): AsyncGenerator<DecodedAudio> {
  const codec = CODEC[container];
  let dec: StreamDecoder;
  try {
    dec = codec === 'mp3' ? await createMp3Decoder() : ((await decode[codec]()) as StreamDecoder);
  } catch (e) {
    throw new AudioError('corrupt', file, `cannot initialise the ${container} decoder: ${(e as Error).message}`, { cause: e });
  }
  const toBlock = (r: { channelData: Float32Array[]; sampleRate: number }): DecodedAudio | null => {
    if (r.channelData.length === 0 || (r.channelData[0] as Float32Array).length === 0) return null;
    let block: DecodedAudio = { sampleRate: r.sampleRate, channels: r.channelData };
    if (mp3Channels === 1 && block.channels.length > 1) block = { sampleRate: block.sampleRate, channels: [block.channels[0] as Float32Array] };
    if (flacBits !== undefined && flacBits <= 24) block = fixFlacScale(block, flacBits);
    return check.check(block);
  };
  const flac = container === 'flac' ? new FlacChunker(FLAC_MIN_PIECE, FLAC_MAX_PENDING) : null;
  try {
    for await (const chunk of chunks) {
      const parts = flac ? flac.push(chunk) : codec === 'webm' && chunk.length > WEBM_PIECE_BYTES ? pieces(chunk, WEBM_PIECE_BYTES) : [chunk];
      for (const part of parts) {
        if (part.length === 0) continue;
        const block = toBlock(await dec(part));
        if (block) yield block;
      }
    }
    const rest = flac?.end();
    if (rest !== undefined && rest.length > 0) {
      const block = toBlock(await dec(rest));
      if (block) yield block;
    }
    const last = toBlock(await dec());
    if (last) yield last;
  } catch (e) {
    if (e instanceof AudioError) throw e;
    throw new AudioError('corrupt', file, `${container} decoder failed: ${(e as Error).message}`, { cause: e });
  } finally {
    dec.free();
  }
  check.finish(`${container} decoder`);
}

/** Decodes a whole file held in memory; `file` names it in errors. */
export async function decodeAudio(bytes: Uint8Array, file: string, opts: DecodeOptions = {}): Promise<DecodedAudio> {
  if (bytes.length === 0) throw new AudioError('empty', file, 'file is empty (0 bytes)');
  const s = sniffContainer(bytes, true);
  if (s.kind === 'unsupported') throw new AudioError('unsupported', file, s.reason);
  if (s.kind === 'need-more') throw new AudioError('truncated', file, `only ${bytes.length} bytes`);
  const check = new BlockChecker(file, opts);
  if (s.container === 'wav') {
    const dec = new WavStreamDecoder(file);
    const block = dec.push(bytes);
    dec.end();
    return check.check(block as DecodedAudio);
  }
  const blocks: DecodedAudio[] = [];
  for await (const b of decodeCompressed(s.container, s.channels, s.bitsPerSample, [bytes], file, check)) blocks.push(b);
  return concatBlocks(blocks, file);
}

/** Re-yields a prefix already read, then the rest of an iterator. */
async function* prepend(head: Uint8Array, rest: AsyncIterator<Uint8Array>, restDone: boolean): AsyncGenerator<Uint8Array> {
  if (head.length > 0) yield head;
  if (restDone) return;
  for (;;) {
    const r = await rest.next();
    if (r.done) return;
    yield r.value;
  }
}

/**
 * Streaming decode: consumes a byte source chunk by chunk and yields successive PCM blocks (all with
 * the same sample rate and channel count). Block sizes follow the source's chunking.
 */
export async function* decodeAudioStream(
  source: AsyncIterable<Uint8Array>,
  file: string,
  opts: DecodeOptions = {},
): AsyncGenerator<DecodedAudio> {
  const it = source[Symbol.asyncIterator]();
  let head = new Uint8Array(0);
  let done = false;
  let s = sniffContainer(head, false);
  while (s.kind === 'need-more' && !done && head.length < MAX_SNIFF_BYTES) {
    const r = await it.next();
    if (r.done) done = true;
    else if (r.value.length > 0) {
      const merged = new Uint8Array(head.length + r.value.length);
      merged.set(head);
      merged.set(r.value, head.length);
      head = merged;
    }
    s = sniffContainer(head, done);
  }
  if (head.length === 0) throw new AudioError('empty', file, 'file is empty (0 bytes)');
  if (s.kind === 'need-more') throw new AudioError('unsupported', file, `format not identified in the first ${head.length} bytes`);
  if (s.kind === 'unsupported') throw new AudioError('unsupported', file, s.reason);
  const check = new BlockChecker(file, opts);
  const chunks = prepend(head, it, done);
  if (s.container === 'wav') {
    const dec = new WavStreamDecoder(file);
    for await (const chunk of chunks) {
      const block = dec.push(chunk);
      if (block) yield check.check(block);
    }
    dec.end();
    return;
  }
  yield* decodeCompressed(s.container, s.channels, s.bitsPerSample, chunks, file, check);
}
