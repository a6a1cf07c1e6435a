// The op-case table on the float64 interpreter: every case builds, verifies and evaluates to the shape
// and dtype inference predicts, and every differentiable case passes a central-difference gradient check
// of L = Σ out ⊙ cotangent (the same seeded cotangent the VJP graph is fed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OPS, GraphBuilder, verifyGraph, printGraph, type Op, type Value } from '../../src/ir/index.ts';
import { gradcheck, formatGradcheck } from '../../src/autodiff/index.ts';
import { type HostTensor, toFloat64 } from '../../src/tensor/index.ts';
import { opCases, listCases, buildForward, buildVjp, expectedOutputs, applyCase, gradInputsOf, GRADCHECK, DEFAULT_SEED, type OpCase } from './ops.cases.ts';

const cases = listCases(opCases);

test('the table has cases for every op, with unique ids', () => {
  assert.deepEqual(Object.keys(opCases).sort(), [...OPS].sort());
  const ids = cases.map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length);
});

test('every case evaluates to the inferred shape and dtype with finite values', () => {
  for (const { op, case: c, id } of cases) {
    const built = buildForward(op, c);
    verifyGraph(built.graph);
    assert.ok(printGraph(built.graph).includes('return out=%'));
    const out = expectedOutputs(built).out as HostTensor;
    const node = built.graph.outputs[0]?.value as Value;
    assert.deepEqual(out.shape, node.shape, id);
    assert.equal(out.dtype, node.dtype === 'float32' ? 'float64' : node.dtype, id);
    assert.ok(toFloat64(out).every(Number.isFinite), `${id}: non-finite output`);
  }
});

test('the same seed draws the same inputs; VJP graphs verify and give one cotangent per differentiated input', () => {
  for (const { op, case: c, id } of cases) {
    const a = buildForward(op, c, DEFAULT_SEED);
    const b = buildForward(op, c, DEFAULT_SEED);
    for (const [name, t] of Object.entries(a.feeds)) assert.deepEqual(t, b.feeds[name], id);
    const vjpCase = buildVjp(op, c);
    const which = gradInputsOf(op, c);
    assert.equal(vjpCase === null, which.length === 0, id);
    if (!vjpCase) continue;
    verifyGraph(vjpCase.graph);
    for (const [name, t] of Object.entries(a.feeds)) assert.deepEqual(vjpCase.feeds[name], t, `${id}: VJP inputs differ from forward inputs`);
    const out = expectedOutputs(vjpCase);
    assert.deepEqual(Object.keys(out), which.map((i) => `d_in${i}`), id);
    which.forEach((i) => assert.deepEqual(out[`d_in${i}`]?.shape, c.inputs[i]?.shape, id));
  }
});

test('gradcheck passes for every case of every differentiable op', () => {
  let checked = 0;
  for (const { op, case: c, id } of cases) {
    const which = gradInputsOf(op, c);
    const vjpCase = buildVjp(op, c);
    if (!vjpCase || which.length === 0 || c.noGradcheck !== undefined) continue;
    const values: Record<string, HostTensor> = { ...vjpCase.feeds, ...Object.fromEntries(vjpCase.weights) };
    const r = gradcheck((b: GraphBuilder) => {
      const { out, inputs } = applyCase(b, op, c as OpCase<Op>);
      const cot = b.input('cotangent', out.shape);
      return { loss: b.sumAll(b.mul(out, cot)), wrt: which.map((i) => inputs[i] as Value) };
    }, values, { ...GRADCHECK, ...c.gradcheck });
    assert.ok(r.ok, `${id}\n${formatGradcheck(r)}`);
    checked++;
  }
  assert.ok(checked > 150, `only ${checked} cases were gradient-checked`);
});
