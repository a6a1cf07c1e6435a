/**
 * Butterfly passes of the self-sorting (Stockham) mixed-radix FFT in fft.ts. A pass of radix p with
 * l = product of the radices already done and m = n/(l·p) maps x to y by, for k < l, j < m, u < p:
 *   y[(k + l·u)·m + j] = Σ_{s<p} (x[k·p·m + s·m + j]·w^{k·s})·e^{−2πi·u·s/p},   w = e^{−2πi/(l·p)},
 * with the twiddles w^{k·s} precomputed at tw[k·(p−1) + s − 1]. In a first pass (l = 1) all twiddles
 * are 1; radix 4 and 8 have `…First` variants that skip them. Radix 8 is in fft-radix8.ts.
 */

/** Radix, sub-transform count and twiddles of one pass. */
export interface Pass {
  readonly p: 2 | 3 | 4 | 5 | 8;
  readonly l: number;
  readonly m: number;
  readonly twRe: Float64Array;
  readonly twIm: Float64Array;
}

const SIN60 = Math.sqrt(3) / 2;
const C1_5 = Math.cos((2 * Math.PI) / 5);
const C2_5 = Math.cos((4 * Math.PI) / 5);
const S1_5 = Math.sin((2 * Math.PI) / 5);
const S2_5 = Math.sin((4 * Math.PI) / 5);

export function pass2(xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array, ps: Pass): void {
  const { l, m, twRe, twIm } = ps;
  const ys = l * m;
  for (let k = 0; k < l; k++) {
    const xo = 2 * k * m;
    const yo = k * m;
    const wr = twRe[k] as number;
    const wi = twIm[k] as number;
    for (let j = 0; j < m; j++) {
      const i0 = xo + j;
      const i1 = i0 + m;
      const x1r = xr[i1] as number;
      const x1i = xi[i1] as number;
      const b1r = x1r * wr - x1i * wi;
      const b1i = x1r * wi + x1i * wr;
      const ar = xr[i0] as number;
      const ai = xi[i0] as number;
      const o = yo + j;
      yr[o] = ar + b1r;
      yi[o] = ai + b1i;
      yr[o + ys] = ar - b1r;
      yi[o + ys] = ai - b1i;
    }
  }
}

export function pass4(xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array, ps: Pass): void {
  const { l, m, twRe, twIm } = ps;
  const ys = l * m;
  for (let k = 0; k < l; k++) {
    const xo = 4 * k * m;
    const yo = k * m;
    const w1r = twRe[3 * k] as number;
    const w1i = twIm[3 * k] as number;
    const w2r = twRe[3 * k + 1] as number;
    const w2i = twIm[3 * k + 1] as number;
    const w3r = twRe[3 * k + 2] as number;
    const w3i = twIm[3 * k + 2] as number;
    for (let j = 0; j < m; j++) {
      const i0 = xo + j;
      const i1 = i0 + m;
      const i2 = i1 + m;
      const i3 = i2 + m;
      const ar = xr[i0] as number;
      const ai = xi[i0] as number;
      let r = xr[i1] as number;
      let i = xi[i1] as number;
      const b1r = r * w1r - i * w1i;
      const b1i = r * w1i + i * w1r;
      r = xr[i2] as number;
      i = xi[i2] as number;
      const b2r = r * w2r - i * w2i;
      const b2i = r * w2i + i * w2r;
      r = xr[i3] as number;
      i = xi[i3] as number;
      const b3r = r * w3r - i * w3i;
      const b3i = r * w3i + i * w3r;
      const t0r = ar + b2r;
      const t0i = ai + b2i;
      const t1r = ar - b2r;
      const t1i = ai - b2i;
      const t2r = b1r + b3r;
      const t2i = b1i + b3i;
      const t3r = b1r - b3r;
      const t3i = b1i - b3i;
      const o0 = yo + j;
      const o1 = o0 + ys;
      const o2 = o1 + ys;
      const o3 = o2 + ys;
      yr[o0] = t0r + t2r;
      yi[o0] = t0i + t2i;
      yr[o1] = t1r + t3i;
      yi[o1] = t1i - t3r;
      yr[o2] = t0r - t2r;
      yi[o2] = t0i - t2i;
      yr[o3] = t1r - t3i;
      yi[o3] = t1i + t3r;
    }
  }
}

export function pass3(xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array, ps: Pass): void {
  const { l, m, twRe, twIm } = ps;
  const ys = l * m;
  for (let k = 0; k < l; k++) {
    const xo = 3 * k * m;
    const yo = k * m;
    const w1r = twRe[2 * k] as number;
    const w1i = twIm[2 * k] as number;
    const w2r = twRe[2 * k + 1] as number;
    const w2i = twIm[2 * k + 1] as number;
    for (let j = 0; j < m; j++) {
      const i0 = xo + j;
      const i1 = i0 + m;
      const i2 = i1 + m;
      const ar = xr[i0] as number;
      const ai = xi[i0] as number;
      let r = xr[i1] as number;
      let i = xi[i1] as number;
      const b1r = r * w1r - i * w1i;
      const b1i = r * w1i + i * w1r;
      r = xr[i2] as number;
      i = xi[i2] as number;
      const b2r = r * w2r - i * w2i;
      const b2i = r * w2i + i * w2r;
      const tr = b1r + b2r;
      const ti = b1i + b2i;
      const mr = ar - 0.5 * tr;
      const mi = ai - 0.5 * ti;
      const dr = SIN60 * (b1r - b2r);
      const di = SIN60 * (b1i - b2i);
      const o0 = yo + j;
      yr[o0] = ar + tr;
      yi[o0] = ai + ti;
      yr[o0 + ys] = mr + di;
      yi[o0 + ys] = mi - dr;
      yr[o0 + 2 * ys] = mr - di;
      yi[o0 + 2 * ys] = mi + dr;
    }
  }
}

