import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readTorchCheckpoint, TorchTensorRef } from './torch.ts';
import { loadStateDict, torchStateDict } from './state-dict.ts';
import { PyObject } from './pickle.ts';
import { CheckpointError } from './checkpoint-error.ts';
import { type HostTensor, BYTES_PER_ELEMENT, toFloat64 } from './host.ts';
import { listZip, readZipEntries, writeZip } from './zip.ts';

const DIR = 'test/fixtures/golden/torch-formats/';
const read = (f: string) => new Uint8Array(readFileSync(DIR + f));
const expected = JSON.parse(readFileSync(DIR + 'views_expected.json', 'utf8')) as Record<string, { dtype: string; shape: number[]; values: number[] }>;

function checkViews(sd: Map<string, HostTensor>, what: string): void {
  assert.deepEqual([...sd.keys()], Object.keys(expected), what);
  for (const [k, e] of Object.entries(expected)) {
    const t = sd.get(k) as HostTensor;
    assert.equal(t.dtype, e.dtype, `${what} ${k}`);
    assert.deepEqual(t.shape, e.shape, `${what} ${k}`);
    assert.deepEqual([...toFloat64(t)], e.values, `${what} ${k}`);
  }
}

test('views sharing storages (transpose, offset slice, strided slice, expand, permuted f16) and every dtype', () => {
  checkViews(loadStateDict(read('views.pt'), 'views.pt'), 'protocol 2');
  checkViews(loadStateDict(read('views_p5.pt'), 'views_p5.pt'), 'protocol 5');
  const ck = readTorchCheckpoint(read('views.pt'), 'views.pt');
  const obj = ck.object as Map<string, TorchTensorRef>;
  const base = obj.get('base') as TorchTensorRef;
  const t = obj.get('base_t') as TorchTensorRef;
  const col = obj.get('col_slice') as TorchTensorRef;
  assert.equal(t.storage.key, base.storage.key);
  assert.deepEqual(t.stride, [1, 4]);
  assert.deepEqual([col.offset, ...col.stride], [1, 4, 2]);
  assert.deepEqual((obj.get('expanded') as TorchTensorRef).stride, [1, 0]);
  assert.equal(ck.root, 'views');
  assert.equal(ck.byteOrder, 'little');
  const i64 = loadStateDict(read('views.pt'), 'views.pt').get('i64') as HostTensor<'int64'>;
  assert.deepEqual([...i64.data], [-(2n ** 40n), -1n, 0n, 2n ** 53n - 1n], 'int64 stays exact');
});

test('big-endian archives (byteorder record) are byte-swapped', () => {
  const bytes = read('views.pt');
  const ck = readTorchCheckpoint(bytes, 'views.pt');
  const sizes = new Map([...(ck.object as Map<string, TorchTensorRef>).values()].map((r) => [r.storage.key, BYTES_PER_ELEMENT[r.storage.dtype]]));
  const names = listZip(bytes, 'views.pt').map((e) => e.name);
  const entries = readZipEntries(bytes, 'views.pt', names);
  const swapped = new Map<string, Uint8Array>();
  for (const [name, data] of entries) {
    const key = /^views\/data\/(\d+)$/.exec(name)?.[1];
    const es = key === undefined ? 1 : (sizes.get(key) as number);
    const out = data.slice();
    for (let i = 0; i < out.length; i += es) out.set(data.subarray(i, i + es).reverse(), i);
    swapped.set(name, out);
  }
  swapped.set('views/byteorder', new TextEncoder().encode('big'));
  const big = writeZip(swapped, false);
  assert.equal(readTorchCheckpoint(big, 'big.pt').byteOrder, 'big');
  checkViews(loadStateDict(big, 'big.pt'), 'big-endian');
});

