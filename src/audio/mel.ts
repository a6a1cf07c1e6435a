/**
 * Mel filterbanks, each built exactly the way its reference builds it, stored as float32
 * [nMels, nBins] (rows = mel bands low → high, columns = rfft bins 0…n_fft/2), and a sparse applier.
 *
 * - `librosaMelBank`: librosa 0.10.1 `filters.mel` (float64 arithmetic, stored float32, Slaney norm
 *   applied to the float32 weights). nnAudio 0.3.3's `MelSpectrogram` uses the same matrix.
 * - `tfMelBank`: `tf.signal.linear_to_mel_weight_matrix` semantics as ported to torch by HeAR's
 *   `audio_utils._linear_to_mel_weight_matrix` (float32 arithmetic, HTK mel 2595·log10(1+f/700),
 *   DC bin zeroed, no area normalisation). Returned transposed to [nMels, nBins].
 * - `kaldiMelBank`: torchaudio 0.13.1 `compliance.kaldi.get_mel_banks` without VTLN warping (float32
 *   arithmetic, mel 1127·ln(1+f/700), bins k·sr/n_fft for k < n_fft/2) plus the zero Nyquist column that
 *   `fbank` and EfficientAT append.
 */
import { FrontEndError, requireFinite, requireInt } from './frontend-errors.ts';

const f32 = Math.fround;

/** A mel filterbank as float32 weights [nMels, nBins], row-major. */
export interface MelBank {
  readonly nMels: number;
  readonly nBins: number;
  readonly weights: Float32Array;
}

export type MelScale = 'slaney' | 'htk';

// librosa 0.10.1 hz_to_mel / mel_to_hz. Slaney: linear below 1 kHz (f/(200/3)), logarithmic above
// with step ln(6.4)/27 per mel. HTK: 2595·log10(1 + f/700).
const F_SP = 200.0 / 3;
const MIN_LOG_HZ = 1000.0;
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
const LOGSTEP = Math.log(6.4) / 27.0;

export function hzToMel(f: number, scale: MelScale): number {
  if (scale === 'htk') return 2595.0 * Math.log10(1.0 + f / 700.0);
  return f >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(f / MIN_LOG_HZ) / LOGSTEP : f / F_SP;
}

export function melToHz(m: number, scale: MelScale): number {
  if (scale === 'htk') return 700.0 * (Math.pow(10.0, m / 2595.0) - 1.0);
  return m >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOGSTEP * (m - MIN_LOG_MEL)) : F_SP * m;
}

/** numpy.linspace(start, stop, num) (endpoint=True): start + i·step, last element exactly stop. */
export function numpyLinspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  const div = num - 1;
  const step = div > 0 ? (stop - start) / div : 0;
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  if (num > 1) out[num - 1] = stop;
  return out;
}

export interface LibrosaMelParams {
  readonly sampleRate: number;
  readonly nFft: number;
  readonly nMels: number;
  readonly fmin: number;
  readonly fmax: number;
  readonly scale: MelScale;
  /** 'slaney': each triangle divided by its width in Hz over 2 (constant energy per band); 'none': peak 1. */
  readonly norm: 'slaney' | 'none';
}

function checkRange(where: string, sampleRate: number, fmin: number, fmax: number): void {
  requireFinite(where, 'sampleRate', sampleRate, true);
  requireFinite(where, 'fmin', fmin, false);
  requireFinite(where, 'fmax', fmax, true);
  if (fmin < 0 || fmin >= fmax) throw new FrontEndError(where, `need 0 <= fmin < fmax, got fmin ${fmin}, fmax ${fmax}`);
  if (fmax > sampleRate / 2) throw new FrontEndError(where, `fmax ${fmax} is above the Nyquist frequency ${sampleRate / 2}`);
}

