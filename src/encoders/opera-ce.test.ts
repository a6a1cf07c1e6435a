// OPERA-CE against ../shared/fixtures/models/opera_ce: the full-size Cola(encoder="efficientnet") with
// random, conditioned weights (see PROVENANCE.md there), embeddings for T = 63, 251, 400.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder, evaluate } from '../ir/index.ts';
import { loadStateDict, f32, type HostTensor } from '../tensor/index.ts';
import { numel } from '../util/index.ts';
import { OPERA_CE_FULL, OPERA_CE_TINY, operaCe, operaCeForward, operaCeMinFrames } from './opera-ce.ts';
import { bindEncoderWeights, loadEncoderWeights, parameterGraph } from './weights.ts';
import { buildEncoderGraph, encoderDynamicAxes } from './encoder-graph.ts';
import { EncoderConfigError, EncoderInputError, EncoderWeightsError } from './errors.ts';
import { assertMaxAbs, fixtureBytes, fixtureJson, fixtureNpy, ortSession, type FixtureParam } from '../../test/encoders/encoder-fixture.ts';

const DIR = 'opera_ce';
const EVAL = { mode: 'eval', pooling: 'default' } as const;

interface CeFixture {
  cases: { T: number; input: string; expected: string; expected_f64: string; stage_shapes: Record<string, number[]> }[];
}
const fixture = fixtureJson<CeFixture>(DIR, 'fixture.json');
const params = fixtureJson<{ keys: FixtureParam[]; total_numel: number }>(DIR, 'params.json').keys;

let cached: Map<string, HostTensor> | null = null;
const weights = () => (cached ??= loadEncoderWeights(operaCe, OPERA_CE_FULL, fixtureBytes(DIR, 'opera_ce_random.ckpt'), 'opera_ce_random.ckpt'));

test('full-size graph declares exactly the encoder keys of the checkpoint, with the published counts', () => {
  const g = parameterGraph(operaCe, OPERA_CE_FULL);
  const mine = new Map(g.params.map((p) => [p.params.name, { shape: [...p.shape], dtype: p.dtype, trainable: p.params.trainable }]));
  const encoderKeys = params.filter((p) => p.key.startsWith('encoder.'));
  const headKeys = params.filter((p) => !p.key.startsWith('encoder.'));
  assert.equal(mine.size, encoderKeys.length);
  for (const p of encoderKeys) {
    const m = mine.get(p.key.slice('encoder.'.length));
    assert.ok(m, `missing ${p.key}`);
    assert.deepEqual(m.shape, p.shape, p.key);
    assert.equal(m.dtype, p.dtype, p.key);
  }
  // Everything outside the prefix is the COLA head, which checkpoint.ignore covers.
  assert.deepEqual([...new Set(headKeys.map((p) => p.key.split('.')[0]))].sort(), ['g', 'layer_norm', 'linear']);
  const trainable = g.params.filter((p) => p.params.trainable).reduce((s, p) => s + numel(p.shape), 0);
  const buffers = g.params.filter((p) => !p.params.trainable).reduce((s, p) => s + numel(p.shape), 0);
  const head = headKeys.reduce((s, p) => s + p.numel, 0);
  assert.equal(trainable, 4_007_578); // PROVENANCE.md and opera.md §2.5
  assert.equal(buffers, 42_065);
  assert.equal(head, 919_040);
  assert.equal(trainable + buffers + head, 4_968_683);
});

test('per-block output shapes match fixture.json for every T (static SAME pads for 224×224)', () => {
  for (const c of fixture.cases) {
    const b = new GraphBuilder();
    const out = operaCeForward(b, OPERA_CE_FULL, b.input('x', [1, c.T, 64]), 'eval');
    const got: Record<string, number[]> = { cnn1: [...out.cnn1.shape], stem: [...out.stem.shape], head: [...out.features.shape] };
    out.blocks.forEach((v, i) => (got[`block${i}`] = [...v.shape]));
    assert.deepEqual(got, c.stage_shapes, `T=${c.T}`);
  }
});

test('embeddings through onnxruntime-node match the reference for T = 63, 251, 400 (one model, dynamic T)', async (t) => {
  const g = buildEncoderGraph(operaCe, OPERA_CE_FULL, [1, 63, 64], EVAL);
  const s = await ortSession(g, weights(), { dynamicAxes: encoderDynamicAxes(operaCe, OPERA_CE_FULL) });
  for (const c of fixture.cases) {
    const out = await s.run({ x: fixtureNpy(DIR, c.input) });
    const e32 = assertMaxAbs(out.embedding!, fixtureNpy(DIR, c.expected), 1e-4, `T=${c.T} vs float32 reference`);
    const e64 = assertMaxAbs(out.embedding!, fixtureNpy(DIR, c.expected_f64), 1e-4, `T=${c.T} vs float64 reference`);
    t.diagnostic(`T=${c.T}: max |Δ| ${e32.toExponential(2)} vs float32, ${e64.toExponential(2)} vs float64 reference`);
  }
  await s.release();
});

