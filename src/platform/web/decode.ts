/**
 * Audio files in the browser: Pneuma's own decoders (src/audio/decode.ts: our WAV reader, and audio-decode's
 * WebAssembly FLAC/MP3/Vorbis/Opus/WebM decoders), which give the same samples as in Node, with the page's
 * `AudioContext.decodeAudioData` as the fallback for containers they do not read (M4A/AAC among them: the
 * GPL/LGPL decoders are left out of the browser bundle, deps.md §1e).
 *
 * `loadMonoInBrowser` is `loadMono` (src/platform/node/audio-file.ts) for bytes: mean mixdown, then the same
 * resampler, skipped when the rates match; for the same decoded input the samples are identical.
 */
import { AudioError } from '../../audio/errors.ts';
import type { DecodedAudio } from '../../audio/decoded.ts';
import { type DecodeOptions, decodeAudio } from '../../audio/decode.ts';
import { mixToMono } from '../../audio/mix.ts';
import { type ResampleQuality, type SincKernelSpec, resample } from '../../audio/resample.ts';

/** A picked file, a fetched blob or raw bytes. */
export type BrowserAudioInput = Blob | ArrayBuffer | Uint8Array;

/** Which decoder produced the samples. */
export type BrowserDecoder = 'pneuma' | 'audio-context';

export interface BrowserDecoded {
  readonly audio: DecodedAudio;
  readonly decoder: BrowserDecoder;
  /** Why Pneuma's decoders were not used, when the fallback decoded the file. */
  readonly fallbackReason?: string;
}

export interface BrowserDecodeOptions extends DecodeOptions {
  /** Name used in errors (default: the File's name, else 'audio'). */
  readonly name?: string;
  /** Decode with `AudioContext` when Pneuma's decoders reject the container or codec (default true). */
  readonly audioContextFallback?: boolean;
  /**
   * Rate of the fallback's output (default 48000): the browser's decoder resamples everything it decodes to
   * its context's rate, so the file's own rate is not available on that path.
   */
  readonly fallbackRate?: number;
}

async function bytesOf(input: BrowserAudioInput): Promise<Uint8Array> {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  return new Uint8Array(await input.arrayBuffer());
}

function nameOf(input: BrowserAudioInput, name: string | undefined): string {
  if (name !== undefined) return name;
  const n = (input as { name?: unknown }).name;
  return typeof n === 'string' && n !== '' ? n : 'audio';
}

/**
 * The page's own decoder. `decodeAudioData` always resamples to its context's rate (Web Audio API, `BaseAudioContext.decodeAudioData`), so
 * the samples come back at `rate`, resampled by the browser.
 */
async function decodeWithAudioContext(bytes: Uint8Array, file: string, rate: number): Promise<DecodedAudio> {
  const Ctx = (globalThis as { OfflineAudioContext?: typeof OfflineAudioContext }).OfflineAudioContext;
  if (Ctx === undefined) throw new AudioError('unsupported', file, 'no OfflineAudioContext in this context to decode with');
  const ctx = new Ctx(1, 1, rate);
  let buf: AudioBuffer;
  try {
    buf = await ctx.decodeAudioData(bytes.slice().buffer);
  } catch (e) {
    throw new AudioError('unsupported', file, `the browser cannot decode it either (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  const channels = Array.from({ length: buf.numberOfChannels }, (_, c) => buf.getChannelData(c).slice());
  if (channels.length === 0 || buf.length === 0) throw new AudioError('no-samples', file, 'the browser decoded no audio');
  return { sampleRate: buf.sampleRate, channels };
}

/** Decode a file's bytes; Pneuma's decoders first, `AudioContext` when they do not read the format. */
export async function decodeInBrowser(input: BrowserAudioInput, opts: BrowserDecodeOptions = {}): Promise<BrowserDecoded> {
  const file = nameOf(input, opts.name);
  const bytes = await bytesOf(input);
  try {
    return { audio: await decodeAudio(bytes, file, opts), decoder: 'pneuma' };
  } catch (e) {
    // Only a format Pneuma does not read goes to the fallback; damaged, empty or truncated input fails as it is.
    const unsupported = e instanceof AudioError && e.kind === 'unsupported';
    if (!unsupported || opts.audioContextFallback === false) throw e;
    const audio = await decodeWithAudioContext(bytes, file, opts.fallbackRate ?? 48000);
    return { audio, decoder: 'audio-context', fallbackReason: e.message };
  }
}

export interface BrowserMono {
  readonly samples: Float32Array;
  readonly sampleRate: number;
  /** The file's own rate and channel count. */
  readonly sourceRate: number;
  readonly sourceChannels: number;
  readonly decoder: BrowserDecoder;
  readonly fallbackReason?: string;
}

/**
 * Mono audio at `targetRate`: decode, mean over channels, resample with `quality` (skipped when the rates match).
 * On the `AudioContext` fallback the browser decodes straight to `targetRate` (its own resampler, not `quality`;
 * `sourceRate` is then that rate).
 */
export async function loadMonoInBrowser(
  input: BrowserAudioInput,
  targetRate: number,
  quality: ResampleQuality | SincKernelSpec,
  opts: BrowserDecodeOptions = {},
): Promise<BrowserMono> {
  const d = await decodeInBrowser(input, { fallbackRate: targetRate, ...opts });
  const mono = mixToMono(d.audio.channels);
  const samples = d.audio.sampleRate === targetRate ? mono : resample(mono, d.audio.sampleRate, targetRate, quality);
  return {
    samples,
    sampleRate: targetRate,
    sourceRate: d.audio.sampleRate,
    sourceChannels: d.audio.channels.length,
    decoder: d.decoder,
    ...(d.fallbackReason !== undefined ? { fallbackReason: d.fallbackReason } : {}),
  };
}
