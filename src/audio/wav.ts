/**
 * WAV reader: RIFF/WAVE and RF64, one incremental parser used both for whole buffers (`decodeWav`) and
 * for byte streams (`WavStreamDecoder`), so both paths give identical samples.
 *
 * Supported: PCM unsigned 8-bit, signed 16/24/32-bit (any valid-bit count inside those containers), IEEE
 * float 32/64, G.711 µ-law and A-law, WAVE_FORMAT_EXTENSIBLE with PCM/float/µ-law/A-law sub-formats.
 * Chunks other than `fmt `, `ds64` and `data` (LIST, fact, JUNK, bext, ...) are skipped wherever they are,
 * honouring the RIFF pad byte after odd-sized chunks. Chunks after `data` are ignored.
 *
 * Scaling (soundfile / torchaudio semantics): a signed integer container of b bytes maps v → v / 2^(8b−1),
 * so int16 / 32768 exactly and left-justified 20- or 24-bit samples keep their magnitude; unsigned 8-bit
 * maps u → (u − 128) / 128; G.711 decodes to the 16-bit linear value (ITU-T G.711 expansion, |v| ≤ 32124
 * for µ-law, ≤ 32256 for A-law) / 32768; float64 is rounded to float32.
 *
 * Data size: a `data` size of 0 or 0xFFFFFFFF (streamed or crashed writers) means "read to the end of the
 * input". A size larger than the bytes present reads the whole frames present (`truncated` is then set).
 * A trailing partial frame is dropped. Every allocation is bounded by the bytes actually received, never
 * by a size claimed in a header.
 */
import { AudioError } from './errors.ts';
import { type DecodedAudio, assertFinite, assertWellFormed } from './decoded.ts';

export type WavEncoding = 'pcm' | 'float' | 'mulaw' | 'alaw';

export interface WavFormat {
  container: 'RIFF' | 'RF64';
  encoding: WavEncoding;
  /** Format tag after resolving WAVE_FORMAT_EXTENSIBLE (1 PCM, 3 float, 6 A-law, 7 µ-law). */
  formatTag: number;
  extensible: boolean;
  channels: number;
  sampleRate: number;
  /** Bits per sample as declared (`wBitsPerSample`), and the valid bits of the extensible header. */
  bitsPerSample: number;
  validBitsPerSample: number;
  /** Bytes per sample container and per frame. */
  bytesPerSample: number;
  blockAlign: number;
}

const FORMAT_TAG_NAMES: Record<number, string> = {
  0x0002: 'MS ADPCM', 0x0011: 'IMA ADPCM', 0x0031: 'GSM 6.10', 0x0050: 'MPEG', 0x0055: 'MPEG layer 3',
  0x00ff: 'AAC', 0x1610: 'AAC (ADTS)', 0x2000: 'AC-3', 0x0092: 'Dolby AC-3 SPDIF', 0xf1ac: 'FLAC',
};
const KSDATAFORMAT_GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];
/** Largest `fmt `/`ds64` chunk body we buffer (real ones are 16–40 bytes). */
const MAX_HEADER_CHUNK = 1 << 16;
const UNKNOWN_SIZE = 0xffffffff;

// ITU-T G.711 expansion to 16-bit linear PCM, divided by 32768.
function mulawToLinear(u: number): number {
  const v = ~u & 0xff;
  const t = (((v & 0x0f) << 3) + 0x84) << ((v & 0x70) >> 4);
  return (v & 0x80 ? 0x84 - t : t - 0x84) / 32768;
}
function alawToLinear(a: number): number {
  const v = a ^ 0x55;
  const seg = (v & 0x70) >> 4;
  const q = v & 0x0f;
  const t = seg === 0 ? (2 * q + 1) << 3 : (2 * q + 1 + 32) << (seg + 2);
  return (v & 0x80 ? t : -t) / 32768;
}
const MULAW_TABLE = Float32Array.from({ length: 256 }, (_, i) => mulawToLinear(i));
const ALAW_TABLE = Float32Array.from({ length: 256 }, (_, i) => alawToLinear(i));

type State =
  | { s: 'riff' }
  | { s: 'chunk' }
  | { s: 'body'; id: string; size: number } // a fmt/ds64 body being collected
  | { s: 'skip'; remaining: number } // an ignored chunk (plus pad byte)
  | { s: 'data'; remaining: number } // Infinity: read to end
  | { s: 'done' };

function fourcc(b: Uint8Array, off: number): string {
  return String.fromCharCode(b[off] as number, b[off + 1] as number, b[off + 2] as number, b[off + 3] as number);
}
function u16(b: Uint8Array, off: number): number {
  return (b[off] as number) | ((b[off + 1] as number) << 8);
}
function u32(b: Uint8Array, off: number): number {
  return ((b[off] as number) | ((b[off + 1] as number) << 8) | ((b[off + 2] as number) << 16) | ((b[off + 3] as number) << 24)) >>> 0;
}

