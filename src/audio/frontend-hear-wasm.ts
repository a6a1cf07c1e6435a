/**
 * A WebAssembly SIMD kernel for steps 1–2 of the HeAR front end (`hearNormalise` in frontend-hear.ts),
 * four float32 samples per f32x4: the clip's minimum and maximum (NaN-propagating, so a non-finite
 * sample shows in the range), then y = f32(f32(f32(f32(y − min)/denom)·2) − 1). WebAssembly float32 arithmetic rounds each operation
 * exactly like Math.fround of the float64 operation on float32 inputs, so results are bit-identical to
 * `hearNormalise` (a minimum of −0 instead of +0 cannot change any output: y − (±0) differs only in
 * the sign of a zero, which the division, doubling and subtraction of 1 remove).
 */
import { assembleModule, WasmFunction } from './wasm-emit.ts';

export interface HearNormaliseKernel {
  /** The clip area: write the clip, zero-padded to n samples, then call `range` and `scale`. */
  readonly clip: Float32Array;
  /** [min, max] of the clip area; NaN or ±Infinity when the clip holds a non-finite sample. */
  range(): [number, number];
  /** clip ← f32(f32(f32(f32(clip − lo)/denom)·2) − 1), lo and denom float32 values. */
  scale(lo: number, denom: number): void;
}

export function buildHearNormaliseKernel(n: number): HearNormaliseKernel | null {
  if (n % 4 !== 0 || n < 4) return null;
  const DATA = 32;
  const bytes = DATA + 4 * n;
  const minmax = new WasmFunction([], []);
  {
    const f = minmax;
    const p = f.local('i32');
    const end = f.local('i32');
    const lo = f.local('v128');
    const hi = f.local('v128');
    f.i32(0).mem('v128.load', DATA).tee(lo).set(hi);
    f.i32(4 * n).set(end);
    f.forRange(p, () => f.i32(16), end, 16, () => {
      const v = f.load(p, DATA);
      f.get(lo).get(v).simd('f32x4.min').set(lo);
      f.get(hi).get(v).simd('f32x4.max').set(hi);
    });
    f.i32(0).get(lo).mem('v128.store', 0);
    f.i32(0).get(hi).mem('v128.store', 16);
  }
  const scale = new WasmFunction(['f64', 'f64'], []);
  {
    const f = scale;
    const splat = (v: () => void): ReturnType<typeof f.local> => {
      const l = f.local('v128');
      v();
      f.op('f32.demote_f64').simd('f32x4.splat').set(l);
      return l;
    };
    const lo = splat(() => f.get(f.param(0)));
    const denom = splat(() => f.get(f.param(1)));
    const two = splat(() => f.f64(2));
    const one = splat(() => f.f64(1));
    const p = f.local('i32');
    const end = f.local('i32');
    f.i32(4 * n).set(end);
    f.forRange(p, () => f.i32(0), end, 16, () => {
      f.get(p).get(p).mem('v128.load', DATA).get(lo).simd('f32x4.sub').get(denom).simd('f32x4.div');
      f.get(two).simd('f32x4.mul').get(one).simd('f32x4.sub').mem('v128.store', DATA);
    });
  }
  const module = assembleModule(Math.ceil(bytes / 65536), [
    { name: 'minmax', fn: minmax },
    { name: 'scale', fn: scale },
  ]);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(module), {});
  const mem = (instance.exports['memory'] as WebAssembly.Memory).buffer;
  const lanes = new Float32Array(mem, 0, 8);
  const runMinmax = instance.exports['minmax'] as () => void;
  return {
    clip: new Float32Array(mem, DATA, n),
    range(): [number, number] {
      runMinmax();
      return [
        Math.min(lanes[0] as number, lanes[1] as number, lanes[2] as number, lanes[3] as number),
        Math.max(lanes[4] as number, lanes[5] as number, lanes[6] as number, lanes[7] as number),
      ];
    },
    scale: instance.exports['scale'] as (lo: number, denom: number) => void,
  };
}
