/**
 * Container and codec detection from leading bytes (magic numbers), never from file names.
 *
 * Decodable: WAV (RIFF/RF64), FLAC (native and in Ogg), MP3 (MPEG-1/2/2.5 layers I–III, optionally
 * after ID3v2 tags), Ogg Vorbis, Ogg Opus, WebM/Matroska with an Opus or Vorbis track. Everything else is
 * named and rejected; AAC, AC-3, E-AC-3 and DTS in particular are rejected because their only available
 * decoders are GPL/LGPL-licensed and are deliberately not pulled in.
 */

export type Container = 'wav' | 'flac' | 'mp3' | 'ogg-vorbis' | 'ogg-opus' | 'ogg-flac' | 'webm-opus' | 'webm-vorbis';

export type SniffResult =
  | {
      kind: 'known';
      container: Container;
      /** MP3 only: 1 for single-channel mode, else 2. */
      channels?: number;
      /** FLAC only: bits per sample from STREAMINFO. */
      bitsPerSample?: number;
    }
  | { kind: 'unsupported'; reason: string }
  /** More leading bytes are needed to decide (at least `bytes` in total). */
  | { kind: 'need-more'; bytes: number };

/** Largest prefix the sniffer ever asks for (ID3 tags with cover art, Matroska headers before Tracks). */
export const MAX_SNIFF_BYTES = 16 << 20;
const MATROSKA_SCAN_BYTES = 1 << 20;
const MPEG_SYNC_SCAN_BYTES = 1 << 16;

const GPL_NOTE = 'its decoders are GPL/LGPL-licensed and deliberately not included; convert to WAV or FLAC first (e.g. `ffmpeg -i in out.flac`)';

function ascii(b: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = off; i < off + len && i < b.length; i++) s += String.fromCharCode(b[i] as number);
  return s;
}

function hexHead(b: Uint8Array): string {
  return Array.from(b.subarray(0, 8), (v) => v.toString(16).padStart(2, '0')).join(' ');
}

/** A plausible MPEG audio frame header (layer I–III) at `off`; returns its channel count or 0. */
export function mpegFrameChannels(b: Uint8Array, off: number): number {
  if (off + 4 > b.length) return 0;
  const h1 = b[off + 1] as number;
  const h2 = b[off + 2] as number;
  if (b[off] !== 0xff || (h1 & 0xe0) !== 0xe0) return 0;
  if (((h1 >> 3) & 3) === 1 || ((h1 >> 1) & 3) === 0) return 0; // reserved version / reserved layer
  if (h2 >> 4 === 15 || ((h2 >> 2) & 3) === 3) return 0; // bad bitrate / reserved sample rate
  return (b[off + 3] as number) >> 6 === 3 ? 1 : 2;
}

function isAdts(b: Uint8Array, off: number): boolean {
  return off + 2 <= b.length && b[off] === 0xff && ((b[off + 1] as number) & 0xf6) === 0xf0;
}

/** Byte length of an ID3v2 tag at `off` (header, body and footer), or 0 when there is none. */
function id3Length(b: Uint8Array, off: number): number {
  if (ascii(b, off, 3) !== 'ID3' || off + 10 > b.length) return 0;
  const size = (((b[off + 6] as number) & 0x7f) << 21) | (((b[off + 7] as number) & 0x7f) << 14) | (((b[off + 8] as number) & 0x7f) << 7) | ((b[off + 9] as number) & 0x7f);
  return 10 + size + ((b[off + 5] as number) & 0x10 ? 10 : 0);
}

/**
 * Adds bits per sample from a FLAC STREAMINFO block that follows the 'fLaC' marker at `off`
 * (marker 4 bytes, block header 4, then 10 bytes of block sizes, 20 bits rate, 3 bits channels, 5 bits bps−1).
 */
