/**
 * ONNX Runtime conformance: every case of the shared op-case table (ops.cases.ts) is lowered to ONNX —
 * its forward graph and, for differentiable cases, its VJP graph — run through onnxruntime-node on the
 * CPU provider, and compared with the float64 interpreter. Tolerances: the case's own, else
 * FORWARD_TOLERANCE (per output dtype) and VJP_TOLERANCE from op-case.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OPS, type Op } from '../../src/ir/index.ts';
import { toOnnx } from '../../src/onnx/index.ts';
import { OrtNodeBackend } from '../../src/platform/node/index.ts';
import type { HostTensor } from '../../src/tensor/index.ts';
import { FORWARD_TOLERANCE, VJP_TOLERANCE, buildForward, buildVjp, expectedOutputs, opCases, type BuiltCase, type OpCase } from './ops.cases.ts';
import { assertClose } from './ort-compare.ts';

/** Cases not run on ONNX Runtime, by `<op>/<case>` id, each with its reason. */
const EXCLUDED: Readonly<Record<string, string>> = {};

const resize = (sizes: number[], mode: 'linear' | 'cubic', coordinate: 'half_pixel' | 'align_corners') => ({ sizes, mode, coordinate, cubicA: -0.75 });
const none = {} as Record<string, never>;

/**
 * Cases for lowering paths the shared table does not reach: Resize layouts ONNX Runtime's kernel
 * rejects (lowered to per-axis MatMuls) and rank-2 Resize, bool comparisons (lowered through Cast),
 * constant Pad of int64 and bool tensors.
 */
const LOWERING_CASES: { readonly [K in Op]?: readonly OpCase<K>[] } = {
  Resize: [
    { name: 'rank3-outer-and-last-axis', inputs: [{ shape: [2, 4, 6] }], params: resize([3, 4, 12], 'cubic', 'half_pixel') },
    { name: 'rank1', inputs: [{ shape: [5] }], params: resize([9], 'linear', 'align_corners') },
    { name: 'rank4-channels', inputs: [{ shape: [1, 3, 4, 4] }], params: resize([1, 5, 4, 4], 'linear', 'half_pixel') },
    { name: 'rank2-native', inputs: [{ shape: [4, 6] }], params: resize([7, 3], 'cubic', 'align_corners') },
    { name: 'rank5-last-two', inputs: [{ shape: [1, 1, 2, 3, 4] }], params: resize([1, 1, 2, 5, 6], 'linear', 'half_pixel') },
    { name: 'unchanged', inputs: [{ shape: [1, 1, 3, 3] }], params: resize([1, 1, 3, 3], 'cubic', 'half_pixel') },
  ],
  Less: [{ name: 'bool', inputs: [{ shape: [2, 2], dtype: 'bool' }, { shape: [2], dtype: 'bool' }], params: none }],
  Greater: [{ name: 'bool', inputs: [{ shape: [3], dtype: 'bool' }, { shape: [3], dtype: 'bool' }], params: none }],
  Pad: [
    { name: 'constant-int64', inputs: [{ shape: [2, 2], dtype: 'int64' }], params: { pads: [1, 0, 0, 2], mode: 'constant', value: 7 } },
    { name: 'constant-bool', inputs: [{ shape: [3], dtype: 'bool' }], params: { pads: [1, 1], mode: 'constant', value: 1 } },
  ],
};

const backend = new OrtNodeBackend();

async function runCase(built: BuiltCase): Promise<Record<string, HostTensor>> {
  const model = toOnnx(built.graph, { weights: built.weights });
  const s = await backend.createSession(model, { threads: 1 });
  try {
    const feeds = Object.fromEntries(s.inputNames.map((n) => [n, built.feeds[n] as HostTensor]));
    return await s.run(feeds);
  } finally {
    await s.release();
  }
}

test('every exclusion names an existing case', () => {
  const ids = new Set((Object.keys(opCases) as Op[]).flatMap((op) => (opCases[op] as readonly OpCase<Op>[]).map((c) => `${op}/${c.name}`)));
  for (const id of Object.keys(EXCLUDED)) assert.ok(ids.has(id), `exclusion '${id}' matches no case`);
});

for (const op of OPS) {
  test(`${op}: ONNX Runtime matches the interpreter, forward and VJP`, async (t) => {
    const lowering = (LOWERING_CASES[op] ?? []) as readonly OpCase<Op>[];
    for (const c of [...(opCases[op] as readonly OpCase<Op>[]), ...lowering]) {
      const id = `${op}/${c.name}`;
      if (EXCLUDED[id] !== undefined) continue;
      await t.test(c.name, async () => {
        const fwd = buildForward(op, c);
        const want = expectedOutputs(fwd);
        const got = await runCase(fwd);
        const out = fwd.graph.outputs[0]?.value;
        assert.ok(out);
        assertClose(got['out'], want['out'], c.tolerance ?? FORWARD_TOLERANCE[out.dtype], `${id} forward`);

        const vjp = buildVjp(op, c);
        if (!vjp) return;
        const wantGrad = expectedOutputs(vjp);
        const gotGrad = await runCase(vjp);
        for (const o of vjp.graph.outputs) assertClose(gotGrad[o.name], wantGrad[o.name], c.vjpTolerance ?? VJP_TOLERANCE, `${id} ${o.name}`);
      });
    }
  });
}
