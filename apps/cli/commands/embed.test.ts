import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encoders } from '../../../src/encoders/registry.ts';
import type { EncoderId } from '../../../src/encoders/types.ts';
import { parseNpy, type HostTensor } from '../../../src/tensor/index.ts';
import { SHARED_DIR, makeTempDir } from '../../../test/helpers/audio-tools.ts';
import { runCli } from '../../../test/helpers/cli.ts';
import { EXIT_SOME_FAILED } from './embed.ts';

const MODELS = `${SHARED_DIR}fixtures/models/`;
const MN04 = `${MODELS}efficientat_mn04/`;
const CLIPS = ['cough', 'icbhi', 'lung_kauh'];
const npy = (path: string): HostTensor => parseNpy(readFileSync(path), path);
const index = (out: string) => JSON.parse(readFileSync(out.replace(/\.npy$/, '.index.json'), 'utf8'));

/** Row k of a [rows, dim] float32 array. */
function row(t: HostTensor, k: number): Float32Array {
  const d = t.shape[1] as number;
  return (t.data as Float32Array).slice(k * d, (k + 1) * d);
}

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

interface FixtureCase {
  readonly input: string;
  readonly expected: string;
}

/**
 * The model fixtures whose inputs are precomputed spectrograms: encoder, checkpoint, reference-named
 * config, and how fixture.json names each case's input and expected embedding.
 */
const SPECTROGRAM_FIXTURES: readonly { folder: string; id: EncoderId; weights: string; config: string | null; cases: (fx: { cases: Record<string, string>[] }) => FixtureCase[] }[] = [
  { folder: 'opera_ce', id: 'opera-ce', weights: 'opera_ce_random.ckpt', config: null, cases: (fx) => fx.cases.map((c) => ({ input: c['input'] as string, expected: c['expected'] as string })) },
  { folder: 'opera_ct', id: 'opera-ct', weights: 'opera_ct_reduced_random.ckpt', config: 'model_config.json', cases: (fx) => fx.cases.map((c) => ({ input: c['input'] as string, expected: c['expected'] as string })) },
  { folder: 'opera_gt', id: 'opera-gt', weights: 'opera_gt_reduced_random.ckpt', config: 'model_config.json', cases: (fx) => fx.cases.map((c) => ({ input: c['input'] as string, expected: c['expected'] as string })) },
  { folder: 'hear_vit', id: 'hear', weights: 'model.safetensors', config: 'config.json', cases: (fx) => fx.cases.map((c) => ({ input: c['input'] as string, expected: c['pooler_output'] as string })) },
];

for (const f of SPECTROGRAM_FIXTURES) {
  const registered = encoders[f.id] !== undefined;
  const skip = registered ? false : `encoder '${f.id}' is not in the registry yet`;
  if (skip) process.stdout.write(`# skipping the ${f.folder} fixture: ${skip}\n`);
  test(`embed --from-spectrogram reproduces the ${f.folder} fixture embeddings (${f.id}${f.config ? ', --model-config' : ''})`, { skip }, async () => {
    const fxDir = `${MODELS}${f.folder}/`;
    const cases = f.cases(JSON.parse(readFileSync(`${fxDir}fixture.json`, 'utf8')));
    assert.ok(cases.length >= 2);
    const { dir, cleanup } = makeTempDir('embed-fx');
    try {
      const out = join(dir, 'e.npy');
      const args = ['embed', '--from-spectrogram', ...cases.map((c) => `${fxDir}${c.input}`), '--model', f.id, '--weights', `${fxDir}${f.weights}`, '--out', out, '--quiet', '--threads', '2'];
      if (f.config) args.push('--model-config', `${fxDir}${f.config}`);
      const r = await runCli(args);
      assert.equal(r.code, 0, r.stderr);
      const got = npy(out);
      assert.deepEqual(got.shape, [cases.length, npy(`${fxDir}${(cases[0] as FixtureCase).expected}`).shape.at(-1)]);
      cases.forEach((c, k) => {
        const err = maxAbs(row(got, k), npy(`${fxDir}${c.expected}`).data as Float32Array);
        assert.ok(err <= 1e-4, `${f.folder} ${c.input}: max abs error ${err}`);
      });
      const ix = index(out);
      assert.equal(ix.input, 'spectrogram');
      assert.equal(ix.frontEnd, null);
      assert.deepEqual(ix.items.map((i: { source: string }) => i.source), cases.map((c) => `${fxDir}${c.input}`));
    } finally {
      cleanup();
    }
  });
}

