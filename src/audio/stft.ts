/**
 * Power spectrogram |STFT|² in float64 with explicit framing, one frame at a time (no full-signal copy,
 * no per-frame allocation), so hours of audio stream through with O(n_fft) memory.
 *
 * Framing (N input samples, frame length F = window length, hop H):
 * - 'center-constant': librosa ≥ 0.10 `center=True` (zero padding of floor(F/2) each side);
 *   T = 1 + floor(N/H) for even F.
 * - 'center-reflect': torch.stft / nnAudio `center=True, pad_mode='reflect'` (mirror without repeating the
 *   edge sample, x[−i] = x[i], x[N−1+i] = x[N−1−i]); needs N > floor(F/2) like torch.
 * - 'pad-end': tf.signal.stft `pad_end=True`: T = ceil(N/H), zeros appended up to (T−1)·H + F.
 * - 'none': Kaldi `snip_edges=True` / no padding: T = 1 + floor((N − F)/H), needs N ≥ F.
 * Before framing, the signal may be transformed on the fly (no copy): `subtract-f32` gives
 * y[i] = f32(x[i] − value) (AudioMAE's float32 whole-clip mean removal `w − w.mean()`); `preemphasis` gives
 * y[i] = x[i+1] − c·x[i], N−1 samples (EfficientAT's conv1d with kernel [−c, 1], no padding).
 * Per frame, in order: optional DC removal (subtract the frame mean), optional Kaldi pre-emphasis
 * (y[j] = x[j] − c·x[max(0, j−1)]), multiplication by the window, zero padding at the end to n_fft
 * (Kaldi's padded window; torch-style centred windows are passed already centred inside F = n_fft),
 * then |rfft|² with n_fft/2+1 bins.
 */
import { RealFft } from './fft.ts';
import { FrontEndError, requireInt } from './frontend-errors.ts';
import { tensor, type HostTensor } from '../tensor/index.ts';

export type FramePadding = 'center-constant' | 'center-reflect' | 'pad-end' | 'none';

export type SignalTransform =
  | { readonly kind: 'none' }
  | { readonly kind: 'subtract-f32'; readonly value: number }
  | { readonly kind: 'preemphasis'; readonly coefficient: number };

export interface StftSpec {
  readonly signal: SignalTransform;
  /** Analysis window; its length is the frame length F. */
  readonly window: Float64Array;
  readonly hop: number;
  /** FFT length ≥ F; frames are zero-padded at the end to this length. */
  readonly nFft: number;
  readonly padding: FramePadding;
  /** Subtract each frame's mean before pre-emphasis and windowing (Kaldi remove_dc_offset). */
  readonly removeDc: boolean;
  /** Kaldi per-frame pre-emphasis coefficient; 0 disables it. */
  readonly framePreemphasis: number;
}

export class PowerStft {
  readonly spec: StftSpec;
  readonly frameLength: number;
  readonly nBins: number;
  private readonly fft: RealFft;
  /** Raw (pre-window) samples of a frame that needs padding or per-frame steps. */
  private readonly frame: Float64Array;
  private readonly power: Float64Array;
  /**
   * The frame samples [w0, w1) that are read: the window's non-zero support, or the whole frame when a
   * per-frame step (DC removal, pre-emphasis) needs every sample.
   */
  readonly w0: number;
  readonly w1: number;

  constructor(spec: StftSpec) {
    const F = spec.window.length;
    requireInt('stft', 'window length', F, 1);
    requireInt('stft', 'hop', spec.hop, 1);
    requireInt('stft', 'nFft', spec.nFft, F);
    if (!['center-constant', 'center-reflect', 'pad-end', 'none'].includes(spec.padding)) {
      throw new FrontEndError('stft', `unknown padding ${JSON.stringify(spec.padding)}`);
    }
    if (!Number.isFinite(spec.framePreemphasis)) {
      throw new FrontEndError('stft', `framePreemphasis must be finite, got ${spec.framePreemphasis}`);
    }
    this.spec = spec;
    this.checkSignal(spec.signal);
    this.frameLength = F;
    this.fft = new RealFft(spec.nFft);
    this.nBins = this.fft.nBins;
    this.frame = new Float64Array(F);
    this.power = new Float64Array(this.nBins);
    let w0 = 0;
    let w1 = F;
    if (!spec.removeDc && spec.framePreemphasis === 0) {
      while (w0 < F && spec.window[w0] === 0) w0++;
      while (w1 > w0 && spec.window[w1 - 1] === 0) w1--;
    }
    this.w0 = w0;
    this.w1 = w1;
  }

  /** Length of the transformed signal that is framed, for n input samples. */
  signalLength(n: number): number {
    return this.spec.signal.kind === 'preemphasis' ? Math.max(0, n - 1) : n;
  }

