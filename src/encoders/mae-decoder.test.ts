// OPERA-GT's MAE pieces against OPERA's own MaskedAutoencoderViTMD (test/fixtures/golden/opera-gt-mae, made by
// bench/tools/make_opera_gt_mae_golden.py): forward_decoder with decoder_mode 1 (the SwinV2-CR blocks and
// their view quirk) at full width for 1024 and 256 patches, decoder_mode 0 (timm Blocks), and forward_encoder
// on the visible tokens of the reduced fixture. The golden weights are a closed-form hash, regenerated here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { GraphBuilder, evaluate, type Graph, type Value } from '../ir/index.ts';
import { type HostTensor, parseNpy, tensor, toFloat64, loadStateDict } from '../tensor/index.ts';
import { bindStateDict, initWeights } from '../nn/index.ts';
import { gradcheck, formatGradcheck } from '../autodiff/index.ts';
import { Rng } from '../util/index.ts';
import { type OperaGtConfig, declareOperaGtDecoder, operaGt, operaGtEncodeVisible, operaGtPatchify } from './opera-gt.ts';
import { maeDecoderForward } from './mae-decoder.ts';
import { swinQuirkMaps } from './opera-swin-decoder.ts';
import { parameterGraph } from './weights.ts';
import { assertMaxAbs, fixtureBytes, fixtureJson, fixtureNpy, maxAbsDiff, ortSession } from '../../test/encoders/encoder-fixture.ts';

const GOLDEN = new URL('../../test/fixtures/golden/opera-gt-mae/', import.meta.url);
const golden = (f: string): HostTensor => parseNpy(new Uint8Array(readFileSync(new URL(f, GOLDEN))), f);

/** The generator's hash: u ∈ [−0.5, 0.5) from (i·0x9E3779B1 + seed·0x85EBCA77) mod 2³², lowbias32-mixed. */
function hashU(seed: number, n: number): Float64Array {
  const out = new Float64Array(n);
  const s = Math.imul(seed, 0x85ebca77) >>> 0;
  for (let i = 0; i < n; i++) {
    let h = ((Math.imul(i, 0x9e3779b1) >>> 0) + s) >>> 0;
    h = Math.imul((h ^ (h >>> 16)) >>> 0, 0x7feb352d) >>> 0;
    h = Math.imul((h ^ (h >>> 15)) >>> 0, 0x846ca68b) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
    out[i] = h / 4294967296 - 0.5;
  }
  return out;
}

/** The parameters of `g` from the hash, each seeded by its index among the sorted names of the whole model `all`. */
function hashedWeights(g: Graph, all: Graph): Map<string, HostTensor> {
  const names = all.params.map((p) => p.params.name).sort();
  const w = new Map<string, HostTensor>();
  for (const p of g.params) {
    const name = p.params.name;
    const n = p.shape.reduce((a, b) => a * b, 1);
    const u = hashU(names.indexOf(name), n);
    const last = name.slice(name.lastIndexOf('.') + 1);
    const f = last === 'tau' ? (v: number) => 0.5 + 0.4 * v
      : last === 'weight' && p.rank >= 2 ? (v: number) => v * (2 * Math.sqrt(3 / (n / (p.shape[0] as number))))
      : last === 'weight' ? (v: number) => 1 + 0.2 * v
      : last === 'bias' ? (v: number) => 0.2 * v
      : (v: number) => 0.5 * v;
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = f(u[i] as number);
    w.set(name, tensor('float32', p.shape, data));
  }
  return w;
}

/** The decoder graph for `L` patches with K = int(0.3·L) visible tokens, and its golden feeds. */
function decoderCase(cfg: OperaGtConfig, tag: string, L: number, seed: number) {
  const K = Math.floor(L * 0.3);
  const D = cfg.embedDim;
  const b = new GraphBuilder();
  const enc = b.input('encoded', [1, 1 + K, D]);
  const ids = b.input('ids_restore', [1, L], 'int64');
  const dec = declareOperaGtDecoder(b, cfg);
  const g = b.build({ pred: maeDecoderForward(b, dec, enc, ids, 'eval') });
  const w = hashedWeights(g, parameterGraph(operaGt, cfg));
  const encoded = tensor('float32', [1, 1 + K, D], Float32Array.from(hashU(1_000_000 + seed, (1 + K) * D), (v) => 2 * v));
  return { g, w, feeds: { encoded, ids_restore: golden(`decoder_${tag}.ids_restore.npy`) } };
}

