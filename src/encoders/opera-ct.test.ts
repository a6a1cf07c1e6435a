// OPERA-CT (HTS-AT) against ../shared/fixtures/models/opera_ct: reduced-width random checkpoint, OPERA's
// own outputs (torch 1.13.1, float32 and float64 replays), per-stage debug tensors, and the full-size
// parameter listing. Heavy parity runs through onnxruntime-node; the float64 interpreter runs one small case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder, type Graph, type Value } from '../ir/index.ts';
import { evaluate } from '../ir/interp.ts';
import { type HostTensor, tensor, toFloat64 } from '../tensor/index.ts';
import { Rng } from '../util/index.ts';
import { initWeights } from '../nn/index.ts';
import { operaCt, operaCtWindowStarts } from './opera-ct.ts';
import { type HtsatConfig, htsatForward, htsatFrequencyPreserving, htsatLatent, numFeatures } from './htsat.ts';
import { relativePositionIndex, shiftedWindowMask, windowOrder, reorderIndex, mergeIndex } from './htsat-windows.ts';
import { buildEncoderGraph, encoderDynamicAxes } from './encoder-graph.ts';
import { loadEncoderWeights, parameterGraph } from './weights.ts';
import { EncoderConfigError, EncoderInputError } from './errors.ts';
import { type FixtureParam, assertMaxAbs, fixtureBytes, fixtureJson, fixtureNpy, maxAbsDiff, ortSession, reshaped } from '../../test/encoders/encoder-fixture.ts';

const FX = 'opera_ct';
const PREFIX = 'encoder.encoder.htsat.';
const reduced = (): HtsatConfig => operaCt.fromReferenceConfig(fixtureJson(FX, 'model_config.json'), operaCt.presets.full);

/** Encoder graph plus the trace values (reference layout) as extra outputs. */
function traceGraph(cfg: HtsatConfig, frames: number, pooling: 'default' | 'freq-preserving' = 'default'): Graph {
  const b = new GraphBuilder();
  const out = htsatForward(b, cfg, b.input('x', [1, frames, cfg.melBins]), 'eval');
  const t = out.trace;
  const outputs: Record<string, Value> = {
    embedding: pooling === 'default' ? htsatLatent(b, out) : htsatFrequencyPreserving(b, cfg, out),
    after_bn0: t.afterBn0, resized: t.resized, image: t.image, patch_embed: t.patchEmbed, final_norm: t.finalNorm,
  };
  t.layers.forEach((v, i) => {
    outputs[`layer${i}`] = v;
  });
  return b.build(outputs);
}

const spectrogram = (x: HostTensor): HostTensor<'float32'> => reshaped(x as HostTensor<'float32'>, [x.shape[1] as number, x.shape[2] as number]);

test('reduced fixture through onnxruntime-node: embeddings (incl. windowed T > 1024) and debug tensors', async (t) => {
  const cfg = reduced();
  const w = loadEncoderWeights(operaCt, cfg, fixtureBytes(FX, 'opera_ct_reduced_random.ckpt'), 'opera_ct_reduced_random.ckpt');
  assert.equal(w.size, 200, '205 stored keys minus the 5 COLA-head keys');
  // built at T = 251; every other length (and every 1024-frame window) runs through the dynamic time axis
  const s = await ortSession(traceGraph(cfg, 251), w, { dynamicAxes: encoderDynamicAxes(operaCt, cfg), threads: 2 });
  const errors: string[] = [];
  for (const T of [63, 251, 1024, 1500, 2100]) {
    const inputs = operaCt.modelInputs(cfg, spectrogram(fixtureNpy(FX, `input_T${T}.npy`)));
    assert.equal(inputs.length, T === 2100 ? 3 : 1, `T=${T}: windows p = range(0, T − 1025, 512)`);
    const sum = new Float64Array(192);
    for (const x of inputs) {
      const r = await s.run({ x });
      toFloat64(r.embedding as HostTensor).forEach((v, i) => (sum[i] = (sum[i] as number) + v / inputs.length));
      if (T <= 1024) {
        assertMaxAbs(reshaped(r.after_bn0 as HostTensor, [1, 1, T, 64]), fixtureNpy(FX, `debug_T${T}_after_bn0.npy`), 2e-6, `T=${T} after bn0`);
        // PyTorch computes the bicubic source coordinate o·(T−1)/1023 in float32: up to 5e-5 from the exact one on this data
        assertMaxAbs(r.image as HostTensor, fixtureNpy(FX, `debug_T${T}_image256.npy`), T === 1024 ? 2e-6 : 3e-4, `T=${T} image`);
      }
      if (T === 1024) {
        // the resize at the target length is an exact identity
        const bn = toFloat64(r.after_bn0 as HostTensor);
        const rs = toFloat64(r.resized as HostTensor);
        for (let k = 0; k < 1024 * 64; k++) assert.equal(rs[k], bn[k]);
      }
      if (T === 251) {
        assertMaxAbs(r.patch_embed as HostTensor, fixtureNpy(FX, 'debug_T251_patch_embed.npy'), 3e-4, 'patch_embed');
        for (let i = 0; i < 4; i++) assertMaxAbs(r[`layer${i}`] as HostTensor, fixtureNpy(FX, `debug_T251_layer${i}.npy`), 1e-4, `layer ${i}`);
        assertMaxAbs(r.final_norm as HostTensor, fixtureNpy(FX, 'debug_T251_final_norm.npy'), 1e-4, 'final norm');
      }
    }
    const got = tensor('float32', [1, 192], Float32Array.from(sum));
    const e32 = assertMaxAbs(got, fixtureNpy(FX, `embedding_T${T}.npy`), 1e-4, `T=${T} embedding`);
    const e64 = maxAbsDiff(got, fixtureNpy(FX, `embedding_T${T}_f64.npy`), `T=${T} embedding f64`);
    assert.ok(e64 <= 1e-4, `T=${T}: ${e64} from the float64 reference`);
    errors.push(`T=${T} ${e32.toExponential(1)}/${e64.toExponential(1)}`);
  }
  t.diagnostic(`max |ort − reference| (float32 / float64 reference): ${errors.join(', ')}`);
  await s.release();
});

