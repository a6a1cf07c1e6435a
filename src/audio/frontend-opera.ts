/**
 * OPERA's log-mel front end (evelyn0414/OPERA @ 3622310, `src/util.py::pre_process_audio_mel_t` with
 * f_max=8000, librosa 0.10.1):
 *   S = melspectrogram(y, sr, n_fft, hop, n_mels, fmin, fmax)   centre + constant padding, periodic Hann, |X|²,
 *                                                              Slaney mel scale + Slaney norm
 *   S = power_to_db(S, ref=max, amin, top_db)
 *   S = (S − min S)/(max S − min S)   over the whole spectrogram; left as is when max = min
 * output float32 [T, nMels] (rows = frames), T = 1 + floor(N/hop). Silence trimming, padding and
 * splitting are separate steps (src/audio/trim.ts, segment.ts).
 */
import { librosaMelStft } from './mel-stft.ts';
import type { KernelChoice } from './kernel-choice.ts';
import type { MelScale } from './mel.ts';
import { powerToDbInPlace } from './db.ts';
import type { WindowKind } from './window.ts';
import { tensor, type HostTensor } from '../tensor/index.ts';

export interface OperaFrontEnd {
  readonly kind: 'opera';
  readonly sampleRate: number;
  readonly nFft: number;
  readonly hop: number;
  readonly window: WindowKind;
  readonly padding: 'center-constant' | 'center-reflect';
  readonly mel: { readonly nMels: number; readonly fmin: number; readonly fmax: number; readonly scale: MelScale; readonly norm: 'slaney' | 'none' };
  readonly db: { readonly ref: 'max'; readonly amin: number; readonly topDb: number };
  readonly normalise: 'min-max';
}

export const OPERA_FRONTEND: OperaFrontEnd = {
  kind: 'opera',
  sampleRate: 16000,
  nFft: 1024,
  hop: 512,
  window: 'hann-periodic',
  padding: 'center-constant',
  mel: { nMels: 64, fmin: 50, fmax: 8000, scale: 'slaney', norm: 'slaney' },
  db: { ref: 'max', amin: 1e-10, topDb: 80 },
  normalise: 'min-max',
};

export function buildOpera(cfg: OperaFrontEnd, kernels: KernelChoice = 'auto'): (x: Float32Array) => HostTensor<'float32'> {
  const melStft = librosaMelStft(cfg, kernels);
  const M = melStft.nMels;
  return (x) => {
    const T = melStft.numFrames(x.length);
    const s = new Float64Array(T * M);
    melStft.run(x, (t0, rows, count) => s.set(rows.subarray(0, count * M), t0 * M));
    powerToDbInPlace(s, { ref: { kind: 'max' }, amin: cfg.db.amin, topDb: cfg.db.topDb });
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < s.length; i++) {
      const v = s[i] as number;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const out = new Float32Array(s.length);
    if (hi > lo) {
      const range = hi - lo;
      for (let i = 0; i < s.length; i++) out[i] = ((s[i] as number) - lo) / range;
    } else {
      out.set(s);
    }
    return tensor('float32', [T, M], out);
  };
}
