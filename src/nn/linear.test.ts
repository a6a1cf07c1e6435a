import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../ir/index.ts';
import { evaluate } from '../ir/interp.ts';
import { f32 } from '../tensor/index.ts';
import { linear } from './linear.ts';
import { xavierUniformInit } from './init.ts';
import { mlp } from './mlp.ts';
import { assertClose, golden, goldenWeights } from '../../test/fixtures/golden/nn/golden.ts';

test('linear: parameter names, shapes and PyTorch default init bounds', () => {
  const b = new GraphBuilder();
  const x = b.input('x', [2, 7]);
  const y = b.scope('head', () => linear(b, 'fc', x, { inFeatures: 7, outFeatures: 3, bias: true }));
  const g = b.build({ y });
  assert.deepEqual(g.params.map((p) => [p.params.name, p.shape]), [['head.fc.weight', [3, 7]], ['head.fc.bias', [3]]]);
  assert.deepEqual(g.params[0]?.params.init, { kind: 'uniform', low: -1 / Math.sqrt(7), high: 1 / Math.sqrt(7) });
  assert.deepEqual(y.shape, [2, 3]);
  const xb = new GraphBuilder();
  linear(xb, 'qkv', xb.input('x', [1, 4]), { inFeatures: 4, outFeatures: 12, bias: true, init: { weight: xavierUniformInit, bias: { kind: 'zeros' } } });
  const xg = xb.build({ y: xb.input('unused', [1]) });
  assert.deepEqual(xg.params.map((p) => p.params.init), [{ kind: 'uniform', low: -Math.sqrt(6 / 16), high: Math.sqrt(6 / 16) }, { kind: 'zeros' }]);
  const nb = new GraphBuilder();
  assert.throws(() => linear(nb, 'fc', nb.input('x', [2, 6]), { inFeatures: 7, outFeatures: 3, bias: false }), /linear 'fc': expects last dimension 7/);
});

test('linear: y = x·Wᵀ + b by hand', () => {
  const b = new GraphBuilder();
  const y = linear(b, 'l', b.input('x', [1, 2]), { inFeatures: 2, outFeatures: 2, bias: true });
  const g = b.build({ y });
  const w = new Map([['l.weight', f32([2, 2], [1, 2, 3, 4])], ['l.bias', f32([2], [10, 20])]]);
  assert.deepEqual([...evaluate(g, { x: f32([1, 2], [5, 6]) }, w).y!.data], [5 + 12 + 10, 15 + 24 + 20]);
});

test('linear with leading dims matches torch.nn.Linear', () => {
  const b = new GraphBuilder();
  const y = linear(b, 'linear', b.input('x', [2, 4, 5]), { inFeatures: 5, outFeatures: 3, bias: true });
  const g = b.build({ y });
  assertClose(evaluate(g, { x: golden('linear.x') }, goldenWeights(g, 'linear')).y!, golden('linear.y'), 1e-12, 'linear');
});

test('mlp (fc1, exact GELU, fc2) matches torch', () => {
  const b = new GraphBuilder();
  const y = mlp(b, 'mlp', b.input('x', [2, 3, 6]), { inFeatures: 6, hiddenFeatures: 12, act: 'gelu', bias: true, drop: 0, mode: 'eval' });
  const g = b.build({ y });
  assert.deepEqual(g.params.map((p) => p.params.name), ['mlp.fc1.weight', 'mlp.fc1.bias', 'mlp.fc2.weight', 'mlp.fc2.bias']);
  // the graph's constants (√½ in GELU) are float32, the reference's float64: ~1e-8 apart
  assertClose(evaluate(g, { x: golden('mlp.x') }, goldenWeights(g, 'mlp')).y!, golden('mlp.y'), 1e-7, 'mlp');
});
