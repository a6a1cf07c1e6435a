/**
 * Pneuma's own model as shipped: `--model default` is the bundled pneuma-resp checkpoint (sha256 checked), its
 * embeddings are not mn04's (the weights were trained), and the corpus it was pretrained on (corpus.json beside
 * the checkpoint) holds no subject of the bundled examples, which the README's main job benchmarks it on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { presentDatasets, scanDataset } from '../../src/data/data-root.ts';
import { BUNDLED_MODELS, DEFAULT_MODEL, bundledModel } from '../../src/embed/index.ts';
import { NodeDirReader } from '../../src/platform/node/dir-reader.ts';
import { parseNpy } from '../../src/tensor/index.ts';
import { SHARED_DIR, makeTempDir } from '../helpers/audio-tools.ts';
import { runCli } from '../helpers/cli.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MN04 = `${SHARED_DIR}fixtures/models/efficientat_mn04/`;

test('the default model is the bundled pneuma-resp checkpoint, an mn04 architecture with its own weights', async () => {
  assert.equal(DEFAULT_MODEL, 'pneuma-resp');
  const own = bundledModel('default');
  assert.ok(own && own.name === 'pneuma-resp' && own.encoder === 'efficientat-mn04');
  assert.equal(BUNDLED_MODELS.filter((b) => b.name === 'pneuma-resp').length, 1);
  const { dir, cleanup } = makeTempDir('pneuma-resp');
  try {
    const out = join(dir, 'e.npy');
    const r = await runCli(['embed', `${MN04}clip_cough_32k.wav`, '--out', out, '--quiet', '--threads', '1']);
    assert.equal(r.code, 0, r.stderr);
    const ix = JSON.parse(readFileSync(join(dir, 'e.index.json'), 'utf8'));
    assert.equal(ix.weights.sha256, own.sha256);
    assert.ok(ix.weights.file.endsWith(`assets/models/pneuma-resp/${own.file}`), ix.weights.file);
    const got = parseNpy(readFileSync(out), out);
    assert.deepEqual(got.shape, [1, 384]);
    const mn04 = parseNpy(readFileSync(`${MN04}embedding_cough.npy`), 'mn04').data as Float32Array;
    let diff = 0;
    (got.data as Float32Array).forEach((v, i) => {
      assert.ok(Number.isFinite(v));
      diff = Math.max(diff, Math.abs(v - (mn04[i] as number)));
    });
    assert.ok(diff > 1e-2, `the trained weights give other embeddings than mn04's (max abs difference ${diff})`);
  } finally {
    cleanup();
  }
});

test("pneuma-resp's pretraining corpus holds no subject of the bundled examples", async () => {
  const corpus = JSON.parse(readFileSync(join(ROOT, 'assets/models/pneuma-resp/corpus.json'), 'utf8')) as { subjects: string[] };
  assert.ok(corpus.subjects.length > 100, `${corpus.subjects.length} subjects`);
  const trained = new Set(corpus.subjects);
  const reader = new NodeDirReader(join(ROOT, 'assets/examples'));
  const datasets = await presentDatasets(reader);
  assert.deepEqual(datasets.sort(), ['covid19-cough', 'kauh']);
  let checked = 0;
  for (const d of datasets) {
    for (const r of (await scanDataset(reader, d)).records) {
      assert.ok(!trained.has(`${r.dataset}:${r.subject}`), `${r.dataset}:${r.subject} is in the pretraining corpus`);
      checked++;
    }
  }
  assert.equal(checked, 76);
  assert.ok(corpus.subjects.some((s) => s.startsWith('kauh:')) && corpus.subjects.some((s) => s.startsWith('covid19-cough:')), 'the check compares keys of the same form');
});
