/**
 * Frame-level low-level descriptors of the handcrafted baseline (names and order: handcrafted-config.ts).
 *
 * STFT: window `cfg.window` of `winLength` samples centred in `nFft` (librosa pad_center), hop `hop`,
 * librosa ≥ 0.10 `center=True` zero padding of nFft/2, so T = 1 + ⌊N/hop⌋ frames; P_k = |X_k|², S_k = |X_k|,
 * f_k = k·sr/nFft, k = 0 … nFft/2. Per frame (librosa 0.10.1 definitions where one exists):
 *   centroid  = Σ f_k S_k / Σ S_k                              (spectral_centroid; 0 for a silent frame)
 *   bandwidth = (Σ S_k (f_k − centroid)² / Σ S_k)^½            (spectral_bandwidth p=2; 0 for a silent frame)
 *   rolloff   = min{ f_k : Σ_{j≤k} S_j ≥ rolloff·Σ S }          (spectral_rolloff)
 *   flatness  = exp(mean ln max(amin, P)) / mean max(amin, P)   (spectral_flatness, power 2)
 *   flux      = (Σ_k (S_k(t) − S_k(t−1))²)^½, 0 at t = 0
 * Time-domain frames of `winLength` raw samples centred on t·hop (zero outside the signal):
 *   zcr = #{n ≥ 1 : signbit(x_n) ≠ signbit(x_{n−1})} / winLength   (zero counts as positive, as librosa)
 *   rms = (Σ x_n² / winLength)^½
 * MFCC: mel power (librosa filters.mel) → 10·log10(max(amin, ·)) with ref 1 and top_db clipping over the
 * whole recording → orthonormal DCT-II, first nMfcc. Deltas: HTK d_t = Σ_{θ=1}^{N} θ(c_{t+θ} − c_{t−θ}) /
 * (2 Σ θ²) with c clamped to the first/last frame.
 */
import { DctII } from '../../audio/dct.ts';
import { powerToDbInPlace } from '../../audio/db.ts';
import { librosaMelBank, SparseMel } from '../../audio/mel.ts';
import { PowerStft } from '../../audio/stft.ts';
import { makeWindow, padWindowCenter } from '../../audio/window.ts';
import { type HandcraftedConfig, SPECTRAL_LLDS } from './handcrafted-config.ts';

export interface FrameDescriptors {
  readonly frames: number;
  /** Number of descriptors per frame (2·nMfcc + 7). */
  readonly width: number;
  /** frames × width, row-major. */
  readonly values: Float64Array;
}

/** Every LLD of every frame of `x` (samples at cfg.sampleRate, at least one). */
export function frameDescriptors(x: ArrayLike<number>, cfg: HandcraftedConfig): FrameDescriptors {
  const win = padWindowCenter(makeWindow(cfg.window, cfg.winLength), cfg.nFft);
  const stft = new PowerStft({ signal: { kind: 'none' }, window: win, hop: cfg.hop, nFft: cfg.nFft, padding: 'center-constant', removeDc: false, framePreemphasis: 0 });
  const mel = new SparseMel(librosaMelBank({ sampleRate: cfg.sampleRate, nFft: cfg.nFft, nMels: cfg.nMels, fmin: cfg.fmin, fmax: cfg.fmax, scale: cfg.melScale, norm: cfg.melNorm }));
  const T = stft.numFrames(x.length);
  const nb = stft.nBins;
  const nm = cfg.nMfcc;
  const ns = SPECTRAL_LLDS.length;
  const width = 2 * nm + ns;
  const values = new Float64Array(T * width);
  const melPower = new Float64Array(T * cfg.nMels);
  const freq = Float64Array.from({ length: nb }, (_, k) => (k * cfg.sampleRate) / cfg.nFft);
  const mag = new Float64Array(nb);
  const prev = new Float64Array(nb);
  const spec = 2 * nm;
  stft.run(x, (t, p) => {
    mel.apply(p, melPower, t * cfg.nMels);
    let sum = 0;
    let weighted = 0;
    let logSum = 0;
    let linSum = 0;
    let flux = 0;
    for (let k = 0; k < nb; k++) {
      const pk = p[k] as number;
      const s = Math.sqrt(pk);
      mag[k] = s;
      sum += s;
      weighted += (freq[k] as number) * s;
      const floored = Math.max(cfg.flatnessAmin, pk);
      logSum += Math.log(floored);
      linSum += floored;
      if (t > 0) flux += (s - (prev[k] as number)) ** 2;
    }
    const centroid = sum > 0 ? weighted / sum : 0;
    let spread = 0;
    let rolloff = 0;
    if (sum > 0) {
      for (let k = 0; k < nb; k++) spread += (mag[k] as number) * ((freq[k] as number) - centroid) ** 2;
      const target = cfg.rolloff * sum;
      let acc = 0;
      for (let k = 0; k < nb; k++) {
        acc += mag[k] as number;
        if (acc >= target) {
          rolloff = freq[k] as number;
          break;
        }
      }
    }
    const o = t * width + spec;
    values[o] = centroid;
    values[o + 1] = sum > 0 ? Math.sqrt(spread / sum) : 0;
    values[o + 2] = rolloff;
    values[o + 3] = Math.exp(logSum / nb) / (linSum / nb);
    values[o + 4] = Math.sqrt(flux);
    prev.set(mag);
  });
  timeDomain(x, T, cfg, values, width, spec + 5);
  cepstra(melPower, T, cfg, values, width);
  return { frames: T, width, values };
}

function timeDomain(x: ArrayLike<number>, T: number, cfg: HandcraftedConfig, out: Float64Array, width: number, at: number): void {
  const F = cfg.winLength;
  const half = F >> 1;
  const n = x.length;
  for (let t = 0; t < T; t++) {
    const start = t * cfg.hop - half;
    let crossings = 0;
    let energy = 0;
    let prevNeg = false;
    for (let q = 0; q < F; q++) {
      const i = start + q;
      const v = i >= 0 && i < n ? (x[i] as number) : 0;
      energy += v * v;
      const neg = v < 0 || Object.is(v, -0);
      if (q > 0 && neg !== prevNeg) crossings++;
      prevNeg = neg;
    }
    out[t * width + at] = crossings / F;
    out[t * width + at + 1] = Math.sqrt(energy / F);
  }
}

function cepstra(melPower: Float64Array, T: number, cfg: HandcraftedConfig, out: Float64Array, width: number): void {
  powerToDbInPlace(melPower, { ref: { kind: 'value', value: 1 }, amin: cfg.dbAmin, topDb: cfg.dbTopDb });
  const dct = new DctII(cfg.nMels, cfg.nMfcc, 'ortho');
  const nm = cfg.nMfcc;
  for (let t = 0; t < T; t++) dct.apply(melPower, t * cfg.nMels, out, t * width);
  const N = cfg.deltaN;
  let denom = 0;
  for (let th = 1; th <= N; th++) denom += th * th;
  denom *= 2;
  for (let t = 0; t < T; t++) {
    for (let k = 0; k < nm; k++) {
      let acc = 0;
      for (let th = 1; th <= N; th++) {
        const a = Math.min(T - 1, t + th);
        const b = Math.max(0, t - th);
        acc += th * ((out[a * width + k] as number) - (out[b * width + k] as number));
      }
      out[t * width + nm + k] = acc / denom;
    }
  }
}
