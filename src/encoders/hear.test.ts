// HeAR (HF ViTModel semantics) against ../shared/fixtures/models/hear_vit: reduced random weights in both
// model.safetensors and pytorch_model.bin, pooler_output and last_hidden_state for two inputs (float32 and
// float64 references), and the full-size parameter listing (303,199,744).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate } from '../ir/index.ts';
import { type HostTensor, tensor, toFloat64 } from '../tensor/index.ts';
import { Rng } from '../util/index.ts';
import { initWeights } from '../nn/index.ts';
import { type HearConfig, hear, hearGrid } from './hear.ts';
import { buildEncoderGraph, encoderDynamicAxes } from './encoder-graph.ts';
import { loadEncoderWeights, parameterGraph } from './weights.ts';
import { EncoderConfigError, EncoderInputError } from './errors.ts';
import { type FixtureParam, assertMaxAbs, fixtureBytes, fixtureJson, fixtureNpy, maxAbsDiff, ortSession } from '../../test/encoders/encoder-fixture.ts';

const FX = 'hear_vit';
const reduced = (): HearConfig => hear.fromReferenceConfig(fixtureJson(FX, 'config.json'), hear.presets.full);

test('reduced fixture through onnxruntime-node: pooler_output and last_hidden_state, weights from .safetensors and .bin', async (t) => {
  const cfg = reduced();
  const fromSafetensors = loadEncoderWeights(hear, cfg, fixtureBytes(FX, 'model.safetensors'), 'model.safetensors');
  const fromBin = loadEncoderWeights(hear, cfg, fixtureBytes(FX, 'pytorch_model.bin'), 'pytorch_model.bin');
  assert.equal(fromSafetensors.size, 40);
  const g = buildEncoderGraph(hear, cfg, [1, 1, 192, 128], { mode: 'eval', pooling: 'default' });
  const report: string[] = [];
  for (const [label, w] of [['safetensors', fromSafetensors], ['bin', fromBin]] as const) {
    const s = await ortSession(g, w, { dynamicAxes: encoderDynamicAxes(hear, cfg) });
    const xs = [0, 1].map((i) => fixtureNpy(FX, `input_${i}.npy`) as HostTensor<'float32'>);
    for (const i of [0, 1]) {
      const r = await s.run({ x: xs[i] as HostTensor });
      const p32 = assertMaxAbs(r.embedding as HostTensor, fixtureNpy(FX, `pooler_output_${i}.npy`), 1e-4, `${label} pooler_output ${i}`);
      const p64 = maxAbsDiff(r.embedding as HostTensor, fixtureNpy(FX, `pooler_output_${i}_f64.npy`), 'f64');
      const l32 = assertMaxAbs(r.lastHiddenState as HostTensor, fixtureNpy(FX, `last_hidden_state_${i}.npy`), 1e-4, `${label} last_hidden_state ${i}`);
      const l64 = maxAbsDiff(r.lastHiddenState as HostTensor, fixtureNpy(FX, `last_hidden_state_${i}_f64.npy`), 'f64');
      assert.ok(p64 <= 1e-4 && l64 <= 1e-4, `input ${i}: ${p64}, ${l64} from the float64 reference`);
      if (label === 'bin') report.push(`input ${i}: pooler ${p32.toExponential(1)}/${p64.toExponential(1)}, last ${l32.toExponential(1)}/${l64.toExponential(1)}`);
    }
    // both inputs as one batch of two through the dynamic batch axis
    const both = tensor('float32', [2, 1, 192, 128], new Float32Array(2 * 192 * 128));
    both.data.set((xs[0] as HostTensor<'float32'>).data, 0);
    both.data.set((xs[1] as HostTensor<'float32'>).data, 192 * 128);
    const r2 = await s.run({ x: both });
    const pooled = toFloat64(r2.embedding as HostTensor);
    for (const i of [0, 1]) assertMaxAbs(tensor('float64', [1, 512], pooled.slice(i * 512, (i + 1) * 512)), fixtureNpy(FX, `pooler_output_${i}.npy`), 1e-4, `batch row ${i}`);
    await s.release();
  }
  t.diagnostic(`max |ort − reference| (float32 / float64 reference): ${report.join('; ')}`);
});

