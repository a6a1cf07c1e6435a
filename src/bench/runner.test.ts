import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTree, type DatasetTree } from '../../test/helpers/dataset-tree.ts';
import { encodeWav } from '../audio/wav.ts';
import { parseCsv } from '../data/csv.ts';
import { scanDataset } from '../data/data-root.ts';
import { committedSplitsReader } from '../platform/node/dir-reader.ts';
import { FileEmbeddingCache } from '../platform/node/embed-cache.ts';
import { NodeRecordingStore } from '../platform/node/bench-store.ts';
import { ProbeWorkerPool } from '../platform/node/probe-pool.ts';
import { configHash, Rng } from '../util/index.ts';
import type { EmbedOptions, Embedder } from './embedder.ts';
import { MemoryEmbeddingCache } from './memory-cache.ts';
import type { BenchModel, RunOptions } from './runner-types.ts';
import { runBenchmark } from './runner.ts';
import { defineTask, type AnyTaskSpec, type ProbeProtocol, type SplitVariant } from './task.ts';
import { tasks } from './tasks/index.ts';
import { HEAR_WINDOWS, operaLinear, operaPathA, VAL_FROM_SPLIT } from './tasks/protocols.ts';

/** Embeddings that carry the label: the recordings' amplitude encodes it (see `kauhTree`). */
class FakeEmbedder implements Embedder {
  readonly id = 'fake';
  readonly dim = 3;
  readonly sampleRate = 4000;
  readonly configHash = configHash({ fake: 1 });
  calls = 0;
  constructor(private readonly crashAt: number | null = null) {}
  configHashFor(opts?: EmbedOptions): string {
    return configHash({ fake: 1, input: opts?.inputs?.hear ?? null });
  }
  async embed(x: Float32Array): Promise<Float32Array> {
    this.calls++;
    if (this.crashAt !== null && this.calls === this.crashAt) throw new Error('injected crash');
    let ss = 0;
    let sa = 0;
    for (const v of x) {
      ss += v * v;
      sa += Math.abs(v);
    }
    return Float32Array.from([Math.sqrt(ss / x.length), sa / x.length, x[7] as number]);
  }
  async release(): Promise<void> {}
}

const model = (e: Embedder, id = 'fake'): BenchModel => ({ id, embedder: e, scaling: 'none', description: 'test embedder' });

/** Files of the first 8 healthy and 8 obstructive T10 subjects that are training subjects of the subject-consistent split. */
function t10Files(): { file: string; label: number }[] {
  const dir = committedSplitsReader().location;
  const asUsed = parseCsv(readFileSync(join(dir, 'kauh_t10_train_test_split.csv'), 'utf8'), 'split').rows;
  const consistent = new Map(parseCsv(readFileSync(join(dir, 'kauh_t10_train_test.csv'), 'utf8'), 'split').rows.map((r) => [r['subject_id'], r['split']]));
  const chosen = new Map<string, number>();
  const count = [0, 0];
  for (const r of asUsed) {
    const s = r['subject_id'] as string;
    const y = Number(r['label_binary']);
    if (chosen.has(s) || consistent.get(s) !== 'train' || (count[y] as number) >= 8) continue;
    chosen.set(s, y);
    count[y] = (count[y] as number) + 1;
  }
  return asUsed.filter((r) => chosen.has(r['subject_id'] as string)).map((r) => ({ file: r['file'] as string, label: Number(r['label_binary']) }));
}

async function kauhTree(): Promise<{ tree: DatasetTree; files: number }> {
  const rng = Rng.seeded(11);
  const entries: Record<string, Uint8Array> = {};
  const files = t10Files();
  for (const { file, label } of files) {
    const amp = label === 1 ? 0.4 : 0.1;
    const x = Float32Array.from({ length: 1200 }, () => amp * (0.8 + 0.2 * rng.uniform()) * rng.normal());
    entries[`kauh/AudioFiles/${file}`] = encodeWav({ sampleRate: 4000, channels: [x] }, 'pcm16');
  }
  return { tree: await makeTree(entries), files: files.length };
}

const HEAR_SMALL: ProbeProtocol = { kind: 'hear-linear', innerFolds: 2, foldSeed: { name: 'test', value: 2 } };

function kauhTask(id: string, split: SplitVariant, probe: ProbeProtocol): AnyTaskSpec {
  return defineTask({
    id,
    title: id,
    dataset: 'kauh',
    modalities: ['lung'],
    select: (r) => r.labels.operaT10 !== null,
    target: { kind: 'binary', positive: 'obstructive', negative: 'healthy', label: (r) => (r.labels.operaT10 === 'healthy' ? 0 : 1) },
    splits: [split],
    inputs: { opera: operaPathA(8, 8, 'chosen'), hear: HEAR_WINDOWS },
    metric: 'auroc',
    probe,
    seeds: [0],
    confounds: [],
    published: null,
    notes: '',
  });
}