test('a model built at T = 1024 with dynamic axes runs other lengths and batches (the resize is not dropped)', async () => {
  const cfg = reduced();
  const w = loadEncoderWeights(operaCt, cfg, fixtureBytes(FX, 'opera_ct_reduced_random.ckpt'), 'opera_ct_reduced_random.ckpt');
  assert.deepEqual(encoderDynamicAxes(operaCt, cfg), { x: { 0: 'batch', 1: 'time' } });
  const g = buildEncoderGraph(operaCt, cfg, [1, 1024, 64], { mode: 'eval', pooling: 'default' });
  const s = await ortSession(g, w, { dynamicAxes: encoderDynamicAxes(operaCt, cfg), threads: 2 });
  for (const T of [251, 63]) {
    const [x] = operaCt.modelInputs(cfg, spectrogram(fixtureNpy(FX, `input_T${T}.npy`)));
    const r = await s.run({ x: x as HostTensor });
    assertMaxAbs(r.embedding as HostTensor, fixtureNpy(FX, `embedding_T${T}.npy`), 1e-4, `T=${T} through the T=1024 model`);
  }
  // the three 1024-frame windows of T = 2100 as one batch: row k is window k, their mean OPERA's embedding
  const windows = operaCt.modelInputs(cfg, spectrogram(fixtureNpy(FX, 'input_T2100.npy')));
  const batch = tensor('float32', [3, 1024, 64], Float32Array.from(windows.flatMap((t) => [...t.data])));
  const rows = toFloat64((await s.run({ x: batch })).embedding as HostTensor);
  assert.equal(rows.length, 3 * 192);
  const mean = Float32Array.from({ length: 192 }, (_, i) => ((rows[i] as number) + (rows[192 + i] as number) + (rows[384 + i] as number)) / 3);
  assertMaxAbs(tensor('float32', [1, 192], mean), fixtureNpy(FX, 'embedding_T2100.npy'), 1e-4, 'T=2100 windows as a batch of 3');
  for (let k = 0; k < 3; k++) {
    const one = toFloat64((await s.run({ x: windows[k] as HostTensor })).embedding as HostTensor);
    for (let i = 0; i < 192; i++) assert.ok(Math.abs((one[i] as number) - (rows[k * 192 + i] as number)) < 1e-5, `batch row ${k} = window ${k} alone`);
  }
  await s.release();
});

test('float64 interpreter reproduces the float64 reference (T = 63)', () => {
  const cfg = reduced();
  const w = loadEncoderWeights(operaCt, cfg, fixtureBytes(FX, 'opera_ct_reduced_random.ckpt'), 'ckpt');
  const g = buildEncoderGraph(operaCt, cfg, [1, 63, 64], { mode: 'eval', pooling: 'default' });
  const out = evaluate(g, { x: fixtureNpy(FX, 'input_T63.npy') }, w);
  // float64 arithmetic on float32 weights vs OPERA's float64 replay: measured 3.9e-9
  assertMaxAbs(out.embedding as HostTensor, fixtureNpy(FX, 'embedding_T63_f64.npy'), 1e-7, 'interpreter T=63');
});

