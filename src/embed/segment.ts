/**
 * An encoder's `InputPolicy` applied to one mono recording at the front end's rate: the audio segments
 * that each get a spectrogram. Lengths in samples follow the reference code:
 *
 *   opera-entire  (OPERA `get_entire_signal_librosa`, opera.md §1.4a): trim (librosa `effects.trim`, if
 *                 `trim`); L = int(minSeconds·sr) (Python `int`, i.e. truncation); if the trimmed length
 *                 n < L, pad to exactly L samples with OPERA's 'repeat' or 'zero' rule, else keep the whole
 *                 trimmed recording. One segment.
 *   opera-split   (OPERA `get_split_signal_librosa`, §1.4b): trim, then L = int(chunkSeconds·sr)-sample
 *                 chunks with 50 % overlap plus the repeat-padded tail chunk (`operaSplit`).
 *   windows       L = round(seconds·sr)-sample windows every round(hopSeconds·sr) samples, the samples after
 *                 the last full window handled by `tail` (`windowPlacements`). A recording shorter than one
 *                 window always gives one window, zero-padded at its end, whatever the tail policy: HeAR's
 *                 `preprocess_audio` zero-pads any clip shorter than 2 s, and Google's classifier notebook
 *                 keeps at least one clip per file (hear.md §7.1).
 *   whole-or-windows  the recording itself when it has at most L = round(maxSeconds·sr) samples, else
 *                 L-sample windows every round(hopSeconds·sr) samples placed as 'windows' does (`tail`).
 *   whole         the recording itself.
 */
import { operaRepeatPad, operaSplit, operaZeroPad, windowPlacements, type TailPolicy, type WindowPlacement } from '../audio/segment.ts';
import { trimRange, type SampleRange, type TrimParams } from '../audio/trim.ts';
import type { InputPolicy } from '../encoders/types.ts';
import { unreachable } from '../util/index.ts';
import { EmbedInputError, TooShortError } from './errors.ts';

export interface SegmentedRecording {
  /** Number of segments. */
  readonly count: number;
  /** The sample range of the recording that the segments come from ([0, n) unless trimmed). */
  readonly kept: SampleRange;
  /**
   * Segment k (0 ≤ k < count), made when asked for, so that a long recording is never held twice: a view of
   * the input where no padding is needed, a new array otherwise. Callers must not write to it.
   */
  segment(k: number): Float32Array;
}

/** Every segment, in order. */
export function allSegments(s: SegmentedRecording): Float32Array[] {
  return Array.from({ length: s.count }, (_, k) => s.segment(k));
}

function segmented(count: number, kept: SampleRange, at: (k: number) => Float32Array): SegmentedRecording {
  return {
    count,
    kept,
    segment(k) {
      if (!Number.isInteger(k) || k < 0 || k >= count) throw new RangeError(`segment ${k} of ${count}`);
      return at(k);
    },
  };
}

const positive = (v: number): boolean => typeof v === 'number' && Number.isFinite(v) && v > 0;

/** Throws an `EmbedInputError` naming the field unless the policy's numbers make sense at `sampleRate`. */
export function checkInputPolicy(policy: InputPolicy, sampleRate: number, encoder: string): void {
  const bad = (msg: string): never => {
    throw new EmbedInputError(encoder, `input policy ${JSON.stringify(policy)}: ${msg}`);
  };
  if (!positive(sampleRate) || !Number.isInteger(sampleRate)) bad(`sample rate must be a positive integer, got ${sampleRate}`);
  switch (policy.kind) {
    case 'opera-entire':
      if (!positive(policy.minSeconds)) bad('minSeconds must be a positive number');
      if (policy.pad !== 'repeat' && policy.pad !== 'zero') bad("pad must be 'repeat' or 'zero'");
      if (Math.trunc(policy.minSeconds * sampleRate) < 1) bad('minSeconds is shorter than one sample');
      return;
    case 'opera-split':
      if (!positive(policy.chunkSeconds)) bad('chunkSeconds must be a positive number');
      if (Math.trunc(policy.chunkSeconds * sampleRate) < 2) bad('chunkSeconds must span at least two samples (the hop is half a chunk)');
      return;
    case 'windows':
      if (!positive(policy.seconds) || !positive(policy.hopSeconds)) bad('seconds and hopSeconds must be positive numbers');
      if (Math.round(policy.seconds * sampleRate) < 1 || Math.round(policy.hopSeconds * sampleRate) < 1) bad('a window and its hop must span at least one sample');
      if (policy.tail !== 'drop' && policy.tail !== 'pad-zero' && policy.tail !== 'snap-to-end') bad("tail must be 'drop', 'pad-zero' or 'snap-to-end'");
      return;
    case 'whole-or-windows':
      if (!positive(policy.maxSeconds) || !positive(policy.hopSeconds)) bad('maxSeconds and hopSeconds must be positive numbers');
      if (Math.round(policy.maxSeconds * sampleRate) < 1 || Math.round(policy.hopSeconds * sampleRate) < 1) bad('a window and its hop must span at least one sample');
      if (policy.tail !== 'drop' && policy.tail !== 'pad-zero' && policy.tail !== 'snap-to-end') bad("tail must be 'drop', 'pad-zero' or 'snap-to-end'");
      return;
    case 'whole':
      return;
    default:
      return unreachable(policy, 'input policy');
  }
}

