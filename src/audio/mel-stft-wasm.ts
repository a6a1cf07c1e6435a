/**
 * A WebAssembly SIMD kernel for the mel power spectrogram of stft.ts + mel.ts, two frames at a time
 * (lane 0 and lane 1 of every f64x2). Per frame it performs exactly the operations of the JavaScript
 * path, in the same order: the per-frame steps of `PowerStft.run` (DC removal, Kaldi pre-emphasis), the
 * windowing and even/odd packing of `RealFft.powerWindowed`, the Stockham passes (fft-wasm.ts), the
 * split into |X[k]|² of `RealFft.splitPower` and the sparse filterbank of `SparseMel.apply`. So each
 * mel energy equals the JavaScript result bit for bit (up to the sign of zeros, which squaring removes).
 *
 * The caller fills the signal area with the already padded and transformed signal (f64) of 2·pairs
 * consecutive frames, frame i starting at sample i·hop, and calls `frames(pairs)`; frame i's mel
 * energies are then at out + 8·i·nMels.
 */
import { stockhamPasses } from './fft.ts';
import type { Pass } from './fft-kernels.ts';
import { emitPass, twiddleTable } from './fft-wasm.ts';
import { assembleModule, vadd, vmul, vsub, WasmFunction, type Local } from './wasm-emit.ts';

export interface MelKernelSpec {
  /** Window over the frame (length F); entries outside [w0, w1) are zero and their samples are not read. */
  readonly window: Float64Array;
  readonly w0: number;
  readonly w1: number;
  readonly hop: number;
  /** Even FFT length ≥ F whose half has no prime factor above 5. */
  readonly nFft: number;
  readonly removeDc: boolean;
  readonly framePreemphasis: number;
  /** Per band: first bin, end bin (exclusive) and offset of its first weight in `weights`. */
  readonly bandStart: Int32Array;
  readonly bandEnd: Int32Array;
  readonly bandOffset: Int32Array;
  readonly weights: Float64Array;
  /** Largest number of frame pairs per call. */
  readonly maxPairs: number;
}

export interface MelKernel {
  /** Computes `pairs` frame pairs from the signal area into the output area. */
  readonly frames: (pairs: number) => void;
  /** The signal area: (2·maxPairs − 1)·hop + F samples. */
  readonly signal: Float64Array;
  /** The output area: 2·maxPairs rows of nMels mel energies. */
  readonly out: Float64Array;
}

const align16 = (n: number): number => Math.ceil(n / 16) * 16;

/** Byte layout of the kernel's memory. */
function layout(spec: MelKernelSpec, passes: readonly Pass[], twBytes: number) {
  const F = spec.window.length;
  const h = spec.nFft / 2;
  const M = spec.bandStart.length;
  let top = 0;
  const take = (bytes: number): number => {
    const at = top;
    top = align16(top + bytes);
    return at;
  };
  const win = take(8 * F);
  const tw = take(twBytes);
  const split = take(16 * h);
  const bands = take(12 * M);
  const weights = take(8 * spec.weights.length);
  const a = take(32 * h);
  const b = take(32 * h);
  const power = take(16 * (h + 1));
  const signalLength = (2 * spec.maxPairs - 1) * spec.hop + F;
  const signal = take(8 * signalLength);
  const out = take(8 * 2 * spec.maxPairs * M);
  return { F, h, M, win, tw, split, bands, weights, a, b, power, signal, signalLength, out, bytes: top, passes };
}

/** Null when the FFT length is odd or its half has a prime factor above 5. */
export function buildMelKernel(spec: MelKernelSpec): MelKernel | null {
  if (spec.nFft % 2 !== 0) return null;
  const passes = stockhamPasses(spec.nFft / 2);
  if (!passes) return null;
  const { table, offsets } = twiddleTable(passes);
  const L = layout(spec, passes, table.byteLength);
  const { h, M } = L;
  const passFns = passes.map((ps, i) =>
    emitPass(ps, { src: i % 2 === 0 ? L.a : L.b, dst: i % 2 === 0 ? L.b : L.a, imOffset: 16 * h, twiddles: L.tw + (offsets[i] as number) }),
  );
  const result = passes.length % 2 === 0 ? L.a : L.b;
  const main = emitFrames(spec, L, result, passFns.length);
  const bytes = assembleModule(Math.ceil(L.bytes / 65536), [
    ...passFns.map((fn, i) => ({ name: `pass${i}`, fn })),
    { name: 'frames', fn: main },
  ]);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
  const mem = (instance.exports['memory'] as WebAssembly.Memory).buffer;
  const f64 = (at: number, n: number): Float64Array => new Float64Array(mem, at, n);
  f64(L.win, L.F).set(spec.window);
  f64(L.tw, table.length).set(table);
  const split = f64(L.split, 2 * h);
  for (let k = 0; k < h; k++) {
    // RealFft's cosT/sinT: angle 2πk/n
    const ang = (2 * Math.PI * k) / spec.nFft;
    split[2 * k] = Math.cos(ang);
    split[2 * k + 1] = Math.sin(ang);
  }
  const bands = new Int32Array(mem, L.bands, 3 * M);
  for (let m = 0; m < M; m++) {
    bands[3 * m] = 16 * (spec.bandStart[m] as number);
    bands[3 * m + 1] = 16 * (spec.bandEnd[m] as number);
    bands[3 * m + 2] = L.weights + 8 * (spec.bandOffset[m] as number);
  }
  f64(L.weights, spec.weights.length).set(spec.weights);
  const frames = instance.exports['frames'] as (pairs: number) => void;
  return { frames, signal: f64(L.signal, L.signalLength), out: f64(L.out, 2 * spec.maxPairs * M) };
}