test('computed buffers equal the stored ones: relative_position_index, attn_mask, torchlibrosa tensors', () => {
  const cfg = reduced();
  const g = parameterGraph(operaCt, cfg);
  const w = loadEncoderWeights(operaCt, cfg, fixtureBytes(FX, 'opera_ct_reduced_random.ckpt'), 'ckpt');
  let exact = 0;
  for (const p of g.params) {
    if (p.params.init.kind !== 'tensor') continue;
    const stored = w.get(p.params.name) as HostTensor;
    // the DFT kernels: numpy's complex power vs cos/sin of the reduced phase, 1 float32 ulp on ~1 % of entries
    const tol = p.params.name.startsWith('spectrogram_extractor') ? 6e-8 : 0;
    assertMaxAbs(p.params.init.value, stored, tol, p.params.name);
    if (tol === 0) exact++;
  }
  assert.equal(exact, 12 + 5 + 1, 'index per block, mask per shifted block, melW');
});

test('full size: the parameter list of full_size_params.json and its counts, from the graph alone', () => {
  const g = parameterGraph(operaCt, operaCt.presets.full);
  const ref = fixtureJson<{ keys: FixtureParam[]; parameter_count: Record<string, number> }>(FX, 'full_size_params.json');
  const enc = ref.keys.filter((k) => k.key.startsWith(PREFIX));
  const head = ref.keys.filter((k) => !k.key.startsWith(PREFIX)).map((k) => k.key);
  assert.deepEqual(head, ['g.weight', 'g.bias', 'layer_norm.weight', 'layer_norm.bias', 'linear.weight']);
  for (const k of head) assert.ok(operaCt.checkpoint.ignore.some((r) => new RegExp(`^(?:${r.pattern})$`).test(k)), `${k} is ignored`);
  const ours = new Map(g.params.map((p) => [p.params.name, `${p.shape.join('x')} ${p.dtype}`]));
  const theirs = new Map(enc.map((k) => [k.key.slice(PREFIX.length), `${k.shape.join('x')} ${k.dtype}`]));
  assert.deepEqual([...ours.keys()].sort(), [...theirs.keys()].sort());
  for (const [k, v] of theirs) assert.equal(ours.get(k), v, k);
  assert.deepEqual([...ours.keys()], [...theirs.keys()], 'declaration order = state_dict order');
  const numel = (re: RegExp) => g.params.filter((p) => re.test(p.params.name)).reduce((a, p) => a + p.shape.reduce((x, y) => x * y, 1), 0);
  const buffers = /(running_mean|running_var|num_batches_tracked|relative_position_index|attn_mask)$/;
  const unusedRe = /^(tscam_conv|head|spectrogram_extractor|logmel_extractor)\./;
  const backbone = g.params.filter((p) => !buffers.test(p.params.name) && !unusedRe.test(p.params.name)).reduce((a, p) => a + p.shape.reduce((x, y) => x * y, 1), 0);
  const c = ref.parameter_count;
  assert.equal(backbone, 27_534_488);
  assert.equal(backbone, c['embedding_backbone_params (bn0, patch_embed, layers, norm)']);
  assert.equal(numel(/^(tscam_conv|head)\./), 2_707_199);
  assert.equal(numel(/^(spectrogram_extractor|logmel_extractor)\./), 1_083_456);
  assert.equal(backbone + 2_707_199 + 1_083_456 + c['cola_head_params (g, layer_norm, linear)']!, c.total_parameters);
  assert.equal(c.total_parameters, 31_982_039);
  // the unused branches are declared but no node reads them; every embedding-path parameter is used
  const used = new Set(g.nodes.filter((v) => v.is('Param')).map((v) => (v as Value<'Param'>).params.name));
  for (const p of g.params) assert.equal(used.has(p.params.name), !unusedRe.test(p.params.name) && !/num_batches_tracked$/.test(p.params.name), p.params.name);
  assert.equal(operaCt.embeddingDim(operaCt.presets.full, 'default'), 768);
  assert.equal(operaCt.embeddingDim(operaCt.presets.full, 'freq-preserving'), 1536);
});

