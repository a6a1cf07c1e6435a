import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder, evaluate, type Value } from '../ir/index.ts';
import { grad, vjp, AutodiffError } from './grad.ts';
import { gradcheck, formatGradcheck, type GradcheckOptions } from './gradcheck.ts';
import { type HostTensor, f64, i64 } from '../tensor/index.ts';
import { Rng, numel, type Shape } from '../util/index.ts';

const OPTS: GradcheckOptions = { eps: 1e-6, atol: 1e-6, rtol: 1e-5 };

function rand(shape: Shape, rng: Rng, lo = -1, hi = 1): HostTensor {
  return f64(shape, Array.from({ length: numel(shape) }, () => rng.range(lo, hi)));
}

function external(b: GraphBuilder, name: string, shape: Shape): Value {
  return b.param(name, shape, { init: { kind: 'external' } });
}

function checkOk(r: ReturnType<typeof gradcheck>): void {
  assert.ok(r.ok, formatGradcheck(r));
  assert.ok(r.entries.every((e) => e.checked > 0));
}

test('softmax cross-entropy: dL/dlogits = (softmax − onehot)/N, and finite differences agree', () => {
  const rng = Rng.seeded(1);
  const labels = [2, 0, 1];
  const values = { x: rand([3, 4], rng), w: rand([4, 5], rng), bias: rand([5], rng), onehot: f64([3, 5], labels.flatMap((l) => [0, 1, 2, 3, 4].map((k) => (k === l ? 1 : 0)))) };
  const build = (b: GraphBuilder) => {
    const x = b.input('x', [3, 4]);
    const onehot = b.input('onehot', [3, 5]);
    const w = external(b, 'w', [4, 5]);
    const bias = external(b, 'bias', [5]);
    const logits = b.add(b.matmul(x, w), bias);
    const loss = b.neg(b.meanAll(b.sum(b.mul(onehot, b.logSoftmax(logits, 1)), [1])));
    return { loss, logits, wrt: [x, w, bias] };
  };
  checkOk(gradcheck(build, values, OPTS));

  const b = new GraphBuilder();
  const { loss, logits } = build(b);
  const [dLogits] = grad(b, loss, [logits]);
  const out = evaluate(b.build({ logits, d: dLogits as Value }), { x: values.x, onehot: values.onehot }, new Map([['w', values.w], ['bias', values.bias]]));
  const z = (out.logits as HostTensor<'float64'>).data;
  const d = (out.d as HostTensor<'float64'>).data;
  for (let r = 0; r < 3; r++) {
    const row = Array.from(z.subarray(r * 5, r * 5 + 5));
    const m = Math.max(...row);
    const s = row.reduce((a, v) => a + Math.exp(v - m), 0);
    row.forEach((v, k) => {
      const expected = (Math.exp(v - m) / s - (k === labels[r] ? 1 : 0)) / 3;
      assert.ok(Math.abs((d[r * 5 + k] as number) - expected) < 1e-14);
    });
  }
});

test('layer-norm MLP with GELU (erf): gradients of every parameter and the input', () => {
  const rng = Rng.seeded(2);
  const values = {
    x: rand([4, 6], rng), target: rand([4, 3], rng),
    'ln.weight': rand([6], rng, 0.5, 1.5), 'ln.bias': rand([6], rng),
    'fc1.weight': rand([6, 8], rng), 'fc1.bias': rand([8], rng), 'fc2.weight': rand([8, 3], rng), 'fc2.bias': rand([3], rng),
  };
  const r = gradcheck((b) => {
    const x = b.input('x', [4, 6]);
    const target = b.input('target', [4, 3]);
    const params: Value[] = [];
    const p = (scope: string, local: string, shape: Shape) => b.scope(scope, () => {
      const v = external(b, local, shape);
      params.push(v);
      return v;
    });
    const h0 = b.layerNorm(x, p('ln', 'weight', [6]), p('ln', 'bias', [6]), 1e-5);
    const h1 = b.add(b.matmul(h0, p('fc1', 'weight', [6, 8])), p('fc1', 'bias', [8]));
    const gelu = b.mul(b.mul(h1, 0.5), b.add(b.erf(b.mul(h1, Math.SQRT1_2)), 1));
    const y = b.add(b.matmul(gelu, p('fc2', 'weight', [8, 3])), p('fc2', 'bias', [3]));
    const diff = b.sub(y, target);
    return { loss: b.meanAll(b.mul(diff, diff)), wrt: [x, ...params] };
  }, values, OPTS);
  checkOk(r);
  assert.equal(r.entries.length, 7);
});