type Layout = ReturnType<typeof layout>;

function emitFrames(spec: MelKernelSpec, L: Layout, result: number, nPasses: number): WasmFunction {
  const f = new WasmFunction(['i32'], []);
  const pairs = f.param(0);
  const { h, M } = L;
  const H8 = 8 * spec.hop;
  const sp = f.local('i32');
  const ob = f.local('i32');
  const end = f.local('i32');
  const zero = f.constSplat(0);
  f.get(pairs).i32(16 * spec.hop).op('i32.mul').set(end);
  f.i32(0).set(sp);
  f.i32(L.out).set(ob);
  f.block(() => {
    f.get(sp).get(end).op('i32.ge_s').brIf(0);
    f.loop(() => {
      emitPack(f, spec, L, sp, H8, zero);
      for (let i = 0; i < nPasses; i++) f.call(i);
      emitSplitPower(f, L, result);
      emitMel(f, L, ob, zero);
      f.get(ob).i32(16 * M).op('i32.add').set(ob);
      f.get(sp).i32(16 * spec.hop).op('i32.add').tee(sp).get(end).op('i32.lt_s').brIf(0);
    });
  });
  return f;
}

/** Stores `zero` into elements [e0, e1) of the buffer's real and imaginary parts at `base`. */
function zeroFill(f: WasmFunction, base: number, imOffset: number, e0: number, e1: number, zero: Local): void {
  if (e1 <= e0) return;
  const p = f.local('i32');
  const stop = f.local('i32');
  f.i32(16 * e1).set(stop);
  f.forRange(p, () => f.i32(16 * e0), stop, 16, () => {
    f.store(p, base, zero);
    f.store(p, base + imOffset, zero);
  });
}

/**
 * Packs the windowed frame pair into A: z[q/2] = (v[q]·w[q], v[q+1]·w[q+1]), zero outside the window's
 * support, where v is the frame after the optional DC removal and pre-emphasis (PowerStft.run).
 */
function emitPack(f: WasmFunction, spec: MelKernelSpec, L: Layout, sp: Local, H8: number, zero: Local): void {
  const { h } = L;
  const im = 16 * h;
  const sig = L.signal;
  const { w0, w1 } = spec;
  // frame sample q of the pair: lane 0 at signal + sp + 8q, lane 1 one hop later
  const sample = (q: Local | number): Local => {
    const v = f.local('v128');
    const addr = f.local('i32');
    if (typeof q === 'number') f.get(sp).i32(8 * q).op('i32.add').set(addr);
    else f.get(sp).get(q).op('i32.add').set(addr);
    f.get(addr).get(addr).mem('v128.load64_splat', sig).loadLane64(sig + H8, 1).set(v);
    return v;
  };
  const winAt = (qb: Local, extra: number): Local => f.splat(qb, L.win + extra);
  const m0 = w0 >> 1;
  const m1 = (w1 + 1) >> 1;
  zeroFill(f, L.a, im, 0, m0, zero);
  zeroFill(f, L.a, im, m1, h, zero);
  let mean: Local | null = null;
  if (spec.removeDc) {
    const acc = f.local('v128');
    const qb = f.local('i32');
    const stop = f.local('i32');
    f.get(zero).set(acc);
    f.i32(8 * L.F).set(stop);
    f.forRange(qb, () => f.i32(0), stop, 8, () => {
      f.push(vadd(acc, sample(qb))).set(acc);
    });
    mean = f.let({ op: 'f64x2.div', args: [acc, f.constSplat(L.F)] });
  }
  const dc = (v: Local): Local => (mean ? f.let(vsub(v, mean)) : v);
  const c = f.constSplat(spec.framePreemphasis);
  // the value of frame sample q before windowing; `prev` carries d[q−1] when pre-emphasis is on
  const prev = f.local('v128');
  const value = (q: Local | number): Local => {
    const d = dc(sample(q));
    if (spec.framePreemphasis === 0) return d;
    const y = f.let(vsub(d, vmul(c, prev)));
    f.get(d).set(prev);
    return y;
  };
  if (spec.framePreemphasis !== 0) {
    // y[0] = d[0] − c·d[0]: seed d[−1] with d[0]
    f.get(dc(sample(0))).set(prev);
  }
  let q0 = w0;
  if (q0 & 1 && q0 < w1) {
    const qb = f.local('i32');
    f.i32(8 * q0).set(qb);
    f.store(qb, L.a - 8, zero);
    f.store(qb, L.a + im - 8, vmul(value(q0), winAt(qb, 0)));
    q0++;
  }
  const pairsEnd = q0 + 2 * Math.floor((w1 - q0) / 2);
  if (pairsEnd > q0) {
    // element q/2 sits at A + 8q: the byte offset of sample q doubles as the element's
    const qb = f.local('i32');
    const stop = f.local('i32');
    f.i32(8 * pairsEnd).set(stop);
    f.forRange(qb, () => f.i32(8 * q0), stop, 16, () => {
      const q1 = f.local('i32');
      f.get(qb).i32(8).op('i32.add').set(q1);
      f.store(qb, L.a, vmul(value(qb), winAt(qb, 0)));
      f.store(qb, L.a + im, vmul(value(q1), winAt(qb, 8)));
    });
  }
  if (pairsEnd < w1) {
    const qb = f.local('i32');
    f.i32(8 * pairsEnd).set(qb);
    f.store(qb, L.a, vmul(value(pairsEnd), winAt(qb, 0)));
    f.store(qb, L.a + im, zero);
  }
}