test('float64 interpreter reproduces the float64 reference (input 1)', () => {
  const cfg = reduced();
  const w = loadEncoderWeights(hear, cfg, fixtureBytes(FX, 'model.safetensors'), 'model.safetensors');
  const g = buildEncoderGraph(hear, cfg, [1, 1, 192, 128], { mode: 'eval', pooling: 'default' });
  const out = evaluate(g, { x: fixtureNpy(FX, 'input_1.npy') }, w);
  // float64 arithmetic on float32 weights vs the float64 reference: gelu_fast's 0.7978845608 vs √(2/π) and rounding
  assertMaxAbs(out.embedding as HostTensor, fixtureNpy(FX, 'pooler_output_1_f64.npy'), 1e-6, 'pooler_output');
  assertMaxAbs(out.lastHiddenState as HostTensor, fixtureNpy(FX, 'last_hidden_state_1_f64.npy'), 1e-6, 'last_hidden_state');
});

test('freq-preserving readout: final-layernorm patch tokens (no CLS), time mean per frequency column, column-major concatenation', () => {
  const cfg = reduced();
  const w = loadEncoderWeights(hear, cfg, fixtureBytes(FX, 'model.safetensors'), 'model.safetensors');
  const g = buildEncoderGraph(hear, cfg, [1, 1, 192, 128], { mode: 'eval', pooling: 'freq-preserving' });
  const out = evaluate(g, { x: fixtureNpy(FX, 'input_0.npy') }, w);
  const { rows, cols } = hearGrid(cfg);
  assert.deepEqual([rows, cols], [12, 8]);
  const last = toFloat64(fixtureNpy(FX, 'last_hidden_state_0_f64.npy'));
  const want = new Float64Array(cols * 64);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) for (let d = 0; d < 64; d++) want[c * 64 + d] = (want[c * 64 + d] as number) + (last[(1 + r * cols + c) * 64 + d] as number) / rows;
  assertMaxAbs(out.embedding as HostTensor, tensor('float64', [1, cols * 64], want), 1e-6, 'band means');
  assert.equal(hear.embeddingDim(hear.presets.full, 'freq-preserving'), 8192);
  assert.equal(hear.embeddingDim(hear.presets.full, 'default'), 512);
});

test('full size: the parameter list of full_size_params.json (303,199,744), from the graph alone', () => {
  const g = parameterGraph(hear, hear.presets.full);
  const ref = fixtureJson<{ keys: FixtureParam[]; parameter_count: number }>(FX, 'full_size_params.json');
  const ours = new Map(g.params.map((p) => [p.params.name, `${p.shape.join('x')} ${p.dtype}`]));
  const theirs = new Map(ref.keys.map((k) => [k.key, `${k.shape.join('x')} ${k.dtype}`]));
  assert.deepEqual([...ours.keys()].sort(), [...theirs.keys()].sort());
  for (const [k, v] of theirs) assert.equal(ours.get(k), v, k);
  const total = g.params.reduce((a, p) => a + p.shape.reduce((x, y) => x * y, 1), 0);
  assert.equal(total, 303_199_744);
  assert.equal(total, ref.parameter_count);
  assert.ok(g.params.every((p) => p.params.trainable));
});

