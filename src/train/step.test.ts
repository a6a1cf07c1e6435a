import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type GraphBuilder, evaluate } from '../ir/index.ts';
import { batchNorm, dropout, linear, initWeights, type Mode } from '../nn/index.ts';
import { buildTrainStep, buildEvalStep, initialTrainState, Trainer, TrainError, fillRandom, type OptimizerSpec } from './index.ts';
import { f32, i64, toFloat64, type HostTensor } from '../tensor/index.ts';
import { Rng } from '../util/index.ts';
import { readSignature } from '../onnx/index.ts';
import { createOrtNodeBackend } from '../platform/node/index.ts';

const SGD: OptimizerSpec = { kind: 'sgd', lr: 0.1, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 };
const ADAM: OptimizerSpec = { kind: 'adam', lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 };

/** x [N=6, C=3] → BatchNorm1d → dropout(0.5) → Linear(3 → 1): loss = mean(out²). */
function bnDropModel(b: GraphBuilder, mode: Mode) {
  const x = b.input('x', [6, 3]);
  const h = dropout(b, 'drop', batchNorm(b, 'bn', x, { numFeatures: 3, eps: 1e-5, momentum: 0.1, affine: true, mode }), { p: 0.5, mode });
  return linear(b, 'fc', h, { inFeatures: 3, outFeatures: 1, bias: true });
}

test('the step signature lists batch, random inputs, parameters, buffers, optimizer state and step; the ONNX model has exactly those inputs', () => {
  const step = buildTrainStep({ build: bnDropModel, loss: (b, y) => ({ loss: b.meanAll(b.mul(y, y)), metrics: { mean_out: b.meanAll(y) } }), optimizer: ADAM, clip: { maxNorm: 1 } });
  const { io } = step;
  assert.deepEqual(io.batch.map((s) => s.name), ['x']);
  assert.deepEqual(io.random.map((s) => [s.name, s.shape.join('x'), s.dist.kind]), [['drop.mask', '6x3', 'bernoulli']]);
  assert.deepEqual(io.params.map((s) => [s.name, s.output]), [['bn.weight', 'new/bn.weight'], ['bn.bias', 'new/bn.bias'], ['fc.weight', 'new/fc.weight'], ['fc.bias', 'new/fc.bias']]);
  assert.deepEqual(io.buffers.map((s) => [s.name, s.dtype, s.output]), [
    ['bn.running_mean', 'float32', 'new/bn.running_mean'], ['bn.running_var', 'float32', 'new/bn.running_var'], ['bn.num_batches_tracked', 'int64', 'new/bn.num_batches_tracked'],
  ]);
  assert.equal(io.state.length, 8);
  assert.deepEqual(io.metrics.map((m) => m.name), ['mean_out', 'lr', 'grad_norm']);
  const sig = readSignature(step.model);
  const expectedInputs = ['x', 'drop.mask', ...io.params.map((s) => s.name), ...io.buffers.map((s) => s.name), ...io.state.map((s) => s.name), 'step'];
  assert.deepEqual(sig.inputs.map((s) => s.name).sort(), expectedInputs.sort());
  const expectedOutputs = ['loss', ...io.metrics.map((m) => m.output), ...io.params.map((s) => s.output), ...io.state.map((s) => s.output), ...io.buffers.map((s) => s.output as string), 'new/step'];
  assert.deepEqual(sig.outputs.map((s) => s.name).sort(), expectedOutputs.sort());
});

test('frozen parameters and parameters the loss does not reach are fed but not updated (torch skips params without .grad)', () => {
  const step = buildTrainStep({
    build: (b) => {
      const x = b.input('x', [4, 2]);
      const h = linear(b, 'body', x, { inFeatures: 2, outFeatures: 2, bias: true });
      const head = linear(b, 'head', h, { inFeatures: 2, outFeatures: 1, bias: false });
      const aux = linear(b, 'aux', x, { inFeatures: 2, outFeatures: 1, bias: false });
      b.param('unused', [5], { init: { kind: 'zeros' } });
      return { head, aux };
    },
    loss: (b, o) => ({ loss: b.meanAll(b.mul(o.head, o.head)), metrics: { aux: b.meanAll(o.aux) } }),
    optimizer: { kind: 'adamw', lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01 },
    trainable: (name) => !name.startsWith('body.'),
  });
  assert.deepEqual(step.io.params.map((s) => s.name), ['head.weight']);
  assert.deepEqual(step.io.frozen.map((s) => s.name), ['body.weight', 'body.bias', 'aux.weight']);
  assert.deepEqual(step.io.state.map((s) => s.param), ['head.weight', 'head.weight']);
  assert.deepEqual(step.io.declared.map((s) => s.name), ['body.weight', 'body.bias', 'head.weight', 'aux.weight', 'unused']);
});

test('reserved names and malformed losses are rejected', () => {
  const model = (name: string) => (b: GraphBuilder) => ({ p: b.param('p', [2], { init: { kind: 'ones' } }), x: b.input(name, [2]) });
  const loss = (b: GraphBuilder, o: { p: ReturnType<GraphBuilder['param']>; x: ReturnType<GraphBuilder['input']> }) => ({ loss: b.sum(b.mul(o.p, o.x), [0]) });
  assert.throws(() => buildTrainStep({ build: model('optim/x'), loss, optimizer: SGD }), /reserves/);
  assert.throws(() => buildTrainStep({ build: model('step'), loss, optimizer: SGD }), /'step' uses a name the step reserves/);
  assert.throws(() => buildTrainStep({ build: model('x'), loss: (b, o) => ({ loss: b.mul(o.p, o.x) }), optimizer: SGD }), /float32 scalar/);
  assert.throws(() => buildTrainStep({ build: model('x'), loss: (b, o) => ({ ...loss(b, o), metrics: { lr: loss(b, o).loss } }), optimizer: SGD }), /reserved/);
  assert.throws(() => buildTrainStep({ build: model('x'), loss, optimizer: SGD, trainable: () => false }), TrainError);
});

