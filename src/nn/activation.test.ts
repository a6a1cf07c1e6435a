import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../ir/index.ts';
import { evaluate } from '../ir/interp.ts';
import { f32, f64, toFloat64 } from '../tensor/index.ts';
import { type Activation, activation, gelu, geluTanh, hardsigmoid, hardswish, silu } from './activation.ts';
import { assertClose, golden } from '../../test/fixtures/golden/nn/golden.ts';

test('activations match torch.nn.functional on [-6, 6]', () => {
  const b = new GraphBuilder();
  const x = b.input('x', [49]);
  const g = b.build({ gelu: gelu(b, x), gelu_tanh: geluTanh(b, x), silu: silu(b, x), hardswish: hardswish(b, x), hardsigmoid: hardsigmoid(b, x) });
  const out = evaluate(g, { x: golden('act.x') }, new Map());
  // graph constants (√2, √(2/π), 0.044715) are float32; the reference computes in float64
  for (const k of ['gelu', 'gelu_tanh', 'silu']) assertClose(out[k]!, golden(`act.${k}`), 2e-8, k);
  assertClose(out.hardswish!, golden('act.hardswish'), 0, 'hardswish');
  // ONNX HardSigmoid computes x/6 + 1/2 where PyTorch computes (x + 3)/6: equal up to float64 rounding
  assertClose(out.hardsigmoid!, golden('act.hardsigmoid'), 2.3e-16, 'hardsigmoid');
});

test('closed forms at a few points', () => {
  const b = new GraphBuilder();
  const x = b.input('x', [5]);
  const kinds: Activation[] = ['identity', 'relu', 'sigmoid', 'tanh', 'hardswish', 'hardsigmoid'];
  const g = b.build(Object.fromEntries(kinds.map((k) => [k, activation(b, k, x)])));
  const xs = [-4, -1, 0, 1, 4];
  const out = evaluate(g, { x: f32([5], xs) }, new Map());
  assert.deepEqual([...toFloat64(out.identity!)], xs);
  assert.deepEqual([...toFloat64(out.relu!)], [0, 0, 0, 1, 4]);
  assert.deepEqual([...toFloat64(out.hardswish!)], [-0, -1 / 3, 0, 2 / 3, 4]);
  assertClose(out.hardsigmoid!, f64([5], [0, 1 / 3, 0.5, 2 / 3, 1]), 2.3e-16, 'hardsigmoid');
  assertClose(out.sigmoid!, f32([5], xs.map((v) => 1 / (1 + Math.exp(-v)))), 1e-7, 'sigmoid');
  assertClose(out.tanh!, f32([5], xs.map(Math.tanh)), 1e-7, 'tanh');
});
