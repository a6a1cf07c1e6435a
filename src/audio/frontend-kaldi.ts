/**
 * Kaldi filterbank as AudioMAE calls it (facebookresearch/AudioMAE @ bd60e29, `dataset.py::_wav2fbank`;
 * OPERA's AudioMAE baseline makes the same call), torchaudio 0.13.1 `compliance.kaldi.fbank` with
 * htk_compat=True, use_energy=False, window_type='hanning', num_mel_bins=128, dither=0, frame_shift=10,
 * frame_length=25, snip_edges=True, on a waveform in [−1, 1] (no ×32768):
 *   1. w ← w − mean(w) over the whole clip (float32, like the reference);
 *   2. frames of 400 samples every 160 (no edge padding: T = 1 + floor((N − 400)/160));
 *   3. per frame: remove the DC offset, pre-emphasis 0.97 (first sample its own predecessor), symmetric
 *      Hann ('hanning'), zero-pad 400 → 512, |rfft|²;
 *   4. Kaldi mel banks (1127·ln(1+f/700), 20 Hz – Nyquist, 128 triangles, float32-built, zero Nyquist column);
 *   5. log(max(E, logFloor)) with logFloor = float32 machine epsilon.
 * Output float32 [T, 128] (rows = frames). htk_compat only reorders the energy column, which is absent
 * without use_energy. AudioMAE's pad/cut to target_length and its dataset normalisation are not applied.
 */
import { MelStft } from './mel-stft.ts';
import type { KernelChoice } from './kernel-choice.ts';
import { kaldiMelBank } from './mel.ts';
import { makeWindow, type WindowKind } from './window.ts';
import { FrontEndError } from './frontend-errors.ts';
import { tensor, type HostTensor } from '../tensor/index.ts';

export interface KaldiFrontEnd {
  readonly kind: 'kaldi';
  readonly sampleRate: number;
  /** Subtract the whole-clip mean first (AudioMAE's `w − w.mean()`). */
  readonly removeClipMean: boolean;
  readonly frameLength: number;
  readonly hop: number;
  /** Padded window length = FFT length (Kaldi round_to_power_of_two). */
  readonly nFft: number;
  readonly window: WindowKind;
  readonly padding: 'none';
  readonly removeDcPerFrame: boolean;
  readonly preemphasis: number;
  readonly dither: 0;
  readonly useEnergy: false;
  readonly mel: { readonly nMels: number; readonly lowFreq: number; readonly highFreq: number };
  readonly logFloor: number;
}

export const KALDI_FRONTEND: KaldiFrontEnd = {
  kind: 'kaldi',
  sampleRate: 16000,
  removeClipMean: true,
  frameLength: 400,
  hop: 160,
  nFft: 512,
  window: 'hann-symmetric',
  padding: 'none',
  removeDcPerFrame: true,
  preemphasis: 0.97,
  dither: 0,
  useEnergy: false,
  mel: { nMels: 128, lowFreq: 20, highFreq: 8000 },
  logFloor: 1.1920928955078125e-7,
};

export function buildKaldi(cfg: KaldiFrontEnd, kernels: KernelChoice = 'auto'): (x: Float32Array) => HostTensor<'float32'> {
  const where = 'frontend kaldi';
  if (cfg.dither !== 0 || cfg.useEnergy !== false) throw new FrontEndError(where, 'dither and use_energy are not supported');
  if (!(cfg.logFloor > 0)) throw new FrontEndError(where, `logFloor must be > 0, got ${cfg.logFloor}`);
  const melStft = new MelStft(
    {
      window: makeWindow(cfg.window, cfg.frameLength),
      hop: cfg.hop,
      nFft: cfg.nFft,
      padding: cfg.padding,
      signal: cfg.removeClipMean ? { kind: 'subtract-f32', value: 0 } : { kind: 'none' },
      removeDc: cfg.removeDcPerFrame,
      framePreemphasis: cfg.preemphasis,
    },
    kaldiMelBank({ sampleRate: cfg.sampleRate, nFft: cfg.nFft, ...cfg.mel }),
    kernels,
  );
  const M = melStft.nMels;
  const floor = cfg.logFloor;
  return (x) => {
    let mean = 0;
    if (cfg.removeClipMean) {
      let sum = 0;
      for (let i = 0; i < x.length; i++) sum += x[i] as number;
      mean = x.length > 0 ? sum / x.length : 0;
    }
    const T = melStft.numFrames(x.length);
    const out = new Float32Array(T * M);
    const sink = (t0: number, rows: Float64Array, count: number): void => {
      const o = t0 * M;
      for (let i = 0; i < count * M; i++) out[o + i] = Math.log(Math.max(rows[i] as number, floor));
    };
    melStft.run(x, sink, cfg.removeClipMean ? { kind: 'subtract-f32', value: mean } : { kind: 'none' });
    return tensor('float32', [T, M], out);
  };
}
