/**
 * The handcrafted baseline's parameters and feature list. Frame-level low-level descriptors (LLDs), in
 * the spirit of openSMILE's functionals sets (OPERA's openSMILE baseline is `emobase`, 988 features):
 *
 *   mfcc0 … mfcc12     librosa 0.10.1 `feature.mfcc(y, sr=16000, n_mfcc=13, n_fft=512, win_length=400,
 *                      hop_length=160, window='hann', center=True, pad_mode='constant', n_mels=40, fmin=0,
 *                      fmax=8000, htk=False, norm='slaney')`: power mel spectrogram → power_to_db(ref=1,
 *                      amin=1e-10, top_db=80) over the whole recording → orthonormal DCT-II, first 13
 *   dmfcc0 … dmfcc12   HTK regression deltas of the MFCCs, N = 2, end frames replicated
 *   centroid, bandwidth, rolloff, flatness, flux    per STFT frame (magnitude spectrum |X|, see lld.ts)
 *   zcr, rms           per frame of 400 raw samples centred on the STFT frame
 *
 * 33 LLDs × 13 functionals (mean, std, min, max, range, p10, p25, p50, p75, p90, skewness, kurtosis,
 * slope; functionals.ts) = 429 features.
 */
import type { MelScale } from '../../audio/mel.ts';
import type { WindowKind } from '../../audio/window.ts';

export interface HandcraftedConfig {
  readonly sampleRate: number;
  /** Analysis window length in samples (centred inside nFft, librosa `win_length`). */
  readonly winLength: number;
  readonly hop: number;
  readonly nFft: number;
  readonly window: WindowKind;
  readonly nMels: number;
  readonly fmin: number;
  readonly fmax: number;
  readonly melScale: MelScale;
  readonly melNorm: 'slaney' | 'none';
  /** power_to_db floor and dynamic range (dB below the recording's peak; null: no clipping); ref is 1. */
  readonly dbAmin: number;
  readonly dbTopDb: number | null;
  readonly nMfcc: number;
  /** HTK delta window half-width N. */
  readonly deltaN: number;
  /** Roll-off fraction of the magnitude sum. */
  readonly rolloff: number;
  /** Floor of the power spectrum in the flatness ratio (librosa spectral_flatness amin). */
  readonly flatnessAmin: number;
  /** Percentile functionals, as fractions (numpy linear interpolation). */
  readonly percentiles: readonly number[];
}

export const HANDCRAFTED_CONFIG: HandcraftedConfig = {
  sampleRate: 16000,
  winLength: 400,
  hop: 160,
  nFft: 512,
  window: 'hann-periodic',
  nMels: 40,
  fmin: 0,
  fmax: 8000,
  melScale: 'slaney',
  melNorm: 'slaney',
  dbAmin: 1e-10,
  dbTopDb: 80,
  nMfcc: 13,
  deltaN: 2,
  rolloff: 0.85,
  flatnessAmin: 1e-10,
  percentiles: [0.1, 0.25, 0.5, 0.75, 0.9],
};

export const SPECTRAL_LLDS = ['centroid', 'bandwidth', 'rolloff', 'flatness', 'flux', 'zcr', 'rms'] as const;

/** LLD names in the column order of `frameDescriptors`. */
export function lldNames(cfg: HandcraftedConfig): string[] {
  const mfcc = Array.from({ length: cfg.nMfcc }, (_, k) => `mfcc${k}`);
  return [...mfcc, ...mfcc.map((m) => `d${m}`), ...SPECTRAL_LLDS];
}

/** Functional names in output order. */
export function functionalNames(cfg: HandcraftedConfig): string[] {
  const pct = cfg.percentiles.map((q) => `p${Math.round(q * 1000) / 10}`);
  return ['mean', 'std', 'min', 'max', 'range', ...pct, 'skewness', 'kurtosis', 'slope'];
}

/** Feature names `<lld>_<functional>`, LLD-major: every functional of mfcc0, then of mfcc1, … */
export function handcraftedFeatureNames(cfg: HandcraftedConfig): string[] {
  const f = functionalNames(cfg);
  return lldNames(cfg).flatMap((l) => f.map((n) => `${l}_${n}`));
}
