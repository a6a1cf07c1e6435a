/**
 * The Stockham passes of fft.ts (fft-kernels.ts, fft-radix8.ts) as WebAssembly SIMD functions that run
 * two transforms at once: lane 0 and lane 1 of every f64x2 hold the same element of two independent
 * transforms. Each lane performs exactly the scalar kernel's IEEE operations in the same order (there is
 * no fused multiply-add in WebAssembly SIMD), so each lane's result equals ComplexFft's bit for bit,
 * except that twiddles of 1 are skipped in every first pass, which can only change the sign of a zero.
 *
 * Memory layout: a complex buffer of n elements is 16·n bytes of real parts (one f64x2 per element)
 * followed by 16·n bytes of imaginary parts. Twiddles are f64 pairs (re, im) at
 * tw + 16·(k·(p−1) + s − 1) per pass, in the order of `twiddleTable`.
 */
import type { Pass } from './fft-kernels.ts';
import { vadd, vmul, vneg, vsub, WasmFunction, type Local, type Vx } from './wasm-emit.ts';

/** The twiddles of all passes, interleaved (re, im), and each pass's byte offset into the table. */
export function twiddleTable(passes: readonly Pass[]): { table: Float64Array; offsets: number[] } {
  const offsets: number[] = [];
  let total = 0;
  for (const ps of passes) {
    offsets.push(total * 8);
    total += 2 * ps.twRe.length;
  }
  const table = new Float64Array(total);
  passes.forEach((ps, i) => {
    const o = (offsets[i] as number) / 8;
    for (let q = 0; q < ps.twRe.length; q++) {
      table[o + 2 * q] = ps.twRe[q] as number;
      table[o + 2 * q + 1] = ps.twIm[q] as number;
    }
  });
  return { table, offsets };
}

interface Cx {
  readonly r: Vx;
  readonly i: Vx;
}

const R2 = Math.SQRT1_2;
const SIN60 = Math.sqrt(3) / 2;
const C1_5 = Math.cos((2 * Math.PI) / 5);
const C2_5 = Math.cos((4 * Math.PI) / 5);
const S1_5 = Math.sin((2 * Math.PI) / 5);
const S2_5 = Math.sin((4 * Math.PI) / 5);

/** Where a pass reads, writes and finds its twiddles (absolute byte addresses). */
export interface PassPlacement {
  readonly src: number;
  readonly dst: number;
  /** Bytes from a buffer's real parts to its imaginary parts (16·n). */
  readonly imOffset: number;
  readonly twiddles: number;
}

/** One pass as a function without parameters or results. */
export function emitPass(ps: Pass, at: PassPlacement): WasmFunction {
  const f = new WasmFunction([], []);
  const { p, l, m } = ps;
  const ys = l * m;
  const xa = f.local('i32');
  const ya = f.local('i32');
  const tw = f.local('i32');
  const consts = {
    half: f.constSplat(0.5),
    r2: f.constSplat(R2),
    negR2: f.constSplat(-R2),
    sin60: f.constSplat(SIN60),
    c1: f.constSplat(C1_5),
    c2: f.constSplat(C2_5),
    s1: f.constSplat(S1_5),
    s2: f.constSplat(S2_5),
  };
  const first = l === 1;
  const body = (): void => {
    const w: Cx[] = [];
    if (!first) {
      for (let s = 1; s < p; s++) w.push({ r: f.splat(tw, at.twiddles + 16 * (s - 1)), i: f.splat(tw, at.twiddles + 16 * (s - 1) + 8) });
    }
    const inner = (): void => {
      const b: Cx[] = [];
      for (let s = 0; s < p; s++) {
        const off = at.src + 16 * s * m;
        const r = f.load(xa, off);
        const i = f.load(xa, off + at.imOffset);
        const ws = w[s - 1];
        if (s === 0 || !ws) b.push({ r, i });
        else b.push({ r: f.let(vsub(vmul(r, ws.r), vmul(i, ws.i))), i: f.let(vadd(vmul(r, ws.i), vmul(i, ws.r))) });
      }
      const y = BUTTERFLIES[p](f, b, consts);
      y.forEach((yu, u) => {
        f.store(ya, at.dst + 16 * u * ys, yu.r);
        f.store(ya, at.dst + at.imOffset + 16 * u * ys, yu.i);
      });
    };
    if (m === 1) {
      inner();
      return;
    }
    // j loop: xa and ya advance by one element; xEnd = xa + 16·m
    const xEnd = f.local('i32');
    f.get(xa).i32(16 * m).op('i32.add').set(xEnd);
    f.loop(() => {
      inner();
      f.get(ya).i32(16).op('i32.add').set(ya);
      f.get(xa).i32(16).op('i32.add').tee(xa).get(xEnd).op('i32.lt_s').brIf(0);
    });
  };
  if (first) {
    f.i32(0).set(xa).i32(0).set(ya);
    body();
    return f;
  }
  // k loop: x block k starts at 16·k·p·m, y block at 16·k·m, twiddles at 16·k·(p−1)
  const k = f.local('i32');
  f.i32(0).set(k);
  f.loop(() => {
    f.get(k).i32(16 * p * m).op('i32.mul').set(xa);
    f.get(k).i32(16 * m).op('i32.mul').set(ya);
    f.get(k).i32(16 * (p - 1)).op('i32.mul').set(tw);
    body();
    f.get(k).i32(1).op('i32.add').tee(k).i32(l).op('i32.lt_s').brIf(0);
  });
  return f;
}

