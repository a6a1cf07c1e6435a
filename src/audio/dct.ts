/**
 * DCT-II of a real vector as a precomputed [nOut, n] matrix in float64 (the sizes used for cepstra are
 * small: n = mel bands, nOut = coefficients kept), scipy 1.10 `scipy.fft.dct(x, type=2, norm=...)`:
 *   y[k] = s_k · Σ_{i=0}^{n−1} x[i] · cos(π·k·(2i + 1) / (2n)),  k = 0 … nOut−1,
 * with s_k = 2 for norm 'none', and s_0 = √(1/n), s_k = √(2/n) (k > 0) for norm 'ortho' (the
 * orthonormal transform librosa 0.10.1 `feature.mfcc(dct_type=2, norm='ortho')` applies to log-mel frames).
 */
import { FrontEndError, requireInt } from './frontend-errors.ts';

export type DctNorm = 'ortho' | 'none';

export class DctII {
  readonly n: number;
  readonly nOut: number;
  readonly norm: DctNorm;
  /** Row k holds s_k·cos(π·k·(2i + 1)/(2n)) for i = 0 … n−1. */
  readonly matrix: Float64Array;

  constructor(n: number, nOut: number, norm: DctNorm) {
    requireInt('dct', 'n', n, 1);
    requireInt('dct', 'nOut', nOut, 1);
    if (nOut > n) throw new FrontEndError('dct', `nOut ${nOut} exceeds the input length ${n}`);
    if (norm !== 'ortho' && norm !== 'none') throw new FrontEndError('dct', `unknown norm ${JSON.stringify(norm)}`);
    this.n = n;
    this.nOut = nOut;
    this.norm = norm;
    this.matrix = new Float64Array(nOut * n);
    for (let k = 0; k < nOut; k++) {
      const s = norm === 'none' ? 2 : k === 0 ? Math.sqrt(1 / n) : Math.sqrt(2 / n);
      for (let i = 0; i < n; i++) this.matrix[k * n + i] = s * Math.cos((Math.PI * k * (2 * i + 1)) / (2 * n));
    }
  }

  /** out[outAt + k] = y[k] for the n values x[xAt … xAt+n−1]. */
  apply(x: ArrayLike<number>, xAt: number, out: Float64Array, outAt: number): void {
    const { n, nOut, matrix } = this;
    for (let k = 0; k < nOut; k++) {
      let acc = 0;
      const o = k * n;
      for (let i = 0; i < n; i++) acc += (matrix[o + i] as number) * (x[xAt + i] as number);
      out[outAt + k] = acc;
    }
  }
}
