import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder, type Value } from '../ir/index.ts';
import { countFlops } from '../ir/flops.ts';
import { EFFICIENTNET_B0, decodeBlockString, efficientNetOutputSize, efficientNetPooled, expandBlocks, roundFilters, roundRepeats } from './efficientnet.ts';
import { EncoderConfigError } from './errors.ts';

test('block strings decode as BlockDecoder does', () => {
  assert.deepEqual(decodeBlockString('r2_k5_s22_e6_i24_o40_se0.25'), { numRepeat: 2, kernelSize: 5, stride: 2, expandRatio: 6, inputFilters: 24, outputFilters: 40, seRatio: 0.25, idSkip: true });
  assert.deepEqual(decodeBlockString('r1_k3_s11_e1_i32_o16_noskip'), { numRepeat: 1, kernelSize: 3, stride: 1, expandRatio: 1, inputFilters: 32, outputFilters: 16, seRatio: null, idSkip: false });
  assert.throws(() => decodeBlockString('r1_k3_e1_i32_o16'), EncoderConfigError);
});

test('round_filters / round_repeats for B0 and B4 coefficients', () => {
  const b4 = { ...EFFICIENTNET_B0, widthCoefficient: 1.4, depthCoefficient: 1.8 };
  assert.deepEqual([32, 16, 24, 40, 80, 112, 192, 320, 1280].map((f) => roundFilters(f, b4)), [48, 24, 32, 56, 112, 160, 272, 448, 1792]);
  assert.deepEqual([1, 2, 2, 3, 3, 4, 1].map((r) => roundRepeats(r, b4)), [2, 4, 4, 6, 6, 8, 2]);
  assert.equal(roundFilters(1280, EFFICIENTNET_B0), 1280);
});

test('B0 expands to 16 blocks; the strided depthwise convs get the static 224×224 SAME pads of opera.md §2.1', () => {
  const blocks = expandBlocks(EFFICIENTNET_B0);
  assert.equal(blocks.length, 16);
  assert.deepEqual(blocks.filter((x) => x.stride === 2).map((x) => x.index), [1, 3, 5, 11]);
  assert.deepEqual(blocks.map((x) => x.imageSize[0]), [112, 112, 56, 56, 28, 28, 14, 14, 14, 14, 14, 14, 7, 7, 7, 7]);
  assert.ok(Math.abs((blocks[15] as { dropConnect: number }).dropConnect - 0.1 * 15 / 16) < 1e-15);
  const b = new GraphBuilder();
  const g = b.build({ y: efficientNetPooled(b, null, b.input('x', [1, 3, 61, 62]), EFFICIENTNET_B0, 'eval') });
  const padsOf = (name: string) => {
    const conv = g.nodes.find((v) => v.is('Conv') && (v.inputs[1] as Value<'Param'>).params.name === name) as Value<'Conv'>;
    return conv.params.pads;
  };
  assert.deepEqual(padsOf('_conv_stem.weight'), [0, 0, 1, 1]);
  assert.deepEqual(padsOf('_blocks.0._depthwise_conv.weight'), [1, 1, 1, 1]);
  assert.deepEqual(padsOf('_blocks.1._depthwise_conv.weight'), [0, 0, 1, 1]);
  assert.deepEqual(padsOf('_blocks.3._depthwise_conv.weight'), [1, 1, 2, 2]);
  assert.deepEqual(padsOf('_blocks.4._depthwise_conv.weight'), [2, 2, 2, 2]);
  assert.deepEqual(padsOf('_blocks.11._depthwise_conv.weight'), [1, 1, 2, 2]);
  assert.deepEqual(padsOf('_conv_head.weight'), [0, 0, 0, 0]);
  // opera.md §2.1: W = 62 shrinks 62 → 31 → 15 → 7 → 3 → 1 under the static pads
  assert.deepEqual(efficientNetOutputSize(EFFICIENTNET_B0, [61, 62]), [1, 1]);
  assert.equal(efficientNetOutputSize(EFFICIENTNET_B0, [61, 31]), null);
});

test('EfficientNet-B0 at 224×224 costs the published 0.39 G multiply-adds', () => {
  const b = new GraphBuilder();
  const g = b.build({ y: efficientNetPooled(b, null, b.input('x', [1, 3, 224, 224]), EFFICIENTNET_B0, 'eval') });
  const macs = countFlops(g).dense / 2;
  // Tan & Le 2019, Table 2: 0.39B FLOPS (multiply-adds) incl. the 1000-class top (1.28 M, not built here)
  assert.ok(macs > 0.38e9 && macs < 0.40e9, `B0 multiply-adds ${macs}`);
});
