import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { detectCheckpointFormat, loadStateDict } from './state-dict.ts';
import { serializeSafetensors } from './safetensors.ts';
import { serializeNpz } from './npz.ts';
import { CheckpointError } from './checkpoint-error.ts';
import { type HostTensor, tensor } from './host.ts';

const MODELS = '../shared/fixtures/models/';
const read = (f: string) => new Uint8Array(readFileSync(f));

interface ParamsJson {
  num_keys: number;
  keys: { key: string; shape: number[]; dtype: string; numel: number }[];
}

const CHECKPOINTS: [string, string][] = [
  ['opera_ce', 'opera_ce_random.ckpt'],
  ['opera_ct', 'opera_ct_reduced_random.ckpt'],
  ['opera_gt', 'opera_gt_reduced_random.ckpt'],
  ['hear_vit', 'pytorch_model.bin'],
  ['hear_vit', 'model.safetensors'],
  ['efficientat_mn04', 'mn04_as_mAP_432.pt'],
];

function bytesOf(t: HostTensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

for (const [dir, file] of CHECKPOINTS) {
  test(`${dir}/${file}: keys, shapes and dtypes equal params.json`, () => {
    const params = JSON.parse(readFileSync(`${MODELS}${dir}/params.json`, 'utf8')) as ParamsJson;
    const sd = loadStateDict(read(`${MODELS}${dir}/${file}`), file);
    assert.equal(sd.size, params.num_keys);
    const keys = params.keys.map((k) => k.key);
    // torch checkpoints keep state_dict order; safetensors stores keys sorted
    assert.deepEqual([...sd.keys()], file.endsWith('.safetensors') ? [...keys].sort() : keys);
    for (const k of params.keys) {
      const t = sd.get(k.key) as HostTensor;
      assert.equal(t.dtype, k.dtype, k.key);
      assert.deepEqual(t.shape, k.shape, k.key);
      assert.equal(t.data.length, k.numel, k.key);
    }
  });
}

test('HeAR fixture: pytorch_model.bin and model.safetensors hold bit-identical tensors', () => {
  const bin = loadStateDict(read(`${MODELS}hear_vit/pytorch_model.bin`), 'bin');
  const st = loadStateDict(read(`${MODELS}hear_vit/model.safetensors`), 'st');
  assert.equal(bin.size, 40);
  for (const [k, t] of bin) assert.deepEqual(bytesOf(st.get(k) as HostTensor), bytesOf(t), k);
});

test('the released EfficientAT mn04 weights load: 312 tensors, 993,485 numbers', () => {
  const f = '../shared/data/weights/efficientat/mn04_as_mAP_432.pt';
  const sd = loadStateDict(read(f), f);
  assert.equal(sd.size, 312);
  assert.equal([...sd.values()].reduce((n, t) => n + t.data.length, 0), 993_485);
  assert.deepEqual((sd.get('classifier.5.weight') as HostTensor).shape, [527, 512]);
});

test('OPERA-CE BatchNorm counters stay int64 and the tensors carry real values', () => {
  const sd = loadStateDict(read(`${MODELS}opera_ce/opera_ce_random.ckpt`), 'ce');
  const nbt = sd.get('encoder.efficientnet._bn0.num_batches_tracked') as HostTensor<'int64'>;
  assert.equal(nbt.dtype, 'int64');
  assert.deepEqual([...nbt.data], [4n], 'PROVENANCE: num_batches_tracked = 4 after calibration');
  const rv = sd.get('encoder.efficientnet._bn0.running_var') as HostTensor<'float32'>;
  assert.ok(rv.data.every((v) => v > 0 && Number.isFinite(v)));
});

test('format detection by magic bytes', () => {
  const t = new Map([['a', tensor('float32', [1], Float32Array.of(1))]]);
  assert.equal(detectCheckpointFormat(read(`${MODELS}opera_gt/opera_gt_reduced_random.ckpt`)), 'torch-zip');
  assert.equal(detectCheckpointFormat(read(`${MODELS}hear_vit/model.safetensors`)), 'safetensors');
  assert.equal(detectCheckpointFormat(serializeSafetensors(t)), 'safetensors');
  assert.equal(detectCheckpointFormat(serializeNpz(t)), 'npz');
  assert.equal(detectCheckpointFormat(read('test/fixtures/golden/torch-formats/legacy.pt')), 'torch-legacy');
  assert.equal(detectCheckpointFormat(read(`${MODELS}opera_ce/input_T63.npy`)), 'npy');
  assert.equal(detectCheckpointFormat(Uint8Array.of(0x80, 2, 0x4e, 0x2e)), 'pickle');
  assert.equal(detectCheckpointFormat(new TextEncoder().encode('hello world')), 'unknown');
  assert.deepEqual([...loadStateDict(serializeNpz(t), 'a.npz').keys()], ['a']);
  assert.throws(() => loadStateDict(serializeNpz(t), 'a.npz', { key: 'x' }), /a\.npz: option key="x" applies to pickled checkpoints/);
  assert.throws(() => loadStateDict(new TextEncoder().encode('hello world'), 'h.txt'), (e: unknown) => e instanceof CheckpointError && /h\.txt: unrecognised file/.test(e.message));
  assert.throws(() => loadStateDict(Uint8Array.of(0x80, 2, 0x4e, 0x2e), 'p.pkl'), /bare pickle/);
});