test('tiny preset: interpreter and onnxruntime agree at three lengths; freq-preserving readout', async () => {
  const cfg = operaCt.presets.tiny;
  const g = traceGraph(cfg, 100, 'freq-preserving');
  const n = g.params.filter((p) => p.params.trainable).reduce((a, p) => a + p.shape.reduce((x, y) => x * y, 1), 0);
  assert.ok(n > 2000 && n < 8000, `tiny has ${n} trainable parameters`);
  const w = initWeights(g, Rng.seeded(3));
  const s = await ortSession(g, w, { dynamicAxes: { x: { 1: 'time' } } });
  const rng = Rng.seeded(11);
  for (const T of [100, 1024, 37]) {
    const x = tensor('float32', [1, T, 64], Float32Array.from({ length: T * 64 }, () => rng.uniform()));
    const ref = evaluate(g, { x }, w, { dynamicAxes: { x: [1] } });
    const got = await s.run({ x });
    for (const k of ['embedding', 'image', 'final_norm']) assertMaxAbs(got[k] as HostTensor, ref[k] as HostTensor, 2e-5, `T=${T} ${k}`);
    // bands: final row r is band r mod 2 (8 rows = 4 fold chunks × 2 bands), each band averaged over its 32 tokens
    const tok = toFloat64(ref.final_norm as HostTensor);
    const D = numFeatures(cfg);
    const want = new Float64Array(2 * D);
    for (let t = 0; t < 64; t++) {
      for (let d = 0; d < D; d++) {
        const at = (Math.floor(t / 8) % 2) * D + d;
        want[at] = (want[at] as number) + (tok[t * D + d] as number) / 32;
      }
    }
    assertMaxAbs(ref.embedding as HostTensor, tensor('float64', [1, 2 * D], want), 1e-12, 'band means');
  }
  await s.release();
  const gd = buildEncoderGraph(operaCt, cfg, [1, 100, 64], { mode: 'eval', pooling: 'default' });
  const x = tensor('float32', [1, 100, 64], Float32Array.from({ length: 6400 }, (_, i) => Math.sin(i)));
  const fp = toFloat64(evaluate(g, { x }, w).embedding as HostTensor);
  const mean = toFloat64(evaluate(gd, { x }, new Map([...w].filter(([k]) => gd.params.some((p) => p.params.name === k)))).embedding as HostTensor);
  const D = numFeatures(cfg);
  for (let d = 0; d < D; d++) assert.ok(Math.abs(((fp[d] as number) + (fp[D + d] as number)) / 2 - (mean[d] as number)) < 1e-12, 'mean of band means = latent_output');
});

test('train mode: drop-path masks per block (linspace(0, 0.1, Σdepths)) and bn0 statistic updates', () => {
  const cfg = operaCt.presets.tiny;
  const g = buildEncoderGraph(operaCt, cfg, [2, 1024, 64], { mode: 'train', pooling: 'default' });
  assert.deepEqual([...g.random.entries()].map(([k, d]) => [k, d.kind === 'bernoulli' ? +(1 - d.p).toFixed(6) : null]), [
    ['layers.0.blocks.1.drop_path_attn.mask', 0.033333], ['layers.0.blocks.1.drop_path_mlp.mask', 0.033333],
    ['layers.1.blocks.0.drop_path_attn.mask', 0.066667], ['layers.1.blocks.0.drop_path_mlp.mask', 0.066667],
    ['layers.1.blocks.1.drop_path_attn.mask', 0.1], ['layers.1.blocks.1.drop_path_mlp.mask', 0.1],
  ]);
  assert.deepEqual([...g.updates.keys()], ['bn0.running_mean', 'bn0.running_var', 'bn0.num_batches_tracked']);
});

test('modelInputs: whole spectrogram up to 1024 frames, OPERA windows beyond, T = 1025 defined', () => {
  const cfg = operaCt.presets.full;
  assert.deepEqual(operaCtWindowStarts(1025, 1024), [0]);
  assert.deepEqual(operaCtWindowStarts(1537, 1024), [0]);
  assert.deepEqual(operaCtWindowStarts(1538, 1024), [0, 512]);
  assert.deepEqual(operaCtWindowStarts(2100, 1024), [0, 512, 1024]);
  assert.deepEqual(operaCtWindowStarts(2562, 1024), [0, 512, 1024, 1536]);
  const spec = (T: number) => tensor('float32', [T, 64], Float32Array.from({ length: T * 64 }, (_, i) => i));
  assert.deepEqual(operaCt.modelInputs(cfg, spec(0)), []);
  const short = operaCt.modelInputs(cfg, spec(63));
  assert.deepEqual(short.map((t) => t.shape), [[1, 63, 64]]);
  assert.equal(short[0]?.data[4031], 4031);
  const long = operaCt.modelInputs(cfg, spec(2100));
  assert.deepEqual(long.map((t) => [t.shape, t.data[0], t.data[65535]]), [[[1, 1024, 64], 0, 65535], [[1, 1024, 64], 512 * 64, 512 * 64 + 65535], [[1, 1024, 64], 1024 * 64, 1024 * 64 + 65535]]);
  assert.equal(operaCt.modelInputs(cfg, spec(1025)).length, 1);
  assert.throws(() => operaCt.modelInputs(cfg, tensor('float32', [10, 128], new Float32Array(1280))), (e: unknown) => e instanceof EncoderInputError && /expects a spectrogram \[T, 64\]/.test(e.message));
  assert.throws(() => buildEncoderGraph(operaCt, cfg, [1, 1025, 64], { mode: 'eval', pooling: 'default' }), /1 ≤ T ≤ 1024, got \[1, 1025, 64\]/);
});

