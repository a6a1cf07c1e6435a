import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder, evaluate } from '../ir/index.ts';
import { clipGradNorm, CLIP_EPS, buildTrainStep, initialTrainState, Trainer, TrainError } from './index.ts';
import { f32, toFloat64 } from '../tensor/index.ts';
import { interpSession } from '../../test/train/interp-session.ts';

function clipped(gs: number[][], maxNorm: number): { grads: number[][]; norm: number } {
  const b = new GraphBuilder();
  const ins = gs.map((g, i) => b.input(`g${i}`, [g.length]));
  const r = clipGradNorm(b, ins, { maxNorm });
  const out = evaluate(b.build({ norm: r.norm, ...Object.fromEntries(r.grads.map((g, i) => [`c${i}`, g])) }), Object.fromEntries(gs.map((g, i) => [`g${i}`, f32([g.length], g)])), new Map());
  return { norm: toFloat64(out.norm as never)[0] as number, grads: gs.map((_, i) => [...toFloat64(out[`c${i}`] as never)]) };
}

test('clip_grad_norm_: the global norm over all gradients scales every gradient by maxNorm/(norm + 1e-6)', () => {
  // ‖([3, 4], [12])‖ = 13
  const r = clipped([[3, 4], [12]], 1);
  assert.equal(r.norm, 13);
  const coef = 1 / (13 + CLIP_EPS);
  assert.deepEqual(r.grads, [[3 * coef, 4 * coef], [12 * coef]]);
});

test('clip_grad_norm_ leaves gradients unchanged when the norm is within maxNorm', () => {
  const r = clipped([[0.3, 0.4], [1.2]], 2);
  assert.ok(Math.abs(r.norm - 1.3) < 1e-7);
  assert.deepEqual(r.grads, [[0.30000001192092896, 0.4000000059604645], [1.2000000476837158]]);
});

test('a clipped SGD step moves the parameter by lr·g·maxNorm/(‖g‖ + 1e-6) and reports the norm', async () => {
  const step = buildTrainStep({
    build: (b) => ({ p: b.param('p', [2], { init: { kind: 'zeros' } }), c: b.input('c', [2]) }),
    loss: (b, o) => ({ loss: b.sum(b.mul(o.p, o.c), [0]) }),
    optimizer: { kind: 'sgd', lr: 0.5, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 },
    clip: { maxNorm: 1 },
  });
  const trainer = new Trainer(interpSession(step.graph), step.io, initialTrainState(step.io, new Map([['p', f32([2], [0, 0])]]), 0));
  const r = await trainer.trainStep({ c: f32([2], [6, 8]) });
  assert.equal(r.metrics['grad_norm'], 10);
  const p = [...toFloat64(trainer.state().weights.get('p') as never)];
  const coef = 1 / (10 + CLIP_EPS);
  assert.ok(Math.abs((p[0] as number) + 0.5 * 6 * coef) < 1e-15 && Math.abs((p[1] as number) + 0.5 * 8 * coef) < 1e-15, `p = ${p}`);
});

test('maxNorm must be positive', () => {
  const b = new GraphBuilder();
  assert.throws(() => clipGradNorm(b, [b.input('g', [1])], { maxNorm: 0 }), TrainError);
});