/**
 * Incremental WAV decoder. `push` accepts any split of the byte stream and returns the frames completed
 * by those bytes (or null); `end` checks that the stream held a complete header and a data chunk.
 * Memory held between calls is bounded by one header chunk (≤ 64 KiB) or one partial frame.
 */
export class WavStreamDecoder {
  readonly file: string;
  private state: State = { s: 'riff' };
  private pending: Uint8Array = new Uint8Array(0);
  private fmt: WavFormat | null = null;
  private container: 'RIFF' | 'RF64' = 'RIFF';
  private ds64DataSize: number | null = null;
  private bytesSeen = 0;
  /** Frames decoded so far. */
  frames = 0;
  /** True when the data chunk declared more bytes than the stream delivered. */
  truncated = false;

  constructor(file: string) {
    this.file = file;
  }

  get format(): WavFormat | null {
    return this.fmt;
  }

  push(chunk: Uint8Array): DecodedAudio | null {
    this.bytesSeen += chunk.length;
    let buf = chunk;
    if (this.pending.length > 0) {
      buf = new Uint8Array(this.pending.length + chunk.length);
      buf.set(this.pending);
      buf.set(chunk, this.pending.length);
      this.pending = new Uint8Array(0);
    }
    let pos = 0;
    let out: DecodedAudio | null = null;
    for (;;) {
      const st = this.state;
      const avail = buf.length - pos;
      if (st.s === 'done') return out;
      if (st.s === 'riff') {
        if (avail < 12) break;
        this.parseRiff(buf, pos);
        pos += 12;
      } else if (st.s === 'chunk') {
        if (avail < 8) break;
        this.parseChunkHeader(buf, pos);
        pos += 8;
      } else if (st.s === 'body') {
        if (avail < st.size) break;
        this.parseHeaderChunk(st.id, buf.subarray(pos, pos + st.size));
        pos += st.size;
      } else if (st.s === 'skip') {
        const n = Math.min(avail, st.remaining);
        pos += n;
        st.remaining -= n;
        if (st.remaining > 0) break;
        this.state = { s: 'chunk' };
      } else {
        const fmt = this.fmt as WavFormat;
        const usable = Math.min(avail, st.remaining);
        const nFrames = Math.floor(usable / fmt.blockAlign);
        if (nFrames === 0) break;
        out = this.convert(buf, pos, nFrames);
        pos += nFrames * fmt.blockAlign;
        st.remaining -= nFrames * fmt.blockAlign;
        if (st.remaining < fmt.blockAlign) this.state = { s: 'done' };
        break;
      }
    }
    if (this.state.s !== 'skip' && this.state.s !== 'done') this.pending = buf.slice(pos);
    return out;
  }

  /** Call after the last `push`: throws when no data chunk was reached. */
  end(): void {
    const st = this.state;
    if (this.bytesSeen === 0) throw new AudioError('empty', this.file, 'file is empty (0 bytes)');
    if (st.s === 'riff' || st.s === 'chunk' || st.s === 'body' || st.s === 'skip') {
      const where = this.fmt === null ? 'inside the header' : 'before the data chunk';
      throw new AudioError('truncated', this.file, `WAV ends ${where} (${this.bytesSeen} bytes)`);
    }
    if (st.s === 'data' && Number.isFinite(st.remaining) && st.remaining >= (this.fmt as WavFormat).blockAlign) this.truncated = true;
    if (this.frames === 0) throw new AudioError('no-samples', this.file, 'WAV data chunk holds no complete frame');
  }

  private parseRiff(b: Uint8Array, off: number): void {
    const id = fourcc(b, off);
    const wave = fourcc(b, off + 8);
    if (id === 'RIFX') throw new AudioError('unsupported', this.file, 'big-endian RIFX WAV is not supported');
    if ((id !== 'RIFF' && id !== 'RF64' && id !== 'BW64') || wave !== 'WAVE') {
      throw new AudioError('unsupported', this.file, `not a RIFF/WAVE file (starts with ${JSON.stringify(id + '....' + wave)})`);
    }
    this.container = id === 'RIFF' ? 'RIFF' : 'RF64';
    this.state = { s: 'chunk' };
  }

