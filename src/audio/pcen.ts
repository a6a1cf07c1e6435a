/**
 * Per-channel energy normalisation (Wang et al. 2017, arXiv 1607.05666) with fixed parameters, as in
 * HeAR's `audio_utils._pcen_function` (LEAF-style, EMA seeded with the first frame):
 *   M[0] = E[0],  M[t] = s·E[t] + (1 − s)·M[t−1]
 *   P[t] = (E[t] / (floor + M[t])^α + δ)^(1/r) − δ^(1/r)
 * per channel. The reference clamps α ≤ 1 and r ≥ 1; here values outside those ranges are refused.
 *
 * Evaluation of y^−α (y = floor + M > 0), which Math.pow or exp(−α·ln y) would dominate: with
 * y = 2^e·m, m ∈ [1, 2), and m_j = 1 + (j + ½)/256 the centre of m's 1/256-wide mantissa bucket,
 *   y^−α = 2^(−α·e) · m_j^(−α) · (1 + ρ)^(−α),   ρ = (m − m_j)/m_j,  |ρ| < 2^−9,
 * the first two factors from tables and the last from its binomial series to ρ⁵ (truncation < 1e-17
 * relative). Every cell is evaluated independently, to a few ulp (the table factors carry Math.pow's
 * rounding). m − m_j is exact (Sterbenz) and y·2^−e is exact for normal y; subnormal y falls back to
 * Math.pow.
 *
 * `Pcen` streams frames through the EMA in blocks with the 'js' kernel (the specification) or the
 * bit-identical WebAssembly SIMD kernel of pcen-wasm.ts.
 */
import { FrontEndError, requireFinite, requireInt } from './frontend-errors.ts';
import type { KernelChoice } from './kernel-choice.ts';
import { buildPcenKernel, type PcenKernel } from './pcen-wasm.ts';

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

/** Tables for y^−α, indexed by the biased exponent (0…2047) and the mantissa bucket j (0…255). */
export interface NegPowTables {
  readonly alpha: number;
  /** 2^(−α·e) at biased exponent e + 1023. */
  readonly powExp: Float64Array;
  /** 2^−e at biased exponent e + 1023 (exact). */
  readonly invExp: Float64Array;
  readonly mid: Float64Array;
  readonly invMid: Float64Array;
  /** m_j^(−α). */
  readonly powMid: Float64Array;
  /** Binomial coefficients C(−α, n), n = 1…5. */
  readonly series: Float64Array;
}

const cache = new Map<number, NegPowTables>();

export function negPowTables(alpha: number): NegPowTables {
  const hit = cache.get(alpha);
  if (hit) return hit;
  const powExp = new Float64Array(2048);
  const invExp = new Float64Array(2048);
  // α = αh + αl with αh = fround(α): αh·e is exact (24 + 11 bits), so only αl·e ≈ 1e-8·e is rounded
  const hiAlpha = Math.fround(alpha);
  const loAlpha = alpha - hiAlpha;
  for (let b = 1; b < 2047; b++) {
    powExp[b] = Math.pow(2, -hiAlpha * (b - 1023)) * Math.pow(2, -loAlpha * (b - 1023));
    invExp[b] = Math.pow(2, 1023 - b);
  }
  const mid = new Float64Array(256);
  const invMid = new Float64Array(256);
  const powMid = new Float64Array(256);
  for (let j = 0; j < 256; j++) {
    mid[j] = 1 + (j + 0.5) / 256;
    invMid[j] = 1 / (mid[j] as number);
    powMid[j] = Math.pow(mid[j] as number, -alpha);
  }
  const series = new Float64Array(6);
  series[0] = 1;
  for (let n = 1; n < 6; n++) series[n] = ((series[n - 1] as number) * (-alpha - (n - 1))) / n;
  const t = { alpha, powExp, invExp, mid, invMid, powMid, series };
  cache.set(alpha, t);
  return t;
}

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** y^−α for y > 0 by the tables (see the module comment). */
export function negPow(t: NegPowTables, y: number): number {
  bits[0] = y;
  const hi = words[HI] as number;
  const b = hi >>> 20;
  if (b === 0 || b === 2047) return Math.pow(y, -t.alpha);
  const j = (hi >>> 12) & 255;
  const s = t.series;
  const r = (y * (t.invExp[b] as number) - (t.mid[j] as number)) * (t.invMid[j] as number);
  const poly = 1 + r * ((s[1] as number) + r * ((s[2] as number) + r * ((s[3] as number) + r * ((s[4] as number) + r * (s[5] as number)))));
  return (t.powExp[b] as number) * (t.powMid[j] as number) * poly;
}

/** PCEN of a [frames, channels] row-major array of finite energies ≥ 0, in place (the 'js' kernel). */
export function pcenInPlace(e: Float64Array, frames: number, channels: number, p: PcenParams): void {
  requireInt('pcen', 'frames', frames, 0);
  requireInt('pcen', 'channels', channels, 1);
  if (e.length !== frames * channels) throw new FrontEndError('pcen', `input holds ${e.length} values, expected ${frames}·${channels}`);
  new Pcen(channels, p, 'js').apply(e, 0, frames);
}

/** Rows per wasm call. */
const BLOCK = 64;