const grouped = kauhTask('mini-grouped', { name: 'subject-3fold', description: '', policy: { kind: 'grouped-kfold', k: 3, stratified: true, seed: { name: 'test', value: 1 } }, leak: { declared: false } }, HEAR_SMALL);
const recordLevel = (declared: boolean): AnyTaskSpec =>
  kauhTask(declared ? 'mini-declared' : 'mini-leak', {
    name: 'record-level',
    description: '',
    policy: { kind: 'random-stratified', test: 0.3, val: 0.2, seed: { name: 'test', value: 3 } },
    leak: declared ? { declared: true, reason: 'record-level split of a test miniature' } : { declared: false },
  }, operaLinear(8, 8, 1, VAL_FROM_SPLIT));
const loso = kauhTask('mini-loso', { name: 'loso', description: '', policy: { kind: 'loso' }, leak: { declared: false } }, HEAR_SMALL);

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups) await c();
});

async function setup(): Promise<{ base: Omit<RunOptions, 'tasks' | 'models'>; files: number; cacheDir: string }> {
  const { tree, files } = await kauhTree();
  const cacheDir = await mkdtemp(join(tmpdir(), 'pneuma-cache-'));
  cleanups.push(tree.cleanup, () => rm(cacheDir, { recursive: true, force: true }));
  return {
    base: { data: tree.reader, splits: committedSplitsReader(), recordings: new NodeRecordingStore(tree.root, 'hq'), cache: new FileEmbeddingCache(cacheDir) },
    files,
    cacheDir,
  };
}

test('end to end on a miniature KAUH: rows satisfy the contract, leaks are failed or flagged, missing files and empty variants reported', async () => {
  const { base, files } = await setup();
  const e = new FakeEmbedder();
  const r = await runBenchmark({ ...base, tasks: [grouped, recordLevel(false), recordLevel(true), tasks.T10], models: [model(e)] });
  assert.equal(files, 48);
  assert.equal(e.calls, 48, 'every recording embedded once: tasks share inputs and recordings');
  const g = r.rows.find((x) => x.task === 'mini-grouped');
  assert.ok(g);
  for (const k of ['task', 'model', 'metric', 'mean', 'std', 'ci95', 'n_test', 'split', 'leak', 'run_id'] as const) assert.ok(k in g, k);
  assert.ok(g.mean > 0.95 && g.pooled > 0.95, `AUROC ${g.mean} / pooled ${g.pooled}`);
  assert.ok(g.ci95[0] <= g.pooled && g.pooled <= g.ci95[1] && g.ci95[1] <= 1);
  assert.equal(g.ci95_method, 'delong');
  assert.ok(g.auprc !== null && g.auprc.value > 0.95);
  assert.equal(g.n_test, 48);
  assert.equal(g.folds?.length, 3);
  assert.equal(g.leak, false);
  assert.equal(r.roc.filter((c) => c.run_id === g.run_id).length, 1);

  const leak = r.failures.find((f) => f.task === 'mini-leak');
  assert.equal(leak?.code, 'undeclared-leak');
  assert.match(leak?.message ?? '', /mini-leak.*record-level.*P\d+/);
  assert.equal(r.rows.some((x) => x.task === 'mini-leak'), false);
  const declared = r.rows.find((x) => x.task === 'mini-declared');
  assert.equal(declared?.leak, true);
  assert.equal(declared?.leak_status, 'declared-leak');

  const t10 = r.rows.find((x) => x.task === 'T10');
  assert.equal(t10?.split, 'opera-as-used');
  assert.equal(t10?.leak, true);
  assert.equal(t10?.seeds.length, 5);
  assert.equal(t10?.values.length, 5);
  assert.ok((t10?.n_missing ?? 0) > 100, `n_missing ${t10?.n_missing}`);
  assert.ok(Number.isFinite(t10?.mean) && Number.isFinite(t10?.std));
  const skipped = r.skipped.find((s) => s.task === 'T10' && s.split === 'subject-consistent');
  assert.match(skipped?.reason ?? '', /0 test records present.*missing/);
});