  private parseChunkHeader(b: Uint8Array, off: number): void {
    const id = fourcc(b, off);
    const size = u32(b, off + 4);
    if (id === 'data') {
      if (this.fmt === null) throw new AudioError('unsupported', this.file, "data chunk before the 'fmt ' chunk");
      let declared: number = size;
      if (this.container === 'RF64' && size === UNKNOWN_SIZE && this.ds64DataSize !== null) declared = this.ds64DataSize;
      const remaining = declared === 0 || declared === UNKNOWN_SIZE ? Infinity : declared;
      this.state = remaining < this.fmt.blockAlign ? { s: 'done' } : { s: 'data', remaining };
    } else if (id === 'fmt ' || id === 'ds64') {
      if (size > MAX_HEADER_CHUNK) throw new AudioError('corrupt', this.file, `'${id}' chunk claims ${size} bytes`);
      this.state = { s: 'body', id, size: size + (size & 1) };
    } else {
      this.state = { s: 'skip', remaining: size + (size & 1) };
    }
  }

  private parseHeaderChunk(id: string, body: Uint8Array): void {
    if (id === 'ds64') {
      if (body.length < 24) throw new AudioError('corrupt', this.file, `'ds64' chunk is ${body.length} bytes, need 24`);
      this.ds64DataSize = u32(body, 8) + u32(body, 12) * 2 ** 32;
    } else {
      this.fmt = this.parseFmt(body);
    }
    this.state = { s: 'chunk' };
  }

  private parseFmt(b: Uint8Array): WavFormat {
    const file = this.file;
    if (b.length < 16) throw new AudioError('corrupt', file, `'fmt ' chunk is ${b.length} bytes, need at least 16`);
    let formatTag = u16(b, 0);
    const channels = u16(b, 2);
    const sampleRate = u32(b, 4);
    const blockAlign = u16(b, 12);
    const bitsPerSample = u16(b, 14);
    let validBitsPerSample = bitsPerSample;
    const extensible = formatTag === 0xfffe;
    if (extensible) {
      if (b.length < 40 || u16(b, 16) < 22) throw new AudioError('corrupt', file, 'WAVE_FORMAT_EXTENSIBLE header shorter than 40 bytes');
      validBitsPerSample = u16(b, 18) || bitsPerSample;
      formatTag = u16(b, 24);
      if (KSDATAFORMAT_GUID_TAIL.some((v, i) => b[26 + i] !== v)) {
        throw new AudioError('unsupported', file, 'WAVE_FORMAT_EXTENSIBLE with a non-standard sub-format GUID');
      }
    }
    const encoding: WavEncoding | undefined = ({ 1: 'pcm', 3: 'float', 6: 'alaw', 7: 'mulaw' } as Record<number, WavEncoding>)[formatTag];
    if (encoding === undefined) {
      const name = FORMAT_TAG_NAMES[formatTag] ?? 'unknown';
      throw new AudioError('unsupported', file, `WAV format tag 0x${formatTag.toString(16).padStart(4, '0')} (${name}) is not supported; convert to PCM first`);
    }
    if (channels === 0) throw new AudioError('corrupt', file, 'WAV header declares 0 channels');
    if (sampleRate === 0) throw new AudioError('corrupt', file, 'WAV header declares a sample rate of 0 Hz');
    if (blockAlign === 0 || blockAlign % channels !== 0) {
      throw new AudioError('corrupt', file, `WAV block align ${blockAlign} is not a positive multiple of ${channels} channel(s)`);
    }
    const bytesPerSample = blockAlign / channels;
    const ok =
      encoding === 'pcm' ? bytesPerSample >= 1 && bytesPerSample <= 4 && bitsPerSample >= 1 && bitsPerSample <= 8 * bytesPerSample
        : encoding === 'float' ? (bytesPerSample === 4 || bytesPerSample === 8) && bitsPerSample === 8 * bytesPerSample
          : bytesPerSample === 1 && bitsPerSample === 8;
    if (!ok) {
      throw new AudioError('unsupported', file, `WAV ${encoding} with ${bitsPerSample} bits in ${bytesPerSample}-byte samples is not supported`);
    }
    return { container: this.container, encoding, formatTag, extensible, channels, sampleRate, bitsPerSample, validBitsPerSample, bytesPerSample, blockAlign };
  }

