import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../ir/index.ts';
import { evaluate } from '../ir/interp.ts';
import { f32, toFloat64 } from '../tensor/index.ts';
import { dropout, dropPath } from './dropout.ts';
import { globalAvgPool, globalMaxPool, clsToken, meanTokens } from './pooling.ts';

test('dropout and drop path are the identity in eval mode or at rate 0', () => {
  const b = new GraphBuilder();
  const x = b.input('x', [2, 3]);
  assert.equal(dropout(b, 'drop', x, { p: 0.3, mode: 'eval' }), x);
  assert.equal(dropout(b, 'drop', x, { p: 0, mode: 'train' }), x);
  assert.equal(dropPath(b, 'dp', x, { p: 0.2, mode: 'eval' }), x);
  assert.throws(() => dropout(b, 'drop', x, { p: 1, mode: 'train' }), /dropout 'drop': p must be in \[0, 1\), got 1/);
});

test('train mode declares scoped random masks: per element (dropout), per sample (drop path)', () => {
  const b = new GraphBuilder();
  const x = b.input('x', [2, 3]);
  const y = b.scope('blocks.1', () => dropPath(b, 'drop_path', dropout(b, 'drop', x, { p: 0.25, mode: 'train' }), { p: 0.5, mode: 'train' }));
  const g = b.build({ y });
  assert.deepEqual([...g.random], [
    ['blocks.1.drop.mask', { kind: 'bernoulli', p: 0.75, scale: 1 / 0.75 }],
    ['blocks.1.drop_path.mask', { kind: 'bernoulli', p: 0.5, scale: 2 }],
  ]);
  assert.deepEqual(g.inputs.map((i) => [i.params.name, i.shape]), [['x', [2, 3]], ['blocks.1.drop.mask', [2, 3]], ['blocks.1.drop_path.mask', [2, 1]]]);
  const out = evaluate(g, {
    x: f32([2, 3], [1, 2, 3, 4, 5, 6]),
    'blocks.1.drop.mask': f32([2, 3], [4 / 3, 0, 4 / 3, 4 / 3, 4 / 3, 0]),
    'blocks.1.drop_path.mask': f32([2, 1], [2, 0]),
  }, new Map()).y!;
  const m = Math.fround(4 / 3);
  assert.deepEqual([...toFloat64(out)], [2 * m, 0, 6 * m, 0, 0, 0]);
});

test('pooling helpers', () => {
  const b = new GraphBuilder();
  const fm = b.input('fm', [1, 2, 2, 2]);
  const tok = b.input('tok', [2, 3, 2]);
  const g = b.build({ avg: globalAvgPool(b, fm), max: globalMaxPool(b, fm), cls: clsToken(b, tok), mean: meanTokens(b, tok), meanSkip: meanTokens(b, tok, 1) });
  const out = evaluate(g, { fm: f32([1, 2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 9]), tok: f32([2, 3, 2], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) }, new Map());
  assert.deepEqual([...toFloat64(out.avg!)], [2.5, 6.75]);
  assert.deepEqual(out.avg!.shape, [1, 2]);
  assert.deepEqual([...toFloat64(out.max!)], [4, 9]);
  assert.deepEqual([...toFloat64(out.cls!)], [1, 2, 7, 8]);
  assert.deepEqual(out.cls!.shape, [2, 2]);
  assert.deepEqual([...toFloat64(out.mean!)], [3, 4, 9, 10]);
  assert.deepEqual([...toFloat64(out.meanSkip!)], [4, 5, 10, 11]);
});