test('run ids are stable, a second run is served from the cache, and an interrupted run resumes', async () => {
  const { base } = await setup();
  const crashing = new FakeEmbedder(20);
  await assert.rejects(runBenchmark({ ...base, tasks: [grouped], models: [model(crashing)] }), /injected crash/);
  const resumed = new FakeEmbedder();
  const first = await runBenchmark({ ...base, tasks: [grouped], models: [model(resumed)] });
  assert.equal(resumed.calls, 48 - 19, 'only the embeddings the crashed run did not store');
  const again = new FakeEmbedder();
  const second = await runBenchmark({ ...base, tasks: [grouped], models: [model(again)] });
  assert.equal(again.calls, 0);
  assert.equal(second.embeddings.cached, 48);
  assert.deepEqual(second.rows.map((x) => x.run_id), first.rows.map((x) => x.run_id));
  assert.deepEqual(second.rows, first.rows);
  const other = await runBenchmark({ ...base, tasks: [grouped], models: [model(new FakeEmbedder(), 'fake-2')], seeds: [0, 1] });
  assert.notEqual(other.rows[0]?.run_id, first.rows[0]?.run_id);
});

test('a degenerate fold fails with task, fold and seed named; efficiency and unseen-device rows come with their reasons', async () => {
  const { base } = await setup();
  const r = await runBenchmark({ ...base, tasks: [loso, grouped], models: [model(new FakeEmbedder())], efficiency: true, unseenDevice: true });
  const f = r.failures.find((x) => x.task === 'mini-loso');
  assert.equal(f?.code, 'degenerate-metric');
  assert.match(f?.message ?? '', /task 'mini-loso'.*fold 'P\d+' seed 0/);
  const eff = r.rows.filter((x) => x.kind === 'efficiency');
  const effSkipped = r.skipped.filter((s) => s.kind === 'efficiency');
  assert.equal(eff.length + effSkipped.length, 5);
  assert.ok(eff.some((x) => x.fraction === 1) && eff.some((x) => x.fraction === 0.5));
  for (const s of effSkipped) assert.match(s.reason, /fraction/);
  const devices = r.rows.filter((x) => x.kind === 'unseen-device').map((x) => x.device);
  assert.deepEqual(devices, ['filter:bell', 'filter:diaphragm', 'filter:extended']);
  const main = r.rows.find((x) => x.kind === 'main' && x.task === 'mini-grouped');
  for (const x of r.rows.filter((y) => y.kind === 'unseen-device')) {
    assert.equal(x.n_test, 16);
    assert.notEqual(x.run_id, main?.run_id);
  }
});

test('probe jobs in a worker pool, two at a time, give the same rows, failures and skips as in this thread', async () => {
  const { base } = await setup();
  const opts = { ...base, cache: new MemoryEmbeddingCache(), tasks: [loso, grouped, recordLevel(true)], models: [model(new FakeEmbedder())], efficiency: true };
  const local = await runBenchmark(opts);
  const pool = new ProbeWorkerPool(2);
  try {
    const pooled = await runBenchmark({ ...opts, probes: pool, concurrency: 2 });
    assert.deepEqual(pooled.rows, local.rows);
    assert.deepEqual(pooled.failures, local.failures);
    assert.deepEqual(pooled.skipped, local.skipped);
    assert.equal(pooled.failures[0]?.code, 'degenerate-metric');
    assert.equal(pooled.embeddings.cached, 48, 'the in-memory cache served the second run');
  } finally {
    await pool.close();
  }
});

test("subjects of a model's pretraining corpus are left out of every task, for every model, and reported", async () => {
  const { base } = await setup();
  const m = await scanDataset(base.data, 'kauh');
  const subjects = [...new Set(m.records.map((r) => r.subject))].sort().slice(0, 5);
  const e = new FakeEmbedder();
  const r = await runBenchmark({ ...base, tasks: [grouped], models: [model(e)], excludeSubjects: [{ source: 'fake (corpus.json)', subjects: new Set(subjects.map((s) => `kauh:${s}`)) }] });
  const left = m.records.filter((x) => subjects.includes(x.subject)).length;
  assert.equal(left, 15, 'three filter files per subject');
  assert.equal(e.calls, 48 - left, 'recordings of excluded subjects are never embedded');
  assert.equal(r.rows[0]?.n_test, 48 - left);
  assert.deepEqual(r.excludedSubjects, [{ source: 'fake (corpus.json)', subjects: 5, records: left }]);
  assert.deepEqual(r.datasets, [{ id: 'kauh', records: 48 - left, problems: 0, excluded: left }]);
  const full = await runBenchmark({ ...base, tasks: [grouped], models: [model(new FakeEmbedder())] });
  assert.notEqual(full.rows[0]?.run_id, r.rows[0]?.run_id, 'the run id covers the records used');
});
