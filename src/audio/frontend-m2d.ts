/**
 * M2D's log-mel front end (nttcslab/m2d @ f0c4128, `runtime_audio.py`; nnAudio 0.3.3
 * `features.MelSpectrogram(sr=16000, n_fft=400, win_length=400, hop_length=160, n_mels=80, fmin=50,
 * fmax=8000, center=True, power=2)` with its defaults window 'hann', pad_mode 'reflect', htk False, norm 1):
 *   power STFT (centre, reflect padding of n_fft/2, periodic Hann), Slaney mel + Slaney norm (librosa's
 *   matrix), then log(S + logOffset) (added, not clamped; logOffset = float32 machine epsilon).
 * Output float32 [nMels, T] (rows = mel bands low → high), T = 1 + floor(N/hop), before M2D's
 * checkpoint-specific (x − mean)/std.
 */
import { librosaMelStft } from './mel-stft.ts';
import type { KernelChoice } from './kernel-choice.ts';
import type { WindowKind } from './window.ts';
import { tensor, type HostTensor } from '../tensor/index.ts';
import { transposeBlock } from './frontend-layout.ts';

export interface M2dFrontEnd {
  readonly kind: 'm2d';
  readonly sampleRate: number;
  readonly nFft: number;
  readonly hop: number;
  readonly window: WindowKind;
  readonly padding: 'center-reflect' | 'center-constant';
  readonly mel: { readonly nMels: number; readonly fmin: number; readonly fmax: number; readonly scale: 'slaney' | 'htk'; readonly norm: 'slaney' | 'none' };
  readonly logOffset: number;
}

export const M2D_FRONTEND: M2dFrontEnd = {
  kind: 'm2d',
  sampleRate: 16000,
  nFft: 400,
  hop: 160,
  window: 'hann-periodic',
  padding: 'center-reflect',
  mel: { nMels: 80, fmin: 50, fmax: 8000, scale: 'slaney', norm: 'slaney' },
  logOffset: 1.1920928955078125e-7,
};

export function buildM2d(cfg: M2dFrontEnd, kernels: KernelChoice = 'auto'): (x: Float32Array) => HostTensor<'float32'> {
  const melStft = librosaMelStft(cfg, kernels);
  const M = melStft.nMels;
  const off = cfg.logOffset;
  return (x) => {
    const T = melStft.numFrames(x.length);
    const out = new Float32Array(T * M);
    melStft.run(x, (t0, rows, count) => {
      for (let i = 0; i < count * M; i++) rows[i] = Math.log((rows[i] as number) + off);
      transposeBlock(rows, count, M, out, t0, T);
    });
    return tensor('float32', [M, T], out);
  };
}
