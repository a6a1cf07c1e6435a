import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseNpz, serializeNpz } from './npz.ts';
import { CheckpointError } from './checkpoint-error.ts';
import { type HostTensor, tensor, toFloat64 } from './host.ts';
import { writeZip } from './zip.ts';

const DIR = 'test/fixtures/golden/torch-formats/';

/** Expected contents of arrays.npz (see make_torch_formats.py). */
const EXPECTED: Record<string, [string, number[], number[]]> = {
  f32: ['float32', [2, 3], [0, 0.25, 0.5, 0.75, 1, 1.25]],
  f64: ['float64', [3], [1e-300, -2.5, 1e300]],
  f16: ['float16', [3], [0.5, -1.25, 65504]],
  i64: ['int64', [2], [-(2 ** 40), 2 ** 53 - 1]],
  i32: ['int32', [2], [-7, 7]],
  i16: ['int16', [2], [-300, 300]],
  i8: ['int8', [2], [-128, 127]],
  u8: ['uint8', [2], [0, 255]],
  bool: ['bool', [2], [1, 0]],
  fortran: ['float32', [2, 3], [0, 1, 2, 3, 4, 5]],
  scalar: ['float32', [], [3.5]],
  'nested/name': ['int64', [3], [1, 2, 3]],
};

for (const file of ['arrays.npz', 'arrays_compressed.npz']) {
  test(`reads numpy's ${file} (${file.includes('compressed') ? 'deflated' : 'stored'} entries)`, () => {
    const arrays = parseNpz(new Uint8Array(readFileSync(DIR + file)), file);
    assert.deepEqual([...arrays.keys()], Object.keys(EXPECTED));
    for (const [k, [dtype, shape, values]] of Object.entries(EXPECTED)) {
      const t = arrays.get(k) as HostTensor;
      assert.equal(t.dtype, dtype, k);
      assert.deepEqual(t.shape, shape, k);
      assert.deepEqual([...toFloat64(t)], values, k);
    }
  });
}

test('write then read, stored and deflated, is bit-exact and keeps order', () => {
  const src = new Map<string, HostTensor>([
    ['w', tensor('float32', [2, 2], Float32Array.of(1.5, -2, 1e-40, 3))],
    ['idx', tensor('int64', [3], BigInt64Array.of(-1n, 0n, 2n ** 60n))],
    ['flag', tensor('bool', [], Uint8Array.of(1))],
    ['sub/half', tensor('float16', [1], Uint16Array.of(0x3555))],
  ]);
  for (const compress of [false, true]) {
    const bytes = serializeNpz(src, { compress });
    const back = parseNpz(bytes, 'rt.npz');
    assert.deepEqual([...back.keys()], [...src.keys()]);
    for (const [k, t] of src) {
      const r = back.get(k) as HostTensor;
      assert.equal(r.dtype, t.dtype);
      assert.deepEqual(r.shape, t.shape);
      assert.deepEqual(new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength), new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    }
    assert.deepEqual(serializeNpz(src, { compress }), bytes, 'output is deterministic');
  }
});

test('corrupt archives fail with CheckpointError', () => {
  const good = new Uint8Array(readFileSync(DIR + 'arrays_compressed.npz'));
  assert.throws(() => parseNpz(good.subarray(0, good.length - 30), 'cut.npz'), (e: unknown) => e instanceof CheckpointError && /cut\.npz: corrupt or truncated zip/.test(e.message));
  const notNpz = writeZip(new Map([['a.txt', Uint8Array.of(1)]]), false);
  assert.throws(() => parseNpz(notNpz, 'x.npz'), /entry 'a.txt' is not a .npy array/);
  const badNpy = writeZip(new Map([['a.npy', Uint8Array.of(1, 2, 3)]]), false);
  assert.throws(() => parseNpz(badNpy, 'y.npz'), /y\.npz: entry 'a\.npy': not a \.npy file/);
  assert.throws(() => serializeNpz([['bf', tensor('bfloat16', [1], Uint16Array.of(1))]]), /cannot write dtype bfloat16/);
});
