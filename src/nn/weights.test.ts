import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { GraphBuilder } from '../ir/index.ts';
import { evaluate } from '../ir/interp.ts';
import { type HostTensor, f32, i64, tensor, loadStateDict, serializeSafetensors, parseSafetensors, toFloat64 } from '../tensor/index.ts';
import { Rng } from '../util/index.ts';
import { bindStateDict, exportStateDict, StateDictError } from './weights.ts';
import { initWeights } from './init.ts';
import { conv2d } from './conv.ts';
import { batchNorm } from './batch-norm.ts';
import { linear } from './linear.ts';

function model() {
  const b = new GraphBuilder();
  const y = b.scope('encoder', () => {
    const c = conv2d(b, 'cnn1', b.input('x', [1, 1, 4, 4]), { inChannels: 1, outChannels: 3, kernel: 3, padding: 0, bias: true });
    return batchNorm(b, 'bn', c, { numFeatures: 3, eps: 1e-3, momentum: 0.01, affine: true, mode: 'eval' });
  });
  return b.build({ y });
}

function checkpoint(): Map<string, HostTensor> {
  return new Map<string, HostTensor>([
    ['encoder.cnn1.weight', f32([3, 1, 3, 3], new Array(27).fill(0.5))],
    ['encoder.cnn1.bias', f32([3], [1, 2, 3])],
    ['encoder.bn.weight', f32([3], [1, 1, 1])],
    ['encoder.bn.bias', f32([3], [0, 0, 0])],
    ['encoder.bn.running_mean', f32([3], [0, 0, 0])],
    ['encoder.bn.running_var', f32([3], [1, 1, 1])],
    ['encoder.bn.num_batches_tracked', i64([], [7])],
    ['g.weight', f32([2, 3], [1, 2, 3, 4, 5, 6])],
    ['layer_norm.weight', f32([2], [1, 1])],
  ]);
}

const IGNORE = [{ pattern: 'g', reason: 'projection head, unused by the embedding' }, { pattern: /^layer_norm\./, reason: 'projection head' }];

test('binds a state dict strictly; int64 buffers stay int64', () => {
  const g = model();
  const w = bindStateDict(g, checkpoint(), { ignore: IGNORE });
  assert.deepEqual([...w.keys()], g.params.map((p) => p.params.name));
  assert.equal(w.get('encoder.bn.num_batches_tracked')?.dtype, 'int64');
  const y = evaluate(g, { x: f32([1, 1, 4, 4], new Array(16).fill(1)) }, w).y!;
  assert.ok(Math.abs((toFloat64(y)[0] as number) - (4.5 + 1) / Math.sqrt(1 + 1e-3)) < 1e-6);
});

test('missing, unexpected, mismatched keys and stale ignore rules are one error listing all', () => {
  const sd = checkpoint();
  sd.delete('encoder.cnn1.bias');
  sd.set('encoder.extra', f32([1], [0]));
  sd.set('encoder.bn.running_var', f32([4], [1, 1, 1, 1]));
  sd.set('encoder.bn.num_batches_tracked', f32([], [7]));
  assert.throws(() => bindStateDict(model(), sd, { ignore: [...IGNORE, { pattern: 'head', reason: 'no such key' }] }), (e: unknown) => {
    assert.ok(e instanceof StateDictError);
    assert.deepEqual(e.missing, ['encoder.cnn1.bias']);
    assert.deepEqual(e.unexpected, ['encoder.extra']);
    assert.deepEqual(e.mismatched, ["'encoder.bn.running_var' shape [4], graph [3]", "'encoder.bn.num_batches_tracked' dtype float32, graph int64"]);
    assert.deepEqual(e.unusedIgnores, ['head']);
    assert.match(e.message, /1 missing: encoder\.cnn1\.bias; 1 unexpected: encoder\.extra; 2 mismatched/);
    return true;
  });
  assert.throws(() => bindStateDict(model(), checkpoint()), /2 unexpected: g\.weight, layer_norm\.weight/);
  assert.throws(() => bindStateDict(model(), checkpoint(), { ignore: [{ pattern: 'g', reason: ' ' }] }), /needs a reason/);
});

test('prefix mapping: strip a Lightning submodule prefix, add a graph prefix; float16 upcasts', () => {
  const b = new GraphBuilder();
  const y = b.scope('model', () => linear(b, 'fc', b.input('x', [1, 2]), { inFeatures: 2, outFeatures: 1, bias: false }));
  const g = b.build({ y });
  const sd = new Map<string, HostTensor>([['net.fc.weight', tensor('float16', [1, 2], Uint16Array.of(0x3c00, 0xc000))], ['other', f32([1], [0])]]);
  const w = bindStateDict(g, sd, { stripPrefix: 'net.', prefix: 'model.', ignore: [{ pattern: 'other', reason: 'test' }] });
  assert.deepEqual([...w.keys()], ['model.fc.weight']);
  assert.equal(w.get('model.fc.weight')?.dtype, 'float32');
  assert.deepEqual([...toFloat64(w.get('model.fc.weight') as HostTensor)], [1, -2]);
  assert.throws(() => bindStateDict(g, new Map([['fc.weight', f32([1, 2], [1, 2])]]), { stripPrefix: 'net.', prefix: 'model.' }), /1 missing: model\.fc\.weight; 1 unexpected: fc\.weight/);
});

test('export → safetensors → load → bind round trip', () => {
  const g = model();
  const w = initWeights(g, Rng.seeded(9));
  const sd = exportStateDict(g, w, { prefix: 'm.' });
  assert.deepEqual([...sd.keys()], g.params.map((p) => `m.${p.params.name}`));
  const back = bindStateDict(g, parseSafetensors(serializeSafetensors(sd)).tensors, { stripPrefix: 'm.' });
  for (const [k, t] of w) assert.deepEqual(back.get(k), t, k);
  w.delete('encoder.bn.bias');
  assert.throws(() => exportStateDict(g, w), /1 missing: encoder\.bn\.bias/);
});

test('the EfficientAT checkpoint binds to a graph declaring its first layers, the rest ignored with a reason', () => {
  const f = '../shared/fixtures/models/efficientat_mn04/mn04_as_mAP_432.pt';
  const sd = loadStateDict(new Uint8Array(readFileSync(f)), f);
  const b = new GraphBuilder();
  const y = b.scope('features.0', () => {
    const c = conv2d(b, 0, b.input('x', [1, 1, 128, 100]), { inChannels: 1, outChannels: 8, kernel: 3, stride: 2, padding: 1, bias: false });
    return batchNorm(b, 1, c, { numFeatures: 8, eps: 1e-3, momentum: 0.01, affine: true, mode: 'eval' });
  });
  const g = b.build({ y });
  const w = bindStateDict(g, sd, { ignore: [{ pattern: /^(features\.[1-9]\d*\.|classifier\.)/, reason: 'later layers, not declared in this test' }] });
  assert.deepEqual([...w.keys()], ['features.0.0.weight', 'features.0.1.weight', 'features.0.1.bias', 'features.0.1.running_mean', 'features.0.1.running_var', 'features.0.1.num_batches_tracked']);
});
