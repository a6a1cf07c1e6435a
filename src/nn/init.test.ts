import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../ir/index.ts';
import { f32, toFloat64, type HostTensor } from '../tensor/index.ts';
import { Rng } from '../util/index.ts';
import { initWeights, initTensor, kaimingUniformInit, truncNormalInit, xavierUniformInit, InitError } from './init.ts';
import { linear } from './linear.ts';
import { batchNorm } from './batch-norm.ts';

function build(extra: boolean) {
  const b = new GraphBuilder();
  let x = linear(b, 'fc1', b.input('x', [2, 64]), { inFeatures: 64, outFeatures: 32, bias: true });
  if (extra) x = linear(b, 'extra', x, { inFeatures: 32, outFeatures: 32, bias: true });
  x = batchNorm(b, 'bn', x, { numFeatures: 32, eps: 1e-5, momentum: 0.1, affine: true, mode: 'eval' });
  return b.build({ y: x });
}

test('initWeights: every parameter, right dtypes, PyTorch bounds, constant inits', () => {
  const g = build(false);
  const w = initWeights(g, Rng.seeded(1));
  assert.deepEqual([...w.keys()], g.params.map((p) => p.params.name));
  const fc = toFloat64(w.get('fc1.weight') as HostTensor);
  const bound = 1 / 8;
  assert.ok(fc.every((v) => v >= -bound && v < bound));
  assert.ok(Math.max(...fc) > 0.9 * bound && Math.min(...fc) < -0.9 * bound, 'fills the range');
  const mean = fc.reduce((a, b) => a + b, 0) / fc.length;
  assert.ok(Math.abs(mean) < 0.01);
  assert.deepEqual([...toFloat64(w.get('bn.weight') as HostTensor)], new Array(32).fill(1));
  assert.deepEqual([...toFloat64(w.get('bn.running_mean') as HostTensor)], new Array(32).fill(0));
  const nbt = w.get('bn.num_batches_tracked') as HostTensor<'int64'>;
  assert.equal(nbt.dtype, 'int64');
  assert.deepEqual([...nbt.data], [0n]);
});

test('initWeights is deterministic and per-parameter streams are independent of other parameters', () => {
  const a = initWeights(build(false), Rng.seeded(5));
  const b = initWeights(build(true), Rng.seeded(5));
  const c = initWeights(build(false), Rng.seeded(6));
  assert.deepEqual(a.get('fc1.weight'), b.get('fc1.weight'));
  assert.deepEqual(a.get('fc1.bias'), b.get('fc1.bias'));
  assert.notDeepEqual(a.get('fc1.weight'), c.get('fc1.weight'));
  assert.notDeepEqual((a.get('fc1.weight') as HostTensor).data.slice(0, 32), (a.get('fc1.bias') as HostTensor).data);
});

test('distributions: truncated normal stays within ±2σ with σ ≈ 0.88·std; xavier bound', () => {
  const t = toFloat64(initTensor(truncNormalInit(0.02), [20000], 'float32', Rng.seeded(3)));
  assert.ok(t.every((v) => Math.abs(v) <= 0.04 + 1e-9));
  const sd = Math.sqrt(t.reduce((a, v) => a + v * v, 0) / t.length);
  assert.ok(Math.abs(sd / 0.02 - 0.8796) < 0.02, `sd ratio ${sd / 0.02}`); // std of N(0,1) truncated to ±2
  assert.deepEqual(xavierUniformInit(10, 20), { kind: 'uniform', low: -Math.sqrt(0.2), high: Math.sqrt(0.2) });
  assert.deepEqual(kaimingUniformInit(16), { kind: 'uniform', low: -0.25, high: 0.25 });
  const n = toFloat64(initTensor({ kind: 'normal', mean: 3, std: 2 }, [20000], 'float32', Rng.seeded(4)));
  const m = n.reduce((a, v) => a + v, 0) / n.length;
  assert.ok(Math.abs(m - 3) < 0.05);
});

test("'tensor' inits are copied; 'external' parameters are refused together", () => {
  const b = new GraphBuilder();
  b.param('table', [2], { init: { kind: 'tensor', value: f32([2], [0.5, -1]) } });
  b.param('a', [1], { init: { kind: 'external' } });
  b.param('b', [1], { init: { kind: 'external' } });
  const g = b.build({ y: b.input('x', [1]) });
  assert.throws(() => initWeights(g, Rng.seeded(0)), (e: unknown) => e instanceof InitError && /2 parameter\(s\) must come from a checkpoint \(init 'external'\): a, b/.test(e.message));
  assert.deepEqual([...toFloat64(initTensor({ kind: 'tensor', value: f32([2], [0.5, -1]) }, [2], 'float32', Rng.seeded(0)))], [0.5, -1]);
  assert.throws(() => initTensor({ kind: 'normal', mean: 0, std: 1 }, [1], 'int64', Rng.seeded(0)), /int64 parameters take an integer constant init/);
});
