/**
 * Radix-8 Stockham passes for fft.ts (see fft-kernels.ts for the pass definition): each butterfly is two
 * radix-4 DFTs on the even and odd inputs joined with e^{−iπu/4}. The butterfly is written out in both
 * passes rather than called, because V8 does not inline a function of this size and the call halves
 * the speed.
 */
import type { Pass } from './fft-kernels.ts';

const R2 = Math.SQRT1_2;

/** Radix-8 pass: two radix-4 DFTs on the even and odd inputs, joined with e^{−iπu/4}. */
export function pass8(xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array, ps: Pass): void {
  const { l, m, twRe, twIm } = ps;
  const ys = l * m;
  for (let k = 0; k < l; k++) {
    const xo = 8 * k * m;
    const yo = k * m;
    const tb = 7 * k;
    const w1r = twRe[tb] as number;
    const w1i = twIm[tb] as number;
    const w2r = twRe[tb + 1] as number;
    const w2i = twIm[tb + 1] as number;
    const w3r = twRe[tb + 2] as number;
    const w3i = twIm[tb + 2] as number;
    const w4r = twRe[tb + 3] as number;
    const w4i = twIm[tb + 3] as number;
    const w5r = twRe[tb + 4] as number;
    const w5i = twIm[tb + 4] as number;
    const w6r = twRe[tb + 5] as number;
    const w6i = twIm[tb + 5] as number;
    const w7r = twRe[tb + 6] as number;
    const w7i = twIm[tb + 6] as number;
    for (let j = 0; j < m; j++) {
      const i0 = xo + j;
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
      r = xr[i0 + 5 * m] as number;
      i = xi[i0 + 5 * m] as number;
      const b5r = r * w5r - i * w5i;
      const b5i = r * w5i + i * w5r;
      r = xr[i0 + 6 * m] as number;
      i = xi[i0 + 6 * m] as number;
      const b6r = r * w6r - i * w6i;
      const b6i = r * w6i + i * w6r;
      r = xr[i0 + 7 * m] as number;
      i = xi[i0 + 7 * m] as number;
      const b7r = r * w7r - i * w7i;
      const b7i = r * w7i + i * w7r;
      const b0r = xr[i0] as number;
      const b0i = xi[i0] as number;
      const oo = yo + j;
      // E = DFT4(b0, b2, b4, b6)
      const a0r = b0r + b4r;
      const a0i = b0i + b4i;
      const a1r = b0r - b4r;
      const a1i = b0i - b4i;
      const a2r = b2r + b6r;
      const a2i = b2i + b6i;
      const a3r = b2r - b6r;
      const a3i = b2i - b6i;
      const e0r = a0r + a2r;
      const e0i = a0i + a2i;
      const e2r = a0r - a2r;
      const e2i = a0i - a2i;
      const e1r = a1r + a3i;
      const e1i = a1i - a3r;
      const e3r = a1r - a3i;
      const e3i = a1i + a3r;
      // O = DFT4(b1, b3, b5, b7)
      const c0r = b1r + b5r;
      const c0i = b1i + b5i;
      const c1r = b1r - b5r;
      const c1i = b1i - b5i;
      const c2r = b3r + b7r;
      const c2i = b3i + b7i;
      const c3r = b3r - b7r;
      const c3i = b3i - b7i;
      const o0r = c0r + c2r;
      const o0i = c0i + c2i;
      const o2r = c0r - c2r;
      const o2i = c0i - c2i;
      const o1r = c1r + c3i;
      const o1i = c1i - c3r;
      const o3r = c1r - c3i;
      const o3i = c1i + c3r;
      // W8^1·O1 = (O1r + O1i, O1i − O1r)/√2; W8^2·O2 = −i·O2; W8^3·O3 = (O3i − O3r, −O3r − O3i)/√2
      const t1r = R2 * (o1r + o1i);
      const t1i = R2 * (o1i - o1r);
      const t2r = o2i;
      const t2i = -o2r;
      const t3r = R2 * (o3i - o3r);
      const t3i = -R2 * (o3r + o3i);
      yr[oo] = e0r + o0r;
      yi[oo] = e0i + o0i;
      yr[oo + ys] = e1r + t1r;
      yi[oo + ys] = e1i + t1i;
      yr[oo + 2 * ys] = e2r + t2r;
      yi[oo + 2 * ys] = e2i + t2i;
      yr[oo + 3 * ys] = e3r + t3r;
      yi[oo + 3 * ys] = e3i + t3i;
      yr[oo + 4 * ys] = e0r - o0r;
      yi[oo + 4 * ys] = e0i - o0i;
      yr[oo + 5 * ys] = e1r - t1r;
      yi[oo + 5 * ys] = e1i - t1i;
      yr[oo + 6 * ys] = e2r - t2r;
      yi[oo + 6 * ys] = e2i - t2i;
      yr[oo + 7 * ys] = e3r - t3r;
      yi[oo + 7 * ys] = e3i - t3i;
    }
  }
}

