import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import { GraphBuilder } from '../ir/index.ts';
import { type HostTensor, f32, i64, tensor } from '../tensor/index.ts';
import { OnnxExportError, OnnxReadError } from './errors.ts';
import { toOnnx } from './lower.ts';
import { ONNX_IR_VERSION, ONNX_OPSET } from './opset.ts';
import { readOnnx, readSignature } from './read.ts';

function model() {
  const b = new GraphBuilder();
  const x = b.input('x', [2, 64]);
  const idx = b.input('idx', [3], 'int64');
  const big = b.param('big', [64, 64], { init: { kind: 'zeros' } });
  const small = b.param('small', [64], { init: { kind: 'zeros' } });
  const table = b.buffer('table', [5], { kind: 'zeros' }, 'int64');
  const mask = b.const(tensor('bool', [2, 1], Uint8Array.of(1, 0)));
  const h = b.add(b.matmul(x, big), small);
  const g = b.build({ y: b.where(mask, h, 0), picked: b.gather(table, idx, 0) });
  const weights = new Map<string, HostTensor>([
    ['big', f32([64, 64], Array.from({ length: 4096 }, (_, i) => Math.sin(i)))],
    ['small', f32([64], Array.from({ length: 64 }, (_, i) => -i))],
    ['table', i64([5], [-(2n ** 62n), -1, 0, 1, 2n ** 62n])],
  ]);
  return { g, weights };
}

test('a model reads back: versions, signature, ops, metadata and bit-exact initializers', () => {
  const { g, weights } = model();
  const bytes = toOnnx(g, { weights, name: 'demo', metadata: { run: 'abc123' } });
  const info = readOnnx(bytes);
  assert.equal(info.irVersion, ONNX_IR_VERSION);
  assert.deepEqual(info.opsets, [{ domain: '', version: ONNX_OPSET }]);
  assert.equal(info.producer, 'pneuma');
  assert.equal(info.graphName, 'demo');
  assert.deepEqual(info.metadata, { run: 'abc123' });
  assert.deepEqual(info.inputs, [{ name: 'x', dtype: 'float32', shape: [2, 64] }, { name: 'idx', dtype: 'int64', shape: [3] }]);
  assert.deepEqual(info.outputs, [{ name: 'y', dtype: 'float32', shape: [2, 64] }, { name: 'picked', dtype: 'int64', shape: [3] }]);
  assert.deepEqual(info.ops, ['MatMul', 'Add', 'Where', 'Gather']);
  for (const [k, w] of weights) assert.deepEqual(info.initializers.get(k), w, k);
  const mask = [...info.initializers.values()].find((t) => t.dtype === 'bool');
  assert.deepEqual(mask, tensor('bool', [2, 1], Uint8Array.of(1, 0)));
  assert.deepEqual(readSignature(bytes), { inputs: info.inputs, outputs: info.outputs });
  // The spliced encoding is valid protobuf: a full decode and re-encode has the same size.
  assert.equal(toBinary(ModelProtoSchema, fromBinary(ModelProtoSchema, bytes)).length, bytes.length);
});

test('external data: large initializers move to an aligned blob and read back', () => {
  const { g, weights } = model();
  const { model: bytes, data, location } = toOnnx(g, { weights, externalData: { threshold: 1024, location: 'w.bin' } });
  assert.equal(location, 'w.bin');
  const m = fromBinary(ModelProtoSchema, bytes);
  const ext = (m.graph?.initializer ?? []).filter((t) => t.externalData.length > 0);
  assert.deepEqual(ext.map((t) => t.name), ['big']); // 16 KiB; 'small' is 256 B
  const entries = new Map(ext[0]?.externalData.map((e) => [e.key, e.value]));
  assert.equal(entries.get('location'), 'w.bin');
  assert.equal(Number(entries.get('offset')) % 64, 0);
  assert.equal(Number(entries.get('length')), 64 * 64 * 4);
  assert.equal(data.length, 64 * 64 * 4);
  const info = readOnnx(bytes, { externalData: new Map([['w.bin', data]]) });
  for (const [k, w] of weights) assert.deepEqual(info.initializers.get(k), w, k);
  assert.throws(() => readOnnx(bytes), (e: unknown) => e instanceof OnnxReadError && /'big'.*'w\.bin' was not supplied/.test(e.message));
  assert.throws(() => toOnnx(g, { weights, externalData: { threshold: -1 } }), OnnxExportError);
});

test('bytes that are not a model are rejected with a typed error', () => {
  assert.throws(() => readOnnx(Uint8Array.of(0xff, 0xff, 0xff)), OnnxReadError);
});