/** librosa 0.10.1 `filters.mel(sr, n_fft, n_mels, fmin, fmax, htk, norm)` with dtype float32. */
export function librosaMelBank(p: LibrosaMelParams): MelBank {
  const where = 'librosaMelBank';
  requireInt(where, 'nFft', p.nFft, 2);
  requireInt(where, 'nMels', p.nMels, 1);
  checkRange(where, p.sampleRate, p.fmin, p.fmax);
  const nBins = Math.floor(p.nFft / 2) + 1;
  // fft_frequencies = np.fft.rfftfreq(n_fft, 1/sr) = k · (1/(n_fft·(1/sr)))
  const val = 1.0 / (p.nFft * (1.0 / p.sampleRate));
  const fftFreqs = new Float64Array(nBins);
  for (let k = 0; k < nBins; k++) fftFreqs[k] = k * val;
  const mels = numpyLinspace(hzToMel(p.fmin, p.scale), hzToMel(p.fmax, p.scale), p.nMels + 2);
  const melF = mels.map((m) => melToHz(m, p.scale));
  const w = new Float32Array(p.nMels * nBins);
  for (let i = 0; i < p.nMels; i++) {
    const fl = melF[i] as number;
    const fc = melF[i + 1] as number;
    const fu = melF[i + 2] as number;
    const d0 = fc - fl;
    const d1 = fu - fc;
    const enorm = p.norm === 'slaney' ? 2.0 / (fu - fl) : 1;
    for (let k = 0; k < nBins; k++) {
      const f = fftFreqs[k] as number;
      const lower = -(fl - f) / d0;
      const upper = (fu - f) / d1;
      const v = f32(Math.max(0, Math.min(lower, upper)));
      w[i * nBins + k] = p.norm === 'slaney' ? v * enorm : v;
    }
  }
  return { nMels: p.nMels, nBins, weights: w };
}

/** f32(a·b + c) with one rounding, as a compiler-contracted float32 multiply-add. */
function fmaF32(a: number, b: number, c: number): number {
  return f32(a * b + c);
}

/**
 * torch 1.13 CPU `linspace` for float32, AVX2 kernel: 8-lane chunks whose base is
 * start + step·i (first half) or end − step·(steps−1−i) (second half), fused, then base + f32(k·step);
 * a tail shorter than 8 goes through the scalar formula.
 */
export function torchLinspaceF32(start: number, end: number, steps: number): Float32Array {
  const s = f32(start);
  const e = f32(end);
  const step = steps > 1 ? f32(f32(e - s) / (steps - 1)) : 0;
  const half = Math.floor(steps / 2);
  const at = (i: number): number => (i < half ? fmaF32(step, i, s) : fmaF32(-step, steps - i - 1, e));
  const out = new Float32Array(steps);
  let i = 0;
  for (; i + 8 <= steps; i += 8) {
    const base = at(i);
    for (let k = 0; k < 8; k++) out[i + k] = f32(base + f32(k * step));
  }
  for (; i < steps; i++) out[i] = at(i);
  return out;
}

export interface TfMelParams {
  readonly sampleRate: number;
  /** num_spectrogram_bins = n_fft/2 + 1. */
  readonly nBins: number;
  readonly nMels: number;
  readonly fmin: number;
  readonly fmax: number;
}

/** HeAR's torch port of `tf.signal.linear_to_mel_weight_matrix`, float32, as [nMels, nBins]. */
export function tfMelBank(p: TfMelParams): MelBank {
  const where = 'tfMelBank';
  requireInt(where, 'nBins', p.nBins, 2);
  requireInt(where, 'nMels', p.nMels, 1);
  checkRange(where, p.sampleRate, p.fmin, p.fmax);
  const hzToMelF32 = (f: number): number => f32(2595.0 * f32(Math.log10(f32(1.0 + f32(f / 700.0)))));
  const nyquist = f32(f32(p.sampleRate) / 2.0);
  const lin = torchLinspaceF32(0, nyquist, p.nBins);
  const edges = torchLinspaceF32(hzToMelF32(f32(p.fmin)), hzToMelF32(f32(p.fmax)), p.nMels + 2);
  const w = new Float32Array(p.nMels * p.nBins);
  for (let k = 1; k < p.nBins; k++) {
    const m = hzToMelF32(lin[k] as number);
    for (let j = 0; j < p.nMels; j++) {
      const lo = edges[j] as number;
      const c = edges[j + 1] as number;
      const hi = edges[j + 2] as number;
      const up = f32(f32(m - lo) / f32(c - lo));
      const down = f32(f32(hi - m) / f32(hi - c));
      w[j * p.nBins + k] = Math.max(0, Math.min(up, down));
    }
  }
  return { nMels: p.nMels, nBins: p.nBins, weights: w };
}

