// OPERA-GT (ViT-S MAE) against ../shared/fixtures/models/opera_gt: reduced random checkpoint, OPERA's own
// forward_feature outputs (torch 1.13, float32 and float64 replays), the block in/out debug tensors, and the
// full-size parameter listing. Parity runs through onnxruntime-node; the float64 interpreter runs a short input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder, evaluate, type Value } from '../ir/index.ts';
import { type HostTensor, tensor, toFloat64 } from '../tensor/index.ts';
import { Rng } from '../util/index.ts';
import { bindStateDict, initWeights } from '../nn/index.ts';
import { loadStateDict } from '../tensor/index.ts';
import { type OperaGtConfig, operaGt, operaGtEncoderTokens, operaGtGrid, operaGtPosTable } from './opera-gt.ts';
import { buildEncoderGraph, encoderDynamicAxes } from './encoder-graph.ts';
import { loadEncoderWeights, parameterGraph } from './weights.ts';
import { EncoderConfigError, EncoderInputError } from './errors.ts';
import { type FixtureParam, assertMaxAbs, fixtureBytes, fixtureJson, fixtureNpy, maxAbsDiff, ortSession, reshaped } from '../../test/encoders/encoder-fixture.ts';

const FX = 'opera_gt';
const CKPT = 'opera_gt_reduced_random.ckpt';
const reduced = (): OperaGtConfig => operaGt.fromReferenceConfig(fixtureJson(FX, 'model_config.json'), operaGt.presets.full);
const spectrogram = (x: HostTensor): HostTensor<'float32'> => reshaped(x as HostTensor<'float32'>, [x.shape[1] as number, x.shape[2] as number]);

test('reduced fixture through onnxruntime-node: T = 256, 157, 251 through one model with a dynamic time axis', async (t) => {
  const cfg = reduced();
  const w = loadEncoderWeights(operaGt, cfg, fixtureBytes(FX, CKPT), CKPT);
  assert.equal(w.size, 310, 'every stored key, the MAE decoder included, binds');
  const g = buildEncoderGraph(operaGt, cfg, [1, 256, 64], { mode: 'eval', pooling: 'default' });
  const s = await ortSession(g, w, { dynamicAxes: encoderDynamicAxes(operaGt, cfg), threads: 2 });
  const report: string[] = [];
  for (const T of [256, 157, 251]) {
    const inputs = operaGt.modelInputs(cfg, spectrogram(fixtureNpy(FX, `input_T${T}.npy`)));
    assert.deepEqual(inputs.map((x) => x.shape), [[1, T, 64]]);
    const r = await s.run({ x: inputs[0] as HostTensor });
    const e32 = assertMaxAbs(r.embedding as HostTensor, fixtureNpy(FX, `embedding_T${T}.npy`), 1e-4, `T=${T} embedding`);
    const e64 = maxAbsDiff(r.embedding as HostTensor, fixtureNpy(FX, `embedding_T${T}_f64.npy`), `T=${T} f64`);
    assert.ok(e64 <= 1e-4, `T=${T}: ${e64} from the float64 reference`);
    assert.deepEqual(r.tokens?.shape, [1, 1 + Math.floor(T / 4) * 16, 96]);
    if (T === 256) assertMaxAbs(r.tokens as HostTensor, fixtureNpy(FX, 'debug_T256_tokens_block_out.npy'), 1e-4, 'last block output');
    report.push(`T=${T} ${e32.toExponential(1)}/${e64.toExponential(1)}`);
  }
  t.diagnostic(`max |ort − reference| (float32 / float64 reference): ${report.join(', ')}`);
  // past the 256-frame position table the exported model returns non-finite values (OPERA raises)
  const long = await s.run({ x: tensor('float32', [1, 260, 64], new Float32Array(260 * 64).fill(0.5)) });
  assert.ok(toFloat64(long.embedding as HostTensor).every((v) => !Number.isFinite(v)), 'T = 260 is poisoned');
  await s.release();
});

test('block-0 input: cls + pos[0], patch tokens + the stored pos rows (debug_T256_tokens_block_in)', async () => {
  const cfg = reduced();
  const b = new GraphBuilder();
  const { blockIn } = operaGtEncoderTokens(b, cfg, b.input('x', [1, 256, 64]), 'eval');
  const g = b.build({ blockIn });
  const sd = loadStateDict(fixtureBytes(FX, CKPT), CKPT);
  const w = bindStateDict(g, sd, { ignore: [{ pattern: /^(norm|mask_token|decoder_.*)\./, reason: 'not on the block-0 path' }, { pattern: /^(mask_token|decoder_pos_embed)$/, reason: 'decoder' }] });
  const s = await ortSession(g, w);
  const r = await s.run({ x: fixtureNpy(FX, 'input_T256.npy') });
  assertMaxAbs(r.blockIn as HostTensor, fixtureNpy(FX, 'debug_T256_tokens_block_in.npy'), 1e-6, 'block in');
  await s.release();
});

