/**
 * One to three updates of each optimizer on a 3-element parameter, against torch.optim. The loss is
 * Σ c·p with the batch input c, so the gradient is exactly c. Expected values: PyTorch 1.13 (Debian
 * python3-torch) in float64, p0 = [1, −0.5, 0.25], gradients G below, e.g.
 *   p = torch.tensor(p0, requires_grad=True); opt = torch.optim.AdamW([p], lr=0.1, betas=(0.9, 0.999),
 *   eps=1e-8, weight_decay=0.1); for g in G: opt.zero_grad(); (p*torch.tensor(g)).sum().backward(); opt.step()
 * The first Adam update is also the closed form p − lr·ĝ/(|ĝ| + eps·…) with ĝ = g + wd·p:
 *   1 − 0.1·0.6/(0.6 + 1e-8) = 0.90000000166666…
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTrainStep, initialTrainState, Trainer, optimizerSlots, type OptimizerSpec, TrainError, validateOptimizer } from './index.ts';
import { f32, toFloat64 } from '../tensor/index.ts';
import { interpSession } from '../../test/train/interp-session.ts';
import { createOrtNodeBackend } from '../platform/node/index.ts';

const P0 = [1, -0.5, 0.25];
const G = [[0.5, -0.25, 0.125], [-0.25, 0.75, 0.5], [0.125, 0.125, -1.0]];

const CASES: { name: string; spec: OptimizerSpec; expected: number[][] }[] = [
  {
    name: 'SGD with weight decay',
    spec: { kind: 'sgd', lr: 0.1, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0.01 },
    expected: [[0.94899999999999995, -0.47449999999999998, 0.23724999999999999]],
  },
  {
    name: 'SGD with momentum, dampening and weight decay',
    spec: { kind: 'sgd', lr: 0.1, momentum: 0.9, dampening: 0.5, nesterov: false, weightDecay: 0.01 },
    expected: [
      [0.94899999999999995, -0.47449999999999998, 0.23724999999999999],
      [0.91512549999999993, -0.48881274999999996, 0.200656375],
      [0.8779308872499999, -0.50769981862499991, 0.21762178431250001],
    ],
  },
  {
    name: 'SGD with Nesterov momentum',
    spec: { kind: 'sgd', lr: 0.1, momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 0 },
    expected: [
      [0.90500000000000003, -0.45250000000000001, 0.22625000000000001],
      [0.91200000000000003, -0.57474999999999998, 0.121125],
      [0.87204999999999999, -0.64102499999999996, 0.26151249999999998],
    ],
  },
  {
    name: 'Adam with coupled L2 decay (bias-corrected)',
    spec: { kind: 'adam', lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.1 },
    expected: [
      [0.9000000016666666, -0.40000000333333319, 0.15000000666666621],
      [0.85444136746176247, -0.44248235858496449, 0.059823309774226507],
      [0.8005694720858495, -0.48180237471469683, 0.082958782611706749],
    ],
  },
  {
    name: 'AdamW with decoupled decay',
    spec: { kind: 'adamw', lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.1 },
    expected: [
      [0.89000000199999996, -0.39500000399999979, 0.14750000799999935],
      [0.85446629868784629, -0.44046898640585136, 0.057587361288574029],
      [0.81187872190977561, -0.4837780137126968, 0.082495883570188902],
    ],
  },
];

function tinyStep(spec: OptimizerSpec) {
  return buildTrainStep({
    build: (b) => ({ p: b.param('p', [3], { init: { kind: 'tensor', value: f32([3], P0) } }), c: b.input('c', [3]) }),
    loss: (b, o) => ({ loss: b.sum(b.mul(o.p, o.c), [0]) }),
    optimizer: spec,
  });
}

async function run(spec: OptimizerSpec, useOrt: boolean): Promise<number[][]> {
  const step = tinyStep(spec);
  const session = useOrt ? await (await createOrtNodeBackend()).createSession(step.model, { threads: 1 }) : interpSession(step.graph);
  const trainer = new Trainer(session, step.io, initialTrainState(step.io, new Map([['p', f32([3], P0)]]), 0));
  const out: number[][] = [];
  for (const g of G) {
    await trainer.trainStep({ c: f32([3], g) });
    out.push([...toFloat64(trainer.state().weights.get('p') as never)]);
  }
  await session.release();
  return out;
}

for (const c of CASES) {
  test(`${c.name}: float64 interpreter equals torch.optim`, async () => {
    const got = await run(c.spec, false);
    c.expected.forEach((row, k) => row.forEach((e, i) => {
      const a = got[k]?.[i] as number;
      assert.ok(Math.abs(a - e) <= 1e-14 + 1e-12 * Math.abs(e), `update ${k + 1}, element ${i}: ${a} vs torch ${e}`);
    }));
  });
}

test('every optimizer through ONNX Runtime equals torch.optim within float32 rounding', async () => {
  for (const c of CASES) {
    const got = await run(c.spec, true);
    c.expected.forEach((row, k) => row.forEach((e, i) => {
      const a = got[k]?.[i] as number;
      // parameters within 1: float32 keeps them to 6e-8 (half an ulp); measured worst 3.1e-8
      assert.ok(Math.abs(a - e) <= 1e-7, `${c.name}, update ${k + 1}, element ${i}: ${a} vs torch ${e}`);
    }));
  }
});

test('optimizer state names and shapes follow torch', () => {
  assert.deepEqual(optimizerSlots({ kind: 'sgd', lr: 1, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 }), []);
  assert.deepEqual(optimizerSlots({ kind: 'sgd', lr: 1, momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0 }), ['momentum_buffer']);
  const step = tinyStep(CASES[4]?.spec as OptimizerSpec);
  assert.deepEqual(step.io.state.map((s) => [s.name, s.param, s.slot, s.shape.join()]), [
    ['optim/exp_avg/p', 'p', 'exp_avg', '3'],
    ['optim/exp_avg_sq/p', 'p', 'exp_avg_sq', '3'],
  ]);
});

test('parameter groups override weight decay and scale the learning rate', async () => {
  // two parameters, SGD lr 0.1: 'a' in a group with wd 0.5 and lrScale 2, 'b' with the default wd 0
  const step = buildTrainStep({
    build: (b) => ({ a: b.param('a', [1], { init: { kind: 'ones' } }), bb: b.param('b', [1], { init: { kind: 'ones' } }), c: b.input('c', [1]) }),
    loss: (b, o) => ({ loss: b.sum(b.mul(b.add(o.a, o.bb), o.c), [0]) }),
    optimizer: { kind: 'sgd', lr: 0.1, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, groups: [{ match: (n) => n === 'a', weightDecay: 0.5, lrScale: 2 }] },
  });
  const trainer = new Trainer(interpSession(step.graph), step.io, initialTrainState(step.io, new Map([['a', f32([1], [1])], ['b', f32([1], [1])]]), 0));
  await trainer.trainStep({ c: f32([1], [0.25]) });
  const w = trainer.state().weights;
  // a: 1 − 0.2·(0.25 + 0.5·1) = 0.85;  b: 1 − 0.1·0.25 = 0.975
  assert.ok(Math.abs((toFloat64(w.get('a') as never)[0] as number) - 0.85) < 1e-15);
  assert.ok(Math.abs((toFloat64(w.get('b') as never)[0] as number) - 0.975) < 1e-15);
});

test('invalid hyperparameters are rejected as torch.optim rejects them', () => {
  assert.throws(() => validateOptimizer({ kind: 'sgd', lr: 0.1, momentum: 0, dampening: 0, nesterov: true, weightDecay: 0 }), TrainError);
  assert.throws(() => validateOptimizer({ kind: 'adam', lr: 0.1, betas: [1, 0.999], eps: 1e-8, weightDecay: 0 }), /betas\[0\]/);
  assert.throws(() => validateOptimizer({ kind: 'adamw', lr: -1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 }), /lr/);
});