test('embed with the bundled mn04 weights: the fixture clips end to end, and --head logits', async () => {
  const { dir, cleanup } = makeTempDir('embed-mn04');
  try {
    const out = join(dir, 'e.npy');
    const r = await runCli(['embed', '--model', 'efficientat-mn04', MN04, '--out', out, '--quiet', '--threads', '2']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /3 of 3 input\(s\) embedded with efficientat-mn04 \[3,384\]/);
    const got = npy(out);
    CLIPS.forEach((c, k) => {
      const err = maxAbs(row(got, k), npy(`${MN04}embedding_${c}.npy`).data as Float32Array);
      assert.ok(err <= 1e-4, `${c}: max abs error ${err}`);
    });
    const ix = index(out);
    assert.equal(ix.model, 'efficientat-mn04');
    assert.equal(ix.weights.sha256, '899a8c6217063f6941793102a2780b3dd788ab11fce468d9cf5f0577c453321c');
    assert.deepEqual(ix.input, { kind: 'whole-or-windows', maxSeconds: 10, hopSeconds: 10, tail: 'snap-to-end' });
    assert.equal(ix.frontEnd.kind, 'efficientat');
    assert.equal(ix.resample.quality, 'hq');
    assert.deepEqual(ix.items.map((i: { durationS: number; segments: number }) => [i.durationS, i.segments]), [[2.6, 1], [10, 1], [10, 1]]);
    assert.match(ix.configHash, /^[0-9a-f]{16}$/);

    const logitsOut = join(dir, 'l.npy');
    assert.equal((await runCli(['embed', '--model', 'efficientat-mn04', ...CLIPS.map((c) => `${MN04}clip_${c}_32k.wav`), '--head', 'logits', '--out', logitsOut, '--quiet'])).code, 0);
    const logits = npy(logitsOut);
    assert.deepEqual(logits.shape, [3, 527]);
    CLIPS.forEach((c, k) => assert.ok(maxAbs(row(logits, k), npy(`${MN04}logits_${c}.npy`).data as Float32Array) <= 1e-4, c));
    assert.notEqual(index(logitsOut).configHash, ix.configHash);
    const windows = join(dir, 'w.npy');
    const w = await runCli(['embed', '--model', 'efficientat-mn04', `${MN04}clip_cough_32k.wav`, '--input-policy', '{"kind":"windows","seconds":1,"hopSeconds":1,"tail":"drop"}', '--out', windows, '--quiet']);
    assert.equal(w.code, 0, w.stderr);
    assert.deepEqual(index(windows).input, { kind: 'windows', seconds: 1, hopSeconds: 1, tail: 'drop' });
    assert.equal(index(windows).items[0].segments, 2);
    assert.notEqual(index(windows).configHash, ix.configHash);
    const streamed = join(dir, 's.npy');
    assert.equal((await runCli(['embed', '--model', 'efficientat-mn04', `${MN04}clip_cough_32k.wav`, '--input-policy', '{"kind":"windows","seconds":1,"hopSeconds":1,"tail":"drop"}', '--stream-above', '0', '--out', streamed, '--quiet'])).code, 0);
    assert.deepEqual(readFileSync(streamed), readFileSync(windows), 'decoded as a stream: the same rows');
    const badPolicy = await runCli(['embed', '--model', 'efficientat-mn04', MN04, '--input-policy', '{"kind":"windows","seconds":0,"hopSeconds":1,"tail":"drop"}', '--out', join(dir, 'p.npy')]);
    assert.equal(badPolicy.code, 2);
    assert.match(badPolicy.stderr, /seconds and hopSeconds must be positive numbers/);
    const bad = await runCli(['embed', '--model', 'efficientat-mn04', MN04, '--head', 'nope', '--out', join(dir, 'n.npy'), '--quiet']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /no graph output 'nope'; outputs: 'embedding' \[1,384\], 'logits' \[1,527\]/);
  } finally {
    cleanup();
  }
});