test('the stored pos_embed is the 16×64-grid sin-cos table the declared init reproduces', () => {
  const cfg = reduced();
  const sd = loadStateDict(fixtureBytes(FX, CKPT), CKPT);
  // OPERA builds it in float32 numpy arithmetic; sin/cos of the same float32 angles differ by ≤ 1 ulp
  assertMaxAbs(operaGtPosTable(cfg, 96), sd.get('pos_embed') as HostTensor, 1.2e-7, 'pos_embed');
  assertMaxAbs(operaGtPosTable(cfg, 32), sd.get('decoder_pos_embed') as HostTensor, 1.2e-7, 'decoder_pos_embed');
  // token j = t·16 + f gets the table's (row ⌊j/64⌋, column j mod 64) entry, not (t, f): row 17 is token (1, 1)
  const p = toFloat64(sd.get('pos_embed') as HostTensor);
  const colPart = (j: number) => p[(1 + j) * 96 + 1] as number; // sin(col·ω₁) of the first half
  assert.ok(Math.abs(colPart(17) - Math.sin(17 * 10000 ** (-1 / 24))) < 1e-6, 'column index of token 17 is 17');
});

test('float64 interpreter reproduces the float64 reference (T = 157, 1 frame dropped, 624 of 1024 pos rows)', () => {
  const cfg = reduced();
  const w = loadEncoderWeights(operaGt, cfg, fixtureBytes(FX, CKPT), CKPT);
  const g = buildEncoderGraph(operaGt, cfg, [1, 157, 64], { mode: 'eval', pooling: 'default' });
  const out = evaluate(g, { x: fixtureNpy(FX, 'input_T157.npy') }, w);
  // float64 arithmetic on the float32 checkpoint vs OPERA's float64 replay: measured 8.3e-9
  assertMaxAbs(out.embedding as HostTensor, fixtureNpy(FX, 'embedding_T157_f64.npy'), 1e-7, 'interpreter T=157');
});

test('freq-preserving readout: onnxruntime-node agrees with the interpreter (reduced weights, T = 23)', async () => {
  const cfg = reduced();
  const w = loadEncoderWeights(operaGt, cfg, fixtureBytes(FX, CKPT), CKPT);
  const x = tensor('float32', [1, 23, 64], (fixtureNpy(FX, 'input_T157.npy').data as Float32Array).slice(0, 23 * 64));
  const g = buildEncoderGraph(operaGt, cfg, [1, 23, 64], { mode: 'eval', pooling: 'freq-preserving' });
  const ref = evaluate(g, { x }, w);
  const s = await ortSession(g, w);
  const got = await s.run({ x });
  assert.deepEqual(got.embedding?.shape, [1, 16 * 96]);
  assertMaxAbs(got.embedding as HostTensor, ref.embedding as HostTensor, 2e-5, 'freq-preserving embedding');
  await s.release();
});

test('freq-preserving pooling: norm per patch token, time mean per frequency patch, frequency-major concatenation', () => {
  const cfg = operaGt.presets.tiny;
  const { freqPatches, timePatches } = operaGtGrid(cfg);
  const T = 3 * cfg.patchSize + 5;
  const gDefault = buildEncoderGraph(operaGt, cfg, [2, T, 64], { mode: 'eval', pooling: 'default' });
  const gFreq = buildEncoderGraph(operaGt, cfg, [2, T, 64], { mode: 'eval', pooling: 'freq-preserving' });
  assert.equal(timePatches, 16);
  const w = initWeights(gFreq, Rng.seeded(4));
  const rng = Rng.seeded(9);
  const x = tensor('float32', [2, T, 64], Float32Array.from({ length: 2 * T * 64 }, () => rng.uniform()));
  const fp = toFloat64(evaluate(gFreq, { x }, w).embedding as HostTensor);
  const tokens = toFloat64(evaluate(gDefault, { x }, w).tokens as HostTensor);
  const D = cfg.embedDim;
  const nw = toFloat64(w.get('norm.weight') as HostTensor);
  const nb = toFloat64(w.get('norm.bias') as HostTensor);
  const N = 3 * freqPatches;
  for (let s = 0; s < 2; s++) {
    for (let f = 0; f < freqPatches; f++) {
      const want = new Float64Array(D);
      for (let t = 0; t < 3; t++) {
        const row = tokens.subarray((s * (N + 1) + 1 + t * freqPatches + f) * D, (s * (N + 1) + 2 + t * freqPatches + f) * D);
        const mu = row.reduce((a, v) => a + v, 0) / D;
        const vr = row.reduce((a, v) => a + (v - mu) ** 2, 0) / D;
        row.forEach((v, d) => (want[d] = (want[d] as number) + (((v - mu) / Math.sqrt(vr + 1e-6)) * (nw[d] as number) + (nb[d] as number)) / 3));
      }
      for (let d = 0; d < D; d++) assert.ok(Math.abs((fp[s * freqPatches * D + f * D + d] as number) - (want[d] as number)) < 1e-10, `sample ${s} band ${f} dim ${d}`);
    }
  }
  assert.equal(operaGt.embeddingDim(operaGt.presets.full, 'freq-preserving'), 6144);
});

