/**
 * Discrete Fourier transforms in float64 for any length, planned once and reused without allocation.
 *
 * Forward transform: X[k] = Σ_j x[j]·e^{−2πi·jk/n} (numpy.fft / torch.fft sign, no scaling); the inverse
 * scales by 1/n. Complex lengths whose factors are all 2, 3 and 5 use a self-sorting (Stockham)
 * mixed-radix algorithm with radix-8/4/2/5/3 passes (fft-kernels.ts, fft-radix8.ts), output in natural
 * order; any other length uses Bluestein's chirp-z algorithm on a power-of-two transform of length
 * ≥ 2n−1. A real transform of even length n is one complex transform of length n/2 on
 * z[m] = x[2m] + i·x[2m+1] followed by the split step X[k] = E_k + e^{−2πik/n}·O_k with
 * E_k = (Z_k + conj Z_{n/2−k})/2, O_k = (Z_k − conj Z_{n/2−k})/(2i); odd n uses a complex transform of
 * length n. Factor order: radix 8 first (the twiddle-free first pass), then 4, 2, 5, 3.
 */
import { requireInt } from './frontend-errors.ts';
import { pass2, pass3, pass4, pass4First, pass5, type Pass } from './fft-kernels.ts';
import { pass8, pass8First } from './fft-radix8.ts';

type Radix = Pass['p'];

function factorRadices(n: number): Radix[] | null {
  const out: Radix[] = [];
  let r = n;
  while (r % 8 === 0) {
    out.push(8);
    r /= 8;
  }
  while (r % 4 === 0) {
    out.push(4);
    r /= 4;
  }
  if (r % 2 === 0) {
    out.push(2);
    r /= 2;
  }
  while (r % 5 === 0) {
    out.push(5);
    r /= 5;
  }
  while (r % 3 === 0) {
    out.push(3);
    r /= 3;
  }
  return r === 1 ? out : null;
}

/** The Stockham passes of a complex DFT of length n, or null when n has a prime factor above 5. */
export function stockhamPasses(n: number): Pass[] | null {
  const radices = factorRadices(n);
  return radices ? planPasses(n, radices) : null;
}

function planPasses(n: number, radices: readonly Radix[]): Pass[] {
  const passes: Pass[] = [];
  let l = 1;
  for (const p of radices) {
    const lp = l * p;
    const m = n / lp;
    const twRe = new Float64Array(l * (p - 1));
    const twIm = new Float64Array(l * (p - 1));
    for (let k = 0; k < l; k++) {
      for (let s = 1; s < p; s++) {
        const a = (-2 * Math.PI * ((k * s) % lp)) / lp;
        twRe[k * (p - 1) + s - 1] = Math.cos(a);
        twIm[k * (p - 1) + s - 1] = Math.sin(a);
      }
    }
    passes.push({ p, l, m, twRe, twIm });
    l = lp;
  }
  return passes;
}

/** Bluestein's algorithm: X[k] = w_k·Σ_j (x_j·w_j)·conj(w_{k−j}), w_k = e^{−πi·k²/n}, as a circular convolution. */
class Bluestein {
  private readonly n: number;
  private readonly inner: ComplexFft;
  private readonly chirpRe: Float64Array;
  private readonly chirpIm: Float64Array;
  private readonly kernRe: Float64Array;
  private readonly kernIm: Float64Array;
  private readonly aRe: Float64Array;
  private readonly aIm: Float64Array;

  constructor(n: number) {
    this.n = n;
    let size = 1;
    while (size < 2 * n - 1) size *= 2;
    this.inner = new ComplexFft(size);
    this.chirpRe = new Float64Array(n);
    this.chirpIm = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      // k² mod 2n keeps the angle argument small, so the chirp stays accurate for large n
      const a = (-Math.PI * Number((BigInt(k) * BigInt(k)) % BigInt(2 * n))) / n;
      this.chirpRe[k] = Math.cos(a);
      this.chirpIm[k] = Math.sin(a);
    }
    this.kernRe = new Float64Array(size);
    this.kernIm = new Float64Array(size);
    for (let k = 0; k < n; k++) {
      const cr = this.chirpRe[k] as number;
      const ci = -(this.chirpIm[k] as number);
      this.kernRe[k] = cr;
      this.kernIm[k] = ci;
      if (k > 0) {
        this.kernRe[size - k] = cr;
        this.kernIm[size - k] = ci;
      }
    }
    this.inner.forward(this.kernRe, this.kernIm);
    this.aRe = new Float64Array(size);
    this.aIm = new Float64Array(size);
  }

  forward(re: Float64Array, im: Float64Array): void {
    const { n, aRe, aIm, chirpRe, chirpIm, kernRe, kernIm } = this;
    aRe.fill(0);
    aIm.fill(0);
    for (let k = 0; k < n; k++) {
      const xr = re[k] as number;
      const xi = im[k] as number;
      const cr = chirpRe[k] as number;
      const ci = chirpIm[k] as number;
      aRe[k] = xr * cr - xi * ci;
      aIm[k] = xr * ci + xi * cr;
    }
    this.inner.forward(aRe, aIm);
    for (let k = 0; k < aRe.length; k++) {
      const xr = aRe[k] as number;
      const xi = aIm[k] as number;
      const kr = kernRe[k] as number;
      const ki = kernIm[k] as number;
      aRe[k] = xr * kr - xi * ki;
      aIm[k] = xr * ki + xi * kr;
    }
    this.inner.inverse(aRe, aIm);
    for (let k = 0; k < n; k++) {
      const xr = aRe[k] as number;
      const xi = aIm[k] as number;
      const cr = chirpRe[k] as number;
      const ci = chirpIm[k] as number;
      re[k] = xr * cr - xi * ci;
      im[k] = xr * ci + xi * cr;
    }
  }
}

