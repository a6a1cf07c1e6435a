/**
 * The ONNX Runtime (Node) backend end to end: exported graphs run in onnxruntime-node and match the
 * float64 interpreter; parameters as inputs or initializers, external data and dynamic axes give the
 * same numbers; pre-allocated outputs, provider fallback, feed errors and the registry behave.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder, type Graph, type Value } from '../../src/ir/index.ts';
import { evaluate } from '../../src/ir/interp.ts';
import { toOnnx } from '../../src/onnx/index.ts';
import { FeedError, ProviderUnavailableError, SessionCreateError, SessionRunError, resolveBackend } from '../../src/runtime/index.ts';
import { OrtNodeBackend } from '../../src/platform/node/index.ts';
import { type HostTensor, f32 } from '../../src/tensor/index.ts';
import { Rng } from '../../src/util/index.ts';
import { assertClose, type Tolerance } from './ort-compare.ts';

/** float32 ONNX Runtime against the float64 interpreter on O(1) values through a few layers. */
const TOL: Tolerance = { atol: 1e-5, rtol: 1e-4 };

const ort = new OrtNodeBackend();

function randn(rng: Rng, shape: number[], scale = 1): HostTensor<'float32'> {
  const n = shape.reduce((a, b) => a * b, 1);
  return f32(shape, Array.from({ length: n }, () => rng.normal() * scale));
}

/** A small conv net over [batch, 1, mel, time]: conv → BN → relu → depthwise conv → mean over mel → linear. */
function convNet(time: number) {
  const b = new GraphBuilder();
  const x = b.input('x', [2, 1, 8, time]);
  const rng = Rng.seeded(7);
  const weights = new Map<string, HostTensor>();
  const param = (local: string, shape: number[], scale: number): Value<'Param'> => {
    const p = b.param(local, shape, { init: { kind: 'zeros' } });
    weights.set(p.params.name, randn(rng, shape, scale));
    return p;
  };
  const y = b.scope('encoder', () => {
    const h = b.scope('stem', () => b.conv(x, param('weight', [6, 1, 3, 3], 0.5), param('bias', [6], 0.1), { pads: [1, 1, 1, 1] }));
    const bn = b.scope('bn', () => {
      const mean = b.buffer('running_mean', [6], { kind: 'zeros' });
      const v = b.buffer('running_var', [6], { kind: 'ones' });
      weights.set('encoder.bn.running_mean', randn(rng, [6], 0.1));
      weights.set('encoder.bn.running_var', f32([6], [0.5, 1, 1.5, 2, 0.8, 1.2]));
      return b.relu(b.batchNorm(h, param('weight', [6], 1), param('bias', [6], 0.1), mean, v, 1e-5));
    });
    const dw = b.scope('dw', () => b.conv(bn, param('weight', [6, 1, 3, 3], 0.5), null, { pads: [1, 1, 1, 1], strides: [2, 1], group: 6 }));
    const pooled = b.mean(dw, [2]); // [2, 6, time]
    const t = b.transpose(pooled, [0, 2, 1]); // [2, time, 6]
    return b.scope('fc', () => b.add(b.matmul(t, param('weight', [6, 4], 0.5)), param('bias', [4], 0.1)));
  });
  const g = b.build({ y, energy: b.sum(b.mul(y, y), [1, 2]) });
  return { g, weights };
}

async function runOrt(model: Uint8Array, feeds: Record<string, HostTensor>, opts = {}): Promise<Record<string, HostTensor>> {
  const s = await ort.createSession(model, opts);
  try {
    return await s.run(feeds);
  } finally {
    await s.release();
  }
}

function checkAll(g: Graph, got: Record<string, HostTensor>, want: Record<string, HostTensor>, label: string): void {
  for (const o of g.outputs) assertClose(got[o.name], want[o.name], TOL, `${label} ${o.name}`);
}

test('an exported conv net runs in onnxruntime-node and matches the interpreter', async () => {
  const { g, weights } = convNet(16);
  const x = randn(Rng.seeded(1), [2, 1, 8, 16]);
  const got = await runOrt(toOnnx(g, { weights }), { x });
  checkAll(g, got, evaluate(g, { x }, weights), 'conv net');
});

test('parameters as inputs and as initializers give the same outputs', async () => {
  const { g, weights } = convNet(16);
  const x = randn(Rng.seeded(2), [2, 1, 8, 16]);
  const asInit = await runOrt(toOnnx(g, { weights }), { x }, { optimization: 'disabled' });
  const feeds: Record<string, HostTensor> = { x, ...Object.fromEntries(weights) };
  const asInputs = await runOrt(toOnnx(g, { paramsAs: 'inputs' }), feeds, { optimization: 'disabled' });
  for (const o of g.outputs) assert.deepEqual(asInputs[o.name], asInit[o.name], o.name);
});

test('external data round trip: the same model split in two gives the same outputs', async () => {
  const { g, weights } = convNet(16);
  const x = randn(Rng.seeded(3), [2, 1, 8, 16]);
  const whole = await runOrt(toOnnx(g, { weights }), { x });
  const { model, data, location } = toOnnx(g, { weights, externalData: { threshold: 64, location: 'convnet.onnx.data' } });
  assert.ok(data.length >= 6 * 9 * 4, 'conv weights went external');
  const split = await runOrt(model, { x }, { externalData: [{ path: location, data }] });
  for (const o of g.outputs) assert.deepEqual(split[o.name], whole[o.name], o.name);
  await assert.rejects(ort.createSession(model), SessionCreateError);
});