for (const [tag, L, seed] of [['swin_L1024', 1024, 1], ['swin_L256', 256, 2]] as const) {
  test(`decoder_mode 1 (16 SwinV2-CR blocks, width 256) reproduces OPERA's forward_decoder, ${L} patches`, async (t) => {
    const { g, w, feeds } = decoderCase(operaGt.presets.full, tag, L, seed);
    const s = await ortSession(g, w, { threads: 2 });
    const pred = (await s.run(feeds)).pred as HostTensor;
    await s.release();
    const e32 = assertMaxAbs(pred, golden(`decoder_${tag}.pred.npy`), 1e-4, `${tag} pred`);
    const e64 = maxAbsDiff(pred, golden(`decoder_${tag}.pred_f64.npy`), `${tag} pred f64`);
    assert.ok(e64 <= 1e-4, `${tag}: ${e64} from the float64 reference`);
    t.diagnostic(`max |ort − OPERA| float32 / float64 reference: ${e32.toExponential(1)} / ${e64.toExponential(1)}`);
  });
}

test('decoder_mode 0 (timm Blocks): interpreter and onnxruntime-node reproduce OPERA (128 patches)', async () => {
  const cfg = operaGt.fromReferenceConfig(
    { img_size: [32, 64], embed_dim: 48, depth: 1, num_heads: 2, decoder_mode: 0, decoder_embed_dim: 32, decoder_depth: 2, decoder_num_heads: 4 },
    operaGt.presets.full,
  );
  const { g, w, feeds } = decoderCase(cfg, 'vit_L128', 128, 3);
  const ref = evaluate(g, feeds, w).pred as HostTensor;
  // float64 interpreter on float32 weights vs OPERA in float64
  assertMaxAbs(ref, golden('decoder_vit_L128.pred_f64.npy'), 1e-7, 'interpreter');
  const s = await ortSession(g, w);
  assertMaxAbs((await s.run(feeds)).pred as HostTensor, golden('decoder_vit_L128.pred.npy'), 1e-4, 'onnxruntime');
  await s.release();
});

test("forward_encoder on the visible tokens of OPERA's random masking (reduced fixture, 307 of 1024 kept)", async () => {
  const cfg = operaGt.fromReferenceConfig(fixtureJson('opera_gt', 'model_config.json'), operaGt.presets.full);
  const restore = toFloat64(golden('encoder_visible_T256.ids_restore.npy'));
  const shuffle = new BigInt64Array(1024);
  restore.forEach((r, i) => (shuffle[r] = BigInt(i)));
  const b = new GraphBuilder();
  const keep = b.input('ids_keep', [1, 307], 'int64');
  const latent = operaGtEncodeVisible(b, cfg, b.input('x', [1, 256, 64]), keep, 'eval');
  const g = b.build({ latent });
  const sd = loadStateDict(fixtureBytes('opera_gt', 'opera_gt_reduced_random.ckpt'), 'ckpt');
  const w = bindStateDict(g, sd, { ignore: [{ pattern: /^(mask_token|decoder_.*)$/, reason: 'the MAE decoder' }] });
  const s = await ortSession(g, w);
  const r = await s.run({ x: fixtureNpy('opera_gt', 'input_T256.npy'), ids_keep: tensor('int64', [1, 307], shuffle.slice(0, 307)) });
  await s.release();
  assertMaxAbs(r.latent as HostTensor, golden('encoder_visible_T256.latent.npy'), 1e-4, 'latent');
});

test("patchify: MAE's 'nchpwq->nhwpqc' layout, tokens time-major", () => {
  const cfg = operaGt.presets.full;
  const b = new GraphBuilder();
  const g = b.build({ y: operaGtPatchify(b, cfg, b.input('x', [1, 8, 64])) });
  const x = tensor('float32', [1, 8, 64], Float32Array.from({ length: 512 }, (_, i) => i));
  const y = toFloat64(evaluate(g, { x }, new Map()).y as HostTensor);
  // patch (h, w) = token h·16 + w, value (p, q) = x[4h + p, 4w + q]
  for (const [h, w, p, q] of [[0, 0, 0, 0], [1, 3, 2, 1], [0, 15, 3, 3]] as const) {
    assert.equal(y[(h * 16 + w) * 16 + p * 4 + q], (4 * h + p) * 64 + 4 * w + q);
  }
});