export function pass5(xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array, ps: Pass): void {
  const { l, m, twRe, twIm } = ps;
  const ys = l * m;
  for (let k = 0; k < l; k++) {
    const xo = 5 * k * m;
    const yo = k * m;
    const tb = 4 * k;
    const w1r = twRe[tb] as number;
    const w1i = twIm[tb] as number;
    const w2r = twRe[tb + 1] as number;
    const w2i = twIm[tb + 1] as number;
    const w3r = twRe[tb + 2] as number;
    const w3i = twIm[tb + 2] as number;
    const w4r = twRe[tb + 3] as number;
    const w4i = twIm[tb + 3] as number;
    for (let j = 0; j < m; j++) {
      const i0 = xo + j;
      const ar = xr[i0] as number;
      const ai = xi[i0] as number;
      let r = xr[i0 + m] as number;
      let i = xi[i0 + m] as number;
      const b1r = r * w1r - i * w1i;
      const b1i = r * w1i + i * w1r;
      r = xr[i0 + 2 * m] as number;
      i = xi[i0 + 2 * m] as number;
      const b2r = r * w2r - i * w2i;
      const b2i = r * w2i + i * w2r;
      r = xr[i0 + 3 * m] as number;
      i = xi[i0 + 3 * m] as number;
      const b3r = r * w3r - i * w3i;
      const b3i = r * w3i + i * w3r;
      r = xr[i0 + 4 * m] as number;
      i = xi[i0 + 4 * m] as number;
      const b4r = r * w4r - i * w4i;
      const b4i = r * w4i + i * w4r;
      const t1r = b1r + b4r;
      const t1i = b1i + b4i;
      const t2r = b2r + b3r;
      const t2i = b2i + b3i;
      const t3r = b1r - b4r;
      const t3i = b1i - b4i;
      const t4r = b2r - b3r;
      const t4i = b2i - b3i;
      // c1,c4 = b0 + C1·t1 + C2·t2 ∓ i(S1·t3 + S2·t4); c2,c3 = b0 + C2·t1 + C1·t2 ∓ i(S2·t3 − S1·t4)
      const m1r = ar + C1_5 * t1r + C2_5 * t2r;
      const m1i = ai + C1_5 * t1i + C2_5 * t2i;
      const m2r = ar + C2_5 * t1r + C1_5 * t2r;
      const m2i = ai + C2_5 * t1i + C1_5 * t2i;
      const n1r = S1_5 * t3r + S2_5 * t4r;
      const n1i = S1_5 * t3i + S2_5 * t4i;
      const n2r = S2_5 * t3r - S1_5 * t4r;
      const n2i = S2_5 * t3i - S1_5 * t4i;
      const o0 = yo + j;
      yr[o0] = ar + t1r + t2r;
      yi[o0] = ai + t1i + t2i;
      yr[o0 + ys] = m1r + n1i;
      yi[o0 + ys] = m1i - n1r;
      yr[o0 + 2 * ys] = m2r + n2i;
      yi[o0 + 2 * ys] = m2i - n2r;
      yr[o0 + 3 * ys] = m2r - n2i;
      yi[o0 + 3 * ys] = m2i + n2r;
      yr[o0 + 4 * ys] = m1r - n1i;
      yi[o0 + 4 * ys] = m1i + n1r;
    }
  }
}


/** First radix-4 pass (l = 1): no twiddles. */
export function pass4First(xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array, ps: Pass): void {
  const m = ps.m;
  for (let j = 0; j < m; j++) {
    const ar = xr[j] as number;
    const ai = xi[j] as number;
    const b1r = xr[j + m] as number;
    const b1i = xi[j + m] as number;
    const b2r = xr[j + 2 * m] as number;
    const b2i = xi[j + 2 * m] as number;
    const b3r = xr[j + 3 * m] as number;
    const b3i = xi[j + 3 * m] as number;
    const t0r = ar + b2r;
    const t0i = ai + b2i;
    const t1r = ar - b2r;
    const t1i = ai - b2i;
    const t2r = b1r + b3r;
    const t2i = b1i + b3i;
    const t3r = b1r - b3r;
    const t3i = b1i - b3i;
    yr[j] = t0r + t2r;
    yi[j] = t0i + t2i;
    yr[j + m] = t1r + t3i;
    yi[j + m] = t1i - t3r;
    yr[j + 2 * m] = t0r - t2r;
    yi[j + 2 * m] = t0i - t2i;
    yr[j + 3 * m] = t1r - t3i;
    yi[j + 3 * m] = t1i + t3r;
  }
}
