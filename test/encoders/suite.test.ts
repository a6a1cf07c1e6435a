/**
 * The shared encoder suite: every entry of the registry, at its tiny preset (random weights from the
 * parameters' own inits), is checked for
 *  - graph structure: builds in eval and train mode, passes verifyGraph, embedding [B, embeddingDim] for
 *    every offered pooling; the full preset builds too (graph only);
 *  - ONNX Runtime against the float64 interpreter on a batch of two inputs (embedding and every head);
 *  - gradients: every trainable parameter the embedding depends on gets a finite, not identically zero
 *    gradient of sum(embedding); parameters only the heads use, of the sum of the heads;
 *  - dynamic axes: the model exported with `dynamicAxes` runs at a second size (batch 3 if the batch axis
 *    is dynamic, other dynamic axes from a longer spectrogram) and equals a model built for that size;
 *  - checkpoint layout: ignore patterns are regular expressions that match no declared parameter.
 * Inputs come from each encoder's own `modelInputs` on spectrograms of its front end's layout.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder, evaluate, verifyGraph, type Graph, type Value } from '../../src/ir/index.ts';
import { grad } from '../../src/autodiff/index.ts';
import { initWeights } from '../../src/nn/index.ts';
import { toOnnx } from '../../src/onnx/index.ts';
import { createOrtNodeBackend } from '../../src/platform/node/index.ts';
import { type HostTensor, tensor, toFloat64 } from '../../src/tensor/index.ts';
import { Rng, fmtShape, numel, type Shape } from '../../src/util/index.ts';
import { encoderIds, encoders, type AnyEncoderDef } from '../../src/encoders/registry.ts';
import { ENCODER_EMBEDDING, ENCODER_INPUT, buildEncoderGraph, encoderDynamicAxes } from '../../src/encoders/encoder-graph.ts';
import { exampleInputShape, exampleModelInput } from '../../src/encoders/example-input.ts';
import { ignoreRules, parameterGraph } from '../../src/encoders/weights.ts';
import { assertClose, type Tolerance } from '../conformance/ort-compare.ts';

/** Frames of the spectrograms the test inputs are cut from, and of the second size for dynamic axes. */
const FRAMES = 64;
const FRAMES_2 = 80;
/** float32 ONNX Runtime against the float64 interpreter, per element: |a − e| ≤ atol + rtol·|e|. */
const ORT_VS_INTERP: Tolerance = { atol: 2e-5, rtol: 1e-4 };
/** Two float32 ONNX Runtime models of the same graph (static vs dynamic axes). */
const ORT_VS_ORT: Tolerance = { atol: 1e-6, rtol: 1e-5 };

function batchOf(inputs: readonly HostTensor<'float32'>[]): HostTensor<'float32'> {
  const first = inputs[0] as HostTensor<'float32'>;
  const per = first.data.length;
  const data = new Float32Array(per * inputs.length);
  inputs.forEach((t, i) => {
    assert.deepEqual(t.shape, first.shape, 'model inputs of one batch differ in shape');
    data.set(t.data, i * per);
  });
  return tensor('float32', [inputs.length, ...first.shape.slice(1)], data);
}

function randomInput(shape: Shape, rng: Rng): HostTensor<'float32'> {
  const data = new Float32Array(numel(shape));
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform();
  return tensor('float32', shape, data);
}

/** Trainable parameters `v` depends on. */
function trainableParamsOf(v: Value): Set<Value<'Param'>> {
  const seen = new Set<Value>([v]);
  const stack: Value[] = [v];
  const out = new Set<Value<'Param'>>();
  while (stack.length > 0) {
    const u = stack.pop() as Value;
    if (u.is('Param') && u.params.trainable) out.add(u);
    for (const w of u.inputs) {
      if (!seen.has(w)) {
        seen.add(w);
        stack.push(w);
      }
    }
  }
  return out;
}