/** A planned complex DFT of length n (any n ≥ 1); transforms run in place on split real/imaginary arrays. */
export class ComplexFft {
  readonly n: number;
  private readonly passes: Pass[];
  private readonly bluestein: Bluestein | null;
  /** Scratch buffers of the Stockham passes (see forwardAnywhere). */
  readonly scratchRe: Float64Array;
  readonly scratchIm: Float64Array;

  constructor(n: number) {
    requireInt('ComplexFft', 'n', n, 1);
    this.n = n;
    const passes = stockhamPasses(n);
    this.passes = passes ?? [];
    this.bluestein = passes ? null : new Bluestein(n);
    this.scratchRe = new Float64Array(passes ? n : 0);
    this.scratchIm = new Float64Array(passes ? n : 0);
  }

  /** In place: (re, im) ← DFT(re, im). Both arrays must hold at least n values; only the first n are used. */
  forward(re: Float64Array, im: Float64Array): void {
    if (this.forwardAnywhere(re, im)) {
      re.set(this.scratchRe.subarray(0, this.n));
      im.set(this.scratchIm.subarray(0, this.n));
    }
  }

  /**
   * DFT of (re, im) without the final copy. Returns false when the result is in (re, im) and true when it
   * is in (scratchRe, scratchIm) (valid until the next call); (re, im) may be overwritten either way.
   */
  forwardAnywhere(re: Float64Array, im: Float64Array): boolean {
    if (this.bluestein) {
      this.bluestein.forward(re, im);
      return false;
    }
    let xr = re;
    let xi = im;
    let yr = this.scratchRe;
    let yi = this.scratchIm;
    for (const ps of this.passes) {
      switch (ps.p) {
        case 8: (ps.l === 1 ? pass8First : pass8)(xr, xi, yr, yi, ps); break;
        case 4: (ps.l === 1 ? pass4First : pass4)(xr, xi, yr, yi, ps); break;
        case 2: pass2(xr, xi, yr, yi, ps); break;
        case 5: pass5(xr, xi, yr, yi, ps); break;
        case 3: pass3(xr, xi, yr, yi, ps); break;
      }
      const sr = xr;
      const si = xi;
      xr = yr;
      xi = yi;
      yr = sr;
      yi = si;
    }
    return xr !== re;
  }

  /** In place: (re, im) ← inverse DFT with the 1/n scaling, so inverse(forward(x)) = x. */
  inverse(re: Float64Array, im: Float64Array): void {
    const n = this.n;
    for (let k = 0; k < n; k++) im[k] = -(im[k] as number);
    this.forward(re, im);
    const s = 1 / n;
    for (let k = 0; k < n; k++) {
      re[k] = (re[k] as number) * s;
      im[k] = -(im[k] as number) * s;
    }
  }
}

/** A planned real DFT of length n: n/2+1 (floor) non-negative-frequency bins, like numpy.fft.rfft. */
export class RealFft {
  readonly n: number;
  /** Number of output bins, floor(n/2) + 1. */
  readonly nBins: number;
  private readonly half: number;
  private readonly cfft: ComplexFft;
  private readonly zRe: Float64Array;
  private readonly zIm: Float64Array;
  private readonly cosT: Float64Array;
  private readonly sinT: Float64Array;

  constructor(n: number) {
    requireInt('RealFft', 'n', n, 1);
    this.n = n;
    this.nBins = Math.floor(n / 2) + 1;
    const even = n % 2 === 0 && n >= 2;
    this.half = even ? n / 2 : 0;
    this.cfft = new ComplexFft(even ? n / 2 : n);
    this.zRe = new Float64Array(even ? n / 2 : n);
    this.zIm = new Float64Array(even ? n / 2 : n);
    this.cosT = new Float64Array(this.half);
    this.sinT = new Float64Array(this.half);
    for (let k = 0; k < this.half; k++) {
      const a = (2 * Math.PI * k) / n;
      this.cosT[k] = Math.cos(a);
      this.sinT[k] = Math.sin(a);
    }
  }

