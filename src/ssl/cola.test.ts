import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GraphBuilder, evaluate, type Value } from '../ir/index.ts';
import { grad } from '../autodiff/index.ts';
import { batchNorm, initWeights, linear, type Mode } from '../nn/index.ts';
import { type HostTensor, f32, parseNpy, toFloat64 } from '../tensor/index.ts';
import { Rng } from '../util/index.ts';
import { OPERA_COLA_HEAD, colaObjective } from './cola.ts';
import { tiedPasses } from './tied.ts';

const B = 3;
const IN = 4;
const FEA = 5;
const HEAD = { ...OPERA_COLA_HEAD, dimOut: 4 };

function colaGraph(mode: Mode) {
  const b = new GraphBuilder();
  const x1 = b.input('x1', [B, IN]);
  const x2 = b.input('x2', [B, IN]);
  const out = colaObjective(b, {
    x1, x2, dimFea: FEA, head: HEAD, mode,
    encode: (x) => b.scope('encoder', () => linear(b, 'proj', x, { inFeatures: IN, outFeatures: FEA, bias: true })),
  });
  return b.build({ loss: out.loss, accuracy: out.accuracy, logits: out.logits });
}

const get = (w: ReadonlyMap<string, HostTensor>, k: string): Float64Array => toFloat64(w.get(k) as HostTensor);

/** y = x·Wᵀ + b for row-major x [n, i], W [o, i]. */
function dense(x: Float64Array, n: number, w: Float64Array, bias: Float64Array | null, i: number, o: number): Float64Array {
  const y = new Float64Array(n * o);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < o; c++) {
      let s = bias ? (bias[c] as number) : 0;
      for (let k = 0; k < i; k++) s += (x[r * i + k] as number) * (w[c * i + k] as number);
      y[r * o + c] = s;
    }
  }
  return y;
}

test('COLA loss and accuracy on a hand-checkable batch equal a float64 computation of OPERA\'s formula (eval mode: no dropout)', () => {
  const graph = colaGraph('eval');
  const w = initWeights(graph, Rng.seeded(4));
  assert.deepEqual([...w.keys()].sort(), ['encoder.proj.bias', 'encoder.proj.weight', 'g.bias', 'g.weight', 'layer_norm.bias', 'layer_norm.weight', 'linear.weight']);
  const rng = Rng.seeded(9);
  const xs = [0, 1].map(() => Float64Array.from({ length: B * IN }, () => Math.fround(rng.normal())));
  const got = evaluate(graph, { x1: f32([B, IN], xs[0] as Float64Array), x2: f32([B, IN], xs[1] as Float64Array) }, w);

  const D = HEAD.dimOut;
  const z = xs.map((x) => {
    const h = dense(x, B, get(w, 'encoder.proj.weight'), get(w, 'encoder.proj.bias'), IN, FEA);
    const g = dense(h, B, get(w, 'g.weight'), get(w, 'g.bias'), FEA, D);
    const gamma = get(w, 'layer_norm.weight');
    const beta = get(w, 'layer_norm.bias');
    for (let r = 0; r < B; r++) {
      const row = g.subarray(r * D, (r + 1) * D);
      const m = row.reduce((a, v) => a + v, 0) / D;
      const v = row.reduce((a, u) => a + (u - m) ** 2, 0) / D;
      for (let c = 0; c < D; c++) row[c] = Math.tanh(((row[c] as number) - m) / Math.sqrt(v + 1e-5) * (gamma[c] as number) + (beta[c] as number));
    }
    return g;
  });
  const x1 = dense(z[0] as Float64Array, B, get(w, 'linear.weight'), null, D, D);
  const logits = new Float64Array(B * B);
  for (let i = 0; i < B; i++) for (let j = 0; j < B; j++) for (let k = 0; k < D; k++) logits[i * B + j] = (logits[i * B + j] as number) + (x1[i * D + k] as number) * ((z[1] as Float64Array)[j * D + k] as number);
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < B; i++) {
    const row = logits.subarray(i * B, (i + 1) * B);
    const mx = Math.max(...row);
    loss += mx + Math.log(row.reduce((a, v) => a + Math.exp(v - mx), 0)) - (row[i] as number);
    if (row.indexOf(mx) === i) correct++;
  }
  loss /= B;
  const gotLogits = toFloat64(got['logits'] as HostTensor);
  for (let k = 0; k < B * B; k++) assert.ok(Math.abs((gotLogits[k] as number) - (logits[k] as number)) < 1e-9, `logit ${k}`);
  assert.ok(Math.abs((toFloat64(got['loss'] as HostTensor)[0] as number) - loss) < 1e-9, `loss ${toFloat64(got['loss'] as HostTensor)[0]} vs ${loss}`);
  assert.equal(toFloat64(got['accuracy'] as HostTensor)[0], correct / B);
});

test('COLA in training mode draws six dropout masks, one per application and view, and ties the encoder across views', () => {
  const graph = colaGraph('train');
  assert.deepEqual([...graph.random.keys()].sort(), ['dropout.v0_g.mask', 'dropout.v0_h.mask', 'dropout.v0_z.mask', 'dropout.v1_g.mask', 'dropout.v1_h.mask', 'dropout.v1_z.mask']);
  for (const d of graph.random.values()) assert.deepEqual(d, { kind: 'bernoulli', p: 0.9, scale: 1 / 0.9 });
  assert.equal(graph.params.filter((p) => p.params.name.startsWith('encoder.')).length, 2, 'one set of encoder parameters');
});

