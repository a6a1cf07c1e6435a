// EfficientAT mn04 against ../shared/fixtures/models/efficientat_mn04: the released mn04_as weights on three
// real 32 kHz clips, end to end (WAV → EfficientAT front end → graph) and model-only (fixture mel → graph).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder, evaluate } from '../ir/index.ts';
import { decodeWav } from '../audio/wav.ts';
import { createFrontEnd } from '../audio/frontend.ts';
import { f32, toFloat64, type HostTensor } from '../tensor/index.ts';
import { numel } from '../util/index.ts';
import { MN04_FULL, MN04_TINY, efficientAtMn04 } from './efficientat.ts';
import { adjustChannels, makeDivisible, mobileNetV3 } from './mobilenetv3.ts';
import { loadEncoderWeights, parameterGraph } from './weights.ts';
import { buildEncoderGraph, encoderDynamicAxes } from './encoder-graph.ts';
import { EncoderConfigError, EncoderInputError } from './errors.ts';
import { assertMaxAbs, fixtureBytes, fixtureJson, fixtureNpy, ortSession, reshaped, type FixtureParam } from '../../test/encoders/encoder-fixture.ts';

const DIR = 'efficientat_mn04';
const EVAL = { mode: 'eval', pooling: 'default' } as const;

interface Mn04Fixture {
  cases: { clip: string; wav_32k: string; mel_shape: number[]; top5: [number, string, number][] }[];
}
const fixture = fixtureJson<Mn04Fixture>(DIR, 'fixture.json');
const params = fixtureJson<{ keys: FixtureParam[]; total_numel: number }>(DIR, 'params.json');

let cached: Map<string, HostTensor> | null = null;
const weights = () => (cached ??= loadEncoderWeights(efficientAtMn04, MN04_FULL, fixtureBytes(DIR, 'mn04_as_mAP_432.pt'), 'mn04_as_mAP_432.pt'));

const sigmoid = (t: HostTensor) => f32(t.shape, Array.from(toFloat64(t), (v) => 1 / (1 + Math.exp(-v))));

test('make_divisible and the width-0.4 channel plan', () => {
  assert.deepEqual([16, 64, 24, 72, 40, 120, 240, 200, 184, 480, 112, 672, 160, 960].map((c) => adjustChannels(c, 0.4)), [8, 24, 16, 32, 16, 48, 96, 80, 72, 192, 48, 272, 64, 384]);
  assert.equal(makeDivisible(48 / 4, 8), 16); // SE squeeze of 48 channels (fixture fc1: [16, 48])
  assert.equal(makeDivisible(272 / 4, 8), 72);
  assert.equal(adjustChannels(1280, 0.4), 512);
});

test('full-size graph declares the 312 checkpoint keys with their shapes (993,485 numbers)', () => {
  const g = parameterGraph(efficientAtMn04, MN04_FULL);
  const mine = new Map(g.params.map((p) => [p.params.name, { shape: [...p.shape], dtype: p.dtype }]));
  assert.equal(mine.size, 312);
  for (const p of params.keys) assert.deepEqual(mine.get(p.key), { shape: [...p.shape], dtype: p.dtype }, p.key);
  assert.equal(g.params.reduce((s, p) => s + numel(p.shape), 0), 993_485);
  assert.equal(params.total_numel, 993_485);
});

test('feature-map shapes for a [1, 1, 128, 1000] input match PROVENANCE.md', () => {
  const b = new GraphBuilder();
  const out = mobileNetV3(b, b.input('x', [1, 1, 128, 1000]), MN04_FULL, 'eval');
  const shapes = out.stages.map((v) => v.shape.slice(1).join('x'));
  assert.equal(shapes[0], '8x64x500');
  const distinct = shapes.slice(1, 16).filter((sh, i, all) => i === 0 || sh !== all[i - 1]);
  assert.deepEqual(distinct, ['8x64x500', '16x32x250', '16x16x125', '32x8x63', '48x8x63', '64x4x32']);
  assert.equal(shapes[16], '384x4x32');
  assert.deepEqual(out.logits.shape, [1, 527]);
  assert.deepEqual(out.hidden.shape, [1, 512]);
});

test('end to end: clip WAV → front end → graph (onnxruntime-node) gives the reference logits, probabilities, embedding and hidden layer', async (t) => {
  const g = buildEncoderGraph(efficientAtMn04, MN04_FULL, [1, 1, 128, 1000], EVAL);
  const s = await ortSession(g, weights(), { dynamicAxes: encoderDynamicAxes(efficientAtMn04, MN04_FULL) });
  const frontEnd = createFrontEnd(efficientAtMn04.frontEnd);
  for (const c of fixture.cases) {
    const audio = decodeWav(fixtureBytes(DIR, c.wav_32k), c.wav_32k);
    const mel = frontEnd.compute(audio.channels[0] as Float32Array, audio.sampleRate);
    const inputs = efficientAtMn04.modelInputs(MN04_FULL, mel);
    assert.equal(inputs.length, 1);
    assert.deepEqual(inputs[0]!.shape, c.mel_shape.length === 3 ? [1, ...c.mel_shape] : c.mel_shape);
    const out = await s.run({ x: inputs[0]! });
    const dl = assertMaxAbs(out.logits!, fixtureNpy(DIR, `logits_${c.clip}.npy`), 1e-4, `${c.clip} logits`);
    assertMaxAbs(sigmoid(out.logits!), fixtureNpy(DIR, `probs_${c.clip}.npy`), 1e-5, `${c.clip} probabilities`);
    const de = assertMaxAbs(out.embedding!, fixtureNpy(DIR, `embedding_${c.clip}.npy`), 1e-4, `${c.clip} embedding`);
    const dh = assertMaxAbs(out.hidden512!, fixtureNpy(DIR, `head_hidden512_${c.clip}.npy`), 1e-4, `${c.clip} hidden512`);
    const probs = toFloat64(sigmoid(out.logits!));
    const top5 = [...probs.keys()].sort((i, j) => (probs[j] as number) - (probs[i] as number)).slice(0, 5);
    assert.deepEqual(top5, c.top5.map(([i]) => i), `${c.clip} top-5 classes`);
    t.diagnostic(`${c.clip}: max |Δ| logits ${dl.toExponential(2)}, embedding ${de.toExponential(2)}, hidden512 ${dh.toExponential(2)}`);
  }
  await s.release();
});

