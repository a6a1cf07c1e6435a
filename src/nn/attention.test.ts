import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../ir/index.ts';
import { evaluate } from '../ir/interp.ts';
import { f32 } from '../tensor/index.ts';
import { selfAttention } from './attention.ts';
import { assertClose, golden, goldenWeights } from '../../test/fixtures/golden/nn/golden.ts';

test('timm layout: fused qkv + proj names and shapes', () => {
  const b = new GraphBuilder();
  const y = b.scope('blocks', () => b.scope(0, () => selfAttention(b, 'attn', b.input('x', [2, 7, 12]), { dim: 12, numHeads: 3, layout: 'timm', qkvBias: true, mode: 'eval' })));
  const g = b.build({ y });
  assert.deepEqual(g.params.map((p) => [p.params.name, p.shape]), [
    ['blocks.0.attn.qkv.weight', [36, 12]], ['blocks.0.attn.qkv.bias', [36]],
    ['blocks.0.attn.proj.weight', [12, 12]], ['blocks.0.attn.proj.bias', [12]],
  ]);
  assert.deepEqual(y.shape, [2, 7, 12]);
});

test('HF layout: attention.{query,key,value} + output.dense names', () => {
  const b = new GraphBuilder();
  const y = b.scope('encoder.layer.0', () => selfAttention(b, 'attention', b.input('x', [1, 97, 64]), { dim: 64, numHeads: 4, layout: 'hf', qkvBias: true, mode: 'eval' }));
  const g = b.build({ y });
  assert.deepEqual(g.params.map((p) => p.params.name), [
    'encoder.layer.0.attention.attention.query.weight', 'encoder.layer.0.attention.attention.query.bias',
    'encoder.layer.0.attention.attention.key.weight', 'encoder.layer.0.attention.attention.key.bias',
    'encoder.layer.0.attention.attention.value.weight', 'encoder.layer.0.attention.attention.value.bias',
    'encoder.layer.0.attention.output.dense.weight', 'encoder.layer.0.attention.output.dense.bias',
  ]);
});

test('timm attention matches torch', () => {
  const b = new GraphBuilder();
  const y = selfAttention(b, 'attn_timm', b.input('x', [2, 5, 8]), { dim: 8, numHeads: 2, layout: 'timm', qkvBias: true, mode: 'eval' });
  const g = b.build({ y });
  assertClose(evaluate(g, { x: golden('attn_timm.x') }, goldenWeights(g, 'attn_timm')).y!, golden('attn_timm.y'), 1e-12, 'attn_timm');
});

test('timm attention with a relative-position bias and a shifted-window mask matches torch (Swin)', () => {
  const b = new GraphBuilder();
  const bias = b.input('bias', [2, 5, 5]);
  const mask = b.input('mask', [2, 5, 5]);
  const y = selfAttention(b, 'attn_timm_masked', b.input('x', [4, 5, 8]), { dim: 8, numHeads: 2, layout: 'timm', qkvBias: false, mode: 'eval' },
    { bias: b.reshape(bias, [1, 2, 5, 5]), windowMask: mask });
  const g = b.build({ y });
  assert.deepEqual(g.params.map((p) => p.params.name), ['attn_timm_masked.qkv.weight', 'attn_timm_masked.proj.weight', 'attn_timm_masked.proj.bias']);
  const feeds = { x: golden('attn_timm_masked.x'), bias: golden('attn_timm_masked.bias'), mask: golden('attn_timm_masked.mask') };
  assertClose(evaluate(g, feeds, goldenWeights(g, 'attn_timm_masked')).y!, golden('attn_timm_masked.y'), 1e-12, 'attn_timm_masked');
});

test('HF attention matches torch (transformers ViTAttention, eager)', () => {
  const b = new GraphBuilder();
  const y = selfAttention(b, 'attn_hf', b.input('x', [2, 5, 8]), { dim: 8, numHeads: 2, layout: 'hf', qkvBias: true, mode: 'eval' });
  const g = b.build({ y });
  assertClose(evaluate(g, { x: golden('attn_hf.x') }, goldenWeights(g, 'attn_hf')).y!, golden('attn_hf.y'), 1e-12, 'attn_hf');
});

test('batch and token count stay symbolic: the same graph runs on another shape', () => {
  const b = new GraphBuilder();
  const y = selfAttention(b, 'a', b.input('x', [1, 3, 4]), { dim: 4, numHeads: 2, layout: 'timm', qkvBias: false, projBias: false, mode: 'eval' });
  const g = b.build({ y });
  const eye = (n: number) => f32([n, n], Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0)));
  const qkv = f32([12, 4], [...eye(4).data, ...new Float32Array(16), ...eye(4).data]);
  // q = x, k = 0: uniform attention, so every token becomes the mean of v = x over the tokens
  const x = f32([2, 5, 4], Array.from({ length: 40 }, (_, i) => i));
  const out = evaluate(g, { x }, new Map([['a.qkv.weight', qkv], ['a.proj.weight', eye(4)]]), { dynamicAxes: { x: [0, 1] } }).y!;
  assert.deepEqual(out.shape, [2, 5, 4]);
  const mean = (s: number, c: number) => [0, 1, 2, 3, 4].reduce((acc, t) => acc + (s * 20 + t * 4 + c), 0) / 5;
  assertClose(out, f32([2, 5, 4], Array.from({ length: 40 }, (_, i) => mean(Math.floor(i / 20), i % 4))), 1e-12, 'uniform attention');
});

test('attention errors name the scope', () => {
  const b = new GraphBuilder();
  assert.throws(() => selfAttention(b, 'attn', b.input('x', [1, 3, 10]), { dim: 10, numHeads: 3, layout: 'timm', qkvBias: true, mode: 'eval' }), /selfAttention 'attn': dim 10 is not divisible by 3 heads/);
  assert.throws(() => selfAttention(b, 'attn2', b.input('y', [3, 4, 8]), { dim: 8, numHeads: 2, layout: 'timm', qkvBias: true, mode: 'eval' }, { windowMask: b.input('m', [2, 4, 4]) }), /batch 3 is not a multiple of 2 windows/);
});