test('tied passes: BatchNorm normalises each view with its own batch statistics and updates the running statistics once per pass, in order', () => {
  const b = new GraphBuilder();
  const xs = [b.input('x1', [4, 3]), b.input('x2', [4, 3])];
  const ys = tiedPasses(b, 2, (k) => b.scope('encoder', () => batchNorm(b, 'bn', xs[k] as Value, { numFeatures: 3, eps: 1e-5, momentum: 0.1, affine: true, mode: 'train' })));
  const first = b.build({ y1: ys[0] as Value, y2: ys[1] as Value });
  assert.deepEqual(first.params.map((p) => p.params.name), ['encoder.bn.weight', 'encoder.bn.bias', 'encoder.bn.running_mean', 'encoder.bn.running_var', 'encoder.bn.num_batches_tracked']);
  const g = b.build({
    y1: ys[0] as Value, y2: ys[1] as Value,
    mean: first.updates.get('encoder.bn.running_mean') as Value,
    tracked: first.updates.get('encoder.bn.num_batches_tracked') as Value,
  });
  const a = [1, 2, 3, 2, 4, 6, 3, 6, 9, 4, 8, 12];
  const c = [0, 0, 1, 1, 1, 1, 2, 2, 1, 3, 3, 1];
  const w = initWeights(g, Rng.seeded(1));
  w.set('encoder.bn.running_mean', f32([3], [1, 1, 1]));
  const out = evaluate(g, { x1: f32([4, 3], a), x2: f32([4, 3], c) }, w);
  const colMean = (x: number[], j: number) => (x[j]! + x[3 + j]! + x[6 + j]! + x[9 + j]!) / 4;
  const expected = [0, 1, 2].map((j) => 0.9 * (0.9 * 1 + 0.1 * colMean(a, j)) + 0.1 * colMean(c, j));
  const got = toFloat64(out['mean'] as HostTensor);
  expected.forEach((e, j) => assert.ok(Math.abs((got[j] as number) - e) < 1e-6, `running_mean[${j}] ${got[j]} vs ${e}`));
  assert.equal(Number((out['tracked'] as HostTensor<'int64'>).data[0]), 2);
  // y2 uses x2's own statistics: column 2 of x2 is constant, so it normalises to 0 (times weight, plus bias)
  const bias = toFloat64(w.get('encoder.bn.bias') as HostTensor);
  const y2 = toFloat64(out['y2'] as HostTensor);
  for (let r = 0; r < 4; r++) assert.ok(Math.abs((y2[r * 3 + 2] as number) - (bias[2] as number)) < 1e-6);
});

test('tied passes reject a parameter that only a later pass declares', () => {
  const b = new GraphBuilder();
  const x = b.input('x', [2, 2]);
  assert.throws(
    () => tiedPasses(b, 2, (k) => linear(b, k === 0 ? 'a' : 'b', x, { inFeatures: 2, outFeatures: 2, bias: false })),
    /pass 1 declares parameter 'b.weight', which pass 0 did not/,
  );
});

test('COLA head, loss and gradients equal PyTorch\'s (test/fixtures/golden/cola-head, float64)', () => {
  const dir = fileURLToPath(new URL('../../test/fixtures/golden/cola-head/', import.meta.url));
  const npy = (name: string): HostTensor => parseNpy(new Uint8Array(readFileSync(`${dir}${name}.npy`)), name);
  const b = new GraphBuilder();
  const x1 = b.input('x1', [4, 6]);
  const x2 = b.input('x2', [4, 6]);
  const out = colaObjective(b, { x1, x2, dimFea: 6, head: { ...OPERA_COLA_HEAD, dimOut: 5 }, mode: 'eval', encode: (x) => x });
  const names = ['g.weight', 'g.bias', 'layer_norm.weight', 'layer_norm.bias', 'linear.weight'];
  const first = b.build({ loss: out.loss });
  const params = names.map((n) => first.params.find((p) => p.params.name === n) as Value);
  const grads = grad(b, out.loss, [...params, x1, x2]);
  const g = b.build({ loss: out.loss, logits: out.logits, ...Object.fromEntries(grads.map((v, i) => [`grad.${[...names, 'h1', 'h2'][i]}`, v])) });
  const res = evaluate(g, { x1: npy('h1'), x2: npy('h2') }, new Map(names.map((n) => [n, npy(n)])));
  const close = (got: HostTensor, want: HostTensor, what: string) => {
    const a = toFloat64(got);
    const e = toFloat64(want);
    assert.equal(a.length, e.length, what);
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs((a[i] as number) - (e[i] as number)) < 1e-12 * Math.max(1, Math.abs(e[i] as number)), `${what}[${i}]: ${a[i]} vs ${e[i]}`);
  };
  close(res['loss'] as HostTensor, npy('loss'), 'loss');
  close(res['logits'] as HostTensor, npy('logits'), 'logits');
  for (const n of [...names, 'h1', 'h2']) close(res[`grad.${n}`] as HostTensor, npy(`grad.${n}`), `grad.${n}`);
});