test('model only: the fixture mel through onnxruntime-node matches the float64 model references', async (t) => {
  const g = buildEncoderGraph(efficientAtMn04, MN04_FULL, [1, 1, 128, 1000], EVAL);
  const s = await ortSession(g, weights(), { dynamicAxes: encoderDynamicAxes(efficientAtMn04, MN04_FULL) });
  for (const c of fixture.cases) {
    const mel = fixtureNpy(DIR, `mel_${c.clip}.npy`) as HostTensor<'float32'>;
    const out = await s.run({ x: reshaped(mel, [1, ...mel.shape]) });
    const dl = assertMaxAbs(out.logits!, fixtureNpy(DIR, `logits_${c.clip}_f64.npy`), 1e-4, `${c.clip} logits vs float64`);
    const de = assertMaxAbs(out.embedding!, fixtureNpy(DIR, `embedding_${c.clip}_f64.npy`), 1e-5, `${c.clip} embedding vs float64`);
    t.diagnostic(`${c.clip}: max |Δ| vs float64 reference: logits ${dl.toExponential(2)}, embedding ${de.toExponential(2)}`);
  }
  await s.release();
});

test('the float64 interpreter reproduces the float64 model reference on the cough clip', () => {
  const mel = fixtureNpy(DIR, 'mel_cough.npy');
  const g = buildEncoderGraph(efficientAtMn04, MN04_FULL, [1, 1, 128, 260], EVAL);
  const out = evaluate(g, { x: reshaped(mel, [1, 1, 128, 260]) }, weights());
  // measured 2e-14 (logits) and 2e-15 (embedding): the same float64 arithmetic on float32 weights
  assertMaxAbs(out.logits!, fixtureNpy(DIR, 'logits_cough_f64.npy'), 1e-9, 'interpreter logits');
  assertMaxAbs(out.embedding!, fixtureNpy(DIR, 'embedding_cough_f64.npy'), 1e-10, 'interpreter embedding');
});

test('modelInputs: [128, T] → [1, 1, 128, T]; other layouts rejected', () => {
  const [x] = efficientAtMn04.modelInputs(MN04_FULL, f32([128, 7], new Float32Array(128 * 7).map((_, i) => i)));
  assert.deepEqual(x!.shape, [1, 1, 128, 7]);
  assert.equal(x!.data[7 * 5 + 3], 7 * 5 + 3);
  assert.throws(() => efficientAtMn04.modelInputs(MN04_FULL, f32([7, 128])), EncoderInputError);
});

test("fromReferenceConfig takes get_model's keyword arguments and rejects what is not implemented", () => {
  const cfg = efficientAtMn04.fromReferenceConfig(
    { width_mult: 0.4, num_classes: 527, strides: [2, 2, 2, 2], head_type: 'mlp', se_dims: 'c', se_agg: 'max', se_r: 4, input_dim_f: 128, input_dim_t: 1000, pretrained_name: 'mn04_as' },
    MN04_TINY,
  );
  assert.deepEqual(cfg, MN04_FULL);
  const reduced = efficientAtMn04.fromReferenceConfig({ reduced_tail: true }, MN04_FULL);
  assert.equal(efficientAtMn04.embeddingDim(reduced, 'default'), 6 * adjustChannels(80, 0.4));
  assert.equal(adjustChannels(reduced.lastChannel, 0.4), 256);
  const s2211 = efficientAtMn04.fromReferenceConfig({ strides: [2, 2, 1, 1] }, MN04_FULL);
  const b = new GraphBuilder();
  assert.deepEqual(mobileNetV3(b, b.input('x', [1, 1, 128, 1000]), s2211, 'eval').stages[16]!.shape, [1, 384, 16, 125]);
  assert.throws(() => efficientAtMn04.fromReferenceConfig({ head_type: 'fully_convolutional' }, MN04_FULL), EncoderConfigError);
  assert.throws(() => efficientAtMn04.fromReferenceConfig({ se_dims: 'cf' }, MN04_FULL), /se_dims/);
  assert.throws(() => efficientAtMn04.fromReferenceConfig({ width: 0.4 }, MN04_FULL), /unknown reference config key/);
  assert.throws(() => efficientAtMn04.fromReferenceConfig({ strides: [2, 2, 3, 2] }, MN04_FULL), /stride/);
});
