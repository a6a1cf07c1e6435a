import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder, type Value } from '../ir/index.ts';
import { evaluate } from '../ir/interp.ts';
import { conv2d, resolveConvPads, staticSamePads, staticSameOutputSize } from './conv.ts';
import { patchEmbed } from './patch-embed.ts';
import { assertClose, golden, goldenWeights } from '../../test/fixtures/golden/nn/golden.ts';

test('static SAME pads for a 224×224 image (OPERA-CE / EfficientNet-B0, opera.md §2.1)', () => {
  const pads = (k: number, s: number, img = 224) => staticSamePads([img, img], [k, k], [s, s], [1, 1]);
  assert.deepEqual(pads(3, 2), [0, 0, 1, 1]);
  assert.deepEqual(pads(5, 2, 112), [1, 1, 2, 2]);
  assert.deepEqual(pads(3, 1, 112), [1, 1, 1, 1]);
  assert.deepEqual(pads(5, 1, 14), [2, 2, 2, 2]);
  assert.deepEqual(pads(1, 1), [0, 0, 0, 0]);
  assert.deepEqual(staticSameOutputSize([224, 224], 2), [112, 112]);
  assert.deepEqual(staticSameOutputSize([7, 7], 2), [4, 4]);
});

test('static SAME keeps its pads whatever the input: widths 62 → 31 → 15 → 7 → 3 → 1 (opera.md §2.1)', () => {
  const b = new GraphBuilder();
  let x: Value = b.input('x', [1, 1, 63, 62]);
  const widths: number[] = [];
  // stem k3 s2 @224, then k3 s2 @112, k5 s2 @56, k3 s2 @28, k5 s2 @14 as in EfficientNet-B0
  const stages: [number, [number, number]][] = [[3, [224, 224]], [3, [112, 112]], [5, [56, 56]], [3, [28, 28]], [5, [14, 14]]];
  stages.forEach(([k, img], i) => {
    x = conv2d(b, `c${i}`, x, { inChannels: 1, outChannels: 1, kernel: k, stride: 2, padding: { kind: 'staticSame', imageSize: img }, bias: false });
    widths.push(x.shape[3] as number);
  });
  assert.deepEqual(widths, [31, 15, 7, 3, 1]);
});

test("padding forms: symmetric, [h, w], explicit, PyTorch 'same'", () => {
  assert.deepEqual(resolveConvPads(2, [3, 3], [1, 1], [1, 1]), [2, 2, 2, 2]);
  assert.deepEqual(resolveConvPads([1, 2], [3, 5], [1, 1], [1, 1]), [1, 2, 1, 2]);
  assert.deepEqual(resolveConvPads([0, 1, 2, 3], [3, 3], [1, 1], [1, 1]), [0, 1, 2, 3]);
  assert.deepEqual(resolveConvPads({ kind: 'same' }, [4, 3], [1, 1], [1, 2]), [1, 2, 2, 2]);
  assert.throws(() => resolveConvPads({ kind: 'same' }, [3, 3], [2, 2], [1, 1]), /needs stride 1/);
});

test('conv2d names, weight shape with groups, and errors', () => {
  const b = new GraphBuilder();
  const y = conv2d(b, 'dw', b.input('x', [2, 8, 5, 5]), { inChannels: 8, outChannels: 8, kernel: [3, 1], groups: 8, padding: [1, 0], bias: true });
  const g = b.build({ y });
  assert.deepEqual(g.params.map((p) => [p.params.name, p.shape]), [['dw.weight', [8, 1, 3, 1]], ['dw.bias', [8]]]);
  assert.deepEqual(g.params[0]?.params.init, { kind: 'uniform', low: -1 / Math.sqrt(3), high: 1 / Math.sqrt(3) });
  assert.throws(() => conv2d(b, 'bad', b.input('z', [1, 3, 4, 4]), { inChannels: 4, outChannels: 4, kernel: 3, padding: 1, bias: false }), /conv2d 'bad': expects \[N, 4, H, W\]/);
  assert.throws(() => conv2d(b, 'bad2', b.input('w', [1, 4, 4, 4]), { inChannels: 4, outChannels: 6, kernel: 3, padding: 1, groups: 4, bias: false }), /groups 4 must divide/);
});

const CASES: [string, Parameters<typeof conv2d>[3], number[]][] = [
  ['conv_same_k3s2', { inChannels: 3, outChannels: 4, kernel: 3, stride: 2, padding: { kind: 'staticSame', imageSize: [224, 224] }, bias: false }, [1, 3, 13, 16]],
  ['conv_same_k5s2_dw', { inChannels: 4, outChannels: 4, kernel: 5, stride: 2, groups: 4, padding: { kind: 'staticSame', imageSize: [112, 112] }, bias: false }, [2, 4, 9, 10]],
  ['conv_dil_groups', { inChannels: 4, outChannels: 6, kernel: 3, stride: [1, 2], padding: [2, 1], dilation: [2, 1], groups: 2, bias: true }, [1, 4, 8, 9]],
];

for (const [name, cfg, shape] of CASES) {
  test(`${name} matches torch`, () => {
    const b = new GraphBuilder();
    const y = conv2d(b, name, b.input('x', shape), cfg);
    const g = b.build({ y });
    assertClose(evaluate(g, { x: golden(`${name}.x`) }, goldenWeights(g, name)).y!, golden(`${name}.y`), 1e-12, name);
  });
}

test('patch embed (conv k=s, flatten row-major, LayerNorm) matches torch', () => {
  const b = new GraphBuilder();
  const y = patchEmbed(b, 'patch_embed', b.input('x', [1, 1, 8, 12]), { inChannels: 1, embedDim: 6, patch: 4, norm: { eps: 1e-5 } });
  const g = b.build({ y });
  assert.deepEqual(g.params.map((p) => p.params.name), ['patch_embed.proj.weight', 'patch_embed.proj.bias', 'patch_embed.norm.weight', 'patch_embed.norm.bias']);
  assert.deepEqual(y.shape, [1, 6, 6]);
  assertClose(evaluate(g, { x: golden('patch_embed.x') }, goldenWeights(g, 'patch_embed')).y!, golden('patch_embed.y'), 1e-12, 'patch_embed');
});

test("patch embed with HF's conv name", () => {
  const b = new GraphBuilder();
  const y = b.scope('embeddings', () => patchEmbed(b, 'patch_embeddings', b.input('x', [1, 1, 192, 128]), { inChannels: 1, embedDim: 64, patch: 16, convName: 'projection' }));
  const g = b.build({ y });
  assert.deepEqual(g.params.map((p) => [p.params.name, p.shape]), [['embeddings.patch_embeddings.projection.weight', [64, 1, 16, 16]], ['embeddings.patch_embeddings.projection.bias', [64]]]);
  assert.deepEqual(y.shape, [1, 96, 64]);
});
