/**
 * Linear-algebra, convolution and pooling kernels of the float64 interpreter (NCHW, ONNX semantics,
 * pads = [top, left, bottom, right], floor-mode output sizes as computed by `inferRules`).
 * The convolutions loop as strided AXPYs over output rows, so small CNNs train in seconds.
 */
import type { Conv2dParams, OpParams, Pool2dParams } from './ops.ts';
import { type Tensor64, broadcastIndex } from './interp-tensor.ts';
import { type Shape, numel } from '../util/index.ts';

/** NumPy matmul of rank ≥ 2 operands with broadcast batch dims. */
export function matmul(a: Tensor64, b: Tensor64, outShape: Shape): Float64Array {
  const r = outShape.length;
  const m = outShape[r - 2] as number;
  const n = outShape[r - 1] as number;
  const k = a.shape[a.shape.length - 1] as number;
  const batch = outShape.slice(0, -2);
  const nb = numel(batch);
  const ia = broadcastIndex(batch, a.shape.slice(0, -2));
  const ib = broadcastIndex(batch, b.shape.slice(0, -2));
  const out = new Float64Array(nb * m * n);
  const A = a.data;
  const B = b.data;
  for (let t = 0; t < nb; t++) {
    const aOff = (ia ? (ia[t] as number) : t) * m * k;
    const bOff = (ib ? (ib[t] as number) : t) * k * n;
    const cOff = t * m * n;
    for (let i = 0; i < m; i++) {
      const ci = cOff + i * n;
      for (let kk = 0; kk < k; kk++) {
        const av = A[aOff + i * k + kk] as number;
        if (av === 0) continue;
        const bk = bOff + kk * n;
        for (let j = 0; j < n; j++) out[ci + j] = (out[ci + j] as number) + av * (B[bk + j] as number);
      }
    }
  }
  return out;
}

/** The range [lo, hi) of a ∈ [0, aLen) for which a·s − p + off lies in [0, bLen). */
function validRange(aLen: number, bLen: number, s: number, p: number, off: number): [number, number] {
  const lo = Math.max(0, Math.ceil((p - off) / s));
  const hi = Math.min(aLen, Math.floor((bLen - 1 + p - off) / s) + 1);
  return [lo, Math.max(lo, hi)];
}

/** y[n,o,oy,ox] = bias[o] + Σ_{c,ky,kx} w[o,c,ky,kx]·x[n, g·Cg + c, oy·sh − pt + ky·dh, ox·sw − pl + kx·dw]. */
export function conv(x: Tensor64, w: Tensor64, bias: Tensor64 | undefined, p: Conv2dParams, outShape: Shape): Float64Array {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [O, Cg, KH, KW] = w.shape as [number, number, number, number];
  const [, , OH, OW] = outShape as [number, number, number, number];
  const Og = O / p.group;
  const [sh, sw] = p.strides;
  const [dh, dw] = p.dilations;
  const pt = p.pads[0];
  const pl = p.pads[1];
  const X = x.data;
  const Wd = w.data;
  const out = new Float64Array(N * O * OH * OW);
  const rows = Array.from({ length: KH }, (_, ky) => validRange(OH, H, sh, pt, ky * dh));
  const cols = Array.from({ length: KW }, (_, kx) => validRange(OW, W, sw, pl, kx * dw));
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      const g = Math.floor(o / Og);
      const plane = (n * O + o) * OH * OW;
      if (bias) out.fill(bias.data[o] as number, plane, plane + OH * OW);
      for (let c = 0; c < Cg; c++) {
        const xPlane = (n * C + g * Cg + c) * H * W;
        for (let ky = 0; ky < KH; ky++) {
          const [oy0, oy1] = rows[ky] as [number, number];
          for (let kx = 0; kx < KW; kx++) {
            const wv = Wd[((o * Cg + c) * KH + ky) * KW + kx] as number;
            if (wv === 0) continue;
            const [ox0, ox1] = cols[kx] as [number, number];
            for (let oy = oy0; oy < oy1; oy++) {
              const rowX = xPlane + (oy * sh - pt + ky * dh) * W - pl + kx * dw;
              const rowO = plane + oy * OW;
              for (let ox = ox0; ox < ox1; ox++) out[rowO + ox] = (out[rowO + ox] as number) + wv * (X[rowX + ox * sw] as number);
            }
          }
        }
      }
    }
  }
  return out;
}