function trimmed(x: Float32Array, trim: TrimParams | null, encoder: string): { y: Float32Array; kept: SampleRange } {
  if (trim === null) return { y: x, kept: { start: 0, end: x.length } };
  const kept = trimRange(x, trim);
  if (kept.end <= kept.start) throw new TooShortError(encoder, `nothing is within ${trim.topDb} dB of the reference level after silence trimming`);
  return { y: x.subarray(kept.start, kept.end), kept };
}

/** `length`-sample windows of `x` every `hop` samples; one zero-padded window when `x` is shorter. */
function windows(x: Float32Array, length: number, hop: number, tail: TailPolicy): SegmentedRecording {
  const places = x.length < length ? [{ start: 0, valid: x.length }] : windowPlacements(x.length, { length, hop, tail });
  return segmented(places.length, { start: 0, end: x.length }, (k) => {
    const w = places[k] as WindowPlacement;
    if (w.valid === length) return x.subarray(w.start, w.start + length);
    const out = new Float32Array(length);
    out.set(x.subarray(w.start, w.start + w.valid));
    return out;
  });
}

/** The segments `policy` makes of `x` (mono, `sampleRate` Hz). */
export function applyInputPolicy(policy: InputPolicy, x: Float32Array, sampleRate: number, encoder: string): SegmentedRecording {
  checkInputPolicy(policy, sampleRate, encoder);
  if (x.length === 0) throw new TooShortError(encoder, 'the recording has no samples');
  switch (policy.kind) {
    case 'opera-entire': {
      const { y, kept } = trimmed(x, policy.trim, encoder);
      const L = Math.trunc(policy.minSeconds * sampleRate);
      const pad = policy.pad;
      return segmented(1, kept, () => (y.length >= L ? y : pad === 'repeat' ? operaRepeatPad(y, L) : operaZeroPad(y, L)));
    }
    case 'opera-split': {
      const { y, kept } = trimmed(x, policy.trim, encoder);
      const L = Math.trunc(policy.chunkSeconds * sampleRate);
      const n = y.length;
      if (n <= L) return segmented(1, kept, () => operaSplit(y, L)[0] as Float32Array);
      // as operaSplit: views y[i·h, i·h + L) for i < 1 + ⌊(n − L)/h⌋, then rest = y[nf·h:] preceded by y's last L − |rest| samples
      const hop = Math.floor(L / 2);
      const nf = 1 + Math.floor((n - L) / hop);
      return segmented(nf + 1, kept, (k) => {
        if (k < nf) return y.subarray(k * hop, k * hop + L);
        const rest = y.subarray(nf * hop);
        const out = new Float32Array(L);
        out.set(y.subarray(n - (L - rest.length)), 0);
        out.set(rest, L - rest.length);
        return out;
      });
    }
    case 'windows':
      return windows(x, Math.round(policy.seconds * sampleRate), Math.round(policy.hopSeconds * sampleRate), policy.tail);
    case 'whole-or-windows': {
      const length = Math.round(policy.maxSeconds * sampleRate);
      if (x.length <= length) return segmented(1, { start: 0, end: x.length }, () => x);
      return windows(x, length, Math.round(policy.hopSeconds * sampleRate), policy.tail);
    }
    case 'whole':
      return segmented(1, { start: 0, end: x.length }, () => x);
    default:
      return unreachable(policy, 'input policy');
  }
}