test('pooler_act tanh (transformers default) and erf GELU are honoured; a batch of two matches per-sample runs', () => {
  const base = hear.presets.tiny;
  const cfg = hear.fromReferenceConfig({ pooler_act: 'tanh', hidden_act: 'gelu' }, base);
  assert.deepEqual([cfg.poolerAct, cfg.hiddenAct], ['tanh', 'gelu']);
  const gt = buildEncoderGraph(hear, cfg, [2, 1, 192, 128], { mode: 'eval', pooling: 'default' });
  const gl = buildEncoderGraph(hear, { ...cfg, poolerAct: 'linear' }, [2, 1, 192, 128], { mode: 'eval', pooling: 'default' });
  const w = initWeights(gt, Rng.seeded(2));
  const rng = Rng.seeded(8);
  const x = tensor('float32', [2, 1, 192, 128], Float32Array.from({ length: 2 * 192 * 128 }, () => rng.normal()));
  const a = toFloat64(evaluate(gt, { x }, w).embedding as HostTensor);
  const l = toFloat64(evaluate(gl, { x }, w).embedding as HostTensor);
  l.forEach((v, i) => assert.ok(Math.abs(Math.tanh(v) - (a[i] as number)) < 1e-12));
});

test('input policy and modelInputs: 2-s windows every 1.8 s, snapped tail; one [192, 128] spectrogram per window', () => {
  assert.deepEqual(hear.input, { kind: 'windows', seconds: 2, hopSeconds: 1.8, tail: 'snap-to-end' });
  const cfg = hear.presets.full;
  const spec = tensor('float32', [192, 128], Float32Array.from({ length: 192 * 128 }, (_, i) => i));
  const inputs = hear.modelInputs(cfg, spec);
  assert.deepEqual(inputs.map((t) => t.shape), [[1, 1, 192, 128]]);
  assert.equal(inputs[0]?.data[192 * 128 - 1], 192 * 128 - 1);
  assert.throws(() => hear.modelInputs(cfg, tensor('float32', [200, 128], new Float32Array(200 * 128))), EncoderInputError);
  assert.throws(() => buildEncoderGraph(hear, cfg, [1, 1, 96, 128], { mode: 'eval', pooling: 'default' }), EncoderInputError);
});

test('fromReferenceConfig: HeAR config.json names; no-op keys accepted, unknown keys and inconsistent values rejected', () => {
  const cfg = reduced();
  assert.deepEqual([cfg.hiddenSize, cfg.numLayers, cfg.numHeads, cfg.intermediateSize, cfg.poolerOutputSize], [64, 2, 4, 256, 512]);
  assert.deepEqual([cfg.hiddenAct, cfg.poolerAct, cfg.layerNormEps], ['geluTanh', 'linear', 1e-6]);
  const base = hear.presets.full;
  const heAR = hear.fromReferenceConfig({ ...fixtureJson<Record<string, unknown>>(FX, 'config.json'), hidden_size: 1024, num_hidden_layers: 24, num_attention_heads: 16, intermediate_size: 4096, pooled_dim: 512, transformers_version: '4.50.3' }, base);
  assert.deepEqual(heAR, base);
  assert.equal(hear.fromReferenceConfig({ patch_size: [16, 8] }, base).patchSize[1], 8);
  assert.equal(hear.fromReferenceConfig({ hidden_act: 'gelu_pytorch_tanh' }, base).hiddenAct, 'geluTanh');
  assert.throws(() => hear.fromReferenceConfig({ use_mask_token: true }, base), (e: unknown) => e instanceof EncoderConfigError && /unknown reference config key\(s\) 'use_mask_token'/.test(e.message));
  assert.throws(() => hear.fromReferenceConfig({ model_type: 'bert' }, base), /model_type/);
  assert.throws(() => hear.fromReferenceConfig({ hidden_act: 'relu' }, base), /hidden_act/);
  assert.throws(() => hear.fromReferenceConfig({ pooled_dim: 256 }, base), /pooled_dim/);
  assert.throws(() => hear.fromReferenceConfig({ image_size: [190, 128] }, base), /not a multiple of the patch/);
  assert.throws(() => hear.fromReferenceConfig({ num_attention_heads: 7 }, base), /not divisible/);
});
