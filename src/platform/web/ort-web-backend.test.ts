/**
 * The onnxruntime-web backend, run in Node on onnxruntime-web's own Node build (the same WebAssembly runtime
 * the browser loads): outputs match the float64 interpreter and onnxruntime-node; pre-allocated outputs,
 * feed checks, the explicit WebGPU fallback, the thread rule and `EncoderModel.fromOnnx` behave. The browser
 * itself is covered by test/browser/demo.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder, type Value } from '../../ir/index.ts';
import { evaluate } from '../../ir/interp.ts';
import { toOnnx } from '../../onnx/index.ts';
import { FeedError, ProviderUnavailableError, SessionCreateError, SessionRunError } from '../../runtime/index.ts';
import { type HostTensor, f32 } from '../../tensor/index.ts';
import { Rng } from '../../util/index.ts';
import { EmbedConfigError, EncoderModel, encoderGraph, encoderOnnx, randomEncoderWeights, resolveEncoder, resolveModelConfig } from '../../embed/index.ts';
import { OrtNodeBackend } from '../node/ort-backend.ts';
import { OrtWebBackend } from './ort-web-backend.ts';

const web = new OrtWebBackend({ threads: 1 });

function randn(rng: Rng, shape: number[], scale = 1): HostTensor<'float32'> {
  const n = shape.reduce((a, b) => a * b, 1);
  return f32(shape, Array.from({ length: n }, () => rng.normal() * scale));
}

/** conv → relu → mean over rows → linear, with a dynamic time axis; outputs y [2, T, 3] and its energy [2]. */
function smallNet() {
  const b = new GraphBuilder();
  const x = b.input('x', [2, 1, 6, 10]);
  const rng = Rng.seeded(11);
  const weights = new Map<string, HostTensor>();
  const param = (local: string, shape: number[], scale: number): Value<'Param'> => {
    const p = b.param(local, shape, { init: { kind: 'zeros' } });
    weights.set(p.params.name, randn(rng, shape, scale));
    return p;
  };
  const y = b.scope('net', () => {
    const h = b.scope('conv', () => b.relu(b.conv(x, param('weight', [4, 1, 3, 3], 0.5), param('bias', [4], 0.1), { pads: [1, 1, 1, 1] })));
    const t = b.transpose(b.mean(h, [2]), [0, 2, 1]);
    return b.scope('fc', () => b.add(b.matmul(t, param('weight', [4, 3], 0.5)), param('bias', [3], 0.1)));
  });
  const g = b.build({ y, energy: b.sum(b.mul(y, y), [1, 2]) });
  return { g, weights, model: toOnnx(g, { weights, dynamicAxes: { x: { 3: 'time' } } }) };
}

function maxAbs(a: HostTensor | undefined, e: HostTensor | undefined): number {
  assert.ok(a && e);
  assert.deepEqual(a.shape, e.shape);
  let m = 0;
  for (let i = 0; i < e.data.length; i++) m = Math.max(m, Math.abs(Number(a.data[i]) - Number(e.data[i])));
  return m;
}

test('a session on the wasm provider matches the interpreter and onnxruntime-node, at two lengths', async () => {
  const { g, weights, model } = smallNet();
  const s = await web.createSession(model);
  const node = await new OrtNodeBackend().createSession(model, { threads: 1 });
  assert.equal(s.provider, 'wasm');
  assert.deepEqual(s.fallbacks, []);
  assert.deepEqual(s.inputs, [{ name: 'x', dtype: 'float32', shape: [2, 1, 6, 'time'] }]);
  assert.deepEqual(s.outputNames, ['y', 'energy']);
  const rng = Rng.seeded(3);
  for (const time of [10, 17]) {
    const x = randn(rng, [2, 1, 6, time]);
    const got = await s.run({ x });
    const want = evaluate(g, { x }, weights, { dynamicAxes: { x: [3] } });
    const fromNode = await node.run({ x });
    for (const name of ['y', 'energy']) {
      assert.ok(maxAbs(got[name], want[name]) < 1e-4, `${name} at T=${time} vs interpreter`);
      assert.ok(maxAbs(got[name], fromNode[name]) < 1e-5, `${name} at T=${time} vs onnxruntime-node`);
    }
  }
  await node.release();
  await s.release();
  await assert.rejects(s.run({ x: randn(rng, [2, 1, 6, 10]) }), SessionRunError);
});

