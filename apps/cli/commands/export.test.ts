import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { readOnnx } from '../../../src/onnx/index.ts';
import { parseNpy, type HostTensor } from '../../../src/tensor/index.ts';
import { SHARED_DIR, makeTempDir } from '../../../test/helpers/audio-tools.ts';
import { runCli } from '../../../test/helpers/cli.ts';
import { modelRows } from './models.ts';

const MN04 = `${SHARED_DIR}fixtures/models/efficientat_mn04/`;
const npy = (path: string): HostTensor => parseNpy(readFileSync(path), path);

/** Run an ONNX file with onnxruntime-node itself on x, returning the named output. */
async function runOnnx(model: string, x: HostTensor<'float32'>, output: string, threads: number): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const s = await ort.InferenceSession.create(model, { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
  try {
    const res = await s.run({ x: new ort.Tensor('float32', x.data as Float32Array, x.shape) }, [output]);
    const t = res[output] as ort.Tensor;
    return { data: t.data as Float32Array, dims: t.dims };
  } finally {
    await s.release();
  }
}

test('pneuma export: the ONNX file run by onnxruntime-node gives exactly the row of embed --from-spectrogram', async () => {
  const { dir, cleanup } = makeTempDir('export');
  try {
    const model = join(dir, 'mn04.onnx');
    const r = await runCli(['export', '--model', 'efficientat-mn04', '--out', model]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /efficientat-mn04 -> .*input x: float32 \[batch, 1, 128, time\]; outputs embedding \[1,384\], logits \[1,527\], hidden512 \[1,512\]/);

    const spec = `${MN04}mel_cough.npy`;
    const mel = npy(spec);
    assert.deepEqual(mel.shape, [1, 128, 260]);
    const out = join(dir, 'e.npy');
    const e = await runCli(['embed', '--model', 'efficientat-mn04', '--from-spectrogram', spec, '--out', out, '--quiet', '--threads', '1']);
    assert.equal(e.code, 0, e.stderr);
    const row = npy(out).data as Float32Array;

    const x = { dtype: 'float32' as const, shape: [1, 1, 128, 260], data: mel.data as Float32Array };
    const got = await runOnnx(model, x, 'embedding', 1);
    assert.deepEqual(got.dims, [1, 384]);
    assert.deepEqual(got.data, row, 'bit-identical to pneuma embed');
    let err = 0;
    const want = npy(`${MN04}embedding_cough.npy`).data as Float32Array;
    for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs((got.data[i] as number) - (want[i] as number)));
    assert.ok(err <= 1e-4, `vs the reference embedding: ${err}`);

    const logits = await runOnnx(model, x, 'logits', 1);
    assert.deepEqual(logits.dims, [1, 527]);

    const ext = join(dir, 'ext.onnx');
    assert.equal((await runCli(['export', '--model', 'efficientat-mn04', '--out', ext, '--external-data'])).code, 0);
    assert.ok(existsSync(`${ext}.data`));
    assert.ok(readFileSync(ext).length < 0.05 * readFileSync(`${ext}.data`).length, 'the weights live in the .data file');
    assert.deepEqual((await runOnnx(ext, x, 'embedding', 1)).data, row);
  } finally {
    cleanup();
  }
});

test('the exported model documents its signature and carries the config hash of the matching embed run', async () => {
  const { dir, cleanup } = makeTempDir('export');
  try {
    const model = join(dir, 'm.onnx');
    assert.equal((await runCli(['export', '--out', model])).code, 0);
    const info = readOnnx(readFileSync(model));
    assert.equal(info.metadata['pneuma.encoder'], 'efficientat-mn04');
    assert.equal(info.metadata['pneuma.input'], 'x: float32 [batch, 1, 128, time]');
    assert.equal(info.metadata['pneuma.outputs'], 'embedding: float32 [batch, 384]; logits: float32 [batch, 527]; hidden512: float32 [batch, 512]');
    assert.deepEqual(JSON.parse(info.metadata['pneuma.input_policy'] as string), { kind: 'whole-or-windows', maxSeconds: 10, hopSeconds: 10, tail: 'snap-to-end' });
    assert.match(info.metadata['pneuma.doc'] as string, /mean over the model inputs of each segment, then mean over segments/);
    assert.deepEqual(info.inputs.map((i) => [i.name, i.shape]), [['x', ['batch', 1, 128, 'time']]]);

    const out = join(dir, 'e.npy');
    assert.equal((await runCli(['embed', `${MN04}clip_cough_32k.wav`, '--out', out, '--quiet'])).code, 0);
    const ix = JSON.parse(readFileSync(join(dir, 'e.index.json'), 'utf8'));
    assert.equal(info.metadata['pneuma.config_hash'], ix.configHash);
  } finally {
    cleanup();
  }
});

test('pneuma models lists every registered encoder and bundled model with its dim, policy and bundled weights', async () => {
  const rows = modelRows();
  const mn04 = rows.find((r) => r.id === 'efficientat-mn04');
  assert.ok(mn04 && !mn04.isDefault && mn04.dim === 384 && mn04.bundledWeights?.endsWith('assets/models/efficientat-mn04/mn04_as_mAP_432.pt'));
  const own = rows.find((r) => r.id === 'pneuma-resp');
  assert.ok(own && own.isDefault && own.dim === 384 && own.bundledWeights?.endsWith('assets/models/pneuma-resp/pneuma-resp.safetensors'));
  assert.equal(rows.filter((r) => r.isDefault).length, 1);
  const ce = rows.find((r) => r.id === 'opera-ce');
  assert.ok(ce && ce.dim === 1280 && ce.bundledWeights === null && /evelyn0414\/OPERA/.test(ce.weightsSource));
  const r = await runCli(['models', '--json']);
  assert.equal(r.code, 0);
  assert.deepEqual(JSON.parse(r.stdout), JSON.parse(JSON.stringify(rows)));
});
