/**
 * A WebAssembly SIMD kernel for `Pcen.apply` (pcen.ts) with root 2, two channels per f64x2. Per channel
 * it performs the JavaScript path's operations in the same order: the EMA, y = floor + M, the table
 * evaluation of y^−α (the exponent and mantissa-bucket indices come from the bits of y, the table
 * entries are loaded per lane), and √(E·y^−α + δ) − √δ, so results are bit-identical. It needs an even
 * channel count and a normal floor: with the finite energies ≥ 0 that `Pcen.apply` admits, y is then a
 * normal number and the Math.pow fallback of the JavaScript path never arises.
 *
 * Memory: per biased exponent b the pair (2^−e, 2^(−α·e)) at exp + 16·b; per mantissa bucket j the
 * triple (m_j, 1/m_j, m_j^−α) at mid + 32·j; the EMA state (one f64 per channel); a data area of
 * maxFrames rows that `pcen(frames, seed)` transforms in place (seed ≠ 0: row 0 starts the EMA); and
 * the NaN-propagating minimum and maximum of the input energies of the call, by lane, so the caller
 * can refuse a block with a negative or non-finite energy. Such inputs index the tables outside their
 * entries but always inside the first 64 KiB page, so they give garbage, never a trap.
 */
import type { NegPowTables, PcenParams } from './pcen.ts';
import { assembleModule, vadd, vmul, vsub, WasmFunction, type Local, type Vx } from './wasm-emit.ts';

export interface PcenKernel {
  readonly pcen: (frames: number, seed: number) => void;
  readonly data: Float64Array;
  readonly state: Float64Array;
  /** After a call: minimum (lanes 0, 1) and maximum (lanes 2, 3) of the input energies. */
  readonly range: Float64Array;
  readonly maxFrames: number;
}

export function buildPcenKernel(channels: number, p: PcenParams, t: NegPowTables, maxFrames: number): PcenKernel | null {
  if (channels % 2 !== 0 || p.root !== 2 || !(p.floor >= 2 ** -1022)) return null;
  const EXP = 0;
  const MID = EXP + 16 * 2048;
  const RANGE = MID + 32 * 256;
  const STATE = RANGE + 32;
  const DATA = STATE + Math.ceil((8 * channels) / 16) * 16;
  const bytes = DATA + 8 * channels * maxFrames;
  const f = new WasmFunction(['i32', 'i32'], []);
  const frames = f.param(0);
  const seed = f.param(1);
  const c = {
    s: f.constSplat(p.smooth),
    keep: f.constSplat(1 - p.smooth),
    floor: f.constSplat(p.floor),
    delta: f.constSplat(p.delta),
    bias: f.constSplat(Math.pow(p.delta, 1 / p.root)),
    one: f.constSplat(1),
    k: [1, 2, 3, 4, 5].map((n) => f.constSplat(t.series[n] as number)),
  };
  const lo = f.local('v128');
  const hi = f.local('v128');
  const row = f.local('i32');
  const end = f.local('i32');
  const cb = f.local('i32');
  const cEnd = f.local('i32');
  const rowBytes = 8 * channels;
  const idx = [f.local('i32'), f.local('i32')];
  const bo = [f.local('i32'), f.local('i32')];
  const jo = [f.local('i32'), f.local('i32')];
  /** Lanes (T[lane 0], T[lane 1]) of a table entry at base + offset. */
  const gather = (base: Local[], offset: number): Local => {
    const v = f.local('v128');
    f.get(base[1] as Local).get(base[0] as Local).mem('v128.load64_splat', offset).loadLane64(offset, 1).set(v);
    return v;
  };
  // one channel pair at data + row + cb; `ema` false: M = E (the seed row)
  const pair = (ema: boolean): void => {
    const v = f.local('v128');
    f.get(row).get(cb).op('i32.add').mem('v128.load', DATA).set(v);
    f.get(lo).get(v).simd('f64x2.min').set(lo);
    f.get(hi).get(v).simd('f64x2.max').set(hi);
    const mPrev = f.load(cb, STATE);
    const mc = ema ? f.let(vadd(vmul(c.s, v), vmul(c.keep, mPrev))) : v;
    f.store(cb, STATE, mc);
    const y = f.let(vadd(c.floor, mc));
    for (const lane of [0, 1] as const) {
      const i = idx[lane] as Local;
      f.get(y).i32(44).simd('i64x2.shr_u').lane('extract-i64', lane).op('i32.wrap_i64').set(i);
      f.get(i).i32(8).op('i32.shr_u').i32(4).op('i32.shl').set(bo[lane] as Local);
      f.get(i).i32(255).op('i32.and').i32(5).op('i32.shl').set(jo[lane] as Local);
    }
    const invExp = gather(bo, EXP);
    const powExp = gather(bo, EXP + 8);
    const mid = gather(jo, MID);
    const invMid = gather(jo, MID + 8);
    const powMid = gather(jo, MID + 16);
    const r = f.let(vmul(vsub(vmul(y, invExp), mid), invMid));
    const [k1, k2, k3, k4, k5] = c.k as [Local, Local, Local, Local, Local];
    const poly: Vx = vadd(c.one, vmul(r, vadd(k1, vmul(r, vadd(k2, vmul(r, vadd(k3, vmul(r, vadd(k4, vmul(r, k5))))))))));
    const z = f.let(vmul(vmul(powExp, powMid), poly));
    const w = f.let(vadd(vmul(v, z), c.delta));
    f.get(row).get(cb).op('i32.add').push(vsub({ op: 'f64x2.sqrt', args: [w] }, c.bias)).mem('v128.store', DATA);
  };
  const rowLoop = (ema: boolean): void => {
    f.forRange(cb, () => f.i32(0), cEnd, 16, () => pair(ema));
  };
  f.f64(Infinity).simd('f64x2.splat').set(lo);
  f.f64(-Infinity).simd('f64x2.splat').set(hi);
  f.i32(rowBytes).set(cEnd);
  f.get(frames).i32(rowBytes).op('i32.mul').set(end);
  f.i32(0).set(row);
  f.get(seed).ifElse(() => {
    rowLoop(false);
    f.i32(rowBytes).set(row);
  });
  f.block(() => {
    f.get(row).get(end).op('i32.ge_s').brIf(0);
    f.loop(() => {
      rowLoop(true);
      f.get(row).i32(rowBytes).op('i32.add').tee(row).get(end).op('i32.lt_s').brIf(0);
    });
  });
  f.i32(0).get(lo).mem('v128.store', RANGE);
  f.i32(0).get(hi).mem('v128.store', RANGE + 16);
  const module = assembleModule(Math.ceil(bytes / 65536), [{ name: 'pcen', fn: f }]);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(module), {});
  const mem = (instance.exports['memory'] as WebAssembly.Memory).buffer;
  const exp = new Float64Array(mem, EXP, 2 * 2048);
  for (let b = 0; b < 2048; b++) {
    exp[2 * b] = t.invExp[b] as number;
    exp[2 * b + 1] = t.powExp[b] as number;
  }
  const mids = new Float64Array(mem, MID, 4 * 256);
  for (let j = 0; j < 256; j++) {
    mids[4 * j] = t.mid[j] as number;
    mids[4 * j + 1] = t.invMid[j] as number;
    mids[4 * j + 2] = t.powMid[j] as number;
  }
  return {
    pcen: instance.exports['pcen'] as (frames: number, seed: number) => void,
    data: new Float64Array(mem, DATA, channels * maxFrames),
    state: new Float64Array(mem, STATE, channels),
    range: new Float64Array(mem, RANGE, 4),
    maxFrames,
  };
}