test('full size: the parameter list of full_size_params.json and its counts, from the graph alone', () => {
  const g = parameterGraph(operaGt, operaGt.presets.full);
  const ref = fixtureJson<{ keys: FixtureParam[]; parameter_count: Record<string, number> }>(FX, 'full_size_params.json');
  const ours = new Map(g.params.map((p) => [p.params.name, `${p.shape.join('x')} ${p.dtype}`]));
  const theirs = new Map(ref.keys.map((k) => [k.key, `${k.shape.join('x')} ${k.dtype}`]));
  assert.deepEqual([...ours.keys()].sort(), [...theirs.keys()].sort());
  for (const [k, v] of theirs) assert.equal(ours.get(k), v, k);
  const numel = (keep: (name: string) => boolean) => g.params.filter((p) => keep(p.params.name)).reduce((a, p) => a + p.shape.reduce((x, y) => x * y, 1), 0);
  const decoder = (n: string) => n === 'mask_token' || n.startsWith('decoder_');
  const c = ref.parameter_count;
  assert.equal(numel(() => true), 34_814_096);
  assert.equal(numel(() => true), c.total_parameters);
  assert.equal(numel((n) => !decoder(n)), 21_694_848);
  assert.equal(numel((n) => !decoder(n) && n !== 'pos_embed'), 21_301_248);
  assert.equal(numel(decoder), 13_119_248);
  // the embedding reads every encoder parameter and no decoder parameter
  const used = new Set(g.nodes.filter((v) => v.is('Param')).map((v) => (v as Value<'Param'>).params.name));
  for (const p of g.params) assert.equal(used.has(p.params.name), !decoder(p.params.name), p.params.name);
  assert.equal(g.params.filter((p) => !p.params.trainable).map((p) => p.params.name).join(), 'pos_embed,decoder_pos_embed', 'fixed sin-cos tables');
  assert.equal(operaGt.embeddingDim(operaGt.presets.full, 'default'), 384);
});

test('modelInputs: 256-frame pieces, pieces under 16 frames skipped; wrong layouts rejected', () => {
  const cfg = operaGt.presets.full;
  const spec = (T: number) => tensor('float32', [T, 64], Float32Array.from({ length: T * 64 }, (_, i) => i));
  assert.deepEqual(operaGt.modelInputs(cfg, spec(15)), []);
  assert.deepEqual(operaGt.modelInputs(cfg, spec(16)).map((t) => t.shape), [[1, 16, 64]]);
  const pieces = operaGt.modelInputs(cfg, spec(600));
  assert.deepEqual(pieces.map((t) => [t.shape[1], t.data[0]]), [[256, 0], [256, 256 * 64], [88, 512 * 64]]);
  assert.deepEqual(operaGt.modelInputs(cfg, spec(527)).map((t) => t.shape[1]), [256, 256], '15 trailing frames skipped');
  assert.throws(() => operaGt.modelInputs(cfg, tensor('float32', [10, 128], new Float32Array(1280))), EncoderInputError);
  assert.throws(() => buildEncoderGraph(operaGt, cfg, [1, 300, 64], { mode: 'eval', pooling: 'default' }), /4 to 256 frames/);
  assert.throws(() => buildEncoderGraph(operaGt, cfg, [1, 256, 128], { mode: 'eval', pooling: 'default' }), EncoderInputError);
});

test('fromReferenceConfig: the fixture config; decoder modes; unknown keys and bad values rejected', () => {
  const cfg = reduced();
  assert.deepEqual([cfg.embedDim, cfg.depth, cfg.numHeads, cfg.decoder.dim, cfg.decoder.mode], [96, 2, 2, 32, 1]);
  assert.equal(cfg.decoder.mode === 1 && cfg.decoder.blocks, 16);
  const base = operaGt.presets.full;
  const vit = operaGt.fromReferenceConfig({ decoder_mode: 0, decoder_depth: 8, decoder_num_heads: 16, decoder_embed_dim: 512 }, base);
  assert.deepEqual(vit.decoder, { mode: 0, dim: 512, depth: 8, numHeads: 16 });
  assert.throws(() => operaGt.fromReferenceConfig({ embed_dim: 96, use_custom_patch: true }, base), (e: unknown) => e instanceof EncoderConfigError && /unknown reference config key\(s\) 'use_custom_patch'/.test(e.message));
  assert.throws(() => operaGt.fromReferenceConfig({ in_chans: 3 }, base), /in_chans/);
  assert.throws(() => operaGt.fromReferenceConfig({ decoder_mode: 2 }, base), /decoder_mode/);
  assert.throws(() => operaGt.fromReferenceConfig({ embed_dim: 100, num_heads: 6 }, base), /not divisible/);
  assert.throws(() => operaGt.fromReferenceConfig({ img_size: [250, 64] }, base), /multiples of the patch size/);
});
