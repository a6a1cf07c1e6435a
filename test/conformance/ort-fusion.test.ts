/**
 * Kernel selection by ONNX Runtime's graph optimiser for the activations of src/nn/activation.ts: the model
 * ORT actually runs (`optimizedModelFilePath`, at the 'all' level the Node backend uses) is read back and
 * its node types checked. GELU must reach ORT's GeluFusion pattern (x/√2 → Erf → +1 → ·x·½), which
 * becomes one com.microsoft Gelu (or BiasGelu after a Linear's bias); Hardswish and Hardsigmoid must be
 * single ONNX nodes, not Add/Clip/Mul/Div chains.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { GraphBuilder, type Value } from '../../src/ir/index.ts';
import { gelu, hardsigmoid, hardswish } from '../../src/nn/activation.ts';
import { readOnnx, toOnnx } from '../../src/onnx/index.ts';
import { f32 } from '../../src/tensor/index.ts';

/** `domain:opType` of every node of the model ORT runs after optimisation. */
async function optimisedOps(model: Uint8Array): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'pneuma-ort-fusion-'));
  try {
    const path = join(dir, 'optimised.onnx');
    const s = await ort.InferenceSession.create(model, {
      graphOptimizationLevel: 'all', optimizedModelFilePath: path, executionProviders: ['cpu'], intraOpNumThreads: 1, logSeverityLevel: 3,
    });
    await s.release();
    return readOnnx(new Uint8Array(readFileSync(path))).nodes.map((n) => `${n.domain}:${n.opType}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ramp = (n: number): number[] => Array.from({ length: n }, (_, i) => (i % 7) / 7 - 0.5);

/** y = act(x·W + bias) with x [2, 16], W [16, 16]. */
function linearModel(act: (b: GraphBuilder, x: Value) => Value): Uint8Array {
  const b = new GraphBuilder();
  const x = b.input('x', [2, 16]);
  const w = b.param('w', [16, 16], { init: { kind: 'external' } });
  const bias = b.param('bias', [16], { init: { kind: 'external' } });
  const y = act(b, b.add(b.matmul(x, w), bias));
  return toOnnx(b.build({ y }), { weights: new Map([['w', f32([16, 16], ramp(256))], ['bias', f32([16], ramp(16))]]) });
}

test('GELU becomes one Gelu kernel (the multiplication by √½ it replaces did not fuse)', async () => {
  const ops = await optimisedOps(linearModel(gelu));
  assert.ok(ops.some((o) => o === 'com.microsoft:Gelu' || o === 'com.microsoft:BiasGelu'), ops.join(', '));
  assert.ok(!ops.includes(':Erf'), `Erf left unfused: ${ops.join(', ')}`);
  // the old form, for contrast: ORT's GeluFusion does not match it
  const scaled = await optimisedOps(linearModel((b, x) => b.mul(b.mul(x, 0.5), b.add(b.erf(b.mul(x, Math.SQRT1_2)), 1))));
  assert.ok(scaled.includes(':Erf') && !scaled.some((o) => o.endsWith('Gelu')), scaled.join(', '));
});

test('Hardswish and Hardsigmoid run as single ONNX nodes, with no Add/Clip/Div left', async () => {
  for (const [name, act, op] of [['hardswish', hardswish, ':HardSwish'], ['hardsigmoid', hardsigmoid, ':HardSigmoid']] as const) {
    const model = linearModel(act);
    assert.equal(readOnnx(model).nodes.filter((n) => `${n.domain}:${n.opType}` === op).length, 1, `${name} lowers to one ${op}`);
    const ops = await optimisedOps(model);
    for (const composite of [':Clip', ':Div']) assert.ok(!ops.includes(composite), `${name}: ${ops.join(', ')}`);
  }
});