  /** Spectrum of x[0..n): writes nBins values into outRe/outIm. */
  forward(x: ArrayLike<number>, outRe: Float64Array, outIm: Float64Array): void {
    this.transform(x);
    const h = this.half;
    const { zRe, zIm } = this;
    if (h === 0) {
      for (let k = 0; k < this.nBins; k++) {
        outRe[k] = zRe[k] as number;
        outIm[k] = zIm[k] as number;
      }
      return;
    }
    const z0r = zRe[0] as number;
    const z0i = zIm[0] as number;
    outRe[0] = z0r + z0i;
    outIm[0] = 0;
    outRe[h] = z0r - z0i;
    outIm[h] = 0;
    const { cosT, sinT } = this;
    for (let k = 1; k < h; k++) {
      const ar = zRe[k] as number;
      const ai = zIm[k] as number;
      const br = zRe[h - k] as number;
      const bi = zIm[h - k] as number;
      // E = (Z_k + conj Z_{h−k})/2, O = (Z_k − conj Z_{h−k})/(2i), X_k = E + e^{−2πik/n}·O
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai - bi);
      const or = 0.5 * (ai + bi);
      const oi = -0.5 * (ar - br);
      const c = cosT[k] as number;
      const s = sinT[k] as number;
      outRe[k] = er + c * or + s * oi;
      outIm[k] = ei + c * oi - s * or;
    }
  }

  /** Power spectrum |X[k]|² of x[0..n) into out[0..nBins). */
  power(x: ArrayLike<number>, out: Float64Array): void {
    this.transform(x);
    this.splitPower(out, this.zRe, this.zIm);
  }

  /**
   * Power spectrum of the windowed frame f[q] = x[start + q]·window[q] for w0 ≤ q < w1 and f[q] = 0
   * elsewhere (q < n); reads only x[start + w0 .. start + w1). Fuses framing, windowing and packing.
   */
  powerWindowed(x: ArrayLike<number>, start: number, window: Float64Array, w0: number, w1: number, out: Float64Array): void {
    const h = this.half;
    const { zRe, zIm } = this;
    if (h === 0) {
      zRe.fill(0);
      zIm.fill(0);
      for (let q = w0; q < w1; q++) zRe[q] = (x[start + q] as number) * (window[q] as number);
      this.cfft.forward(zRe, zIm);
      this.splitPower(out, zRe, zIm);
      return;
    }
    const m0 = w0 >> 1;
    const m1 = (w1 + 1) >> 1;
    zRe.fill(0, 0, m0);
    zIm.fill(0, 0, m0);
    zRe.fill(0, m1, h);
    zIm.fill(0, m1, h);
    let q = w0;
    if (q & 1 && q < w1) {
      zRe[q >> 1] = 0;
      zIm[q >> 1] = (x[start + q] as number) * (window[q] as number);
      q++;
    }
    for (; q + 1 < w1; q += 2) {
      const m = q >> 1;
      zRe[m] = (x[start + q] as number) * (window[q] as number);
      zIm[m] = (x[start + q + 1] as number) * (window[q + 1] as number);
    }
    if (q < w1) {
      zRe[q >> 1] = (x[start + q] as number) * (window[q] as number);
      zIm[q >> 1] = 0;
    }
    const c = this.cfft;
    if (c.forwardAnywhere(zRe, zIm)) this.splitPower(out, c.scratchRe, c.scratchIm);
    else this.splitPower(out, zRe, zIm);
  }

  /**
   * |X[k]|² from the packed transform Z held in (zRe, zIm). Bins k and n/2 − k share their work: with
   * P = e^{−2πik/n}·O_k, X_k = E_k + P and X_{n/2−k} = conj(E_k − P).
   */
  private splitPower(out: Float64Array, zRe: Float64Array, zIm: Float64Array): void {
    const h = this.half;
    if (h === 0) {
      for (let k = 0; k < this.nBins; k++) {
        const r = zRe[k] as number;
        const i = zIm[k] as number;
        out[k] = r * r + i * i;
      }
      return;
    }
    const z0r = zRe[0] as number;
    const z0i = zIm[0] as number;
    out[0] = (z0r + z0i) * (z0r + z0i);
    out[h] = (z0r - z0i) * (z0r - z0i);
    const { cosT, sinT } = this;
    for (let k = 1; 2 * k <= h; k++) {
      const ar = zRe[k] as number;
      const ai = zIm[k] as number;
      const br = zRe[h - k] as number;
      const bi = zIm[h - k] as number;
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai - bi);
      const or = 0.5 * (ai + bi);
      const oi = -0.5 * (ar - br);
      const c = cosT[k] as number;
      const s = sinT[k] as number;
      const pr = c * or + s * oi;
      const pi = c * oi - s * or;
      const xr = er + pr;
      const xi = ei + pi;
      out[k] = xr * xr + xi * xi;
      const yr = er - pr;
      const yi = ei - pi;
      out[h - k] = yr * yr + yi * yi;
    }
  }

  private transform(x: ArrayLike<number>): void {
    const h = this.half;
    const { zRe, zIm } = this;
    if (h === 0) {
      for (let j = 0; j < this.n; j++) {
        zRe[j] = x[j] as number;
        zIm[j] = 0;
      }
    } else {
      for (let j = 0; j < h; j++) {
        zRe[j] = x[2 * j] as number;
        zIm[j] = x[2 * j + 1] as number;
      }
    }
    this.cfft.forward(zRe, zIm);
  }
}