type Consts = { readonly [K in 'half' | 'r2' | 'negR2' | 'sin60' | 'c1' | 'c2' | 's1' | 's2']: Local };
type Butterfly = (f: WasmFunction, b: readonly Cx[], c: Consts) => Cx[];

const at = (b: readonly Cx[], s: number): Cx => b[s] as Cx;
const cx = (f: WasmFunction, r: Vx, i: Vx): Cx => ({ r: f.let(r), i: f.let(i) });

/** DFT4 of (a, b, c, d) as in pass4: outputs 0..3. */
function dft4(f: WasmFunction, a: Cx, b1: Cx, b2: Cx, b3: Cx): Cx[] {
  const t0 = cx(f, vadd(a.r, b2.r), vadd(a.i, b2.i));
  const t1 = cx(f, vsub(a.r, b2.r), vsub(a.i, b2.i));
  const t2 = cx(f, vadd(b1.r, b3.r), vadd(b1.i, b3.i));
  const t3 = cx(f, vsub(b1.r, b3.r), vsub(b1.i, b3.i));
  return [
    { r: vadd(t0.r, t2.r), i: vadd(t0.i, t2.i) },
    { r: vadd(t1.r, t3.i), i: vsub(t1.i, t3.r) },
    { r: vsub(t0.r, t2.r), i: vsub(t0.i, t2.i) },
    { r: vsub(t1.r, t3.i), i: vadd(t1.i, t3.r) },
  ];
}

