/**
 * The demo's pipeline without a browser: the model exported by the build, opened on the onnxruntime-web backend
 * (its Node build, the same WebAssembly runtime), gives the EfficientAT fixture's embedding and logits for the
 * cough clip; a manifest that disagrees with the page's code or with its ONNX file is refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OrtWebBackend } from '../../src/platform/web/ort-web-backend.ts';
import { loadMono } from '../../src/platform/node/audio-file.ts';
import { parseNpy } from '../../src/tensor/index.ts';
import { SHARED_DIR } from '../../test/helpers/audio-tools.ts';
import { exportDemoModel } from './build.ts';
import { DemoManifestError, parseDemoManifest, type DemoModelManifest } from './manifest.ts';
import { DemoPipeline, parseClassLabels, topClasses } from './pipeline.ts';

const MN04 = `${SHARED_DIR}fixtures/models/efficientat_mn04/`;
const npy = (f: string): Float32Array => parseNpy(readFileSync(`${MN04}${f}`), f).data as Float32Array;

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

test('topClasses ranks by sigmoid probability; parseClassLabels needs every index', () => {
  const top = topClasses(Float32Array.of(0, 2, -1, 2), ['a', 'b', 'c', 'd'], 3);
  assert.deepEqual(top.map((c) => [c.index, c.label]), [[1, 'b'], [3, 'd'], [0, 'a']]);
  assert.equal(top[0]?.probability, 1 / (1 + Math.exp(-2)));
  assert.equal(top[2]?.probability, 0.5);
  assert.deepEqual(parseClassLabels('index,mid,display_name\n1,/m/b,"B, b"\n0,/m/a,A\n', 'l.csv', 2), ['A', 'B, b']);
  assert.throws(() => parseClassLabels('index,mid,display_name\n0,/m/a,A\n', 'l.csv', 2), /l\.csv: no label for class 1/);
  assert.throws(() => parseClassLabels('index,mid,display_name\n2,/m/a,A\n', 'l.csv', 2), /index 2 is outside 0\.\.1/);
  assert.throws(() => parseDemoManifest('{"format":"other"}'), DemoManifestError);
});

test('the exported model gives the fixture embedding and top class on onnxruntime-web; mismatches are refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pneuma-demo-model-'));
  try {
    const manifest = exportDemoModel(dir);
    assert.deepEqual(parseDemoManifest(readFileSync(join(dir, 'model', 'model.json'), 'utf8')), manifest);
    const onnx = new Uint8Array(readFileSync(join(dir, 'model', manifest.onnx)));
    const labels = readFileSync(join(dir, 'model', 'class_labels_indices.csv'), 'utf8');
    const backend = new OrtWebBackend({ threads: 1 });
    const p = await DemoPipeline.load(manifest, onnx, labels, { backend, providers: ['wasm'] });
    assert.equal(p.provider, 'wasm');
    assert.equal(p.sampleRate, 32000);
    const samples = await loadMono(`${MN04}clip_cough_32k.wav`, 32000);
    const r = await p.analyse(samples, 32000, 5);
    assert.ok(maxAbs(r.embedding, npy('embedding_cough.npy')) <= 1e-4);
    assert.ok(r.logits && maxAbs(r.logits, npy('logits_cough.npy')) <= 1e-4);
    assert.deepEqual(r.top.slice(0, 2).map((c) => c.label), ['Cough', 'Throat clearing']);
    assert.deepEqual(r.spectrogram.shape, [128, 260]);
    assert.deepEqual(Object.keys(r.timings), ['front end', 'embedding', 'classes']);
    await p.release();

    const refused = async (m: DemoModelManifest, bytes: Uint8Array, why: RegExp) =>
      assert.rejects(DemoPipeline.load(m, bytes, labels, { backend, providers: ['wasm'] }), (e: unknown) => e instanceof DemoManifestError && why.test(e.message));
    await refused({ ...manifest, configHash: '0123456789abcdef' }, onnx, /config hash 0123456789abcdef of the build differs/);
    await refused(manifest, onnx.slice(0, onnx.length - 1), /has sha256 [0-9a-f]{64}, the manifest says/);
    await refused({ ...manifest, modelConfig: { ...(manifest.modelConfig as object), numClasses: 10 } }, onnx, /modelConfig differs/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
