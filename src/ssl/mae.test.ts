import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder, evaluate } from '../ir/index.ts';
import { initWeights } from '../nn/index.ts';
import { type HostTensor, f32, tensor, toFloat64 } from '../tensor/index.ts';
import { Rng } from '../util/index.ts';
import { operaGt } from '../encoders/opera-gt.ts';
import { parameterGraph } from '../encoders/weights.ts';
import { drawMaeMasks, keptPatches, maeLoss } from './mae.ts';
import { MAE_INPUTS, buildPretrainGraph, resolvePretrainModel } from './pretrain-step.ts';

function scripted(us: readonly number[]): Rng {
  let i = 0;
  return { uniform: () => us[i++] as number } as unknown as Rng;
}

test('kept patches: int(L·(1 − ratio)) (OPERA-GT 1024 → 307, HeAR 96 → 24)', () => {
  assert.equal(keptPatches(1024, 0.7), 307);
  assert.equal(keptPatches(256, 0.7), 76);
  assert.equal(keptPatches(96, 0.75), 24);
  assert.throws(() => keptPatches(3, 0.9), /keeps no patch/);
});

test('MAE masks: ids_shuffle = argsort(noise), ids_keep its first K, ids_restore its inverse, mask 1 on hidden patches', () => {
  // L = 5, ratio 0.6 → K = 2; noise [0.5, 0.1, 0.9, 0.3, 0.7] → shuffle [1, 3, 0, 4, 2]
  const m = drawMaeMasks(2, 5, 0.6, scripted([0.5, 0.1, 0.9, 0.3, 0.7, 0.2, 0.4, 0.6, 0.8, 0.0]));
  assert.equal(m.kept, 2);
  assert.deepEqual([...m.idsKeep].map(Number), [1, 3, 4, 0]);
  assert.deepEqual([...m.idsRestore].map(Number), [2, 0, 4, 1, 3, 1, 2, 3, 4, 0]);
  assert.deepEqual([...m.mask], [1, 0, 1, 0, 1, 0, 1, 1, 1, 0]);
  // every row's kept ids gathered through ids_restore are the first K positions
  const seeded = drawMaeMasks(4, 64, 0.7, Rng.seeded(2));
  for (let s = 0; s < 4; s++) {
    for (let r = 0; r < seeded.kept; r++) assert.equal(Number(seeded.idsRestore[s * 64 + Number(seeded.idsKeep[s * seeded.kept + r])]), r);
    assert.equal(seeded.mask.subarray(s * 64, (s + 1) * 64).reduce((a, v) => a + v, 0), 64 - seeded.kept);
  }
});

function lossGraph(norm: boolean) {
  const b = new GraphBuilder();
  const pred = b.input('pred', [1, 3, 3]);
  const target = b.input('target', [1, 3, 3]);
  const mask = b.input('mask', [1, 3]);
  return b.build({ loss: maeLoss(b, pred, target, mask, norm) });
}

