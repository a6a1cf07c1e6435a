/**
 * Learning-rate schedules against torch.optim.lr_scheduler (PyTorch 1.13, Debian python3-torch): the lr of
 * update s is opt.param_groups[0]['lr'] before the s-th opt.step(), with sch.step() after every update
 * (every 4th for the per-epoch schedule). Sequences:
 *   A  SequentialLR([LinearLR(start_factor=0.1, total_iters=5), CosineAnnealingLR(T_max=20, eta_min=1e-4)], [5]), lr 1e-2
 *   B  StepLR(step_size=7, gamma=0.5), lr 0.1
 *   C  ExponentialLR(gamma=0.97) stepped every 4 updates (an epoch of 4 batches), lr 1e-4
 *   D  SequentialLR([LinearLR(start_factor=1e-9, total_iters=3), StepLR(step_size=4, gamma=0.5)], [3]), lr 0.2
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder, evaluate } from '../ir/index.ts';
import { type ScheduleSpec, scheduledLr, floorDiv, validateSchedule, TrainError } from './index.ts';
import { tensor, toFloat64 } from '../tensor/index.ts';
import { toOnnx } from '../onnx/index.ts';
import { createOrtNodeBackend } from '../platform/node/index.ts';

const A = [0.001, 0.0028, 0.0046, 0.0063999999999999994, 0.008199999999999999, 0.01, 0.009939057285945933, 0.009757729755661013, 0.009460482294732423, 0.009054634122155993, 0.008550178566873413, 0.007959536998847746, 0.00729725297371076, 0.006579634122155994, 0.005824350601949147, 0.005050000000000002, 0.004275649398050861, 0.003520365877844012, 0.0028027470262892446, 0.0021404630011522593, 0.0015498214331265906, 0.001045365877844011, 0.0006395177052675796, 0.0003422702443389901, 0.0001609427140540686];
const B = [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.025, 0.025, 0.025, 0.025, 0.0125, 0.0125, 0.0125, 0.0125, 0.0125, 0.0125, 0.0125, 0.00625, 0.00625];
const C = [0.0001, 0.0001, 0.0001, 0.0001, 9.7e-05, 9.7e-05, 9.7e-05, 9.7e-05, 9.409e-05, 9.409e-05, 9.409e-05, 9.409e-05, 9.12673e-05, 9.12673e-05, 9.12673e-05, 9.12673e-05, 8.8529281e-05, 8.8529281e-05, 8.8529281e-05, 8.8529281e-05, 8.587340257e-05, 8.587340257e-05, 8.587340257e-05, 8.587340257e-05, 8.329720049289999e-05, 8.329720049289999e-05, 8.329720049289999e-05, 8.329720049289999e-05, 8.079828447811299e-05, 8.079828447811299e-05];
const D = [2.0000000000000003e-10, 0.0666666668, 0.1333333334, 0.2, 0.2, 0.2, 0.2, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.025, 0.0125];

const CASES: { name: string; spec: ScheduleSpec; base: number; torch: number[] }[] = [
  { name: 'linear warm-up then cosine', spec: { kind: 'cosine', steps: 20, minLr: 1e-4, warmup: { steps: 5, startFactor: 0.1 } }, base: 1e-2, torch: A },
  { name: 'step decay', spec: { kind: 'step', every: 7, gamma: 0.5 }, base: 0.1, torch: B },
  { name: 'per-epoch exponential decay', spec: { kind: 'epochExponential', stepsPerEpoch: 4, gamma: 0.97 }, base: 1e-4, torch: C },
  { name: 'warm-up then step decay', spec: { kind: 'step', every: 4, gamma: 0.5, warmup: { steps: 3, startFactor: 1e-9 } }, base: 0.2, torch: D },
];

function lrGraph(spec: ScheduleSpec, base: number) {
  const b = new GraphBuilder();
  const step = b.input('step', [], 'int64');
  return b.build({ lr: scheduledLr(b, spec, base, b.cast(step, 'float32')) });
}

const stepFeed = (s: number) => ({ step: tensor('int64', [], BigInt64Array.of(BigInt(s))) });

for (const c of CASES) {
  test(`${c.name}: interpreter equals torch's scheduler`, () => {
    const g = lrGraph(c.spec, c.base);
    c.torch.forEach((e, s) => {
      const lr = toFloat64(evaluate(g, stepFeed(s), new Map()).lr as never)[0] as number;
      assert.ok(Math.abs(lr - e) <= 1e-12 * Math.abs(e), `update ${s}: ${lr} vs torch ${e}`);
    });
  });
}

test('the schedules through ONNX Runtime equal torch to float32 precision', async () => {
  const backend = await createOrtNodeBackend();
  for (const c of CASES) {
    const session = await backend.createSession(toOnnx(lrGraph(c.spec, c.base)), { threads: 1 });
    for (let s = 0; s < c.torch.length; s++) {
      const lr = toFloat64((await session.run(stepFeed(s))).lr as never)[0] as number;
      const e = c.torch[s] as number;
      assert.ok(Math.abs(lr - e) <= 1e-6 * Math.abs(e), `${c.name}, update ${s}: ${lr} vs torch ${e}`);
    }
    await session.release();
  }
});

test('cosine holds its floor after T updates; constant is constant, also during and after warm-up', () => {
  const cos = lrGraph({ kind: 'cosine', steps: 10, minLr: 0.001, warmup: { steps: 2, startFactor: 0.5 } }, 0.1);
  const at = (g: ReturnType<typeof lrGraph>, s: number) => toFloat64(evaluate(g, stepFeed(s), new Map()).lr as never)[0] as number;
  for (const s of [12, 13, 100, 5000]) assert.equal(at(cos, s), 0.001);
  const close = (a: number, e: number) => assert.ok(Math.abs(a - e) <= 1e-15, `${a} vs ${e}`);
  close(at(cos, 0), 0.05);
  close(at(cos, 1), 0.075);
  close(at(cos, 2), 0.1);
  const constant = lrGraph({ kind: 'constant', warmup: { steps: 4, startFactor: 0 } }, 0.3);
  [0, 0.075, 0.15, 0.225, 0.3, 0.3, 0.3].forEach((e, i) => close(at(constant, [0, 1, 2, 3, 4, 5, 1000][i] as number), e));
});

test('floor division of the float32 update counter is exact at epoch boundaries up to 2^24 on ONNX Runtime', async () => {
  const k = 1000;
  const ss = [0, 999, 1000, 1999, 15_999_999, 16_000_000, 16_776_999, 16_777_000, 16_777_215, 12_345_999];
  const b = new GraphBuilder();
  const step = b.input('step', [ss.length], 'int64');
  const g = b.build({ q: floorDiv(b, b.cast(step, 'float32'), k) });
  const session = await (await createOrtNodeBackend()).createSession(toOnnx(g), { threads: 1 });
  const out = await session.run({ step: tensor('int64', [ss.length], BigInt64Array.from(ss, (s) => BigInt(s))) });
  assert.deepEqual([...toFloat64(out.q as never)], ss.map((s) => Math.floor(s / k)));
  await session.release();
});

test('invalid schedules are rejected with the field named', () => {
  assert.throws(() => validateSchedule({ kind: 'cosine', steps: 0, minLr: 0 }), /steps/);
  assert.throws(() => validateSchedule({ kind: 'step', every: 3, gamma: 0 }), /gamma/);
  assert.throws(() => validateSchedule({ kind: 'epochExponential', stepsPerEpoch: 2.5, gamma: 0.9 }), TrainError);
  assert.throws(() => validateSchedule({ kind: 'constant', warmup: { steps: 3, startFactor: 1.5 } }), /startFactor/);
});
