/**
 * Leading/trailing silence detection with librosa 0.10.1 `effects.trim` semantics:
 *
 *   RMS per frame, centred: frame t covers x[t·hop − ⌊F/2⌋, t·hop − ⌊F/2⌋ + F) with zeros outside the
 *   signal (`feature.rms(center=True, pad_mode='constant')`), T = 1 + ⌊(N + 2⌊F/2⌋ − F)/hop⌋ frames,
 *   ms_t = mean(x²) over the F samples of the frame;
 *   db_t = 10·log10(max(1e-10, ms_t)) − 10·log10(max(1e-10, ref²))  (`amplitude_to_db`, amin 1e-5),
 *   ref = max_t rms_t for ref 'max' (librosa's default `np.max`) or a given amplitude;
 *   non-silent ⇔ db_t > −topDb;
 *   start = first non-silent frame · hop; end = min(N, (last non-silent frame + 1) · hop);
 *   no non-silent frame → [0, 0).
 *
 * Consequences: an all-zero signal is not trimmed with ref 'max' (every frame is 0 dB), and `end` can run
 * up to one hop past the last loud sample. OPERA uses topDb 60, frame 1600, hop 800, ref 'max' at 16 kHz
 * (`OPERA_TRIM`). Frame energies are summed in float64 directly (no running sums).
 */
import { AudioParamError } from './errors.ts';

export interface TrimParams {
  /** Threshold below the reference, in dB (librosa `top_db`). */
  topDb: number;
  frameLength: number;
  hopLength: number;
  /** 'max': the loudest frame's RMS (librosa `ref=np.max`); a number: a fixed RMS amplitude. */
  ref: 'max' | number;
}

/** OPERA's call: `librosa.effects.trim(y, frame_length=1600, hop_length=800)` (top_db 60, ref np.max). */
export const OPERA_TRIM: Readonly<TrimParams> = { topDb: 60, frameLength: 1600, hopLength: 800, ref: 'max' };

export interface SampleRange {
  start: number;
  end: number;
}

/** Mean square of each centred, zero-padded frame. */
export function frameMeanSquare(x: Float32Array, frameLength: number, hopLength: number): Float64Array {
  const pad = Math.floor(frameLength / 2);
  const nFrames = 1 + Math.floor((x.length + 2 * pad - frameLength) / hopLength);
  const ms = new Float64Array(nFrames);
  for (let t = 0; t < nFrames; t++) {
    const a = Math.max(0, t * hopLength - pad);
    const b = Math.min(x.length, t * hopLength - pad + frameLength);
    let s = 0;
    for (let i = a; i < b; i++) s += (x[i] as number) * (x[i] as number);
    ms[t] = s / frameLength;
  }
  return ms;
}

/** The [start, end) sample range that `librosa.effects.trim` keeps. */
export function trimRange(x: Float32Array, p: TrimParams): SampleRange {
  const op = 'trimRange';
  if (x.length === 0) throw new AudioParamError(op, 'empty signal');
  if (!Number.isInteger(p.frameLength) || p.frameLength <= 0) throw new AudioParamError(op, `frameLength must be a positive integer, got ${p.frameLength}`);
  if (!Number.isInteger(p.hopLength) || p.hopLength <= 0) throw new AudioParamError(op, `hopLength must be a positive integer, got ${p.hopLength}`);
  if (!Number.isFinite(p.topDb)) throw new AudioParamError(op, `topDb must be finite, got ${p.topDb}`);
  if (p.ref !== 'max' && !(p.ref >= 0)) throw new AudioParamError(op, `ref must be 'max' or a non-negative amplitude, got ${p.ref}`);
  if (x.length + 2 * Math.floor(p.frameLength / 2) < p.frameLength) {
    throw new AudioParamError(op, `signal of ${x.length} samples is shorter than one frame (${p.frameLength})`);
  }
  const ms = frameMeanSquare(x, p.frameLength, p.hopLength);
  let refMs: number;
  if (p.ref === 'max') {
    refMs = 0;
    for (const v of ms) if (v > refMs) refMs = v;
  } else {
    refMs = p.ref * p.ref;
  }
  const refDb = 10 * Math.log10(Math.max(1e-10, refMs));
  let first = -1;
  let last = -1;
  for (let t = 0; t < ms.length; t++) {
    if (10 * Math.log10(Math.max(1e-10, ms[t] as number)) - refDb > -p.topDb) {
      if (first < 0) first = t;
      last = t;
    }
  }
  if (first < 0) return { start: 0, end: 0 };
  return { start: first * p.hopLength, end: Math.min(x.length, (last + 1) * p.hopLength) };
}

/** `x` with leading and trailing silence removed (a copy). */
export function trimSilence(x: Float32Array, p: TrimParams): Float32Array {
  const r = trimRange(x, p);
  return x.slice(r.start, r.end);
}
