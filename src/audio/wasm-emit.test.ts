import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assembleModule, sleb, uleb, vadd, vmul, vsub, WasmFunction } from './wasm-emit.ts';
import { FrontEndError } from './frontend-errors.ts';

const enc = (f: (out: number[], v: number) => void, v: number): number[] => {
  const out: number[] = [];
  f(out, v);
  return out;
};

test('LEB128 encodings (WebAssembly spec §5.2.2 examples and edges)', () => {
  assert.deepEqual(enc(uleb, 0), [0x00]);
  assert.deepEqual(enc(uleb, 127), [0x7f]);
  assert.deepEqual(enc(uleb, 128), [0x80, 0x01]);
  assert.deepEqual(enc(uleb, 624485), [0xe5, 0x8e, 0x26]);
  assert.deepEqual(enc(uleb, 0xffffffff), [0xff, 0xff, 0xff, 0xff, 0x0f]);
  assert.deepEqual(enc(sleb, 0), [0x00]);
  assert.deepEqual(enc(sleb, -1), [0x7f]);
  assert.deepEqual(enc(sleb, 63), [0x3f]);
  assert.deepEqual(enc(sleb, 64), [0xc0, 0x00]);
  assert.deepEqual(enc(sleb, -64), [0x40]);
  assert.deepEqual(enc(sleb, -65), [0xbf, 0x7f]);
  assert.deepEqual(enc(sleb, -123456), [0xc0, 0xbb, 0x78]);
  assert.deepEqual(enc(sleb, -0x80000000), [0x80, 0x80, 0x80, 0x80, 0x78]);
  assert.throws(() => enc(uleb, -1), FrontEndError);
  assert.throws(() => enc(uleb, 2 ** 32), FrontEndError);
  assert.throws(() => enc(sleb, 2 ** 31), FrontEndError);
  assert.throws(() => enc(sleb, 0.5), FrontEndError);
});

test('an assembled module validates and computes: f64x2 expressions, lanes, loops, scalar and integer ops', () => {
  // combine(n): for i < n: out[i] = (a[i] + b[i])·a[i] − b[i] lane-wise; also writes Σ i and lane 1 of out[0]
  const f = new WasmFunction(['i32'], ['f64']);
  const n = f.param(0);
  const p = f.local('i32');
  const end = f.local('i32');
  const sum = f.local('i32');
  f.get(n).i32(16).op('i32.mul').set(end);
  f.i32(0).set(sum);
  f.forRange(p, () => f.i32(0), end, 16, () => {
    const a = f.load(p, 0);
    const b = f.load(p, 256);
    f.store(p, 512, vsub(vmul(vadd(a, b), a), b));
    f.get(sum).get(p).op('i32.add').set(sum);
  });
  f.i32(1024).get(sum).mem('i32.store', 0);
  f.i32(0).mem('v128.load', 512).lane('extract', 1);
  const ident = new WasmFunction(['f64'], ['f64']);
  ident.get(ident.param(0)).simd('f64x2.splat').lane('extract', 0).f64(-2.5).op('f64.mul');
  const bytes = assembleModule(1, [
    { name: 'combine', fn: f },
    { name: 'scale', fn: ident },
  ]);
  assert.ok(WebAssembly.validate(bytes));
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
  const mem = new Float64Array((inst.exports['memory'] as WebAssembly.Memory).buffer);
  for (let i = 0; i < 8; i++) {
    mem[i] = i + 0.25;
    mem[32 + i] = 3 - i * 0.5;
  }
  const combine = inst.exports['combine'] as (n: number) => number;
  const lane1 = combine(4);
  for (let i = 0; i < 8; i++) {
    const a = i + 0.25;
    const b = 3 - i * 0.5;
    assert.equal(mem[64 + i], (a + b) * a - b);
  }
  assert.equal(lane1, mem[65]);
  assert.equal(new Int32Array(mem.buffer)[256], 0 + 16 + 32 + 48);
  assert.equal(combine(0), mem[65], 'an empty range runs no iteration');
  assert.equal((inst.exports['scale'] as (x: number) => number)(4), -10);
});

test('invalid code is refused by the host, not silently assembled', () => {
  const f = new WasmFunction([], ['f64']);
  f.i32(1);
  const bytes = assembleModule(1, [{ name: 'bad', fn: f }]);
  assert.equal(WebAssembly.validate(bytes), false);
  assert.throws(() => new WebAssembly.Module(bytes), WebAssembly.CompileError);
});
