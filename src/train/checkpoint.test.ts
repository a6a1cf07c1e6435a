import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeCheckpoint, decodeCheckpoint, parseCheckpointMeta, TrainCheckpointError, type TrainState } from './index.ts';
import { f32, i64, serializeSafetensors, type HostTensor } from '../tensor/index.ts';
import { Rng, sha256Hex } from '../util/index.ts';

const state: TrainState = {
  weights: new Map<string, HostTensor>([
    ['fc.weight', f32([2, 2], [0.1, -0.2, Math.PI, 1e-30])],
    ['bn.num_batches_tracked', i64([], [12])],
  ]),
  optimizer: new Map([['optim/exp_avg/fc.weight', f32([2, 2], [1e-8, 2, -3, 4])]]),
  step: 12,
  epoch: 3,
  batchIndex: 1,
  rng: Rng.seeded(9).state(),
};
const info = { configHash: 'abc123', optimizer: 'adamw' } as const;

test('a checkpoint round-trips every tensor bit for bit, with the position, the Rng state and the config hash', () => {
  const enc = encodeCheckpoint(state, info);
  const { state: back, meta } = decodeCheckpoint(enc.tensors, enc.meta, { configHash: 'abc123' });
  assert.deepEqual([back.step, back.epoch, back.batchIndex], [12, 3, 1]);
  assert.deepEqual(back.rng, state.rng);
  assert.equal(meta.optimizer, 'adamw');
  for (const [k, v] of [...state.weights, ...state.optimizer]) {
    const w = back.weights.get(k) ?? back.optimizer.get(k);
    assert.ok(w, k);
    assert.equal(w.dtype, v.dtype);
    assert.deepEqual([...w.shape], [...v.shape]);
    assert.deepEqual([...(w.data as Float32Array)], [...(v.data as Float32Array)], k);
  }
  assert.deepEqual([...back.optimizer.keys()], ['optim/exp_avg/fc.weight']);
});

test('a checkpoint of another run, a tensor file that is not the one the meta names, or a malformed meta is refused', () => {
  const enc = encodeCheckpoint(state, info);
  assert.throws(() => decodeCheckpoint(enc.tensors, enc.meta, { configHash: 'other' }), /belongs to config abc123, this run's config is other/);
  const other = encodeCheckpoint({ ...state, optimizer: new Map([['optim/exp_avg/fc.weight', f32([2, 2], [0, 2, -3, 4])]]) }, info);
  const tampered = Uint8Array.from(enc.tensors);
  tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1;
  assert.throws(() => decodeCheckpoint(tampered, enc.meta, { tensorsFile: 'x.safetensors', metaFile: 'x.json' }), /x\.safetensors: does not match x\.json/);
  assert.throws(() => decodeCheckpoint(other.tensors, enc.meta), TrainCheckpointError);
  const meta = JSON.parse(enc.meta) as Record<string, unknown>;
  assert.throws(() => parseCheckpointMeta(JSON.stringify({ ...meta, version: 2 })), /version 2 is not supported/);
  assert.throws(() => parseCheckpointMeta(JSON.stringify({ ...meta, lr: 0.1 })), /unknown field\(s\) lr/);
  assert.throws(() => parseCheckpointMeta(JSON.stringify({ ...meta, step: -1 })), /'step'/);
  assert.throws(() => parseCheckpointMeta(JSON.stringify({ ...meta, rng: [1, 2, 3] })), /'rng'/);
  assert.throws(() => parseCheckpointMeta('{'), /not JSON/);
  // a tensor the meta does not list
  const extra = serializeSafetensors(new Map([...state.weights, ...state.optimizer, ['stray', f32([1])]]));
  const withExtra = encodeCheckpoint(state, info);
  const m = JSON.parse(withExtra.meta) as { tensors: { sha256: string; bytes: number } };
  m.tensors = { sha256: sha256Hex(extra), bytes: extra.length };
  assert.throws(() => decodeCheckpoint(extra, JSON.stringify(m)), /not listed.*stray/);
});
