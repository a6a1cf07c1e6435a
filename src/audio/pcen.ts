/**
 * Per-channel energy normalisation (Wang et al. 2017, arXiv 1607.05666) with fixed parameters, as in
 * HeAR's `audio_utils._pcen_function` (LEAF-style, EMA seeded with the first frame):
 *   M[0] = E[0],  M[t] = s·E[t] + (1 − s)·M[t−1]
 *   P[t] = (E[t] / (floor + M[t])^α + δ)^(1/r) − δ^(1/r)
 * per channel. The reference clamps α ≤ 1 and r ≥ 1; here values outside those ranges are refused.
 *
 * Evaluation of Z[t] = (floor + M[t])^−α: Math.pow, and even exp(−α·ln y), dominate the cost, so Z is
 * carried along the EMA: with y[t] = floor + M[t] and u = y[t]/y[t−1] − 1,
 *   Z[t] = Z[t−1]·(1 + u)^−α,   (1 + u)^−α = Σ_{n≤12} C(−α, n)·uⁿ   for |u| < 0.045
 * (truncation < 1e-17 relative), and Z[t] = exp(−α·ln y[t]) otherwise, at t = 0 and every 256 frames,
 * which bounds the drift of the running product (≈ 1e-16 per step) far below float32 resolution.
 */
import { FrontEndError, requireFinite, requireInt } from './frontend-errors.ts';

export interface PcenParams {
  readonly alpha: number;
  readonly smooth: number;
  readonly delta: number;
  readonly root: number;
  readonly floor: number;
}

export function checkPcenParams(p: PcenParams): void {
  const where = 'pcen';
  if (!(p.alpha >= 0 && p.alpha <= 1)) throw new FrontEndError(where, `alpha must lie in [0, 1], got ${p.alpha}`);
  if (!(p.smooth > 0 && p.smooth <= 1)) throw new FrontEndError(where, `smooth must lie in (0, 1], got ${p.smooth}`);
  if (!(p.root >= 1 && Number.isFinite(p.root))) throw new FrontEndError(where, `root must be >= 1, got ${p.root}`);
  if (!(p.delta >= 0 && Number.isFinite(p.delta))) throw new FrontEndError(where, `delta must be a finite number >= 0, got ${p.delta}`);
  requireFinite(where, 'floor', p.floor, true);
}

/** PCEN of a [frames, channels] row-major energy array, in place. */
export function pcenInPlace(e: Float64Array, frames: number, channels: number, p: PcenParams): void {
  checkPcenParams(p);
  requireInt('pcen', 'frames', frames, 0);
  requireInt('pcen', 'channels', channels, 1);
  if (e.length !== frames * channels) throw new FrontEndError('pcen', `input holds ${e.length} values, expected ${frames}·${channels}`);
  if (frames === 0) return;
  const m = e.slice(0, channels);
  const y = new Float64Array(channels);
  const z = new Float64Array(channels);
  const s = p.smooth;
  const keep = 1 - s;
  const { alpha, delta, floor } = p;
  const sqrt = p.root === 2;
  const invRoot = 1 / p.root;
  const bias = Math.pow(delta, invRoot);
  const k = binomialCoefficients(-alpha, SERIES_TERMS);
  const at = (i: number): number => k[i] as number;
  const k1 = at(1), k2 = at(2), k3 = at(3), k4 = at(4), k5 = at(5), k6 = at(6);
  const k7 = at(7), k8 = at(8), k9 = at(9), k10 = at(10), k11 = at(11), k12 = at(12);
  for (let t = 0; t < frames; t++) {
    const o = t * channels;
    const exact = t % REANCHOR === 0;
    for (let c = 0; c < channels; c++) {
      const v = e[o + c] as number;
      const mc = t === 0 ? (m[c] as number) : s * v + keep * (m[c] as number);
      m[c] = mc;
      const yc = floor + mc;
      const u = exact ? 1 : yc / (y[c] as number) - 1;
      let zc: number;
      if (u > -SERIES_RADIUS && u < SERIES_RADIUS) {
        zc = (z[c] as number) * (1 + u * (k1 + u * (k2 + u * (k3 + u * (k4 + u * (k5 + u * (k6 + u * (k7 + u * (k8 + u * (k9 + u * (k10 + u * (k11 + u * k12))))))))))));
      } else {
        zc = Math.exp(-alpha * Math.log(yc));
      }
      y[c] = yc;
      z[c] = zc;
      const w = v * zc + delta;
      e[o + c] = (sqrt ? Math.sqrt(w) : Math.pow(w, invRoot)) - bias;
    }
  }
}

const SERIES_TERMS = 13;
const SERIES_RADIUS = 0.045;
const REANCHOR = 256;

/** C(a, n) = a(a−1)…(a−n+1)/n! for n < count. */
function binomialCoefficients(a: number, count: number): Float64Array {
  const out = new Float64Array(count);
  out[0] = 1;
  for (let n = 1; n < count; n++) out[n] = ((out[n - 1] as number) * (a - (n - 1))) / n;
  return out;
}