test('fromReferenceConfig: the fixture config, derived keys checked, unknown keys and unsupported switches rejected', () => {
  const cfg = reduced();
  assert.equal(cfg.embedDim, 24);
  assert.deepEqual(cfg.numHeads, [1, 2, 4, 8]);
  assert.deepEqual(cfg.patchStride, [4, 4]);
  assert.equal(operaCt.embeddingDim(cfg, 'default'), 192);
  const base = operaCt.presets.full;
  const bad = (json: Record<string, unknown>, re: RegExp) => assert.throws(() => operaCt.fromReferenceConfig(json, base), (e: unknown) => e instanceof EncoderConfigError && re.test(e.message));
  bad({ embed_dim: 24, num_features: 768 }, /num_features 768 disagrees with embed_dim·2\^\(stages−1\) = 192/);
  bad({ freq_ratio: 2 }, /freq_ratio 2 disagrees with spec_size \/ mel_bins = 4/);
  bad({ ape: true }, /'ape' must be false/);
  bad({ enable_tscam: false }, /latent_output/);
  bad({ hidden_size: 3 }, /unknown reference config key\(s\) 'hidden_size'/);
  bad({ depths: [2, 2, 6] }, /same non-zero length/);
  bad({ window_size: 6 }, /does not split into 6×6 windows/);
  bad({ embed_dim: 10, num_heads: [4, 8, 16, 32] }, /dim 10 is not divisible by 4 heads/);
  assert.deepEqual(operaCt.fromReferenceConfig({ patch_stride: 4 }, base).patchStride, [4, 4]);
});

test('window tables: partition order with cyclic shift, merge gather, relative index and mask closed forms', () => {
  // 4×4 grid, 2×2 windows: window 0 holds rows 0–1 × cols 0–1
  assert.deepEqual([...windowOrder({ h: 4, w: 4, win: 2, shift: 0 })], [0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15]);
  // shift 1: torch.roll(x, (−1, −1)) then partition; the first window starts at token (1, 1)
  assert.deepEqual([...windowOrder({ h: 4, w: 4, win: 2, shift: 1 })].slice(0, 8), [5, 6, 9, 10, 7, 4, 11, 8]);
  const plain = windowOrder({ h: 4, w: 4, win: 2, shift: 0 });
  const shifted = windowOrder({ h: 4, w: 4, win: 2, shift: 1 });
  const g = toFloat64(reorderIndex(plain, shifted));
  shifted.forEach((t, p) => assert.equal(plain[g[p] as number], t));
  // merge: output token 0 = inputs (0,0), (1,0), (0,1), (1,1) = tokens 0, 4, 1, 5
  const m = toFloat64(mergeIndex(4, 4, plain, windowOrder({ h: 2, w: 2, win: 2, shift: 0 })));
  assert.deepEqual([...m.slice(0, 8)].map((i) => plain[i]), [0, 4, 1, 5, 2, 6, 3, 7]);
  assert.deepEqual([...toFloat64(relativePositionIndex(2))], [4, 3, 1, 0, 5, 4, 2, 1, 7, 6, 4, 3, 8, 7, 5, 4]);
  const mask = toFloat64(shiftedWindowMask({ h: 4, w: 4, win: 2, shift: 1 }));
  // last window (rows 2–3, cols 2–3 of the shifted grid) has 4 regions: all off-diagonal pairs masked
  assert.deepEqual([...mask.slice(48, 64)], [0, -100, -100, -100, -100, 0, -100, -100, -100, -100, 0, -100, -100, -100, -100, 0]);
  assert.ok(mask.slice(0, 16).every((v) => v === 0), 'window 0 lies in one region');
});
