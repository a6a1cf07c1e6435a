import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../ir/index.ts';
import { evaluate } from '../ir/interp.ts';
import { type HostTensor, f32, f64, i64, toFloat64 } from '../tensor/index.ts';
import { batchNorm } from './batch-norm.ts';
import { layerNorm } from './layer-norm.ts';
import { assertClose, golden, goldenWeights } from '../../test/fixtures/golden/nn/golden.ts';

test('batchNorm declares PyTorch names; num_batches_tracked is an int64 scalar buffer', () => {
  const b = new GraphBuilder();
  const y = batchNorm(b, '_bn0', b.input('x', [1, 4, 3, 3]), { numFeatures: 4, eps: 1e-3, momentum: 0.01, affine: true, mode: 'eval' });
  const g = b.build({ y });
  assert.deepEqual(g.params.map((p) => [p.params.name, p.shape, p.dtype, p.params.trainable]), [
    ['_bn0.weight', [4], 'float32', true],
    ['_bn0.bias', [4], 'float32', true],
    ['_bn0.running_mean', [4], 'float32', false],
    ['_bn0.running_var', [4], 'float32', false],
    ['_bn0.num_batches_tracked', [], 'int64', false],
  ]);
  assert.equal(g.updates.size, 0, 'eval mode updates nothing');
});

test('batchNorm eval matches torch (running statistics, eps 1e-3)', () => {
  const b = new GraphBuilder();
  const y = batchNorm(b, 'bn_eval', b.input('x', [2, 3, 4, 5]), { numFeatures: 3, eps: 1e-3, momentum: 0.1, affine: true, mode: 'eval' });
  const g = b.build({ y });
  assertClose(evaluate(g, { x: golden('bn_eval.x') }, goldenWeights(g, 'bn_eval')).y!, golden('bn_eval.y'), 1e-12, 'bn_eval');
});

for (const [name, momentum] of [['bn_train', 0.1], ['bn_train_cumulative', null]] as const) {
  test(`${name}: batch statistics and running-stat update match torch (momentum ${momentum})`, () => {
    const b = new GraphBuilder();
    const y = batchNorm(b, name, b.input('x', [2, 3, 4, 5]), { numFeatures: 3, eps: 1e-5, momentum, affine: true, mode: 'train' });
    const updates = b.build({ y }).updates;
    assert.deepEqual([...updates.keys()], [`${name}.running_mean`, `${name}.running_var`, `${name}.num_batches_tracked`]);
    const g = b.build({ y, ...Object.fromEntries(updates) });
    const out = evaluate(g, { x: golden(`${name}.x`) }, goldenWeights(g, name));
    // float32 graph constants (eps, momentum) vs the float64 reference: ~1e-9
    assertClose(out.y!, golden(`${name}.y`), 1e-7, `${name} y`);
    assertClose(out[`${name}.running_mean`]!, golden(`${name}.running_mean`), 1e-7, 'running_mean');
    assertClose(out[`${name}.running_var`]!, golden(`${name}.running_var`), 1e-7, 'running_var (unbiased)');
    const nbt = out[`${name}.num_batches_tracked`]!;
    assert.equal(nbt.dtype, 'int64');
    assert.deepEqual([...toFloat64(nbt)], [...toFloat64(golden(`${name}.num_batches_tracked`))]);
  });
}

test('batchNorm train by hand: one channel, values 1..4', () => {
  const b = new GraphBuilder();
  const y = batchNorm(b, 'bn', b.input('x', [4, 1]), { numFeatures: 1, eps: 1e-12, momentum: 0.5, affine: false, mode: 'train' });
  const g = b.build({ y, ...Object.fromEntries(b.build({ y }).updates) });
  const w = new Map<string, HostTensor>([['bn.running_mean', f32([1], [0])], ['bn.running_var', f32([1], [1])], ['bn.num_batches_tracked', i64([], [0])]]);
  const out = evaluate(g, { x: f32([4, 1], [1, 2, 3, 4]) }, w);
  const sd = Math.sqrt(1.25); // biased variance of 1..4
  assertClose(out.y!, f64([4, 1], [-1.5 / sd, -0.5 / sd, 0.5 / sd, 1.5 / sd]), 1e-12, 'y');
  assert.deepEqual([...toFloat64(out['bn.running_mean']!)], [0.5 * 2.5]);
  assertClose(out['bn.running_var']!, f64([1], [0.5 * 1 + 0.5 * (5 / 3)]), 1e-12, 'unbiased running var');
  assert.throws(() => batchNorm(new GraphBuilder(), 'bn', new GraphBuilder().input('x', [1, 3]), { numFeatures: 3, eps: 1e-5, momentum: 0.1, affine: true, mode: 'train' }), /more than one value per channel/);
});

test('layerNorm matches torch (eps 1e-6, affine)', () => {
  const b = new GraphBuilder();
  const y = layerNorm(b, 'layernorm', b.input('x', [2, 3, 6]), { shape: 6, eps: 1e-6 });
  const g = b.build({ y });
  assert.deepEqual(g.params.map((p) => [p.params.name, p.shape]), [['layernorm.weight', [6]], ['layernorm.bias', [6]]]);
  assertClose(evaluate(g, { x: golden('layernorm.x') }, goldenWeights(g, 'layernorm')).y!, golden('layernorm.y'), 1e-12, 'layernorm');
});

test('layerNorm over two trailing dims, without affine', () => {
  const b = new GraphBuilder();
  const y = layerNorm(b, null, b.input('x', [1, 2, 2]), { shape: [2, 2], eps: 1e-12, affine: false });
  const g = b.build({ y });
  assert.equal(g.params.length, 0);
  const out = evaluate(g, { x: f32([1, 2, 2], [1, 2, 3, 4]) }, new Map()).y!;
  const sd = Math.sqrt(1.25);
  assertClose(out, f64([1, 2, 2], [-1.5 / sd, -0.5 / sd, 0.5 / sd, 1.5 / sd]), 1e-9, 'y');
  assert.throws(() => layerNorm(b, 'ln', b.input('z', [2, 5]), { shape: 6, eps: 1e-5 }), /normalized shape \[6\] does not end input \[2,5\]/);
});