test('a folder with a corrupt and an empty file: both reported and skipped, the others embedded, exit code 3', async () => {
  const { dir, cleanup } = makeTempDir('embed-bad');
  try {
    const data = join(dir, 'data');
    mkdirSync(data);
    copyFileSync(`${MN04}clip_cough_32k.wav`, join(data, 'a.wav'));
    writeFileSync(join(data, 'b.wav'), readFileSync(`${MN04}clip_cough_32k.wav`).subarray(0, 30));
    writeFileSync(join(data, 'c.mp3'), Buffer.from('this is no audio at all, just text bytes '.repeat(20)));
    writeFileSync(join(data, 'd.flac'), new Uint8Array(0));
    copyFileSync(`${MN04}clip_icbhi_32k.wav`, join(data, 'e.wav'));
    const out = join(dir, 'e.npy');
    const r = await runCli(['embed', '--model', 'efficientat-mn04', data, '--out', out, '--quiet']);
    assert.equal(r.code, EXIT_SOME_FAILED, r.stderr);
    for (const f of ['b.wav', 'c.mp3', 'd.flac']) assert.match(r.stderr, new RegExp(`skipped ${join(data, f).replaceAll('.', '\\.')}`));
    const got = npy(out);
    assert.deepEqual(got.shape, [2, 384]);
    assert.ok(maxAbs(row(got, 0), npy(`${MN04}embedding_cough.npy`).data as Float32Array) <= 1e-4);
    assert.ok(maxAbs(row(got, 1), npy(`${MN04}embedding_icbhi.npy`).data as Float32Array) <= 1e-4);
    const ix = index(out);
    assert.deepEqual(ix.items.map((i: { row: number; source: string }) => [i.row, i.source]), [[0, join(data, 'a.wav')], [1, join(data, 'e.wav')]]);
    assert.deepEqual(ix.failed.map((x: { source: string; kind: string }) => [x.source, x.kind]), [
      [join(data, 'b.wav'), 'audio:truncated'],
      [join(data, 'c.mp3'), 'audio:unsupported'],
      [join(data, 'd.flac'), 'audio:empty'],
    ]);
    assert.match(ix.failed[2].message, /file is empty/);
    assert.equal(existsSync(`${out}.partial`), false);
  } finally {
    cleanup();
  }
});

test('an interrupted run (child killed after a few rows) resumes to the same files as an uninterrupted run', async () => {
  const { dir, cleanup } = makeTempDir('embed-resume');
  try {
    const list = join(dir, 'list.txt');
    const n = 40;
    writeFileSync(list, Array.from({ length: n }, (_, k) => `${MN04}clip_${k % 7 === 3 ? 'icbhi' : 'cough'}_32k.wav\n`).join(''));
    const ref = join(dir, 'ref.npy');
    const out = join(dir, 'x.npy');
    const args = (o: string) => ['embed', list, '--out', o, '--quiet', '--threads', '1'];
    assert.equal((await runCli(args(ref))).code, 0);

    const bin = fileURLToPath(new URL('../pneuma.mjs', import.meta.url));
    const child = spawn(process.execPath, [bin, ...args(out)], { stdio: 'ignore' });
    const journal = join(`${out}.partial`, 'journal.jsonl');
    const lines = () => (existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').length - 1 : 0);
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    let done = false;
    void exited.then(() => (done = true));
    while (!done && lines() < 3) await new Promise((res) => setTimeout(res, 5));
    child.kill('SIGKILL');
    await exited;
    const before = lines();
    assert.ok(before >= 3 && before < n, `the child was stopped mid-run (${before} of ${n} inputs journalled)`);
    assert.equal(existsSync(out), false);

    const r = await runCli(args(out));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`\\(${before} taken from the interrupted run\\)`));
    assert.deepEqual(readFileSync(out), readFileSync(ref));
    assert.equal(readFileSync(out.replace('.npy', '.index.json'), 'utf8'), readFileSync(ref.replace('.npy', '.index.json'), 'utf8'));
    assert.equal(existsSync(`${out}.partial`), false);
  } finally {
    cleanup();
  }
});