/** First radix-8 pass (l = 1): no twiddles. */
export function pass8First(xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array, ps: Pass): void {
  const m = ps.m;
  for (let j = 0; j < m; j++) {
    const b0r = xr[j] as number;
    const b0i = xi[j] as number;
    const b1r = xr[j + m] as number;
    const b1i = xi[j + m] as number;
    const b2r = xr[j + 2 * m] as number;
    const b2i = xi[j + 2 * m] as number;
    const b3r = xr[j + 3 * m] as number;
    const b3i = xi[j + 3 * m] as number;
    const b4r = xr[j + 4 * m] as number;
    const b4i = xi[j + 4 * m] as number;
    const b5r = xr[j + 5 * m] as number;
    const b5i = xi[j + 5 * m] as number;
    const b6r = xr[j + 6 * m] as number;
    const b6i = xi[j + 6 * m] as number;
    const b7r = xr[j + 7 * m] as number;
    const b7i = xi[j + 7 * m] as number;
    const oo = j;
    const ys = m;
    // E = DFT4(b0, b2, b4, b6)
    const a0r = b0r + b4r;
    const a0i = b0i + b4i;
    const a1r = b0r - b4r;
    const a1i = b0i - b4i;
    const a2r = b2r + b6r;
    const a2i = b2i + b6i;
    const a3r = b2r - b6r;
    const a3i = b2i - b6i;
    const e0r = a0r + a2r;
    const e0i = a0i + a2i;
    const e2r = a0r - a2r;
    const e2i = a0i - a2i;
    const e1r = a1r + a3i;
    const e1i = a1i - a3r;
    const e3r = a1r - a3i;
    const e3i = a1i + a3r;
    // O = DFT4(b1, b3, b5, b7)
    const c0r = b1r + b5r;
    const c0i = b1i + b5i;
    const c1r = b1r - b5r;
    const c1i = b1i - b5i;
    const c2r = b3r + b7r;
    const c2i = b3i + b7i;
    const c3r = b3r - b7r;
    const c3i = b3i - b7i;
    const o0r = c0r + c2r;
    const o0i = c0i + c2i;
    const o2r = c0r - c2r;
    const o2i = c0i - c2i;
    const o1r = c1r + c3i;
    const o1i = c1i - c3r;
    const o3r = c1r - c3i;
    const o3i = c1i + c3r;
    // W8^1·O1 = (O1r + O1i, O1i − O1r)/√2; W8^2·O2 = −i·O2; W8^3·O3 = (O3i − O3r, −O3r − O3i)/√2
    const t1r = R2 * (o1r + o1i);
    const t1i = R2 * (o1i - o1r);
    const t2r = o2i;
    const t2i = -o2r;
    const t3r = R2 * (o3i - o3r);
    const t3i = -R2 * (o3r + o3i);
    yr[oo] = e0r + o0r;
    yi[oo] = e0i + o0i;
    yr[oo + ys] = e1r + t1r;
    yi[oo + ys] = e1i + t1i;
    yr[oo + 2 * ys] = e2r + t2r;
    yi[oo + 2 * ys] = e2i + t2i;
    yr[oo + 3 * ys] = e3r + t3r;
    yi[oo + 3 * ys] = e3i + t3i;
    yr[oo + 4 * ys] = e0r - o0r;
    yi[oo + 4 * ys] = e0i - o0i;
    yr[oo + 5 * ys] = e1r - t1r;
    yi[oo + 5 * ys] = e1i - t1i;
    yr[oo + 6 * ys] = e2r - t2r;
    yi[oo + 6 * ys] = e2i - t2i;
    yr[oo + 7 * ys] = e3r - t3r;
    yi[oo + 7 * ys] = e3i - t3i;
  }
}
