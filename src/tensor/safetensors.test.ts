import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseSafetensors, serializeSafetensors } from './safetensors.ts';
import { CheckpointError } from './checkpoint-error.ts';
import { type HostTensor, tensor } from './host.ts';

const HEAR = '../shared/fixtures/models/hear_vit/model.safetensors';

function sample(): Map<string, HostTensor> {
  return new Map<string, HostTensor>([
    ['b.f32', tensor('float32', [2, 3], Float32Array.of(1, -2, 3.5, 1e-30, -0, Infinity))],
    ['a.f64', tensor('float64', [2], Float64Array.of(Math.PI, -1e300))],
    ['f16', tensor('float16', [3], Uint16Array.of(0x3c00, 0xc000, 0x7bff))],
    ['bf16', tensor('bfloat16', [1, 2], Uint16Array.of(0x3f80, 0x4049))],
    ['i64', tensor('int64', [2], BigInt64Array.of(-(2n ** 62n), 7n))],
    ['i32', tensor('int32', [], Int32Array.of(-5))],
    ['i16', tensor('int16', [2], Int16Array.of(-32768, 32767))],
    ['i8', tensor('int8', [3], Int8Array.of(-128, 0, 127))],
    ['u8', tensor('uint8', [1], Uint8Array.of(255))],
    ['bool', tensor('bool', [4], Uint8Array.of(1, 0, 0, 1))],
    ['empty', tensor('float32', [0, 4], new Float32Array(0))],
  ]);
}

function header(bytes: Uint8Array): { n: number; json: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }> } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { n, json: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) };
}

/** A file with the given header object and data length (for malformed-header cases). */
function craft(h: unknown, dataLen: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(h));
  const out = new Uint8Array(8 + json.length + dataLen);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

test('round trip of every dtype with metadata is bit-exact', () => {
  const src = sample();
  const bytes = serializeSafetensors(src, { format: 'pt', note: 'ünï' });
  const { tensors, metadata } = parseSafetensors(bytes, 'rt');
  assert.deepEqual(metadata, { format: 'pt', note: 'ünï' });
  assert.deepEqual([...tensors.keys()].sort(), [...src.keys()].sort());
  for (const [k, t] of src) {
    const r = tensors.get(k) as HostTensor;
    assert.equal(r.dtype, t.dtype, k);
    assert.deepEqual(r.shape, t.shape, k);
    assert.deepEqual(new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength), new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), k);
  }
});

test('writer pads the header to 8 bytes and aligns every tensor to its element size', () => {
  const bytes = serializeSafetensors(sample());
  const { n, json } = header(bytes);
  assert.equal(n % 8, 0);
  const sizes: Record<string, number> = { F64: 8, I64: 8, F32: 4, I32: 4, F16: 2, BF16: 2, I16: 2, I8: 1, U8: 1, BOOL: 1 };
  let prev = Infinity;
  for (const [, e] of Object.entries(json)) {
    const es = sizes[e.dtype] as number;
    assert.equal((8 + n + e.data_offsets[0]) % es, 0);
    assert.ok(es <= prev, 'laid out by element size, largest first');
    prev = es;
  }
});

test('reads the HeAR fixture safetensors: 40 float32 tensors, format metadata', () => {
  const { tensors, metadata } = parseSafetensors(new Uint8Array(readFileSync(HEAR)), HEAR);
  assert.equal(tensors.size, 40);
  assert.deepEqual(metadata, { format: 'pt' });
  const pos = tensors.get('embeddings.position_embeddings') as HostTensor;
  assert.deepEqual(pos.shape, [1, 97, 64]);
  assert.ok([...tensors.values()].every((t) => t.dtype === 'float32'));
});

test('malformed files fail with CheckpointError naming the problem', () => {
  const good = serializeSafetensors(sample());
  const cases: [string, Uint8Array, RegExp][] = [
    ['too short', good.subarray(0, 5), /too short/],
    ['truncated data', good.subarray(0, good.length - 1), /truncated/],
    ['truncated header', good.subarray(0, 20), /runs past the end/],
    ['trailing bytes', Uint8Array.from([...good, 0]), /trailing/],
    ['huge header length', Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x7b, 0x7d]), /exceeds/],
    ['not json', craft('x', 0).fill(0x7b, 8), /UTF-8 JSON/],
    ['array header', craft([1], 0), /does not start with/],
    ['entry not an object', craft({ a: 1 }, 0), /entry 'a' is not an object/],
    ['bad dtype', craft({ a: { dtype: 'F8_E4M3', shape: [1], data_offsets: [0, 1] } }, 1), /unsupported dtype 'F8_E4M3'/],
    ['bad shape', craft({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, 4), /bad shape/],
    ['size mismatch', craft({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, 4), /needs 8 bytes/],
    ['overlap', craft({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, 8), /overlaps/],
    ['gap', craft({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, 8), /gap/],
    ['offsets reversed', craft({ a: { dtype: 'U8', shape: [0], data_offsets: [4, 0] } }, 4), /ending before/],
    ['metadata not strings', craft({ __metadata__: { a: 1 } }, 0), /not a string/],
  ];
  for (const [what, bytes, re] of cases) {
    assert.throws(() => parseSafetensors(bytes, 'bad.safetensors'), (e: unknown) => e instanceof CheckpointError && re.test(e.message) && e.message.startsWith('bad.safetensors: '), what);
  }
});

test('writer refuses duplicate and reserved names', () => {
  const t = tensor('float32', [1], Float32Array.of(1));
  assert.throws(() => serializeSafetensors([['a', t], ['a', t]]), /given twice/);
  assert.throws(() => serializeSafetensors([['__metadata__', t]]), /invalid tensor name/);
});

test('parseSafetensors copies tensor data out of a Node Buffer (whose slice() is a view)', () => {
  const t = tensor('float32', [3], Float32Array.of(1.5, -2, 3.25));
  const bytes = serializeSafetensors(new Map([['w', t]]));
  const buf = Buffer.alloc(bytes.length + 3);
  buf.set(bytes, 3);
  const parsed = parseSafetensors(buf.subarray(3), 'buffer.safetensors');
  assert.deepEqual([...(parsed.tensors.get('w')?.data as Float32Array)], [1.5, -2, 3.25]);
});