test('requested outputs only; pre-allocated buffers are filled and returned; feeds are checked first', async () => {
  const { g, weights, model } = smallNet();
  const s = await web.createSession(model, { optimization: 'basic' });
  const x = randn(Rng.seeded(4), [2, 1, 6, 10]);
  const buf = f32([2, 10, 3]);
  const out = await s.run({ x }, { outputs: ['y'], preallocated: { y: buf } });
  assert.deepEqual(Object.keys(out), ['y']);
  assert.equal(out['y'], buf);
  assert.ok(maxAbs(buf, evaluate(g, { x }, weights)['y']) < 1e-4);
  await assert.rejects(s.run({ x }, { outputs: ['y'], preallocated: { y: f32([2, 10, 4]) } }), /preallocated 'y': axis 2 must be 3/);
  await assert.rejects(s.run({}), (e: unknown) => e instanceof FeedError && /missing input 'x'/.test(e.message));
  await assert.rejects(s.run({ x: f32([2, 1, 5, 10]) }), /input 'x': axis 2 must be 6/);
  await s.release();
  await assert.rejects(web.createSession(Uint8Array.of(8, 1, 2)), SessionCreateError);
});

test('WebGPU without an adapter falls back only when asked, and says why; unknown providers are refused', async () => {
  const { model } = smallNet();
  const s = await web.createSession(model, { executionProviders: ['webgpu', 'wasm'] });
  assert.equal(s.provider, 'wasm');
  assert.deepEqual(s.fallbacks.map((f) => [f.from, f.to]), [['webgpu', 'wasm']]);
  assert.match(s.fallbacks[0]?.reason ?? '', /navigator\.gpu/);
  await s.release();
  await assert.rejects(web.createSession(model, { executionProviders: ['webgpu'] }), (e: unknown) => e instanceof ProviderUnavailableError && e.provider === 'webgpu' && /navigator\.gpu/.test(e.reason));
  await assert.rejects(web.createSession(model, { executionProviders: ['cpu'] }), /no 'cpu' provider \(it offers wasm, webgpu\)/);
  await assert.rejects(web.createSession(model, { executionProviders: [] }), /executionProviders is empty/);
});

test('the thread count is fixed by the first session; another count later is refused', async () => {
  const { model } = smallNet();
  const s = await web.createSession(model, { threads: 1 });
  await s.release();
  await assert.rejects(web.createSession(model, { threads: 2 }), /threads 2 asked for, but the WebAssembly runtime was started with 1/);
  const info = await web.runtimeInfo();
  assert.equal(info.version, '1.30.0');
  assert.equal(info.threadsRequested, 1);
  assert.equal(info.threads, 1);
});

test('EncoderModel.fromOnnx runs bytes exported for the spec as compile() does, and refuses bytes of another spec', async () => {
  const def = resolveEncoder('efficientat-mn04');
  const cfg = resolveModelConfig(def, undefined, 'tiny');
  const weights = randomEncoderWeights(def, cfg, 5);
  const spec = { def, cfg, pooling: 'default' as const, output: 'logits' };
  const bytes = encoderOnnx(encoderGraph(spec), def, cfg, weights);
  const loaded = await EncoderModel.fromOnnx(spec, bytes, { backend: web });
  const compiled = await EncoderModel.compile(spec, weights, { backend: new OrtNodeBackend(), session: { threads: 1 } });
  assert.equal(loaded.dim, 10);
  const melSpec = randn(Rng.seeded(8), [128, 40]);
  const a = await loaded.embedSpectrogram(melSpec);
  const b = await compiled.embedSpectrogram(melSpec);
  assert.equal(a.embedding.length, 10);
  assert.ok(maxAbs(f32([10], a.embedding), f32([10], b.embedding)) < 1e-5);
  await loaded.release();
  await compiled.release();

  const { model: other } = smallNet();
  await assert.rejects(EncoderModel.fromOnnx(spec, other, { backend: web }), (e: unknown) => e instanceof EmbedConfigError && /does not fit the encoder: output 'embedding' should be float32 of rank 2, it is absent/.test(e.message));
});