test('a tiny conv net (reflect pad, conv, batch norm, relu, max pool, depthwise conv, resize, NLL) passes gradcheck', () => {
  const rng = Rng.seeded(3);
  const values = {
    x: rand([2, 1, 7, 8], rng), labels: i64([2, 1], [2, 0]),
    'conv.weight': rand([4, 1, 3, 3], rng), 'conv.bias': rand([4], rng),
    'bn.weight': rand([4], rng, 0.5, 1.5), 'bn.bias': rand([4], rng), 'bn.running_mean': rand([4], rng), 'bn.running_var': rand([4], rng, 0.5, 2),
    'dw.weight': rand([4, 1, 3, 3], rng), 'head.weight': rand([4, 3], rng),
  };
  const r = gradcheck((b) => {
    const x = b.input('x', [2, 1, 7, 8]);
    const labels = b.input('labels', [2, 1], 'int64');
    const w = (name: string, shape: Shape) => external(b, name, shape);
    const params = [w('conv.weight', [4, 1, 3, 3]), w('conv.bias', [4]), w('bn.weight', [4]), w('bn.bias', [4]), w('bn.running_mean', [4]), w('bn.running_var', [4]), w('dw.weight', [4, 1, 3, 3]), w('head.weight', [4, 3])] as const;
    const padded = b.pad(x, [0, 0, 1, 1, 0, 0, 1, 1], 'reflect');
    let h: Value = b.conv(padded, params[0], params[1]);
    h = b.relu(b.batchNorm(h, params[2], params[3], params[4], params[5], 1e-5));
    h = b.maxPool(h, { kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0] });
    h = b.resize(h, { sizes: [2, 4, 5, 4], mode: 'linear', coordinate: 'half_pixel', cubicA: -0.75 });
    h = b.conv(h, params[6], null, { strides: [2, 2], pads: [1, 1, 1, 1], group: 4 });
    const logits = b.matmul(b.mean(h, [2, 3]), params[7]);
    const nll = b.neg(b.meanAll(b.gatherElements(b.logSoftmax(logits, 1), labels, 1)));
    return { loss: nll, wrt: [x, ...params] };
  }, values, OPTS);
  checkOk(r);
});

test('a tiny attention block (softmax(QKᵀ/√d)V, residual, layer norm) passes gradcheck', () => {
  const rng = Rng.seeded(4);
  const values = { x: rand([2, 3, 4], rng), wq: rand([4, 4], rng), wk: rand([4, 4], rng), wv: rand([4, 4], rng), g: rand([4], rng, 0.5, 1.5), beta: rand([4], rng) };
  checkOk(gradcheck((b) => {
    const x = b.input('x', [2, 3, 4]);
    const [wq, wk, wv, g, beta] = [external(b, 'wq', [4, 4]), external(b, 'wk', [4, 4]), external(b, 'wv', [4, 4]), external(b, 'g', [4]), external(b, 'beta', [4])];
    const q = b.matmul(x, wq);
    const k = b.matmul(x, wk);
    const att = b.softmax(b.div(b.matmul(q, b.transpose(k, [0, 2, 1])), 2), -1);
    const y = b.layerNorm(b.add(x, b.matmul(att, b.matmul(x, wv))), g, beta, 1e-5);
    return { loss: b.sumAll(b.mul(y, b.sin(y))), wrt: [x, wq, wk, wv, g, beta] };
  }, values, OPTS));
});

test('shared subexpressions and reused weights accumulate; unrelated values get zeros', () => {
  const b = new GraphBuilder();
  const x = b.input('x', [3]);
  const w = external(b, 'w', [3]);
  const other = external(b, 'other', [2]);
  const h = b.mul(x, w);
  const loss = b.sumAll(b.add(b.mul(h, h), b.mul(h, w)));
  const [dw, dOther] = grad(b, loss, [w, other]);
  const out = evaluate(b.build({ dw: dw as Value, dOther: dOther as Value }), { x: f64([3], [1, 2, 3]) }, new Map([['w', f64([3], [0.5, -1, 2])], ['other', f64([2], [9, 9])]]));
  // L = Σ x²w² + x·w²  →  dL/dw = 2x²w + 2xw
  assert.deepEqual(Array.from((out.dw as HostTensor<'float64'>).data), [2 * 0.5 + 2 * 0.5, 2 * 4 * -1 + 2 * 2 * -1, 2 * 9 * 2 + 2 * 3 * 2]);
  assert.deepEqual(Array.from((out.dOther as HostTensor<'float64'>).data), [0, 0]);
});