test('MAE loss: mean over hidden patches of the per-patch MSE; kept patches do not count', () => {
  const target = f32([1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const pred = f32([1, 3, 3], [1, 2, 4, 100, -50, 3, 7, 8, 7]);
  const mask = f32([1, 3], [1, 0, 1]);
  const out = evaluate(lossGraph(false), { pred, target, mask }, new Map());
  // patch 0: (0 + 0 + 1)/3; patch 2: (0 + 0 + 4)/3; mean over the two hidden patches
  assert.ok(Math.abs((toFloat64(out['loss'] as HostTensor)[0] as number) - (1 / 3 + 4 / 3) / 2) < 1e-12);
});

test('MAE loss with norm_pix_loss: targets normalised per patch with the unbiased variance and eps 1e-6', () => {
  const target = f32([1, 3, 3], [1, 2, 3, 10, 10, 13, 0, 0, 3]);
  const pred = f32([1, 3, 3], [0, 0, 0, 0, 0, 0, 1, 1, 1]);
  const mask = f32([1, 3], [1, 1, 0]);
  const out = evaluate(lossGraph(true), { pred, target, mask }, new Map());
  const patchLoss = (t: number[], p: number[]) => {
    const m = t.reduce((a, v) => a + v, 0) / 3;
    const v = t.reduce((a, u) => a + (u - m) ** 2, 0) / 2;
    return t.reduce((a, u, i) => a + (p[i]! - (u - m) / Math.sqrt(v + 1e-6)) ** 2, 0) / 3;
  };
  const expected = (patchLoss([1, 2, 3], [0, 0, 0]) + patchLoss([10, 10, 13], [0, 0, 0])) / 2;
  assert.ok(Math.abs((toFloat64(out['loss'] as HostTensor)[0] as number) - expected) < 1e-9);
});

test('an OPERA-GT MAE step graph on 64-frame inputs: K visible tokens, loss finite, decoder and encoder under their checkpoint names', () => {
  const objective = { kind: 'mae', maskRatio: 0.7, normPixLoss: false, decoder: null } as const;
  const reference = { patch_size: 16, embed_dim: 8, depth: 1, num_heads: 2, mlp_ratio: 2, decoder_mode: 0, decoder_embed_dim: 8, decoder_depth: 1, decoder_num_heads: 2 };
  const model = resolvePretrainModel({ id: 'opera-gt', reference }, objective);
  const b = new GraphBuilder();
  const out = buildPretrainGraph(b, model, objective, { batch: 2, frames: 64 }, 'eval');
  const g = b.build({ loss: out.loss });
  const L = (64 / 16) * (64 / 16);
  const K = keptPatches(L, 0.7);
  assert.deepEqual(g.inputs.map((v) => [v.params.name, v.shape.join('x'), v.dtype]), [
    [MAE_INPUTS.x, '2x64x64', 'float32'], [MAE_INPUTS.idsKeep, `2x${K}`, 'int64'], [MAE_INPUTS.idsRestore, `2x${L}`, 'int64'], [MAE_INPUTS.mask, `2x${L}`, 'float32'],
  ]);
  const names = new Set(g.params.map((p) => p.params.name));
  for (const p of ['cls_token', 'pos_embed', 'patch_embed.proj.weight', 'blocks.0.attn.qkv.weight', 'norm.weight', 'mask_token', 'decoder_embed.weight', 'decoder_pred.weight']) assert.ok(names.has(p), p);
  const embedding = parameterGraph(operaGt, model.cfg);
  assert.deepEqual([...names].sort(), embedding.params.map((p) => p.params.name).sort(), 'the MAE graph declares exactly the embedding model\'s parameters (a full OPERA-GT checkpoint)');
  const rng = Rng.seeded(3);
  const m = drawMaeMasks(2, L, 0.7, rng);
  const x = f32([2, 64, 64], Array.from({ length: 2 * 64 * 64 }, () => rng.uniform()));
  const res = evaluate(g, {
    x, ids_keep: tensor('int64', [2, K], m.idsKeep), ids_restore: tensor('int64', [2, L], m.idsRestore), mask: f32([2, L], m.mask),
  }, initWeights(g, Rng.seeded(1)));
  const loss = toFloat64(res['loss'] as HostTensor)[0] as number;
  assert.ok(Number.isFinite(loss) && loss > 0, `loss ${loss}`);
});

test('a HeAR MAE step graph: the visible-token encoder declares HeAR\'s own parameter names (all but the pooler) next to MAE\'s decoder', () => {
  const objective = { kind: 'mae', maskRatio: 0.75, normPixLoss: true, decoder: { dim: 8, depth: 1, numHeads: 2, mlpRatio: 2 } } as const;
  const reference = { hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 16, patch_size: [96, 64], pooler_output_size: 4 };
  const model = resolvePretrainModel({ id: 'hear', reference }, objective);
  const b = new GraphBuilder();
  const out = buildPretrainGraph(b, model, objective, { batch: 3, frames: 192 }, 'eval');
  const g = b.build({ loss: out.loss });
  const names = new Set(g.params.map((p) => p.params.name));
  const hearNames = parameterGraph(model.def, model.cfg).params.map((p) => p.params.name);
  assert.deepEqual(hearNames.filter((n) => !names.has(n)), ['pooler.dense.weight', 'pooler.dense.bias']);
  assert.deepEqual([...names].filter((n) => !hearNames.includes(n)).sort(), [
    'decoder_blocks.0.attn.proj.bias', 'decoder_blocks.0.attn.proj.weight', 'decoder_blocks.0.attn.qkv.bias', 'decoder_blocks.0.attn.qkv.weight',
    'decoder_blocks.0.mlp.fc1.bias', 'decoder_blocks.0.mlp.fc1.weight', 'decoder_blocks.0.mlp.fc2.bias', 'decoder_blocks.0.mlp.fc2.weight',
    'decoder_blocks.0.norm1.bias', 'decoder_blocks.0.norm1.weight', 'decoder_blocks.0.norm2.bias', 'decoder_blocks.0.norm2.weight',
    'decoder_embed.bias', 'decoder_embed.weight', 'decoder_norm.bias', 'decoder_norm.weight', 'decoder_pos_embed', 'decoder_pred.bias', 'decoder_pred.weight', 'mask_token',
  ]);
  const L = 4;
  const rng = Rng.seeded(8);
  const m = drawMaeMasks(3, L, 0.75, rng);
  assert.equal(m.kept, 1);
  const res = evaluate(g, {
    x: f32([3, 192, 128], Array.from({ length: 3 * 192 * 128 }, () => rng.normal())),
    ids_keep: tensor('int64', [3, 1], m.idsKeep), ids_restore: tensor('int64', [3, L], m.idsRestore), mask: f32([3, L], m.mask),
  }, initWeights(g, Rng.seeded(2)));
  const loss = toFloat64(res['loss'] as HostTensor)[0] as number;
  assert.ok(Number.isFinite(loss) && loss > 0.5 && loss < 10, `loss ${loss} (normalised targets: about 1 plus the prediction's spread)`);
});