export interface KaldiMelParams {
  readonly sampleRate: number;
  /** Padded window length (the FFT length); bins k·sampleRate/nFft for k < nFft/2. */
  readonly nFft: number;
  readonly nMels: number;
  readonly lowFreq: number;
  /** Upper edge in Hz (resolved: Kaldi's "≤ 0 means Nyquist + value" is not accepted here). */
  readonly highFreq: number;
}

/** torchaudio 0.13.1 `kaldi.get_mel_banks(nMels, nFft, sr, low, high, vtln_warp_factor=1)` + zero Nyquist column. */
export function kaldiMelBank(p: KaldiMelParams): MelBank {
  const where = 'kaldiMelBank';
  requireInt(where, 'nFft', p.nFft, 2);
  if (p.nFft % 2 !== 0) throw new FrontEndError(where, `nFft must be even, got ${p.nFft}`);
  requireInt(where, 'nMels', p.nMels, 4);
  checkRange(where, p.sampleRate, p.lowFreq, p.highFreq);
  const half = p.nFft / 2;
  const nBins = half + 1;
  const binWidth = p.sampleRate / p.nFft;
  // scalars in float64 (Python math), tensors in float32
  const melLow = 1127.0 * Math.log(1.0 + p.lowFreq / 700.0);
  const melHigh = 1127.0 * Math.log(1.0 + p.highFreq / 700.0);
  const delta = f32((melHigh - melLow) / (p.nMels + 1));
  const low = f32(melLow);
  const melOfBin = new Float32Array(half);
  for (let k = 0; k < half; k++) {
    const f = f32(f32(binWidth) * k);
    melOfBin[k] = f32(1127.0 * f32(Math.log(f32(1.0 + f32(f / 700.0)))));
  }
  const w = new Float32Array(p.nMels * nBins);
  for (let b = 0; b < p.nMels; b++) {
    const left = f32(low + f32(b * delta));
    const center = f32(low + f32((b + 1) * delta));
    const right = f32(low + f32((b + 2) * delta));
    for (let k = 0; k < half; k++) {
      const m = melOfBin[k] as number;
      const up = f32(f32(m - left) / f32(center - left));
      const down = f32(f32(right - m) / f32(right - center));
      w[b * nBins + k] = Math.max(0, Math.min(up, down));
    }
  }
  return { nMels: p.nMels, nBins, weights: w };
}

/**
 * A filterbank stored as one contiguous run of non-zero weights per band (float64 copies of the float32
 * weights), so applying it costs the number of non-zeros, not nMels·nBins.
 */
export class SparseMel {
  readonly nMels: number;
  readonly nBins: number;
  /** Band m's non-zero weights cover bins [start[m], end[m]) and sit at w[offset[m] …] (read-only). */
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly offset: Int32Array;
  readonly w: Float64Array;

  constructor(bank: MelBank) {
    const { nMels, nBins, weights } = bank;
    if (weights.length !== nMels * nBins) {
      throw new FrontEndError('SparseMel', `weights hold ${weights.length} values, expected ${nMels}·${nBins}`);
    }
    this.nMels = nMels;
    this.nBins = nBins;
    this.start = new Int32Array(nMels);
    this.end = new Int32Array(nMels);
    this.offset = new Int32Array(nMels);
    let total = 0;
    for (let m = 0; m < nMels; m++) {
      let s = 0;
      while (s < nBins && weights[m * nBins + s] === 0) s++;
      let e = nBins;
      while (e > s && weights[m * nBins + e - 1] === 0) e--;
      this.start[m] = s;
      this.end[m] = e;
      this.offset[m] = total;
      total += e - s;
    }
    this.w = new Float64Array(total);
    for (let m = 0; m < nMels; m++) {
      const s = this.start[m] as number;
      const e = this.end[m] as number;
      const o = this.offset[m] as number;
      for (let k = s; k < e; k++) this.w[o + k - s] = weights[m * nBins + k] as number;
    }
  }

  /** out[at + m] = Σ_k W[m,k]·power[k] for m < nMels. */
  apply(power: Float64Array, out: Float64Array, at: number): void {
    const { start, end, offset, w } = this;
    for (let m = 0; m < this.nMels; m++) {
      const s = start[m] as number;
      const e = end[m] as number;
      const o = (offset[m] as number) - s;
      let acc = 0;
      for (let k = s; k < e; k++) acc += (w[o + k] as number) * (power[k] as number);
      out[at + m] = acc;
    }
  }
}