async function runOrt(graph: Graph, weights: ReadonlyMap<string, HostTensor>, feeds: Record<string, HostTensor>, dynamicAxes?: ReturnType<typeof encoderDynamicAxes>): Promise<Record<string, HostTensor>> {
  const model = dynamicAxes ? toOnnx(graph, { weights, dynamicAxes }) : toOnnx(graph, { weights });
  const session = await (await createOrtNodeBackend()).createSession(model, { threads: 1 });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

function allFinite(t: HostTensor): boolean {
  return toFloat64(t).every((v) => Number.isFinite(v));
}

function suite(id: string, def: AnyEncoderDef): void {
  const cfg: unknown = def.presets.tiny;
  // computed inside each test, so that an encoder whose modelInputs throws fails its own tests only
  const shape1 = () => exampleInputShape(def, cfg, FRAMES);
  const shapeB2 = () => [2, ...shape1().slice(1)];
  const batch = (seed: number) => {
    const rng = Rng.seeded(seed);
    return batchOf([exampleModelInput(def, cfg, FRAMES, rng), exampleModelInput(def, cfg, FRAMES, rng)]);
  };

  test(`${id}: graphs build and verify; embedding is [B, embeddingDim] for every pooling; the full preset builds`, () => {
    assert.ok(def.poolings.includes('default'), 'every encoder offers its default pooling');
    assert.equal(shape1()[0], 1, 'modelInputs gives a leading batch dim of 1');
    for (const pooling of def.poolings) {
      for (const mode of ['eval', 'train'] as const) {
        const g = buildEncoderGraph(def, cfg, shapeB2(), { mode, pooling });
        verifyGraph(g);
        const emb = g.outputs.find((o) => o.name === ENCODER_EMBEDDING)?.value;
        assert.deepEqual(emb?.shape, [2, def.embeddingDim(cfg, pooling)], `${mode}, pooling ${pooling}: embedding ${fmtShape(emb?.shape ?? [])}`);
        assert.equal(emb?.dtype, 'float32');
      }
    }
    const full = parameterGraph(def, def.presets.full);
    verifyGraph(full);
    const emb = full.outputs.find((o) => o.name === ENCODER_EMBEDDING)?.value;
    assert.equal(emb?.shape[1], def.embeddingDim(def.presets.full, 'default'), 'full preset embedding width');
  });

  for (const pooling of def.poolings) {
    test(`${id}: onnxruntime-node agrees with the float64 interpreter (tiny, batch 2, pooling ${pooling})`, async () => {
      const g = buildEncoderGraph(def, cfg, shapeB2(), { mode: 'eval', pooling });
      const w = initWeights(g, Rng.seeded(11));
      const x = batch(5);
      const expected = evaluate(g, { [ENCODER_INPUT]: x }, w);
      const actual = await runOrt(g, w, { [ENCODER_INPUT]: x });
      for (const o of g.outputs) {
        assert.ok(allFinite(expected[o.name] as HostTensor), `${o.name}: interpreter output is finite`);
        assertClose(actual[o.name], expected[o.name], ORT_VS_INTERP, `${o.name}`);
      }
      const e = toFloat64(expected[ENCODER_EMBEDDING] as HostTensor);
      const half = e.length / 2;
      assert.ok(e.slice(0, half).some((v, i) => v !== e[half + i]), 'the two batch rows give different embeddings');
    });
  }

  test(`${id}: every trainable parameter on the output path gets a finite, non-zero gradient`, async () => {
    const b = new GraphBuilder();
    const x = b.input(ENCODER_INPUT, shapeB2());
    const { embedding, heads } = def.build(b, cfg, x, { mode: 'eval', pooling: 'default' });
    const onEmbedding = [...trainableParamsOf(embedding)];
    assert.ok(onEmbedding.length > 0, 'the embedding depends on trainable parameters');
    const outputs: Record<string, Value> = {};
    const named = new Map<string, string>();
    grad(b, b.sumAll(embedding), onEmbedding).forEach((g, i) => {
      outputs[`grad${i}`] = g;
      named.set(`grad${i}`, `${(onEmbedding[i] as Value<'Param'>).params.name} (from the embedding)`);
    });
    const headValues = Object.values(heads ?? {});
    if (headValues.length > 0) {
      const covered = new Set(onEmbedding);
      const headOnly = [...new Set(headValues.flatMap((h) => [...trainableParamsOf(h)]))].filter((p) => !covered.has(p));
      if (headOnly.length > 0) {
        const loss = headValues.map((h) => b.sumAll(h)).reduce((a, c) => b.add(a, c));
        grad(b, loss, headOnly).forEach((g, i) => {
          outputs[`headGrad${i}`] = g;
          named.set(`headGrad${i}`, `${(headOnly[i] as Value<'Param'>).params.name} (from the heads)`);
        });
      }
    }
    const g = b.build(outputs);
    const w = initWeights(g, Rng.seeded(13));
    const got = await runOrt(g, w, { [ENCODER_INPUT]: batch(6) });
    for (const [out, label] of named) {
      const t = got[out] as HostTensor;
      assert.ok(allFinite(t), `${label}: gradient is not finite`);
      assert.ok(toFloat64(t).some((v) => v !== 0), `${label}: gradient is identically zero`);
    }
  });

  test(`${id}: the model exported with dynamic axes runs at a second size and equals a model built for it`, async () => {
    const axes = def.dynamicAxes(cfg);
    const dynamic = Object.keys(axes).map(Number);
    assert.ok(dynamic.length > 0, 'at least the batch axis is dynamic');
    const longer = exampleInputShape(def, cfg, FRAMES_2);
    const shape2 = shapeB2().map((d, i) => (!dynamic.includes(i) ? d : i === 0 ? 3 : (longer[i] as number)));
    const g1 = buildEncoderGraph(def, cfg, shapeB2(), { mode: 'eval', pooling: 'default' });
    const g2 = buildEncoderGraph(def, cfg, shape2, { mode: 'eval', pooling: 'default' });
    const w = initWeights(g1, Rng.seeded(17));
    const x2 = randomInput(shape2, Rng.seeded(19));
    const viaDynamic = await runOrt(g1, w, { [ENCODER_INPUT]: x2 }, encoderDynamicAxes(def, cfg));
    const viaStatic = await runOrt(g2, w, { [ENCODER_INPUT]: x2 });
    for (const o of g2.outputs) {
      assert.equal(viaDynamic[o.name]?.shape[0], shape2[0], `${o.name}: batch of the dynamic model's output`);
      assertClose(viaDynamic[o.name], viaStatic[o.name], ORT_VS_ORT, `${o.name} at ${fmtShape(shape2)}`);
    }
  });

  test(`${id}: checkpoint ignore patterns are regular expressions that match no declared parameter`, () => {
    const prefix = def.checkpoint.prefix;
    assert.ok(prefix === '' || prefix.endsWith('.'), `prefix '${prefix}' ends with '.'`);
    const rules = ignoreRules(def.checkpoint, def.id);
    for (const r of def.checkpoint.ignore) assert.ok(r.reason.trim().length > 0, `ignore ${r.pattern} has a reason`);
    const names = parameterGraph(def, def.presets.full).params.map((p) => p.params.name);
    for (const r of rules) {
      const hit = names.find((n) => (r.pattern as RegExp).test(n) || (r.pattern as RegExp).test(prefix + n));
      assert.equal(hit, undefined, `ignore pattern ${String(r.pattern)} matches declared parameter '${hit}'`);
    }
  });
}

const ids = encoderIds();
test('the registry lists every encoder under its own id', () => {
  assert.ok(ids.length > 0);
  for (const id of ids) assert.equal(encoders[id]?.id, id);
});
for (const id of ids) suite(id, encoders[id] as AnyEncoderDef);
