/**
 * The package entry points, imported by their package names (`pneuma`, `pneuma/node`) through the
 * package's self-reference, as a user would: every src/ module outside platform/ is one namespace of the
 * barrel, and real behaviour of several modules is reachable through it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as pneuma from 'pneuma';
import { audio, bench, encoders, ir, onnx, runtime, tensor, util } from 'pneuma';

const ROOT = resolve(import.meta.dirname, '../..');

test('the barrel exports the package version and one namespace per src/ module outside platform/', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  assert.equal(pneuma.VERSION, pkg.version);
  const modules = readdirSync(join(ROOT, 'src'))
    .filter((name) => name !== 'platform' && statSync(join(ROOT, 'src', name)).isDirectory())
    .sort();
  const namespaces = Object.keys(pneuma).filter((k) => k !== 'VERSION').sort();
  assert.deepEqual(namespaces, modules);
  for (const name of namespaces) {
    const ns = (pneuma as unknown as Record<string, object>)[name] as object;
    assert.ok(Object.keys(ns).length > 0, `namespace '${name}' is empty`);
  }
});

test('audio: a real FFT of one cosine period and the Slaney and HTK mel scales at 1 kHz', () => {
  const n = 16;
  const fft = new audio.RealFft(n);
  const x = Float64Array.from({ length: n }, (_, i) => Math.cos((2 * Math.PI * 3 * i) / n));
  const re = new Float64Array(fft.nBins);
  const im = new Float64Array(fft.nBins);
  fft.forward(x, re, im);
  assert.equal(fft.nBins, 9);
  for (let k = 0; k < fft.nBins; k++) {
    assert.ok(Math.abs((re[k] as number) - (k === 3 ? n / 2 : 0)) < 1e-12, `re[${k}] = ${re[k]}`);
    assert.ok(Math.abs(im[k] as number) < 1e-12, `im[${k}] = ${im[k]}`);
  }
  // Slaney: linear below 1 kHz at 200/3 Hz per mel; HTK: 2595 log10(1 + f/700).
  assert.ok(Math.abs(audio.hzToMel(1000, 'slaney') - 15) < 1e-12);
  assert.ok(Math.abs(audio.hzToMel(1000, 'htk') - 2595 * Math.log10(1 + 1000 / 700)) < 1e-9);
  assert.ok(Math.abs(audio.melToHz(audio.hzToMel(3000, 'slaney'), 'slaney') - 3000) < 1e-9);
});

test('encoders: the registry lists the five encoders with their published embedding sizes', () => {
  assert.deepEqual(encoders.encoderIds().sort(), ['efficientat-mn04', 'hear', 'opera-ce', 'opera-ct', 'opera-gt']);
  const dims = Object.fromEntries(encoders.encoderIds().map((id) => {
    const def = encoders.encoders[id];
    return [id, def.embeddingDim(def.presets.full, 'default')];
  }));
  assert.deepEqual(dims, { 'opera-ce': 1280, 'opera-ct': 768, 'opera-gt': 384, hear: 512, 'efficientat-mn04': 384 });
  assert.equal(encoders.encoders['efficientat-mn04'].frontEnd, audio.EFFICIENTAT_FRONTEND);
});

test("bench: OPERA's tasks T1…T19 are registered and form the opera suite", () => {
  const opera = Array.from({ length: 19 }, (_, i) => `T${i + 1}`);
  for (const id of opera) assert.ok(bench.TASK_IDS.includes(id as bench.TaskId), `task ${id} missing`);
  assert.deepEqual([...bench.suiteTasks('opera')], opera);
  assert.deepEqual([...bench.OPERA_SEEDS], [0, 1, 2, 3, 4]);
  // AUROC of scores that rank one of the two positives above both negatives: 3 of 4 pairs ordered.
  const auc = bench.auroc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], { task: 'exports' });
  assert.equal(auc, 0.75);
});

test('util and tensor: SHA-256 of "abc" and a .npy round trip', () => {
  assert.equal(util.sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  const t = tensor.f32([2, 3], [1, 2, 3, 4, 5, 6.5]);
  const back = tensor.parseNpy(tensor.serializeNpy(t));
  assert.deepEqual(back.shape, [2, 3]);
  assert.deepEqual(Array.from(back.data as Float32Array), [1, 2, 3, 4, 5, 6.5]);
});

test('pneuma/node registers onnxruntime-node, which runs a graph built and lowered through the barrel', async () => {
  assert.ok(!runtime.defaultRegistry.names().includes('onnxruntime-node'), 'the platform-neutral barrel registered a Node backend');
  await import('pneuma/node');
  assert.ok(runtime.defaultRegistry.names().includes('onnxruntime-node'));
  const backend = await runtime.resolveBackend(['onnxruntime-node']);
  assert.equal(backend.name, 'onnxruntime-node');
  const b = new ir.GraphBuilder();
  const x = b.input('x', [3]);
  const g = b.build({ y: b.add(b.mul(x, x), b.scalar(1)) });
  const feeds = { x: tensor.f32([3], [-2, 0.5, 3]) };
  assert.deepEqual(Array.from(ir.evaluate(g, feeds, new Map()).y?.data as Float64Array), [5, 1.25, 10]);
  const session = await backend.createSession(onnx.toOnnx(g));
  try {
    const out = await session.run(feeds);
    assert.deepEqual(Array.from(out.y?.data as Float32Array), [5, 1.25, 10]);
  } finally {
    await session.release();
  }
});