test("the view quirk's token maps: permutations; OPERA's groups of 16 consecutive tokens at 1024 patches; masks", () => {
  for (const L of [256, 512, 1024]) {
    for (const shift of [[0, 0], [2, 0]] as const) {
      const m = swinQuirkMaps(L, 256, [32, 8], [4, 4], shift);
      assert.deepEqual([...m.tokenIn].sort((a, c) => a - c), Array.from({ length: L }, (_, i) => i), `L=${L} tokenIn`);
      assert.deepEqual([...m.tokenOut].sort((a, c) => a - c), Array.from({ length: L }, (_, i) => i), `L=${L} tokenOut`);
      assert.equal(m.mask !== null, shift[0] !== 0);
      if (L === 1024) {
        // each group is one time step's 16 frequency patches; the output map is not the input map's inverse
        for (let g = 0; g < m.groups; g++) {
          const first = m.tokenIn[g * 16] as number;
          assert.equal(first % 16, 0);
          for (let r = 0; r < 16; r++) assert.equal(m.tokenIn[g * 16 + r], first + r);
        }
        assert.ok([...m.tokenOut].some((s, l) => m.tokenIn[s] !== l));
      }
      if (m.mask) {
        // masked groups: those using attn_mask windows 14 and 15 (the last row band, rows 28–31 of the 32-row grid)
        const masked = Array.from({ length: m.groups }, (_, g) => g).filter((g) => m.mask!.subarray(g * 256, (g + 1) * 256).some((v) => v !== 0));
        assert.deepEqual(masked, Array.from({ length: L / 256 }, (_, k) => [16 * k + 14, 16 * k + 15]).flat());
      }
    }
  }
  assert.throws(() => swinQuirkMaps(624, 256, [32, 8], [4, 4], [0, 0]), /multiple of the decoder width 256/);
  assert.throws(() => swinQuirkMaps(1024, 32, [32, 8], [4, 4], [0, 0]), /needs C = 32·8 = 256/);
});

test('gradients of an MAE loss through the visible-token encoder and both decoders match finite differences', () => {
  const swin = {
    mode: 1, dim: 8, blocks: 2, numHeads: 2, featSize: [4, 2], windowSize: [2, 2], shiftSize: [1, 0], noShift: false, metaHidden: 4, metaDrop: 0.1,
  } as const;
  const base: OperaGtConfig = {
    imgSize: [16, 16], patchSize: 4, embedDim: 8, depth: 1, numHeads: 2, mlpRatio: 2, layerNormEps: 1e-6, qkvBias: true, minFrames: 4, decoder: swin,
  };
  for (const cfg of [base, { ...base, decoder: { mode: 0, dim: 8, depth: 1, numHeads: 2 } } as OperaGtConfig]) {
    const keepIds = [5, 0, 11, 7, 14];
    const order = [...keepIds, ...Array.from({ length: 16 }, (_, i) => i).filter((i) => !keepIds.includes(i))];
    const restore = new BigInt64Array(16);
    order.forEach((tok, pos) => (restore[tok] = BigInt(pos)));
    const rng = Rng.seeded(21);
    const rand = (shape: number[]) => tensor('float32', shape, Float32Array.from({ length: shape.reduce((a, c) => a * c, 1) }, () => rng.uniform() - 0.5));
    const values: Record<string, HostTensor> = { x: rand([1, 16, 16]), ids_keep: tensor('int64', [1, 5], BigInt64Array.from(keepIds, BigInt)), ids_restore: tensor('int64', [1, 16], restore), w: rand([1, 16, 16]) };
    let trainable: string[] = [];
    const build = (b: GraphBuilder) => {
      const latent = operaGtEncodeVisible(b, cfg, b.input('x', [1, 16, 16]), b.input('ids_keep', [1, 5], 'int64'), 'eval');
      const pred = maeDecoderForward(b, declareOperaGtDecoder(b, cfg), latent, b.input('ids_restore', [1, 16], 'int64'), 'eval');
      const loss = b.sumAll(b.mul(pred, b.input('w', [1, 16, 16])));
      const params = [...new Set(collectParams(loss))].filter((p) => p.params.trainable);
      trainable = params.map((p) => p.params.name);
      return { loss, wrt: params };
    };
    const probe = new GraphBuilder();
    const { loss } = build(probe);
    // random values everywhere (zero-initialised biases would put ReLU inputs exactly on the kink); τ near 1
    const init = initWeights(probe.build({ loss }), Rng.seeded(5));
    for (const [k, v] of init) {
      if (k.endsWith('pos_embed')) values[k] = v;
      else if (trainable.includes(k)) values[k] = k.endsWith('.tau') ? tensor('float32', v.shape, Float32Array.from(v.data as Float32Array, (_, i) => 1 + 0.1 * i)) : rand([...v.shape]);
    }
    const r = gradcheck(build, values, { eps: 1e-6, atol: 1e-7, rtol: 1e-5, maxElements: 3, seed: 1 });
    assert.ok(r.ok, formatGradcheck(r));
    assert.ok(trainable.includes('decoder_blocks.1.attn.tau') === (cfg.decoder.mode === 1) && trainable.includes('blocks.0.attn.qkv.weight'));
  }
});

function collectParams(v: Value): Value<'Param'>[] {
  const out: Value<'Param'>[] = [];
  const seen = new Set<Value>();
  const stack = [v];
  while (stack.length > 0) {
    const u = stack.pop() as Value;
    if (seen.has(u)) continue;
    seen.add(u);
    if (u.is('Param')) out.push(u);
    stack.push(...u.inputs);
  }
  return out;
}