test('zeroGradient ops stop the flow; nonDifferentiable ops on the path are an error', () => {
  const b = new GraphBuilder();
  const x = b.input('x', [1, 1, 2, 2]);
  const [dFloor] = grad(b, b.sumAll(b.mul(b.floor(x), x)), [x]);
  const out = evaluate(b.build({ d: dFloor as Value }), { x: f64([1, 1, 2, 2], [0.5, 1.5, -0.5, 2.5]) }, new Map());
  assert.deepEqual(Array.from((out.d as HostTensor<'float64'>).data), [0, 1, -1, 2]);
  const dy = b.input('dy', [1, 1, 1, 1]);
  const routed = b.node('MaxPoolGrad', [x, dy], { kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0] });
  assert.throws(() => grad(b, b.sumAll(routed), [dy]), (e: unknown) => e instanceof AutodiffError && /MaxPoolGrad.*not differentiable \(second derivatives/.test(e.message));
  assert.throws(() => grad(b, x, [x]), /loss must be a float32 scalar/);
  assert.throws(() => vjp(b, x, b.input('bad', [2]), [x]), /cotangent \[2\] float32 does not match/);
});

test('gradcheck fails when the analytic gradient is wrong (Sign treated as constant at its jump)', () => {
  const r = gradcheck((b) => {
    const x = b.input('x', [3]);
    return { loss: b.sumAll(b.sign(x)), wrt: [x] };
  }, { x: f64([3], [0, 1, -1]) }, OPTS);
  assert.equal(r.ok, false);
  assert.equal(r.entries[0]?.failures, 1);
  assert.equal(r.entries[0]?.worst?.index, 0);
});

test('training a small conv net with SGD in the interpreter lowers its loss', () => {
  const rng = Rng.seeded(5);
  const b = new GraphBuilder();
  const x = b.input('x', [8, 1, 6, 6]);
  const y = b.input('y', [8, 2]);
  const w1 = external(b, 'w1', [4, 1, 3, 3]);
  const w2 = external(b, 'w2', [4, 2]);
  const h = b.relu(b.conv(x, w1, null, { pads: [1, 1, 1, 1] }));
  const logits = b.matmul(b.mean(b.maxPool(h, { kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0] }), [2, 3]), w2);
  const loss = b.neg(b.meanAll(b.mul(y, b.logSoftmax(logits, 1))));
  const g = b.build({ loss, ...Object.fromEntries(grad(b, loss, [w1, w2]).map((v, i) => [`g${i}`, v])) });
  // class 1 images are bright in the top half, class 0 in the bottom half
  const xs: number[] = [];
  const ys: number[] = [];
  for (let n = 0; n < 8; n++) {
    const c = n % 2;
    for (let i = 0; i < 36; i++) xs.push(rng.range(0, 0.2) + ((i < 18) === (c === 1) ? 1 : 0));
    ys.push(c === 0 ? 1 : 0, c === 1 ? 1 : 0);
  }
  const feeds = { x: f64([8, 1, 6, 6], xs), y: f64([8, 2], ys) };
  const weights = new Map<string, HostTensor>([['w1', rand([4, 1, 3, 3], rng, -0.5, 0.5)], ['w2', rand([4, 2], rng, -0.5, 0.5)]]);
  const losses: number[] = [];
  for (let step = 0; step < 30; step++) {
    const out = evaluate(g, feeds, weights);
    losses.push((out.loss as HostTensor<'float64'>).data[0] as number);
    ['w1', 'w2'].forEach((name, i) => {
      const w = weights.get(name) as HostTensor<'float64'>;
      const d = (out[`g${i}`] as HostTensor<'float64'>).data;
      weights.set(name, f64(w.shape, w.data.map((v, k) => v - 0.5 * (d[k] as number))));
    });
  }
  assert.ok((losses.at(-1) as number) < 0.5 * (losses[0] as number), `loss ${losses[0]} → ${losses.at(-1)}`);
});

test('HardSigmoid and HardSwish cotangents at and around the kinks ±3 are PyTorch 1.13 autograd values', () => {
  const b = new GraphBuilder();
  const x = b.input('x', [7]);
  const [ds] = grad(b, b.sumAll(b.hardSigmoid(x, 1 / 6, 0.5)), [x]);
  const [dw] = grad(b, b.sumAll(b.hardSwish(x)), [x]);
  const xs = [-3, 3, -4, 4, 0, 1.5, -2.9999];
  const out = evaluate(b.build({ ds: ds as Value, dw: dw as Value }), { x: f64([7], xs) }, new Map());
  // torch.autograd on float64 x (F.hardswish, F.hardsigmoid); hardsigmoid_backward multiplies by a float32 1/6
  const torchSwish = [-0.5, 1.5, 0, 1, 0.5, 1, -0.49996666666666656];
  const torchSigmoid = [0, 0, 0, 0, 0.1666666716337204, 0.1666666716337204, 0.1666666716337204];
  (out.dw as HostTensor).data.forEach((v, i) => assert.ok(Math.abs((v as number) - (torchSwish[i] as number)) < 1e-15, `hardswish' (${xs[i]}) = ${v}`));
  (out.ds as HostTensor).data.forEach((v, i) => assert.ok(Math.abs((v as number) - (torchSigmoid[i] as number)) < 1e-8, `hardsigmoid' (${xs[i]}) = ${v}`));
});