function withFlacBits(r: SniffResult & { kind: 'known' }, b: Uint8Array, off: number): SniffResult {
  const p = off + 8 + 12;
  if (ascii(b, off, 4) !== 'fLaC' || p + 1 >= b.length || ((b[off + 4] as number) & 0x7f) !== 0) return r;
  return { ...r, bitsPerSample: ((((b[p] as number) & 1) << 4) | ((b[p + 1] as number) >> 4)) + 1 };
}

function sniffOgg(b: Uint8Array, complete: boolean): SniffResult {
  if (b.length < 27) return complete ? { kind: 'unsupported', reason: 'truncated Ogg page header' } : { kind: 'need-more', bytes: 27 };
  const start = 27 + (b[26] as number);
  if (b.length < start + 8) {
    return complete ? { kind: 'unsupported', reason: 'truncated first Ogg page' } : { kind: 'need-more', bytes: start + 8 };
  }
  if (ascii(b, start, 8) === 'OpusHead') return { kind: 'known', container: 'ogg-opus' };
  if (ascii(b, start, 7) === '\x01vorbis') return { kind: 'known', container: 'ogg-vorbis' };
  if (ascii(b, start, 5) === '\x7fFLAC') {
    // Ogg FLAC mapping: 0x7F "FLAC", version (2 bytes), header count (2 bytes), then the native stream.
    if (!complete && b.length < start + 9 + 22) return { kind: 'need-more', bytes: start + 9 + 22 };
    return withFlacBits({ kind: 'known', container: 'ogg-flac' }, b, start + 9);
  }
  const codec = ascii(b, start, 8).startsWith('Speex') ? 'Speex' : ascii(b, start + 1, 6) === 'theora' ? 'Theora' : `unknown (${hexHead(b.subarray(start))})`;
  return { kind: 'unsupported', reason: `Ogg stream with codec ${codec} is not supported (Ogg Vorbis, Opus and FLAC are)` };
}

/** Finds the first Matroska CodecID element (0x86) whose value starts with "A_", returning the string. */
function matroskaAudioCodec(b: Uint8Array): string | null {
  const end = Math.min(b.length, MATROSKA_SCAN_BYTES);
  for (let i = 0; i + 4 < end; i++) {
    if (b[i] !== 0x86) continue;
    const v = b[i + 1] as number;
    if (v < 0x81 || v > 0xa0) continue; // one-byte size vint, 1–32 bytes
    const len = v & 0x7f;
    if (i + 2 + len > b.length || b[i + 2] !== 0x41 || b[i + 3] !== 0x5f) continue; // "A_"
    const s = ascii(b, i + 2, len);
    if (/^A_[A-Z0-9/_.]+$/.test(s)) return s;
  }
  return null;
}

function sniffMatroska(b: Uint8Array, complete: boolean): SniffResult {
  const codec = matroskaAudioCodec(b);
  if (codec === null) {
    if (!complete && b.length < MATROSKA_SCAN_BYTES) return { kind: 'need-more', bytes: Math.min(MATROSKA_SCAN_BYTES, Math.max(4096, b.length * 2)) };
    return { kind: 'unsupported', reason: 'WebM/Matroska without an audio track in its first 1 MiB' };
  }
  if (codec === 'A_OPUS') return { kind: 'known', container: 'webm-opus' };
  if (codec === 'A_VORBIS') return { kind: 'known', container: 'webm-vorbis' };
  if (/^A_(AAC|AC3|EAC3|DTS|TRUEHD|MLP)/.test(codec)) return { kind: 'unsupported', reason: `WebM/Matroska with ${codec} audio is not supported: ${GPL_NOTE}` };
  return { kind: 'unsupported', reason: `WebM/Matroska with ${codec} audio is not supported (Opus and Vorbis tracks are)` };
}