const BUTTERFLIES: { readonly [P in Pass['p']]: Butterfly } = {
  2: (_f, b) => [
    { r: vadd(at(b, 0).r, at(b, 1).r), i: vadd(at(b, 0).i, at(b, 1).i) },
    { r: vsub(at(b, 0).r, at(b, 1).r), i: vsub(at(b, 0).i, at(b, 1).i) },
  ],
  4: (f, b) => dft4(f, at(b, 0), at(b, 1), at(b, 2), at(b, 3)),
  3: (f, b, c) => {
    const [a, b1, b2] = [at(b, 0), at(b, 1), at(b, 2)];
    const t = cx(f, vadd(b1.r, b2.r), vadd(b1.i, b2.i));
    const mm = cx(f, vsub(a.r, vmul(c.half, t.r)), vsub(a.i, vmul(c.half, t.i)));
    const d = cx(f, vmul(c.sin60, vsub(b1.r, b2.r)), vmul(c.sin60, vsub(b1.i, b2.i)));
    return [
      { r: vadd(a.r, t.r), i: vadd(a.i, t.i) },
      { r: vadd(mm.r, d.i), i: vsub(mm.i, d.r) },
      { r: vsub(mm.r, d.i), i: vadd(mm.i, d.r) },
    ];
  },
  5: (f, b, c) => {
    const [a, b1, b2, b3, b4] = [at(b, 0), at(b, 1), at(b, 2), at(b, 3), at(b, 4)];
    const t1 = cx(f, vadd(b1.r, b4.r), vadd(b1.i, b4.i));
    const t2 = cx(f, vadd(b2.r, b3.r), vadd(b2.i, b3.i));
    const t3 = cx(f, vsub(b1.r, b4.r), vsub(b1.i, b4.i));
    const t4 = cx(f, vsub(b2.r, b3.r), vsub(b2.i, b3.i));
    const m1 = cx(f, vadd(vadd(a.r, vmul(c.c1, t1.r)), vmul(c.c2, t2.r)), vadd(vadd(a.i, vmul(c.c1, t1.i)), vmul(c.c2, t2.i)));
    const m2 = cx(f, vadd(vadd(a.r, vmul(c.c2, t1.r)), vmul(c.c1, t2.r)), vadd(vadd(a.i, vmul(c.c2, t1.i)), vmul(c.c1, t2.i)));
    const n1 = cx(f, vadd(vmul(c.s1, t3.r), vmul(c.s2, t4.r)), vadd(vmul(c.s1, t3.i), vmul(c.s2, t4.i)));
    const n2 = cx(f, vsub(vmul(c.s2, t3.r), vmul(c.s1, t4.r)), vsub(vmul(c.s2, t3.i), vmul(c.s1, t4.i)));
    return [
      { r: vadd(vadd(a.r, t1.r), t2.r), i: vadd(vadd(a.i, t1.i), t2.i) },
      { r: vadd(m1.r, n1.i), i: vsub(m1.i, n1.r) },
      { r: vadd(m2.r, n2.i), i: vsub(m2.i, n2.r) },
      { r: vsub(m2.r, n2.i), i: vadd(m2.i, n2.r) },
      { r: vsub(m1.r, n1.i), i: vadd(m1.i, n1.r) },
    ];
  },
  8: (f, b, c) => {
    const e = dft4(f, at(b, 0), at(b, 2), at(b, 4), at(b, 6)).map((v) => cx(f, v.r, v.i));
    const o = dft4(f, at(b, 1), at(b, 3), at(b, 5), at(b, 7)).map((v) => cx(f, v.r, v.i));
    const [e0, e1, e2, e3] = e as [Cx, Cx, Cx, Cx];
    const [o0, o1, o2, o3] = o as [Cx, Cx, Cx, Cx];
    // W8^1·O1 = (O1r + O1i, O1i − O1r)/√2; W8^2·O2 = −i·O2; W8^3·O3 = (O3i − O3r, −O3r − O3i)/√2
    const t1 = cx(f, vmul(c.r2, vadd(o1.r, o1.i)), vmul(c.r2, vsub(o1.i, o1.r)));
    const t2: Cx = { r: o2.i, i: f.let(vneg(o2.r)) };
    const t3 = cx(f, vmul(c.r2, vsub(o3.i, o3.r)), vmul(c.negR2, vadd(o3.r, o3.i)));
    return [
      { r: vadd(e0.r, o0.r), i: vadd(e0.i, o0.i) },
      { r: vadd(e1.r, t1.r), i: vadd(e1.i, t1.i) },
      { r: vadd(e2.r, t2.r), i: vadd(e2.i, t2.i) },
      { r: vadd(e3.r, t3.r), i: vadd(e3.i, t3.i) },
      { r: vsub(e0.r, o0.r), i: vsub(e0.i, o0.i) },
      { r: vsub(e1.r, t1.r), i: vsub(e1.i, t1.i) },
      { r: vsub(e2.r, t2.r), i: vsub(e2.i, t2.i) },
      { r: vsub(e3.r, t3.r), i: vsub(e3.i, t3.i) },
    ];
  },
};