/** PCEN over a stream of [channels] frames: `apply` continues the EMA of the previous call until `reset`. */
export class Pcen {
  readonly channels: number;
  readonly params: PcenParams;
  readonly kernel: 'js' | 'wasm';
  private readonly tables: NegPowTables;
  private readonly m: Float64Array;
  private readonly wasm: PcenKernel | null;
  /** The wasm kernel's EMA state before the current block. */
  private readonly saved: Float64Array;
  private started = false;

  constructor(channels: number, p: PcenParams, kernels: KernelChoice) {
    checkPcenParams(p);
    requireInt('pcen', 'channels', channels, 1);
    this.channels = channels;
    this.params = p;
    this.tables = negPowTables(p.alpha);
    this.m = new Float64Array(channels);
    let wasm: PcenKernel | null = null;
    let why = 'needs an even channel count, root 2 and a normal floor';
    if (kernels !== 'js') {
      try {
        wasm = buildPcenKernel(channels, p, this.tables, BLOCK);
      } catch (err) {
        // no WebAssembly, no SIMD support, or a synchronous compile refused by the host
        why = err instanceof Error ? err.message : String(err);
      }
      if (!wasm && kernels === 'wasm') throw new FrontEndError('pcen', `the wasm kernel is unavailable: ${why}`);
    }
    this.wasm = wasm;
    this.kernel = wasm ? 'wasm' : 'js';
    this.saved = new Float64Array(wasm ? channels : 0);
  }

  /** The next frame starts a new signal (seeds the EMA). */
  reset(): void {
    this.started = false;
  }

  /** Transforms rows e[offset + f·channels + c], f < frames, in place; energies must be finite and ≥ 0. */
  apply(e: Float64Array, offset: number, frames: number): void {
    requireInt('pcen', 'frames', frames, 0);
    const C = this.channels;
    if (!Number.isInteger(offset) || offset < 0 || offset + frames * C > e.length) {
      throw new FrontEndError('pcen', `rows [${offset}, ${offset} + ${frames}·${C}) lie outside an array of ${e.length}`);
    }
    if (frames === 0) return;
    const k = this.wasm;
    if (!k) {
      refuseBadEnergy(e, offset, frames * C, C);
      this.applyJs(e, offset, frames);
      return;
    }
    // one block is checked by the kernel itself (on its copy of the rows); several are checked first,
    // so that a refused call changes nothing with either kernel
    if (frames > k.maxFrames) refuseBadEnergy(e, offset, frames * C, C);
    for (let f0 = 0; f0 < frames; f0 += k.maxFrames) {
      const n = Math.min(k.maxFrames, frames - f0);
      const at = offset + f0 * C;
      this.saved.set(k.state);
      k.data.set(e.subarray(at, at + n * C));
      k.pcen(n, this.started ? 0 : 1);
      const r = k.range;
      if (!(Math.min(r[0] as number, r[1] as number) >= 0 && Math.max(r[2] as number, r[3] as number) < Infinity)) {
        k.state.set(this.saved);
        refuseBadEnergy(e, offset, frames * C, C);
      }
      this.started = true;
      e.set(k.data.subarray(0, n * C), at);
    }
  }

  private applyJs(e: Float64Array, offset: number, frames: number): void {
    const C = this.channels;
    const { m, params: p, tables: t } = this;
    const s = p.smooth;
    const keep = 1 - s;
    const { delta, floor } = p;
    const sqrt = p.root === 2;
    const invRoot = 1 / p.root;
    const bias = Math.pow(delta, invRoot);
    const { powExp, invExp, mid, invMid, powMid, series } = t;
    const c1 = series[1] as number;
    const c2 = series[2] as number;
    const c3 = series[3] as number;
    const c4 = series[4] as number;
    const c5 = series[5] as number;
    if (!this.started) {
      for (let c = 0; c < C; c++) m[c] = e[offset + c] as number;
    }
    const seedRow = this.started ? -1 : 0;
    this.started = true;
    for (let f = 0; f < frames; f++) {
      const o = offset + f * C;
      for (let c = 0; c < C; c++) {
        const v = e[o + c] as number;
        const mc = f === seedRow ? (m[c] as number) : s * v + keep * (m[c] as number);
        m[c] = mc;
        const y = floor + mc;
        bits[0] = y;
        const hi = words[HI] as number;
        const b = hi >>> 20;
        let z: number;
        if (b === 0 || b === 2047) {
          z = Math.pow(y, -t.alpha);
        } else {
          const j = (hi >>> 12) & 255;
          const r = (y * (invExp[b] as number) - (mid[j] as number)) * (invMid[j] as number);
          const poly = 1 + r * (c1 + r * (c2 + r * (c3 + r * (c4 + r * c5))));
          z = (powExp[b] as number) * (powMid[j] as number) * poly;
        }
        const w = v * z + delta;
        e[o + c] = (sqrt ? Math.sqrt(w) : Math.pow(w, invRoot)) - bias;
      }
    }
  }
}

/** Throws a FrontEndError naming the first energy in e[offset, offset + n) that is negative or not finite. */
function refuseBadEnergy(e: Float64Array, offset: number, n: number, channels: number): void {
  for (let i = 0; i < n; i++) {
    const v = e[offset + i] as number;
    if (!(v >= 0 && v < Infinity)) {
      throw new FrontEndError('pcen', `energy ${v} at row ${Math.floor(i / channels)}, channel ${i % channels} of the block: must be finite and >= 0`);
    }
  }
}
