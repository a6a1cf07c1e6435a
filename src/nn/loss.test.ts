import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../ir/index.ts';
import { evaluate } from '../ir/interp.ts';
import { f32, i64, toFloat64 } from '../tensor/index.ts';
import { softmaxCrossEntropy } from './loss.ts';
import { assertClose, golden } from '../../test/fixtures/golden/nn/golden.ts';

test('softmax cross-entropy matches F.cross_entropy (indices, smoothing, soft targets, reductions)', () => {
  const b = new GraphBuilder();
  const logits = b.input('logits', [4, 5]);
  const labels = b.input('labels', [4], 'int64');
  const soft = b.input('soft', [4, 5]);
  const g = b.build({
    mean: softmaxCrossEntropy(b, logits, labels, { reduction: 'mean' }),
    none: softmaxCrossEntropy(b, logits, labels, { reduction: 'none' }),
    smooth: softmaxCrossEntropy(b, logits, labels, { reduction: 'mean', labelSmoothing: 0.1 }),
    soft_sum: softmaxCrossEntropy(b, logits, soft, { reduction: 'sum' }),
  });
  const out = evaluate(g, { logits: golden('xent.logits'), labels: golden('xent.labels'), soft: golden('xent.soft') }, new Map());
  assert.deepEqual(out.mean!.shape, []);
  assertClose(out.mean!, golden('xent.mean'), 1e-12, 'mean');
  assertClose(out.none!, golden('xent.none'), 1e-12, 'none');
  // label smoothing 0.1 is a float32 constant in the graph
  assertClose(out.smooth!, golden('xent.smooth'), 1e-7, 'smooth');
  assertClose(out.soft_sum!, golden('xent.soft_sum'), 1e-12, 'soft_sum');
});

test('uniform logits give log K', () => {
  const b = new GraphBuilder();
  const y = softmaxCrossEntropy(b, b.input('z', [2, 4]), b.input('y', [2], 'int64'), { reduction: 'mean' });
  const out = evaluate(b.build({ y }), { z: f32([2, 4], new Array(8).fill(3)), y: i64([2], [0, 3]) }, new Map()).y!;
  assert.ok(Math.abs((toFloat64(out)[0] as number) - Math.log(4)) < 1e-15);
  assert.throws(() => softmaxCrossEntropy(b, b.input('z2', [2, 4]), b.input('y2', [3], 'int64'), { reduction: 'mean' }), /class indices must be int64 \[2\]/);
});