test('dynamic batch and time axes: one export runs at several lengths, matching the interpreter at each', async () => {
  const { g, weights } = convNet(16);
  const model = toOnnx(g, { weights, dynamicAxes: { x: { 0: 'batch', 3: 'time' } } });
  const s = await ort.createSession(model);
  assert.deepEqual(s.inputs, [{ name: 'x', dtype: 'float32', shape: ['batch', 1, 8, 'time'] }]);
  assert.deepEqual(s.outputs.map((o) => o.shape), [['batch', 'time', 4], ['batch']]);
  const rng = Rng.seeded(4);
  for (const [batch, time] of [[2, 16], [1, 23], [3, 40]] as const) {
    const x = randn(rng, [batch, 1, 8, time]);
    const got = await s.run({ x });
    assert.deepEqual(got['y']?.shape, [batch, time, 4]);
    checkAll(g, got, evaluate(g, { x }, weights, { dynamicAxes: { x: [0, 3] } }), `batch ${batch} time ${time}`);
  }
  await s.release();
  await assert.rejects(s.run({ x: randn(rng, [2, 1, 8, 16]) }), SessionRunError);
});

test('Resize with sizes 0 on dynamic axes: batch and time keep their run-time extents, the fixed axis is resized', async () => {
  const b = new GraphBuilder();
  const x = b.input('x', [2, 3, 5, 4]);
  const g = b.build({ y: b.resize(x, { sizes: [0, 0, 7, 0], mode: 'cubic', coordinate: 'half_pixel', cubicA: -0.75 }) });
  const s = await ort.createSession(toOnnx(g, { dynamicAxes: { x: { 0: 'batch', 3: 'time' } } }));
  assert.deepEqual(s.outputs.map((o) => o.shape), [['batch', 3, 7, 'time']]);
  const rng = Rng.seeded(5);
  for (const [batch, time] of [[2, 4], [3, 9]] as const) {
    const xv = randn(rng, [batch, 3, 5, time]);
    const got = await s.run({ x: xv });
    assert.deepEqual(got['y']?.shape, [batch, 3, 7, time]);
    checkAll(g, got, evaluate(g, { x: xv }, new Map(), { dynamicAxes: { x: [0, 3] } }), `batch ${batch} time ${time}`);
  }
  await s.release();
});

test('pre-allocated outputs are written in place and returned; requested outputs only', async () => {
  const { g, weights } = convNet(16);
  const x = randn(Rng.seeded(5), [2, 1, 8, 16]);
  const s = await ort.createSession(toOnnx(g, { weights }), { threads: 1, optimization: 'basic' });
  const buf = f32([2, 16, 4]);
  const out = await s.run({ x }, { outputs: ['y'], preallocated: { y: buf } });
  assert.deepEqual(Object.keys(out), ['y']);
  assert.equal(out['y'], buf);
  assertClose(buf, evaluate(g, { x }, weights)['y'], TOL, 'preallocated y');
  await assert.rejects(s.run({ x }, { outputs: ['y'], preallocated: { y: f32([2, 16, 5]) } }), /preallocated 'y': axis 2 must be 4/);
  await s.release();
});

test('feeds are checked before the runtime sees them', async () => {
  const { g, weights } = convNet(16);
  const s = await ort.createSession(toOnnx(g, { weights }));
  await assert.rejects(s.run({}), (e: unknown) => e instanceof FeedError && /missing input 'x'/.test(e.message));
  await assert.rejects(s.run({ x: f32([2, 1, 8, 15]) }), /input 'x': axis 3 must be 16/);
  await s.release();
  await assert.rejects(ort.createSession(Uint8Array.of(8, 1, 2)), SessionCreateError);
});

test('WebGPU falls back to CPU only when asked, and reports why', async () => {
  const { g, weights } = convNet(16);
  const model = toOnnx(g, { weights });
  const x = randn(Rng.seeded(6), [2, 1, 8, 16]);
  const want = evaluate(g, { x }, weights);
  const s = await ort.createSession(model, { executionProviders: ['webgpu', 'cpu'] });
  if (s.provider === 'webgpu') {
    assert.deepEqual(s.fallbacks, []);
  } else {
    assert.equal(s.provider, 'cpu');
    assert.equal(s.fallbacks.length, 1);
    assert.equal(s.fallbacks[0]?.from, 'webgpu');
    assert.equal(s.fallbacks[0]?.to, 'cpu');
    assert.match(s.fallbacks[0]?.reason ?? '', /webgpu|adapter/i);
    await assert.rejects(ort.createSession(model, { executionProviders: ['webgpu'] }), (e: unknown) => e instanceof ProviderUnavailableError && e.provider === 'webgpu' && e.reason === s.fallbacks[0]?.reason);
  }
  checkAll(g, await s.run({ x }), want, `on ${s.provider}`);
  await s.release();
  await assert.rejects(ort.createSession(model, { executionProviders: ['wasm'] }), /no 'wasm' provider/);
});

test('the Node platform registers onnxruntime-node in the default registry', async () => {
  const backend = await resolveBackend(['onnxruntime-node']);
  assert.equal(backend.name, 'onnxruntime-node');
  assert.equal(await backend.available(), true);
});