test('debug tensors at T = 63: cnn1 output and features before pooling', async () => {
  const b = new GraphBuilder();
  const out = operaCeForward(b, OPERA_CE_FULL, b.input('x', [1, 63, 64]), 'eval');
  const g = b.build({ cnn1: out.cnn1, features: out.features });
  const s = await ortSession(g, weights());
  const r = await s.run({ x: fixtureNpy(DIR, 'input_T63.npy') });
  assertMaxAbs(r.cnn1!, fixtureNpy(DIR, 'debug_T63_cnn1.npy'), 1e-5, 'cnn1');
  assertMaxAbs(r.features!, fixtureNpy(DIR, 'debug_T63_features_before_pool.npy'), 1e-4, 'features before pool');
  await s.release();
});

test('the float64 interpreter reproduces the float64 reference at T = 63', () => {
  const g = buildEncoderGraph(operaCe, OPERA_CE_FULL, [1, 63, 64], EVAL);
  const out = evaluate(g, { x: fixtureNpy(DIR, 'input_T63.npy') }, weights());
  // measured 1.9e-15: same arithmetic in float64, float32 weights and inputs on both sides
  assertMaxAbs(out.embedding!, fixtureNpy(DIR, 'embedding_T63_f64.npy'), 1e-10, 'interpreter vs float64 reference');
});

test('modelInputs: [T, 64] → [1, T, 64]; shorter than the network allows → none; other layouts rejected', () => {
  assert.equal(operaCeMinFrames(OPERA_CE_FULL, 64), 34);
  const spec = (t: number) => f32([t, 64], new Float32Array(t * 64).map((_, i) => i));
  const [x] = operaCe.modelInputs(OPERA_CE_FULL, spec(251));
  assert.deepEqual(x!.shape, [1, 251, 64]);
  assert.equal(x!.data[64 * 3 + 5], 64 * 3 + 5);
  assert.deepEqual(operaCe.modelInputs(OPERA_CE_FULL, spec(34)).map((m) => m.shape), [[1, 34, 64]]);
  assert.deepEqual(operaCe.modelInputs(OPERA_CE_FULL, spec(33)), []);
  assert.throws(() => operaCe.modelInputs(OPERA_CE_FULL, f32([64, 63])), EncoderInputError);
  // the smallest accepted T really builds, one frame less collapses a feature map
  buildEncoderGraph(operaCe, OPERA_CE_FULL, [1, 34, 64], EVAL);
  assert.throws(() => buildEncoderGraph(operaCe, OPERA_CE_FULL, [1, 33, 64], EVAL));
});

test('fromReferenceConfig maps EfficientNet-PyTorch GlobalParams names and rejects unknown keys', () => {
  assert.deepEqual(operaCe.fromReferenceConfig({ model_name: 'efficientnet-b0', include_top: false, drop_connect_rate: 0.1 }, OPERA_CE_TINY), OPERA_CE_FULL);
  const b1 = operaCe.fromReferenceConfig({ model_name: 'efficientnet-b1' }, OPERA_CE_FULL);
  assert.equal(parameterGraph(operaCe, b1).params.filter((p) => p.params.name.endsWith('_project_conv.weight')).length, 23);
  const narrow = operaCe.fromReferenceConfig({ width_coefficient: 0.5, image_size: [128, 64] }, OPERA_CE_FULL);
  assert.deepEqual(narrow.efficientnet.imageSize, [128, 64]);
  assert.equal(operaCe.embeddingDim(narrow, 'default'), 640);
  assert.throws(() => operaCe.fromReferenceConfig({ widht_coefficient: 1 }, OPERA_CE_FULL), (e: unknown) => e instanceof EncoderConfigError && /widht_coefficient/.test(e.message));
  assert.throws(() => operaCe.fromReferenceConfig({ include_top: true }, OPERA_CE_FULL), EncoderConfigError);
  assert.throws(() => operaCe.fromReferenceConfig({ depth_divisor: 0 }, OPERA_CE_FULL), /depth_divisor/);
  assert.throws(() => operaCe.fromReferenceConfig({ blocks_args: ['r1_k3_s12_e1_i32_o16'] }, OPERA_CE_FULL), /stride/);
});

test('weight loading names every missing, unexpected and mis-shaped key; an encoder-only state dict binds too', () => {
  const sd = loadStateDict(fixtureBytes(DIR, 'opera_ce_random.ckpt'), 'opera_ce_random.ckpt');
  const g = parameterGraph(operaCe, OPERA_CE_FULL);
  const broken = new Map(sd);
  broken.delete('encoder.efficientnet._blocks.4._bn1.running_var');
  broken.set('encoder.efficientnet._fc.weight', f32([2, 2]));
  broken.set('encoder.cnn1.bias', f32([4]));
  assert.throws(() => bindEncoderWeights(operaCe, g, broken, 'broken.ckpt'), (e: unknown) =>
    e instanceof EncoderWeightsError
    && e.message.includes('efficientnet._blocks.4._bn1.running_var')
    && e.message.includes('encoder.efficientnet._fc.weight')
    && e.message.includes("'cnn1.bias'"));
  const encoderOnly = new Map([...sd].filter(([k]) => k.startsWith('encoder.')).map(([k, v]) => [k.slice('encoder.'.length), v]));
  const bound = bindEncoderWeights(operaCe, g, encoderOnly, 'encoder-only');
  assert.equal(bound.size, 360);
  assert.deepEqual([...bound.get('cnn1.weight')!.data], [...weights().get('cnn1.weight')!.data]);
});