test('BatchNorm running statistics and dropout masks flow through a step on ONNX Runtime', async () => {
  const step = buildTrainStep({ build: bnDropModel, loss: (b, y) => ({ loss: b.meanAll(b.mul(y, y)) }), optimizer: SGD });
  const weights = initWeights(step.graph, Rng.seeded(5));
  const session = await (await createOrtNodeBackend()).createSession(step.model, { threads: 1 });
  const state = initialTrainState(step.io, weights, 11);
  const trainer = new Trainer(session, step.io, state);
  const xs = [[0.5, -1, 2, 1.5, 0, -0.5, -2, 1, 0.25, 1, 3, -1, 0, 0.5, 1.5, -1.5, 2, 0.75], [1, 1, 1, -1, 2, 0, 0.5, 0.25, -3, 2, -2, 1, 0, 0, 0, 1, 1, 1]];
  let rm = [0, 0, 0];
  let rv = [1, 1, 1];
  for (let k = 0; k < 2; k++) {
    const x = f32([6, 3], xs[k] as number[]);
    // the mask the trainer will draw, reproduced from its Rng state
    const mask = new Float32Array(18);
    fillRandom(mask, { kind: 'bernoulli', p: 0.5, scale: 2 }, Rng.fromState(trainer.state().rng));
    const before = trainer.state();
    const r = await trainer.trainStep({ x });
    // reference: the same step in the float64 interpreter with the same mask
    const feeds: Record<string, HostTensor> = { x, 'drop.mask': f32([6, 3], mask), step: i64([], [before.step]) };
    for (const [n, t] of before.optimizer) feeds[n] = t;
    const used = new Set(step.graph.params.map((p) => p.params.name));
    const ref = evaluate(step.graph, feeds, new Map([...before.weights].filter(([n]) => used.has(n))));
    assert.ok(Math.abs(r.loss - (toFloat64(ref.loss as never)[0] as number)) < 1e-5, `step ${k + 1}: loss ${r.loss} vs interpreter ${toFloat64(ref.loss as never)[0]}`);
    assert.ok(mask.some((v) => v === 0) && mask.some((v) => v === 2), 'the mask drops and keeps');
    // running statistics: momentum 0.1 towards the batch mean and the unbiased batch variance (ATen's update)
    const data = xs[k] as number[];
    const mean = [0, 1, 2].map((c) => [0, 1, 2, 3, 4, 5].reduce((a, n) => a + (data[n * 3 + c] as number), 0) / 6);
    const uvar = [0, 1, 2].map((c) => [0, 1, 2, 3, 4, 5].reduce((a, n) => a + ((data[n * 3 + c] as number) - (mean[c] as number)) ** 2, 0) / 5);
    rm = rm.map((v, c) => 0.9 * v + 0.1 * (mean[c] as number));
    rv = rv.map((v, c) => 0.9 * v + 0.1 * (uvar[c] as number));
    const w = trainer.state().weights;
    toFloat64(w.get('bn.running_mean') as never).forEach((v, c) => assert.ok(Math.abs(v - (rm[c] as number)) < 1e-6, `running_mean[${c}] ${v} vs ${rm[c]}`));
    toFloat64(w.get('bn.running_var') as never).forEach((v, c) => assert.ok(Math.abs(v - (rv[c] as number)) < 1e-6, `running_var[${c}] ${v} vs ${rv[c]}`));
    assert.equal((w.get('bn.num_batches_tracked') as HostTensor<'int64'>).data[0], BigInt(k + 1));
  }
  await session.release();
});

test('the eval step runs the model in eval mode on the trainer\'s current weights', async () => {
  const loss = (b: GraphBuilder, y: ReturnType<typeof bnDropModel>) => ({ loss: b.meanAll(b.mul(y, y)) });
  const step = buildTrainStep({ build: bnDropModel, loss, optimizer: SGD });
  const evalStep = buildEvalStep({ build: bnDropModel, outputs: (_b, y) => ({ y }) });
  assert.deepEqual(evalStep.io.batch.map((s) => s.name), ['x']);
  assert.deepEqual(evalStep.io.random, []);
  assert.deepEqual(evalStep.io.weights.map((s) => s.name), ['bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var', 'fc.weight', 'fc.bias']);
  const backend = await createOrtNodeBackend();
  const trainer = new Trainer(await backend.createSession(step.model, { threads: 1 }), step.io, initialTrainState(step.io, initWeights(step.graph, Rng.seeded(2)), 3));
  const x = f32([6, 3], Array.from({ length: 18 }, (_, i) => Math.sin(i)));
  await trainer.trainStep({ x });
  const out = await trainer.evaluate(await backend.createSession(evalStep.model, { threads: 1 }), evalStep.io, { x });
  const w = trainer.state().weights;
  const ref = evaluate(evalStep.graph, { x }, new Map(evalStep.io.weights.map((s) => [s.name, w.get(s.name) as HostTensor])));
  toFloat64(out.y as never).forEach((v, i) => assert.ok(Math.abs(v - (toFloat64(ref.y as never)[i] as number)) < 1e-5));
  assert.throws(() => buildEvalStep({ build: bnDropModel, outputs: () => ({}) }), TrainError);
});