  private convert(b: Uint8Array, off: number, n: number): DecodedAudio {
    const fmt = this.fmt as WavFormat;
    const nc = fmt.channels;
    const bps = fmt.bytesPerSample;
    const channels: Float32Array[] = [];
    for (let c = 0; c < nc; c++) channels.push(new Float32Array(n));
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    for (let c = 0; c < nc; c++) {
      const out = channels[c] as Float32Array;
      const stride = fmt.blockAlign;
      let p = off + c * bps;
      if (fmt.encoding === 'float') {
        if (bps === 4) for (let i = 0; i < n; i++, p += stride) out[i] = dv.getFloat32(p, true);
        else for (let i = 0; i < n; i++, p += stride) out[i] = dv.getFloat64(p, true);
      } else if (fmt.encoding === 'mulaw' || fmt.encoding === 'alaw') {
        const table = fmt.encoding === 'mulaw' ? MULAW_TABLE : ALAW_TABLE;
        for (let i = 0; i < n; i++, p += stride) out[i] = table[b[p] as number] as number;
      } else if (bps === 1) {
        for (let i = 0; i < n; i++, p += stride) out[i] = ((b[p] as number) - 128) / 128;
      } else if (bps === 2) {
        for (let i = 0; i < n; i++, p += stride) out[i] = (((b[p] as number) | ((b[p + 1] as number) << 8)) << 16 >> 16) / 32768;
      } else if (bps === 3) {
        for (let i = 0; i < n; i++, p += stride) {
          out[i] = (((b[p] as number) | ((b[p + 1] as number) << 8) | ((b[p + 2] as number) << 16)) << 8 >> 8) / 8388608;
        }
      } else {
        for (let i = 0; i < n; i++, p += stride) out[i] = dv.getInt32(p, true) / 2147483648;
      }
    }
    const block = { sampleRate: fmt.sampleRate, channels };
    if (fmt.encoding === 'float') assertFinite(block, this.file, this.frames);
    this.frames += n;
    return block;
  }
}

/** Decodes a whole WAV file held in memory. `file` names the input in errors. */
export function decodeWav(bytes: Uint8Array, file: string): DecodedAudio {
  const dec = new WavStreamDecoder(file);
  const block = dec.push(bytes);
  dec.end();
  const audio = block as DecodedAudio;
  assertWellFormed(audio, file);
  return audio;
}

export type WavWriteEncoding = 'pcm16' | 'float32';

/**
 * Encodes audio as a canonical RIFF/WAVE file. 'pcm16' quantises q = clip(roundHalfEven(x·32768),
 * −32768, 32767), so `decodeWav(encodeWav(x))` returns x exactly whenever x lies on the k/32768 grid;
 * 'float32' writes IEEE float (format tag 3, with a `fact` chunk) and round-trips bit-exactly.
 * Throws for non-finite samples, unequal channel lengths or a result over the 4 GiB RIFF limit.
 */
export function encodeWav(audio: DecodedAudio, encoding: WavWriteEncoding, file = 'encodeWav'): Uint8Array {
  assertWellFormed(audio, file);
  assertFinite(audio, file, 0);
  const nc = audio.channels.length;
  const n = audio.channels[0]?.length ?? 0;
  const bps = encoding === 'pcm16' ? 2 : 4;
  const blockAlign = nc * bps;
  const dataBytes = n * blockAlign;
  const fmtSize = encoding === 'pcm16' ? 16 : 18;
  const factBytes = encoding === 'pcm16' ? 0 : 12;
  const headerBytes = 12 + 8 + fmtSize + factBytes + 8;
  const total = headerBytes + dataBytes + (dataBytes & 1);
  if (total - 8 > UNKNOWN_SIZE - 1) throw new AudioError('too-large', file, `${dataBytes} data bytes exceed the RIFF 4 GiB limit`);
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  const ascii = (off: number, s: string): void => {
    for (let i = 0; i < 4; i++) out[off + i] = s.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  dv.setUint32(4, total - 8, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  dv.setUint32(16, fmtSize, true);
  dv.setUint16(20, encoding === 'pcm16' ? 1 : 3, true);
  dv.setUint16(22, nc, true);
  dv.setUint32(24, audio.sampleRate, true);
  dv.setUint32(28, audio.sampleRate * blockAlign, true);
  dv.setUint16(32, blockAlign, true);
  dv.setUint16(34, bps * 8, true);
  let p = 20 + fmtSize;
  if (encoding === 'float32') {
    dv.setUint16(36, 0, true);
    ascii(p, 'fact');
    dv.setUint32(p + 4, 4, true);
    dv.setUint32(p + 8, n, true);
    p += 12;
  }
  ascii(p, 'data');
  dv.setUint32(p + 4, dataBytes, true);
  p += 8;
  for (let c = 0; c < nc; c++) {
    const ch = audio.channels[c] as Float32Array;
    let q = p + c * bps;
    if (encoding === 'float32') {
      for (let i = 0; i < n; i++, q += blockAlign) dv.setFloat32(q, ch[i] as number, true);
    } else {
      for (let i = 0; i < n; i++, q += blockAlign) {
        const v = Math.min(32767, Math.max(-32768, roundHalfEven((ch[i] as number) * 32768)));
        dv.setInt16(q, v, true);
      }
    }
  }
  return out;
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
