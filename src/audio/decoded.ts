/**
 * Decoded PCM: the common result of every decoder, and the block type of every streaming decoder.
 * Samples are float32, nominally in [-1, 1], one array per channel, all of equal length.
 */
import { AudioError } from './errors.ts';

export interface DecodedAudio {
  sampleRate: number;
  channels: Float32Array[];
}

/** Number of frames (samples per channel). */
export function frameCount(audio: DecodedAudio): number {
  return audio.channels[0]?.length ?? 0;
}

/**
 * Rejects NaN/±Infinity samples ('non-finite'), naming channel and absolute frame index.
 * `frameOffset` is the index of the block's first frame in the whole stream.
 */
export function assertFinite(audio: DecodedAudio, file: string, frameOffset: number): void {
  for (let c = 0; c < audio.channels.length; c++) {
    const ch = audio.channels[c] as Float32Array;
    for (let i = 0; i < ch.length; i++) {
      const v = ch[i] as number;
      if (v - v !== 0) {
        throw new AudioError('non-finite', file, `sample ${String(v)} at channel ${c}, frame ${frameOffset + i}`);
      }
    }
  }
}

/** Checks the invariants of a decoded block: positive integer rate, at least one channel, equal lengths. */
export function assertWellFormed(audio: DecodedAudio, file: string): void {
  if (!Number.isInteger(audio.sampleRate) || audio.sampleRate <= 0) {
    throw new AudioError('corrupt', file, `invalid sample rate ${audio.sampleRate}`);
  }
  if (audio.channels.length === 0) throw new AudioError('no-samples', file, 'decoded audio has no channels');
  const n = frameCount(audio);
  for (let c = 1; c < audio.channels.length; c++) {
    if ((audio.channels[c] as Float32Array).length !== n) {
      throw new AudioError('corrupt', file, `channel ${c} has ${(audio.channels[c] as Float32Array).length} frames, channel 0 has ${n}`);
    }
  }
}

/**
 * Policy check, separate from decoding: throws 'silent' when every sample of every channel is exactly 0.
 * Digital silence decodes without error; pipelines that cannot use it call this explicitly.
 */
export function assertNotSilent(audio: DecodedAudio, file: string): void {
  for (const ch of audio.channels) {
    for (let i = 0; i < ch.length; i++) if (ch[i] !== 0) return;
  }
  throw new AudioError('silent', file, `all ${frameCount(audio)} frames of ${audio.channels.length} channel(s) are exactly zero`);
}

/** Concatenates blocks of one stream (same rate and channel count) into one allocation per channel. */
export function concatBlocks(blocks: readonly DecodedAudio[], file: string): DecodedAudio {
  const first = blocks[0];
  if (first === undefined) throw new AudioError('no-samples', file, 'no audio was decoded');
  let total = 0;
  for (const b of blocks) {
    if (b.sampleRate !== first.sampleRate) {
      throw new AudioError('unsupported', file, `sample rate changes mid-stream (${first.sampleRate} → ${b.sampleRate} Hz)`);
    }
    if (b.channels.length !== first.channels.length) {
      throw new AudioError('unsupported', file, `channel count changes mid-stream (${first.channels.length} → ${b.channels.length})`);
    }
    total += frameCount(b);
  }
  if (blocks.length === 1) return first;
  const channels = first.channels.map(() => new Float32Array(total));
  let off = 0;
  for (const b of blocks) {
    for (let c = 0; c < channels.length; c++) (channels[c] as Float32Array).set(b.channels[c] as Float32Array, off);
    off += frameCount(b);
  }
  return { sampleRate: first.sampleRate, channels };
}
