/**
 * End-to-end training through onnxruntime-node: a small CNN (conv, BatchNorm, dropout) and a small
 * transformer (attention, LayerNorm, GELU MLP, dropout) learn seeded separable problems (test/train/models.ts)
 * with AdamW, warm-up + cosine schedule and clipping, and classify held-out samples in eval mode.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initWeights, type Mode } from '../../src/nn/index.ts';
import type { GraphBuilder, Value } from '../../src/ir/index.ts';
import { buildTrainStep, buildEvalStep, initialTrainState, Trainer } from '../../src/train/index.ts';
import { f32 } from '../../src/tensor/index.ts';
import { Rng } from '../../src/util/index.ts';
import { createOrtNodeBackend } from '../../src/platform/node/index.ts';
import { type Problem, accuracy, batches, crossEntropy, imageProblem, smallCnn, smallTransformer, tokenProblem } from './models.ts';

type Model = (batch: number) => (b: GraphBuilder, mode: Mode) => { logits: Value; y: Value };

async function trainAndEvaluate(model: Model, train: Problem, heldOut: Problem, steps: number, lr: number): Promise<{ acc: number; first: number; last: number }> {
  const batch = 32;
  const step = buildTrainStep({
    build: model(batch),
    loss: crossEntropy,
    optimizer: { kind: 'adamw', lr, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2 },
    schedule: { kind: 'cosine', steps: steps - 10, minLr: lr / 20, warmup: { steps: 10, startFactor: 0.1 } },
    clip: { maxNorm: 1 },
  });
  const n = heldOut.y.length;
  const evalStep = buildEvalStep({
    build: (b, mode) => {
      const m = model(n)(b, mode);
      return m.logits;
    },
    outputs: (_b, logits) => ({ logits }),
  });
  const backend = await createOrtNodeBackend();
  const session = await backend.createSession(step.model, { threads: 1 });
  const trainer = new Trainer(session, step.io, initialTrainState(step.io, initWeights(step.graph, Rng.seeded(42)), 7));
  const reports = await trainer.fit(batches(train, batch, 3), { steps });
  const evalSession = await backend.createSession(evalStep.model, { threads: 1 });
  const out = await trainer.evaluate(evalSession, evalStep.io, { x: f32([n, ...heldOut.sampleShape], heldOut.x) });
  await session.release();
  await evalSession.release();
  const mean = (xs: number[]) => xs.reduce((a, v) => a + v, 0) / xs.length;
  return { acc: accuracy(out.logits as never, heldOut.y), first: mean(reports.slice(0, 10).map((r) => r.loss)), last: mean(reports.slice(-10).map((r) => r.loss)) };
}

test('a small CNN trained through ONNX Runtime reaches ≥ 0.95 held-out accuracy', async () => {
  const r = await trainAndEvaluate(smallCnn, imageProblem(512, 1), imageProblem(256, 2), 160, 1e-2);
  assert.ok(r.last < r.first / 4, `loss ${r.first.toFixed(3)} → ${r.last.toFixed(3)}`);
  assert.ok(r.acc >= 0.95, `held-out accuracy ${r.acc}`);
});

test('a small transformer trained through ONNX Runtime reaches ≥ 0.95 held-out accuracy', async () => {
  const r = await trainAndEvaluate(smallTransformer, tokenProblem(512, 1), tokenProblem(256, 2), 160, 3e-3);
  assert.ok(r.last < r.first / 4, `loss ${r.first.toFixed(3)} → ${r.last.toFixed(3)}`);
  assert.ok(r.acc >= 0.95, `held-out accuracy ${r.acc}`);
});
