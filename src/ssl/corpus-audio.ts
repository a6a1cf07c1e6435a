/**
 * From a mono recording at the front end's rate to the corpus store's spectrograms, the same for real and
 * generated audio:
 *   1. trim (when the source rule asks): librosa `effects.trim` with OPERA's parameters, top_db 60 and
 *      frame/hop 100/50 ms (1600/800 samples at OPERA's 16 kHz; scaled with the rate for other front ends);
 *   2. segments: the whole (trimmed) recording, one spectrogram (OPERA's path (a) with pad=False, EfficientAT);
 *      or, for HeAR's 2-s clip front end, 2-s windows every 2 s with the last window snapped to the end (a
 *      recording shorter than 2 s is one zero-padded window);
 *   3. the front end on each segment, converted to time-major [T, F].
 */
import { type FrontEndConfig, createFrontEnd } from '../audio/frontend.ts';
import { OPERA_TRIM, type TrimParams, trimRange } from '../audio/trim.ts';
import { windowSegments } from '../audio/segment.ts';
import type { HostTensor } from '../tensor/index.ts';
import { toTimeMajor } from './encoder-input.ts';

export type CorpusSegmentation =
  | { readonly kind: 'whole' }
  | { readonly kind: 'windows'; readonly seconds: number; readonly hopSeconds: number };

/** How the corpus cuts recordings for a front end (see the header). */
export function segmentationFor(fe: FrontEndConfig): CorpusSegmentation {
  return fe.kind === 'hear' ? { kind: 'windows', seconds: 2, hopSeconds: 2 } : { kind: 'whole' };
}

/** OPERA's trim at another sample rate: 100-ms frames, 50-ms hop. */
export function trimParamsAt(sampleRate: number): TrimParams {
  return { ...OPERA_TRIM, frameLength: Math.round(sampleRate / 10), hopLength: Math.round(sampleRate / 20) };
}

export interface CorpusSpectrograms {
  /** Duration after trimming, seconds. */
  readonly seconds: number;
  /** Time-major [T, F] spectrogram of each segment. */
  readonly segments: readonly HostTensor<'float32'>[];
}

/** Steps 1–3 for one recording `x` at `fe.sampleRate`. */
export function corpusSpectrograms(fe: FrontEndConfig, segmentation: CorpusSegmentation, x: Float32Array, trim: boolean): CorpusSpectrograms {
  const sr = fe.sampleRate;
  let y = x;
  if (trim) {
    const r = trimRange(x, trimParamsAt(sr));
    y = x.subarray(r.start, r.end);
  }
  const pieces = segmentation.kind === 'whole'
    ? [y]
    : windowSegments(y, { length: Math.round(segmentation.seconds * sr), hop: Math.round(segmentation.hopSeconds * sr), tail: 'snap-to-end' });
  const frontEnd = createFrontEnd(fe);
  return { seconds: y.length / sr, segments: pieces.map((p) => toTimeMajor(fe.kind, frontEnd.compute(p, sr))) };
}
