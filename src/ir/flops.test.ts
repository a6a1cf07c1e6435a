import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from './graph.ts';
import { countFlops } from './flops.ts';

test('closed forms: conv, matmul, elementwise, reductions and data movement', () => {
  const b = new GraphBuilder();
  const x = b.input('x', [32, 32, 64, 128]);
  const w = b.param('w', [64, 32, 3, 3], { init: { kind: 'zeros' } });
  const y = b.conv(x, w, null, { pads: [1, 1, 1, 1] });
  const a = b.input('a', [3, 5, 7]);
  const m = b.matmul(a, b.input('m', [7, 11]));
  const r = b.mean(b.relu(b.reshape(m, [15, 11])), [1]);
  const f = countFlops(b.build({ y, r }));
  assert.equal(f.byOp.Conv, 2 * 32 * 64 * 64 * 128 * 32 * 9); // DESIGN.md's 9.7 GFLOP layer
  assert.equal(f.byOp.MatMul, 2 * 3 * 5 * 11 * 7);
  assert.equal(f.byOp.Relu, 165);
  assert.equal(f.byOp.ReduceMean, 165);
  assert.equal(f.byOp.Reshape, undefined);
  assert.equal(f.dense, (f.byOp.Conv as number) + (f.byOp.MatMul as number));
  assert.equal(f.total, f.dense + 330);
});