  /** Number of frames for an input of n samples; throws when the framing cannot handle it. */
  numFrames(nInput: number): number {
    const n = this.signalLength(nInput);
    const F = this.frameLength;
    const H = this.spec.hop;
    switch (this.spec.padding) {
      case 'center-constant':
        return 1 + Math.floor((n + 2 * (F >> 1) - F) / H);
      case 'center-reflect':
        if (n <= F >> 1) {
          throw new FrontEndError('stft', `reflect padding of ${F >> 1} needs more than ${F >> 1} samples, got ${n}`);
        }
        return 1 + Math.floor((n + 2 * (F >> 1) - F) / H);
      case 'pad-end':
        return n > 0 ? Math.ceil(n / H) : 0;
      case 'none':
        if (n < F) throw new FrontEndError('stft', `a frame needs ${F} samples without edge padding, got ${n}`);
        return 1 + Math.floor((n - F) / H);
    }
  }

  /**
   * Computes every frame's power spectrum and passes it to `fn(t, power)`; `power` is a reused buffer of
   * nBins values, valid only during the call. Returns the number of frames. `signal` replaces the spec's
   * signal transform for this call (same kind, e.g. another clip mean).
   */
  run(x: ArrayLike<number>, fn: (t: number, power: Float64Array) => void, signal: SignalTransform = this.spec.signal): number {
    const T = this.numFrames(x.length);
    const n = this.signalLength(x.length);
    const { frame, power, w0, w1, spec } = this;
    const F = this.frameLength;
    const H = spec.hop;
    const win = spec.window;
    const offset = spec.padding === 'center-constant' || spec.padding === 'center-reflect' ? F >> 1 : 0;
    const reflect = spec.padding === 'center-reflect';
    const sig = this.checkSignal(signal);
    const sub = sig.kind === 'subtract-f32' ? Math.fround(sig.value) : 0;
    const pre = sig.kind === 'preemphasis' ? sig.coefficient : 0;
    // interior frames of an untransformed signal without per-frame steps go straight into the FFT
    const direct = sig.kind === 'none' && !spec.removeDc && spec.framePreemphasis === 0;
    for (let t = 0; t < T; t++) {
      const s = t * H - offset;
      const interior = s + w0 >= 0 && s + w1 <= n;
      if (interior && direct) {
        this.fft.powerWindowed(x, s, win, w0, w1, power);
        fn(t, power);
        continue;
      }
      if (interior) {
        if (sig.kind === 'subtract-f32') for (let q = w0; q < w1; q++) frame[q] = Math.fround((x[s + q] as number) - sub);
        else if (sig.kind === 'preemphasis') for (let q = w0; q < w1; q++) frame[q] = (x[s + q + 1] as number) - pre * (x[s + q] as number);
        else for (let q = w0; q < w1; q++) frame[q] = x[s + q] as number;
      } else {
        for (let q = w0; q < w1; q++) {
          let i = s + q;
          if (reflect) {
            if (i < 0) i = -i;
            else if (i >= n) i = 2 * (n - 1) - i;
          }
          frame[q] = i >= 0 && i < n ? transformedSample(x, i, sig) : 0;
        }
      }
      if (spec.removeDc) {
        let sum = 0;
        for (let q = 0; q < F; q++) sum += frame[q] as number;
        const mean = sum / F;
        for (let q = 0; q < F; q++) frame[q] = (frame[q] as number) - mean;
      }
      const c = spec.framePreemphasis;
      if (c !== 0) {
        for (let q = F - 1; q > 0; q--) frame[q] = (frame[q] as number) - c * (frame[q - 1] as number);
        frame[0] = (frame[0] as number) - c * (frame[0] as number);
      }
      this.fft.powerWindowed(frame, 0, win, w0, w1, power);
      fn(t, power);
    }
    return T;
  }

  /** `signal` after checking that it is valid and of the spec's kind (which fixes the signal length). */
  checkSignal(signal: SignalTransform): SignalTransform {
    const bad = signal.kind === 'subtract-f32' ? !Number.isFinite(signal.value) : signal.kind === 'preemphasis' ? !Number.isFinite(signal.coefficient) : signal.kind !== 'none';
    if (bad || signal.kind !== this.spec.signal.kind) {
      throw new FrontEndError('stft', `bad signal transform ${JSON.stringify(signal)} for a spec with ${JSON.stringify(this.spec.signal)}`);
    }
    return signal;
  }
}

/** Sample i of the transformed signal. */
export function transformedSample(x: ArrayLike<number>, i: number, sig: SignalTransform): number {
  if (sig.kind === 'subtract-f32') return Math.fround((x[i] as number) - Math.fround(sig.value));
  if (sig.kind === 'preemphasis') return (x[i + 1] as number) - sig.coefficient * (x[i] as number);
  return x[i] as number;
}

/** Whole power spectrogram as float64 [T, n_fft/2+1] (rows are frames); for analysis and tests. */
export function powerSpectrogram(x: ArrayLike<number>, spec: StftSpec): HostTensor<'float64'> {
  const stft = new PowerStft(spec);
  const T = stft.numFrames(x.length);
  const out = new Float64Array(T * stft.nBins);
  stft.run(x, (t, p) => out.set(p, t * stft.nBins));
  return tensor('float64', [T, stft.nBins], out);
}