function sniffAfterId3(b: Uint8Array, off: number, complete: boolean): SniffResult {
  if (b.length < off + 4) return complete ? { kind: 'unsupported', reason: 'ID3 tag with no audio after it' } : { kind: 'need-more', bytes: off + 4 };
  const inner = ascii(b, off, 3) === 'ID3' ? id3Length(b, off) : 0;
  if (inner > 0) return sniffAfterId3(b, off + inner, complete);
  if (ascii(b, off, 4) === 'fLaC') {
    if (!complete && b.length < off + 22) return { kind: 'need-more', bytes: off + 22 };
    return withFlacBits({ kind: 'known', container: 'flac' }, b, off);
  }
  const scanEnd = Math.min(b.length - 4, off + MPEG_SYNC_SCAN_BYTES);
  for (let p = off; p <= scanEnd; p++) {
    if (isAdts(b, p)) return { kind: 'unsupported', reason: `AAC (ADTS) is not supported: ${GPL_NOTE}` };
    const channels = mpegFrameChannels(b, p);
    if (channels > 0) return { kind: 'known', container: 'mp3', channels };
  }
  if (!complete && b.length < off + MPEG_SYNC_SCAN_BYTES + 4) return { kind: 'need-more', bytes: off + MPEG_SYNC_SCAN_BYTES + 4 };
  return { kind: 'unsupported', reason: 'ID3 tag not followed by MPEG audio or FLAC' };
}

/**
 * Identifies the container of `head`, the first bytes of a file. `complete` says that `head` is the
 * whole input, so "need more bytes" becomes a definite answer.
 */
export function sniffContainer(head: Uint8Array, complete: boolean): SniffResult {
  if (head.length < 12 && !complete) return { kind: 'need-more', bytes: 12 };
  const m4 = ascii(head, 0, 4);
  if (m4 === 'RIFF' || m4 === 'RF64' || m4 === 'BW64' || m4 === 'RIFX') {
    const form = ascii(head, 8, 4);
    if (form === 'WAVE' || head.length < 12) return { kind: 'known', container: 'wav' };
    return { kind: 'unsupported', reason: `RIFF form ${JSON.stringify(form)} is not audio this library decodes (WAVE is)` };
  }
  if (m4 === 'fLaC') {
    if (!complete && head.length < 22) return { kind: 'need-more', bytes: 22 };
    return withFlacBits({ kind: 'known', container: 'flac' }, head, 0);
  }
  if (m4 === 'OggS') return sniffOgg(head, complete);
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return sniffMatroska(head, complete);
  if (ascii(head, 0, 3) === 'ID3') {
    const len = id3Length(head, 0);
    if (len === 0) return complete ? { kind: 'unsupported', reason: 'truncated ID3 tag' } : { kind: 'need-more', bytes: 10 };
    if (len > MAX_SNIFF_BYTES) return { kind: 'unsupported', reason: `ID3 tag of ${len} bytes exceeds the ${MAX_SNIFF_BYTES}-byte limit` };
    return sniffAfterId3(head, len, complete);
  }
  if (isAdts(head, 0)) return { kind: 'unsupported', reason: `AAC (ADTS) is not supported: ${GPL_NOTE}` };
  const channels = mpegFrameChannels(head, 0);
  if (channels > 0) return { kind: 'known', container: 'mp3', channels };
  if (ascii(head, 4, 4) === 'ftyp') return { kind: 'unsupported', reason: `MP4/M4A (usually AAC) is not supported: ${GPL_NOTE}` };
  const named: Record<string, string> = {
    FORM: 'AIFF', 'caf ': 'CAF', '#!AM': 'AMR', MThd: 'MIDI', '.snd': 'Sun AU', wvpk: 'WavPack', 'MAC ': "Monkey's Audio",
    TTA1: 'TTA', qoaf: 'QOA', '0&\xb2u': 'ASF/WMA', MPCK: 'Musepack',
  };
  const name = named[m4];
  if (name !== undefined) return { kind: 'unsupported', reason: `${name} is not supported (WAV, FLAC, MP3, Ogg Vorbis/Opus and WebM Opus/Vorbis are)` };
  if (head.length === 0) return { kind: 'unsupported', reason: 'no bytes' };
  return { kind: 'unsupported', reason: `unrecognised audio format (first bytes ${hexHead(head)})` };
}