test('--random-init --seed is deterministic, recorded in the index, and differs across seeds', async () => {
  const { dir, cleanup } = makeTempDir('embed-rand');
  try {
    const clip = `${MN04}clip_cough_32k.wav`;
    const run = async (seed: string, name: string) => {
      const out = join(dir, name);
      const r = await runCli(['embed', clip, '--model', 'efficientat-mn04', '--random-init', '--seed', seed, '--out', out, '--quiet']);
      assert.equal(r.code, 0, r.stderr);
      return { t: npy(out), ix: index(out) };
    };
    const a = await run('7', 'a.npy');
    const b = await run('7', 'b.npy');
    const c = await run('8', 'c.npy');
    assert.deepEqual(a.t.data, b.t.data);
    assert.notDeepEqual(a.t.data, c.t.data);
    assert.ok((a.t.data as Float32Array).some((v) => v !== 0));
    assert.deepEqual(a.ix.weights, { random: true, seed: 7 });
    assert.equal(a.ix.configHash, b.ix.configHash);
    assert.notEqual(a.ix.configHash, c.ix.configHash);
    const noSeed = await runCli(['embed', clip, '--random-init', '--out', join(dir, 'd.npy')]);
    assert.equal(noSeed.code, 2);
    assert.match(noSeed.stderr, /--random-init needs --seed <integer>/);
  } finally {
    cleanup();
  }
});

test('an encoder without --weights names where its published checkpoint comes from', async () => {
  const r = await runCli(['embed', `${MN04}clip_cough_32k.wav`, '--model', 'opera-ce', '--out', '/nonexistent/x.npy']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /opera-ce: no weights given .*huggingface\.co\/evelyn0414\/OPERA.*--random-init --seed <n>/);
  const u = await runCli(['embed', `${MN04}clip_cough_32k.wav`, '--model', 'opera-xx', '--out', '/nonexistent/x.npy']);
  assert.match(u.stderr, /unknown model 'opera-xx'; choose one of default, /);
});

test('--pooling freq-preserving on a patch-based encoder; refused by an encoder that does not offer it', { skip: encoders['opera-gt'] ? false : "encoder 'opera-gt' is not in the registry yet" }, async () => {
  const { dir, cleanup } = makeTempDir('embed-pool');
  try {
    const fx = `${MODELS}opera_gt/`;
    const out = join(dir, 'gt.npy');
    const r = await runCli(['embed', '--from-spectrogram', `${fx}input_T256.npy`, '--model', 'opera-gt', '--weights', `${fx}opera_gt_reduced_random.ckpt`, '--model-config', `${fx}model_config.json`, '--pooling', 'freq-preserving', '--out', out, '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    // 64 mel bins / 4-bin patches = 16 frequency bands of the 96-d reduced width
    assert.deepEqual(npy(out).shape, [1, 16 * 96]);
    assert.equal(index(out).pooling, 'freq-preserving');
    const bad = await runCli(['embed', `${MN04}clip_cough_32k.wav`, '--pooling', 'freq-preserving', '--out', join(dir, 'x.npy')]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /efficientat-mn04: pooling 'freq-preserving' is not offered; this encoder offers 'default'/);
  } finally {
    cleanup();
  }
});