/** The adjoint of `conv` in x: y[n, g·Og + o, iy·sh − pt + ky·dh, ix·sw − pl + kx·dw] += w[c,o,ky,kx]·x[n,c,iy,ix]. */
export function convTranspose(x: Tensor64, w: Tensor64, p: OpParams['ConvTranspose'], outShape: Shape): Float64Array {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [, Og, KH, KW] = w.shape as [number, number, number, number];
  const [, O, OH, OW] = outShape as [number, number, number, number];
  const Cg = C / p.group;
  const [sh, sw] = p.strides;
  const [dh, dw] = p.dilations;
  const pt = p.pads[0];
  const pl = p.pads[1];
  const X = x.data;
  const Wd = w.data;
  const out = new Float64Array(N * O * OH * OW);
  const rows = Array.from({ length: KH }, (_, ky) => validRange(H, OH, sh, pt, ky * dh));
  const cols = Array.from({ length: KW }, (_, kx) => validRange(W, OW, sw, pl, kx * dw));
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const g = Math.floor(c / Cg);
      const xPlane = (n * C + c) * H * W;
      for (let og = 0; og < Og; og++) {
        const plane = (n * O + g * Og + og) * OH * OW;
        for (let ky = 0; ky < KH; ky++) {
          const [iy0, iy1] = rows[ky] as [number, number];
          for (let kx = 0; kx < KW; kx++) {
            const wv = Wd[((c * Og + og) * KH + ky) * KW + kx] as number;
            if (wv === 0) continue;
            const [ix0, ix1] = cols[kx] as [number, number];
            for (let iy = iy0; iy < iy1; iy++) {
              const rowO = plane + (iy * sh - pt + ky * dh) * OW - pl + kx * dw;
              const rowX = xPlane + iy * W;
              for (let ix = ix0; ix < ix1; ix++) out[rowO + ix * sw] = (out[rowO + ix * sw] as number) + wv * (X[rowX + ix] as number);
            }
          }
        }
      }
    }
  }
  return out;
}

/** Visit every pooling window: `f(plane, outIndex, y0, y1, x0, x1, padded)` with the window clipped to the input. */
function forEachWindow(
  x: Tensor64,
  p: Pool2dParams,
  outShape: Shape,
  f: (xPlane: number, o: number, y0: number, y1: number, x0: number, x1: number, paddedCells: number) => void,
): void {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [, , OH, OW] = outShape as [number, number, number, number];
  const [kh, kw] = p.kernel;
  const [sh, sw] = p.strides;
  const [pt, pl, pb, pr] = p.pads;
  for (let nc = 0; nc < N * C; nc++) {
    for (let oy = 0; oy < OH; oy++) {
      const ys = oy * sh - pt;
      const py = Math.min(ys + kh, H + pb) - Math.max(ys, -pt);
      for (let ox = 0; ox < OW; ox++) {
        const xs = ox * sw - pl;
        const px = Math.min(xs + kw, W + pr) - Math.max(xs, -pl);
        f(nc * H * W, (nc * OH + oy) * OW + ox, Math.max(ys, 0), Math.min(ys + kh, H), Math.max(xs, 0), Math.min(xs + kw, W), py * px);
      }
    }
  }
}

/** Average pooling; the divisor counts padded cells when `countIncludePad` (ONNX count_include_pad). */
export function averagePool(x: Tensor64, p: OpParams['AveragePool'], outShape: Shape): Float64Array {
  const W = x.shape[3] as number;
  const out = new Float64Array(numel(outShape));
  forEachWindow(x, p, outShape, (plane, o, y0, y1, x0, x1, padded) => {
    let s = 0;
    for (let y = y0; y < y1; y++) for (let xx = x0; xx < x1; xx++) s += x.data[plane + y * W + xx] as number;
    out[o] = s / (p.countIncludePad ? padded : (y1 - y0) * (x1 - x0));
  });
  return out;
}

/** The offset of the first maximum of a window in row-major order (padded cells never win); NaN wins at once. */
function argMax(x: Tensor64, plane: number, y0: number, y1: number, x0: number, x1: number): number {
  const W = x.shape[3] as number;
  let best = -1;
  let m = -Infinity;
  for (let y = y0; y < y1; y++) {
    for (let xx = x0; xx < x1; xx++) {
      const off = plane + y * W + xx;
      const v = x.data[off] as number;
      if (Number.isNaN(v)) return off;
      if (best < 0 || v > m) {
        m = v;
        best = off;
      }
    }
  }
  return best;
}

export function maxPool(x: Tensor64, p: Pool2dParams, outShape: Shape): Float64Array {
  const out = new Float64Array(numel(outShape));
  forEachWindow(x, p, outShape, (plane, o, y0, y1, x0, x1) => {
    out[o] = x.data[argMax(x, plane, y0, y1, x0, x1)] as number;
  });
  return out;
}

/** dx of MaxPool: each dy cell is added at the first arg-max of its window (row-major order). */
export function maxPoolGrad(x: Tensor64, dy: Tensor64, p: Pool2dParams): Float64Array {
  const out = new Float64Array(x.data.length);
  forEachWindow(x, p, dy.shape, (plane, o, y0, y1, x0, x1) => {
    const at = argMax(x, plane, y0, y1, x0, x1);
    out[at] = (out[at] as number) + (dy.data[o] as number);
  });
  return out;
}
