import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../ir/index.ts';
import { readSignature, toOnnx } from '../onnx/index.ts';
import { f32, i64, zeros } from '../tensor/index.ts';
import { FeedError, SessionCreateError } from './errors.ts';
import { NullBackend } from './null-backend.ts';

function model(): Uint8Array {
  const b = new GraphBuilder();
  const x = b.input('x', [2, 3, 10]);
  const n = b.input('n', [2], 'int64');
  const y = b.mean(x, [1]); // [batch, time]
  const g = b.build({ y, k: b.add(n, n), s: b.sumAll(x) });
  return toOnnx(g, { dynamicAxes: { x: { 0: 'batch', 2: 'time' }, n: { 0: 'batch' } } });
}

test('NullBackend returns zeros of the declared shapes, symbolic dims taken from the feeds', async () => {
  const s = await new NullBackend(readSignature).createSession(model());
  assert.deepEqual(s.inputNames, ['x', 'n']);
  assert.deepEqual(s.outputNames, ['y', 'k', 's']);
  assert.equal(s.provider, 'cpu');
  const out = await s.run({ x: f32([4, 3, 7]), n: i64([4], [1, 2, 3, 4]) });
  assert.deepEqual(out['y'], zeros('float32', [4, 7]));
  assert.deepEqual(out['k'], zeros('int64', [4]));
  assert.deepEqual(out['s'], zeros('float32', []));
  const only = await s.run({ x: f32([1, 3, 2]), n: i64([1], [0]) }, { outputs: ['s'] });
  assert.deepEqual(Object.keys(only), ['s']);
});

test('NullBackend validates feeds and outputs like a real backend', async () => {
  const s = await new NullBackend(readSignature).createSession(model());
  const x = f32([2, 3, 10]);
  const n = i64([2], [0, 0]);
  await assert.rejects(s.run({ x }), (e: unknown) => e instanceof FeedError && /missing input 'n'/.test(e.message));
  await assert.rejects(s.run({ x, n, z: x }), /unknown input\(s\) 'z'/);
  await assert.rejects(s.run({ x: i64([2, 3, 10], new Array(60).fill(0)), n }), /input 'x': expected float32, got int64/);
  await assert.rejects(s.run({ x: f32([2, 4, 10]), n }), /input 'x': axis 1 must be 3/);
  await assert.rejects(s.run({ x, n: i64([3], [0, 0, 0]) }), /'batch' is 2 in another input/);
  await assert.rejects(s.run({ x, n }, { outputs: ['nope'] }), /unknown output 'nope'/);
  const pre = f32([2, 10], new Array(20).fill(7));
  const out = await s.run({ x, n }, { outputs: ['y'], preallocated: { y: pre } });
  assert.equal(out['y'], pre);
  assert.ok(pre.data.every((v) => v === 0));
  await assert.rejects(s.run({ x, n }, { outputs: ['y'], preallocated: { y: f32([2, 9]) } }), /preallocated 'y': axis 1 must be 10/);
  await assert.rejects(new NullBackend(readSignature).createSession(Uint8Array.of(1, 2, 3)), SessionCreateError);
});
