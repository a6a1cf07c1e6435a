/**
 * EfficientAT's `AugmentMelSTFT` in eval mode (fschmid56/EfficientAT @ a425fdc, `models/preprocess.py`,
 * as built by `inference.py`: n_mels 128, sr 32000, win_length 800, hopsize 320, n_fft 1024):
 *   1. pre-emphasis y[n] = x[n+1] − 0.97·x[n] (conv1d, kernel [−0.97, 1], no padding: N−1 samples);
 *   2. power STFT: n_fft 1024, hop 320, symmetric Hann(800) centred in 1024, centre + reflect padding of 512;
 *   3. Kaldi mel banks (torchaudio `get_mel_banks(128, 1024, 32000, 0, 15000)`, float32-built, zero Nyquist column);
 *   4. (log(E + logOffset) + shift)/scale with logOffset 1e-5, shift 4.5, scale 5.
 * Output float32 [128, T] (rows = mel bands), T = 1 + floor((N − 1)/320). Training-time randomised
 * fmin/fmax and masking are not part of the eval front end.
 */
import { MelStft } from './mel-stft.ts';
import type { KernelChoice } from './kernel-choice.ts';
import { kaldiMelBank } from './mel.ts';
import { makeWindow, padWindowCenter, type WindowKind } from './window.ts';
import { tensor, type HostTensor } from '../tensor/index.ts';
import { transposeBlock } from './frontend-layout.ts';

export interface EfficientAtFrontEnd {
  readonly kind: 'efficientat';
  readonly sampleRate: number;
  readonly preemphasis: number;
  readonly nFft: number;
  readonly winLength: number;
  readonly hop: number;
  readonly window: WindowKind;
  readonly padding: 'center-reflect' | 'center-constant';
  readonly mel: { readonly nMels: number; readonly lowFreq: number; readonly highFreq: number };
  readonly logOffset: number;
  readonly shift: number;
  readonly scale: number;
}

export const EFFICIENTAT_FRONTEND: EfficientAtFrontEnd = {
  kind: 'efficientat',
  sampleRate: 32000,
  preemphasis: 0.97,
  nFft: 1024,
  winLength: 800,
  hop: 320,
  window: 'hann-symmetric',
  padding: 'center-reflect',
  mel: { nMels: 128, lowFreq: 0, highFreq: 15000 },
  logOffset: 1e-5,
  shift: 4.5,
  scale: 5,
};

export function buildEfficientAt(cfg: EfficientAtFrontEnd, kernels: KernelChoice = 'auto'): (x: Float32Array) => HostTensor<'float32'> {
  const melStft = new MelStft(
    {
      window: padWindowCenter(makeWindow(cfg.window, cfg.winLength), cfg.nFft),
      hop: cfg.hop,
      nFft: cfg.nFft,
      padding: cfg.padding,
      signal: { kind: 'preemphasis', coefficient: cfg.preemphasis },
      removeDc: false,
      framePreemphasis: 0,
    },
    kaldiMelBank({ sampleRate: cfg.sampleRate, nFft: cfg.nFft, ...cfg.mel }),
    kernels,
  );
  const M = melStft.nMels;
  const { logOffset, shift, scale } = cfg;
  return (x) => {
    const T = melStft.numFrames(x.length);
    const out = new Float32Array(T * M);
    melStft.run(x, (t0, rows, count) => {
      for (let i = 0; i < count * M; i++) rows[i] = (Math.log((rows[i] as number) + logOffset) + shift) / scale;
      transposeBlock(rows, count, M, out, t0, T);
    });
    return tensor('float32', [M, T], out);
  };
}