test('Lightning-style checkpoint: state_dict unwrapped, other entries inert', () => {
  for (const f of ['lightning_like.ckpt', 'lightning_like_p4.ckpt']) {
    const sd = loadStateDict(read(f), f);
    assert.deepEqual([...sd.keys()], ['encoder.w', 'encoder.b', 'encoder.bn.num_batches_tracked']);
    assert.deepEqual([...toFloat64(sd.get('encoder.w') as HostTensor)], [0, 1, 2, 3, 4, 5]);
    assert.equal((sd.get('encoder.bn.num_batches_tracked') as HostTensor).dtype, 'int64');
    const obj = readTorchCheckpoint(read(f), f).object as Map<string, unknown>;
    const hp = obj.get('hyper_parameters') as Map<string, unknown>;
    const args = hp.get('args') as PyObject;
    assert.equal(args.cls.qualname, 'argparse.Namespace');
    assert.deepEqual(args.state, new Map<string, unknown>([['lr', 0.1], ['name', 'x']]));
    assert.equal(hp.get('big'), 2n ** 70n);
    assert.equal(hp.get('neg'), -5);
    assert.deepEqual(hp.get('a_set'), new Set([1, 2]));
    assert.deepEqual(hp.get('a_frozenset'), new Set(['a']));
    assert.deepEqual(hp.get('a_tuple'), [1, 'x', null, true, 1.5]);
    assert.deepEqual(hp.get('bytes'), Uint8Array.of(0, 255));
    assert.deepEqual(hp.get('size'), [2, 3]);
    assert.equal(hp.get('device'), 'cpu');
    assert.equal((hp.get('np_scalar') as PyObject).cls.qualname, 'numpy.core.multiarray.scalar');
    const cb = (obj.get('callbacks') as Map<string, unknown>).get('Callback') as PyObject;
    assert.equal(cb.cls.qualname, '__main__.Callback');
  }
});

test('the key option selects a nested dict; non-tensor entries are reported', () => {
  const opt = loadStateDict(read('lightning_like.ckpt'), 'l.ckpt', { key: ['state_dict'] });
  assert.equal(opt.size, 3);
  assert.throws(() => loadStateDict(read('lightning_like.ckpt'), 'l.ckpt', { key: 'model' }), /l\.ckpt: no entry 'model' at the top level; it holds epoch \(number 3\), global_step/);
  assert.throws(() => loadStateDict(read('lightning_like.ckpt'), 'l.ckpt', { key: 'hyper_parameters' }), /13 non-tensor entries: 'args' holds object of class argparse\.Namespace/);
  assert.throws(() => loadStateDict(read('nontensor_state.pt'), 'n.pt'), /n\.pt: the state dict has 1 non-tensor entry: 'meta' holds object of class argparse\.Namespace/);
});

test('whole modules, legacy files and TorchScript archives are refused with a conversion hint', () => {
  const cases: [string, RegExp][] = [
    ['whole_module.pt', /pickles an object of class torch\.nn\.modules\.linear\.Linear, not a state dict; .*model\.state_dict\(\)/],
    ['legacy.pt', /legacy \(PyTorch < 1\.6, non-zip\) checkpoint.*torch\.save\(torch\.load\(path, map_location="cpu"\)/],
    ['scripted.pt', /TorchScript archive \(torch\.jit\.save\).*torch\.jit\.load\(path\)\.state_dict\(\)/],
  ];
  for (const [f, re] of cases) {
    assert.throws(() => loadStateDict(read(f), f), (e: unknown) => e instanceof CheckpointError && re.test(e.message) && e.message.startsWith(`${f}: `), f);
  }
});

test('truncated and inconsistent archives give typed errors', () => {
  const bytes = read('views.pt');
  for (const cut of [10, 1000, bytes.length - 30, bytes.length - 1]) {
    assert.throws(() => loadStateDict(bytes.subarray(0, cut), 'cut.pt'), CheckpointError, `cut at ${cut}`);
  }
  const entries = readZipEntries(bytes, 'v', listZip(bytes, 'v').map((e) => e.name));
  const short = new Map(entries);
  short.set('views/data/0', (entries.get('views/data/0') as Uint8Array).subarray(4));
  assert.throws(() => loadStateDict(writeZip(short, false), 's.pt'), /s\.pt: storage '0' holds 44 bytes, its persistent id declares 12 × 4-byte float32/);
  const missing = new Map(entries);
  missing.delete('views/data/1');
  assert.throws(() => loadStateDict(writeZip(missing, true), 'm.pt'), /storage '1' is referenced but 'views\/data\/1' is not in the archive/);
  const bo = new Map(entries);
  bo.set('views/byteorder', new TextEncoder().encode('middle'));
  assert.throws(() => loadStateDict(writeZip(bo, false), 'b.pt'), /unknown byteorder record 'middle'/);
});

test('torchStateDict materialises only the state dict storages', () => {
  const ck = readTorchCheckpoint(read('lightning_like.ckpt'), 'l.ckpt');
  const sd = torchStateDict(ck);
  assert.equal(sd.size, 3);
  const opt = ((ck.object as Map<string, unknown>).get('optimizer_states') as Map<string, unknown>[])[0] as Map<string, unknown>;
  const avg = ((opt.get('state') as Map<number, Map<string, TorchTensorRef>>).get(0) as Map<string, TorchTensorRef>).get('exp_avg') as TorchTensorRef;
  const t = ck.tensors([avg]).get(avg) as HostTensor;
  assert.deepEqual([...toFloat64(t)], [1, 1, 1, 1, 1, 1]);
});
