import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initWeights } from '../nn/index.ts';
import { buildTrainStep, initialTrainState, Trainer, TrainError, type TrainStep, type StepReport } from './index.ts';
import { type HostTensor, f32, toFloat64 } from '../tensor/index.ts';
import { Rng } from '../util/index.ts';
import { createOrtNodeBackend } from '../platform/node/index.ts';
import { interpSession } from '../../test/train/interp-session.ts';
import { batches, crossEntropy, imageProblem, smallCnn } from '../../test/train/models.ts';

/** The small CNN (conv, BatchNorm, dropout, linear) with AdamW, warm-up + cosine and clipping at 0.5. */
function cnnStep(batch: number): TrainStep {
  return buildTrainStep({
    build: smallCnn(batch),
    loss: crossEntropy,
    optimizer: { kind: 'adamw', lr: 1e-2, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.05 },
    schedule: { kind: 'cosine', steps: 15, minLr: 1e-3, warmup: { steps: 5, startFactor: 0.2 } },
    clip: { maxNorm: 0.5 },
  });
}

test('20 AdamW steps (clipping, schedule, BatchNorm, dropout) on ONNX Runtime follow the float64 interpreter', async () => {
  const step = cnnStep(8);
  const weights = initWeights(step.graph, Rng.seeded(1));
  const source = batches(imageProblem(64, 9), 8, 4);
  const session = await (await createOrtNodeBackend()).createSession(step.model, { threads: 1 });
  const ort = new Trainer(session, step.io, initialTrainState(step.io, weights, 5));
  const ref = new Trainer(interpSession(step.graph), step.io, initialTrainState(step.io, weights, 5));
  const a = await ort.fit(source, { steps: 20 });
  const e = await ref.fit(source, { steps: 20 });
  // float32 against float64 through 20 updates: losses within 1e-5 relative (measured 1.0e-7), learning
  // rates within 1e-6 (measured 2.1e-7, float32 cos), clipping active (norm > 0.5)
  a.forEach((r, k) => {
    const x = e[k] as StepReport;
    assert.ok(Math.abs(r.loss - x.loss) <= 1e-5 * Math.abs(x.loss), `step ${k + 1}: loss ${r.loss} vs interpreter ${x.loss}`);
    assert.ok(Math.abs((r.metrics['lr'] as number) - (x.metrics['lr'] as number)) <= 1e-6 * (x.metrics['lr'] as number), `step ${k + 1}: lr ${r.metrics['lr']} vs ${x.metrics['lr']}`);
  });
  assert.ok(e.some((r) => (r.metrics['grad_norm'] as number) > 0.5), 'clipping was active');
  assert.ok((e[19] as StepReport).loss < (e[0] as StepReport).loss, 'the loss falls');
  // parameters and buffers after 20 updates: within 1e-6 + 1e-5·|p| (measured worst |Δ| 1.1e-7)
  const wa = ort.state().weights;
  const we = ref.state().weights;
  for (const s of [...step.io.params, ...step.io.buffers]) {
    const xa = toFloat64(wa.get(s.name) as HostTensor);
    const xe = toFloat64(we.get(s.name) as HostTensor);
    xe.forEach((v, i) => assert.ok(Math.abs((xa[i] as number) - v) <= 1e-6 + 1e-5 * Math.abs(v), `${s.name}[${i}]: ${xa[i]} vs interpreter ${v}`));
  }
  await session.release();
});

test('fit walks epochs and batch indices and stops at an absolute step count', async () => {
  const step = cnnStep(8);
  const source = batches(imageProblem(24, 9), 8, 4); // 3 batches per epoch
  const seen: string[] = [];
  const wrapped = { batchesPerEpoch: source.batchesPerEpoch, batch: (e: number, i: number) => (seen.push(`${e}:${i}`), source.batch(e, i)) };
  const trainer = new Trainer(await (await createOrtNodeBackend()).createSession(step.model, { threads: 1 }), step.io, initialTrainState(step.io, initWeights(step.graph, Rng.seeded(1)), 0));
  const checkpoints: number[] = [];
  await trainer.fit(wrapped, { steps: 7, checkpointEvery: 3, onCheckpoint: (s) => void checkpoints.push(s.step) });
  assert.deepEqual(seen, ['0:0', '0:1', '0:2', '1:0', '1:1', '1:2', '2:0']);
  assert.deepEqual(checkpoints, [3, 6]);
  const s = trainer.state();
  assert.deepEqual([s.step, s.epoch, s.batchIndex], [7, 2, 1]);
  assert.equal((await trainer.fit(wrapped, { steps: 7 })).length, 0);
});

test('a non-finite loss is an error naming the step, and the state stays at the last good step', async () => {
  const step = buildTrainStep({
    build: (b) => ({ p: b.param('p', [2], { init: { kind: 'ones' } }), c: b.input('c', [2]) }),
    loss: (b, o) => ({ loss: b.sum(b.log(b.mul(o.p, o.c)), [0]) }),
    optimizer: { kind: 'sgd', lr: 0.1, momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0 },
  });
  const trainer = new Trainer(await (await createOrtNodeBackend()).createSession(step.model, { threads: 1 }), step.io, initialTrainState(step.io, new Map([['p', f32([2], [1, 1])]]), 0));
  await trainer.trainStep({ c: f32([2], [1, 2]) });
  const good = trainer.state();
  await assert.rejects(trainer.trainStep({ c: f32([2], [-1, 2]) }), (e: Error) => e instanceof TrainError && /step 2: loss is NaN/.test(e.message));
  const after = trainer.state();
  assert.equal(after.step, 1);
  assert.equal(after.weights.get('p'), good.weights.get('p'));
  assert.equal(after.optimizer.get('optim/momentum_buffer/p'), good.optimizer.get('optim/momentum_buffer/p'));
  assert.deepEqual(after.rng, good.rng);
});

test('states and batches that do not match the step are rejected with the tensor named', async () => {
  const step = cnnStep(8);
  const weights = initWeights(step.graph, Rng.seeded(1));
  const session = await (await createOrtNodeBackend()).createSession(step.model, { threads: 1 });
  const bad = new Map(weights);
  bad.set('head.bias', f32([4]));
  assert.throws(() => initialTrainState(step.io, bad, 0), /'head.bias' is float32 \[4\], the step takes float32 \[3\]/);
  const extra = new Map(weights);
  extra.set('head.scale', f32([1]));
  assert.throws(() => initialTrainState(step.io, extra, 0), /'head.scale'/);
  const trainer = new Trainer(session, step.io, initialTrainState(step.io, weights, 0));
  const batch = batches(imageProblem(8, 1), 8, 1).batch(0, 0) as Record<string, HostTensor>;
  await assert.rejects(trainer.trainStep({ ...batch, z: f32([1]) }), /'z'/);
  await assert.rejects(trainer.trainStep({ x: batch['x'] as HostTensor }), /missing 'y'/);
  await session.release();
});
