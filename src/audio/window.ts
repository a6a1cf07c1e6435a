/**
 * Analysis windows in float64.
 *
 * periodic Hann (scipy `get_window('hann', n, fftbins=True)`, torch `hann_window(n)`):
 *   w[i] = 0.5 − 0.5·cos(2πi/n)
 * symmetric Hann (scipy `hann(n, sym=True)`, torch `hann_window(n, periodic=False)`, Kaldi 'hanning'):
 *   w[i] = 0.5 − 0.5·cos(2πi/(n−1))
 * Hamming (Kaldi 'hamming', torch `hamming_window`): 0.54 − 0.46·cos(2πi/N), N = n (periodic) or n−1 (symmetric).
 * Povey (Kaldi 'povey'): symmetric Hann raised to the power 0.85.
 * A symmetric window of length 1 is [1] (scipy and torch agree).
 */
import { FrontEndError, requireInt } from './frontend-errors.ts';

export type WindowKind = 'hann-periodic' | 'hann-symmetric' | 'hamming-periodic' | 'hamming-symmetric' | 'povey';

export const WINDOW_KINDS: readonly WindowKind[] = ['hann-periodic', 'hann-symmetric', 'hamming-periodic', 'hamming-symmetric', 'povey'];

export function makeWindow(kind: WindowKind, n: number): Float64Array {
  requireInt('window', 'length', n, 1);
  const w = new Float64Array(n);
  const periodic = kind === 'hann-periodic' || kind === 'hamming-periodic';
  const denom = periodic ? n : n - 1;
  if (denom === 0) {
    w[0] = 1;
    return w;
  }
  for (let i = 0; i < n; i++) {
    const c = Math.cos((2 * Math.PI * i) / denom);
    switch (kind) {
      case 'hann-periodic':
      case 'hann-symmetric':
        w[i] = 0.5 - 0.5 * c;
        break;
      case 'hamming-periodic':
      case 'hamming-symmetric':
        w[i] = 0.54 - 0.46 * c;
        break;
      case 'povey':
        w[i] = Math.pow(0.5 - 0.5 * c, 0.85);
        break;
      default:
        throw new FrontEndError('window', `unknown window kind ${JSON.stringify(kind)}`);
    }
  }
  return w;
}

/**
 * Centre a window of length `w.length` ≤ nFft inside nFft zeros (librosa `pad_center`, torch.stft with
 * win_length < n_fft): left padding floor((nFft − len)/2).
 */
export function padWindowCenter(w: Float64Array, nFft: number): Float64Array {
  requireInt('padWindowCenter', 'nFft', nFft, w.length);
  const out = new Float64Array(nFft);
  out.set(w, Math.floor((nFft - w.length) / 2));
  return out;
}