/** RealFft.splitPower from the transform in `res` into the power area. */
function emitSplitPower(f: WasmFunction, L: Layout, res: number): void {
  const { h } = L;
  const im = 16 * h;
  const z = f.local('i32');
  f.i32(0).set(z);
  const z0r = f.load(z, res);
  const z0i = f.load(z, res + im);
  const s0 = f.let(vadd(z0r, z0i));
  const d0 = f.let(vsub(z0r, z0i));
  f.store(z, L.power, vmul(s0, s0));
  f.store(z, L.power + 16 * h, vmul(d0, d0));
  const half = f.constSplat(0.5);
  const negHalf = f.constSplat(-0.5);
  const kb = f.local('i32');
  const hb = f.local('i32');
  const stop = f.local('i32');
  f.i32(16 * (Math.floor(h / 2) + 1)).set(stop);
  f.forRange(kb, () => f.i32(16), stop, 16, () => {
    f.i32(16 * h).get(kb).op('i32.sub').set(hb);
    const ar = f.load(kb, res);
    const ai = f.load(kb, res + im);
    const br = f.load(hb, res);
    const bi = f.load(hb, res + im);
    const er = f.let(vmul(half, vadd(ar, br)));
    const ei = f.let(vmul(half, vsub(ai, bi)));
    const or = f.let(vmul(half, vadd(ai, bi)));
    const oi = f.let(vmul(negHalf, vsub(ar, br)));
    const c = f.splat(kb, L.split);
    const s = f.splat(kb, L.split + 8);
    const pr = f.let(vadd(vmul(c, or), vmul(s, oi)));
    const pi = f.let(vsub(vmul(c, oi), vmul(s, or)));
    const xr = f.let(vadd(er, pr));
    const xi = f.let(vadd(ei, pi));
    f.store(kb, L.power, vadd(vmul(xr, xr), vmul(xi, xi)));
    const yr = f.let(vsub(er, pr));
    const yi = f.let(vsub(ei, pi));
    f.store(hb, L.power, vadd(vmul(yr, yr), vmul(yi, yi)));
  });
}

/** SparseMel.apply for both lanes: band m of lane j goes to out row j at ob + 8·(j·M + m). */
function emitMel(f: WasmFunction, L: Layout, ob: Local, zero: Local): void {
  const { M } = L;
  const tb = f.local('i32');
  const kb = f.local('i32');
  const ke = f.local('i32');
  const wb = f.local('i32');
  const o = f.local('i32');
  const acc = f.local('v128');
  const stop = f.local('i32');
  f.get(ob).set(o);
  f.i32(L.bands + 12 * M).set(stop);
  f.forRange(tb, () => f.i32(L.bands), stop, 12, () => {
    f.get(tb).mem('i32.load', 0).set(kb);
    f.get(tb).mem('i32.load', 4).set(ke);
    f.get(tb).mem('i32.load', 8).set(wb);
    f.get(zero).set(acc);
    f.block(() => {
      f.get(kb).get(ke).op('i32.ge_s').brIf(0);
      f.loop(() => {
        f.get(acc).get(wb).mem('v128.load64_splat', 0).get(kb).mem('v128.load', L.power).simd('f64x2.mul').simd('f64x2.add').set(acc);
        f.get(wb).i32(8).op('i32.add').set(wb);
        f.get(kb).i32(16).op('i32.add').tee(kb).get(ke).op('i32.lt_s').brIf(0);
      });
    });
    f.get(o).get(acc).lane('extract', 0).mem('f64.store', 0);
    f.get(o).get(acc).lane('extract', 1).mem('f64.store', 8 * M);
    f.get(o).i32(8).op('i32.add').set(o);
  });
}
