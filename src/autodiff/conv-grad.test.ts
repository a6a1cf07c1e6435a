import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder, evaluate, type Conv2dParams } from '../ir/index.ts';
import { convWeightGrad, convWeightGradMethods, selectConvWeightGrad, type ConvWeightGradMethod } from './conv-grad.ts';
import { type HostTensor, f64 } from '../tensor/index.ts';
import { Rng, numel, type Shape } from '../util/index.ts';

/** dW[o,c,ky,kx] = Σ_{n,oy,ox} dy[n,o,oy,ox]·x[n, g(o)·Cg + c, oy·s − p + ky·d, ox·s − p + kx·d], by definition. */
function refWeightGrad(x: HostTensor, dy: HostTensor, w: Shape, p: Conv2dParams): number[] {
  const [n, c, h, wd] = x.shape as [number, number, number, number];
  const [, , oh, ow] = dy.shape as [number, number, number, number];
  const [o, cg, kh, kw] = w as [number, number, number, number];
  const og = o / p.group;
  const X = x.data as Float64Array;
  const D = dy.data as Float64Array;
  const out: number[] = [];
  for (let oc = 0; oc < o; oc++) for (let ci = 0; ci < cg; ci++) for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
    let s = 0;
    const chan = Math.floor(oc / og) * cg + ci;
    for (let b = 0; b < n; b++) for (let y = 0; y < oh; y++) for (let xx = 0; xx < ow; xx++) {
      const iy = y * p.strides[0] - p.pads[0] + ky * p.dilations[0];
      const ix = xx * p.strides[1] - p.pads[1] + kx * p.dilations[1];
      if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
      s += (D[((b * o + oc) * oh + y) * ow + xx] as number) * (X[((b * c + chan) * h + iy) * wd + ix] as number);
    }
    out.push(s);
  }
  return out;
}

const configs: { name: string; x: Shape; w: Shape; p: Conv2dParams }[] = [
  { name: 'dense 3x3 pad 1', x: [2, 3, 6, 5], w: [4, 3, 3, 3], p: { strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], group: 1 } },
  { name: 'dense stride 2, asymmetric pads, remainder', x: [1, 2, 8, 7], w: [3, 2, 3, 3], p: { strides: [2, 2], pads: [0, 1, 1, 0], dilations: [1, 1], group: 1 } },
  { name: 'dilated rectangular', x: [2, 2, 7, 9], w: [2, 2, 2, 3], p: { strides: [1, 2], pads: [1, 0, 0, 2], dilations: [2, 1], group: 1 } },
  { name: 'pointwise', x: [2, 4, 3, 3], w: [5, 4, 1, 1], p: { strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], group: 1 } },
  { name: 'grouped', x: [2, 4, 5, 5], w: [6, 2, 3, 3], p: { strides: [1, 1], pads: [1, 0, 0, 1], dilations: [1, 1], group: 2 } },
  { name: 'depthwise 3x3 stride 2', x: [2, 3, 7, 7], w: [3, 1, 3, 3], p: { strides: [2, 2], pads: [1, 1, 1, 1], dilations: [1, 1], group: 3 } },
  { name: 'depthwise 5x5 stride 2', x: [1, 4, 9, 8], w: [4, 1, 5, 5], p: { strides: [2, 2], pads: [2, 2, 2, 2], dilations: [1, 1], group: 4 } },
  { name: 'depthwise multiplier 2', x: [2, 2, 5, 5], w: [4, 1, 3, 3], p: { strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], group: 2 } },
];

function rand(shape: Shape, rng: Rng): HostTensor {
  return f64(shape, Array.from({ length: numel(shape) }, () => rng.range(-1, 1)));
}

test('every applicable dW formulation equals the definition of the weight gradient', () => {
  const rng = Rng.seeded(11);
  for (const cfg of configs) {
    const b0 = new GraphBuilder();
    const probe = b0.conv(b0.input('x', cfg.x), b0.input('w', cfg.w), null, cfg.p);
    const x = rand(cfg.x, rng);
    const dy = rand(probe.shape, rng);
    const expected = refWeightGrad(x, dy, cfg.w, cfg.p);
    for (const method of Object.keys(convWeightGradMethods) as ConvWeightGradMethod[]) {
      const problem = { x: cfg.x, w: cfg.w, dy: probe.shape, params: cfg.p };
      if (!convWeightGradMethods[method].applies(problem)) continue;
      const b = new GraphBuilder();
      const dw = convWeightGrad(b, b.input('x', cfg.x), b.input('dy', probe.shape), problem, method);
      const out = evaluate(b.build({ dw }), { x, dy }, new Map()).dw as HostTensor<'float64'>;
      assert.deepEqual(out.shape, [...cfg.w]);
      out.data.forEach((v, i) => assert.ok(Math.abs(v - (expected[i] as number)) < 1e-12, `${cfg.name} / ${method} [${i}]: ${v} vs ${expected[i]}`));
    }
  }
});

test('selectConvWeightGrad: giantKernel for depthwise convs of 25 taps or more, patches + batched MatMul for the other test convs', () => {
  const sel = (cfg: (typeof configs)[number]) => {
    const b = new GraphBuilder();
    const dy = b.conv(b.input('x', cfg.x), b.input('w', cfg.w), null, cfg.p).shape;
    return selectConvWeightGrad({ x: cfg.x, w: cfg.w, dy, params: cfg.p });
  };
  // the dense and grouped convs have many output positions L for their Cg·K × Og products (e.g. 3×3 3→4 on
  // 6×5: 27·4 ≤ 30·(27 + 4)), so none takes patchesGemm; depthwise 3×3 stays on the batched patches
  assert.deepEqual(configs.map(sel), [
    'patchesBatchedMatMul', 'patchesBatchedMatMul', 'patchesBatchedMatMul', 'patchesBatchedMatMul', 'patchesBatchedMatMul',
    'patchesBatchedMatMul', 'giantKernel', 'patchesBatchedMatMul',
  ]);
  const dw = (k: [number, number]): ConvWeightGradMethod => selectConvWeightGrad({
    x: [32, 96, 32, 32], w: [96, 1, ...k], dy: [32, 96, 32, 32], params: { strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], group: 96 },
  });
  assert.deepEqual([dw([3, 3]), dw([3, 5]), dw([5, 5]), dw([7, 7])], ['patchesBatchedMatMul', 'patchesBatchedMatMul', 'giantKernel', 'giantKernel']);
});

test('selectConvWeightGrad: dense convs with few output positions use one GEMM over batch and positions', () => {
  const dense: Conv2dParams = { strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], group: 1 };
  // squeeze-excitation 1152 → 48 on 1×1: 1152·48 > 1·(1152 + 48)
  assert.equal(selectConvWeightGrad({ x: [32, 1152, 1, 1], w: [48, 1152, 1, 1], dy: [32, 48, 1, 1], params: dense }), 'patchesGemm');
  // 320 → 1280 on 8×2: 320·1280 > 16·1600
  assert.equal(selectConvWeightGrad({ x: [32, 320, 8, 2], w: [1280, 320, 1, 1], dy: [32, 1280, 8, 2], params: dense }), 'patchesGemm');
  // 144 → 24 on 63×16: 144·24 < 1008·168
  assert.equal(selectConvWeightGrad({ x: [32, 144, 63, 16], w: [24, 144, 1, 1], dy: [32, 24, 63, 16], params: dense }), 'patchesBatchedMatMul');
});
