import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { OPERA_TRIM } from '../audio/trim.ts';
import { FRONTENDS, computeFrontEnd } from '../audio/frontend.ts';
import { tasks } from '../bench/tasks/index.ts';
import { encoders } from '../encoders/registry.ts';
import type { AnyEncoderDef } from '../encoders/registry.ts';
import { parseNpy, type HostTensor } from '../tensor/index.ts';
import { loadMono } from '../platform/node/audio-file.ts';
import { createOrtNodeBackend } from '../platform/node/index.ts';
import { SHARED_DIR } from '../../test/helpers/audio-tools.ts';
import { EmbedInputError, TooShortError } from './errors.ts';
import { EncoderModel, meanRows } from './model.ts';
import { RecordingEmbedder, toSpectrogramLayout } from './embedder.ts';
import { applyInputPolicy } from './segment.ts';
import { checkpointWeights, resolveModelConfig } from './resolve.ts';
import { createRecordingEmbedder } from './create.ts';
import type { Embedder } from '../bench/embedder.ts';
import { taskInputPolicy } from './task-input.ts';

const MODELS = `${SHARED_DIR}fixtures/models/`;
const FRONT = `${SHARED_DIR}fixtures/frontend/`;
const npy = (path: string): HostTensor => parseNpy(readFileSync(path), path);

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

async function embedderFor(id: 'opera-ce' | 'efficientat-mn04', ckpt: string, batch = 1): Promise<RecordingEmbedder> {
  const def = encoders[id] as AnyEncoderDef;
  const cfg = resolveModelConfig(def);
  const weights = checkpointWeights(def, cfg, readFileSync(ckpt), ckpt);
  const model = await EncoderModel.compile({ def, cfg, pooling: 'default', output: 'embedding' }, weights, { backend: await createOrtNodeBackend(), session: { threads: 2 }, batch });
  return new RecordingEmbedder(model, { kind: 'file', file: ckpt, sha256: 'fixture' });
}

test('efficientat-mn04 end to end: 32 kHz fixture clips → front end → graph equal the reference embeddings (atol 1e-4)', async () => {
  const fx = `${MODELS}efficientat_mn04/`;
  const e = await embedderFor('efficientat-mn04', `${fx}mn04_as_mAP_432.pt`);
  try {
    assert.equal(e.sampleRate, 32000);
    assert.equal(e.dim, 384);
    for (const clip of ['cough', 'lung_kauh']) {
      const x = await loadMono(`${fx}clip_${clip}_32k.wav`, 32000);
      const r = await e.embedRecording(x, 32000);
      assert.deepEqual([r.segments, r.segmentsUsed, r.modelInputs], [1, 1, 1]);
      assert.equal(r.durationS, x.length / 32000);
      const err = maxAbs(r.embedding, npy(`${fx}embedding_${clip}.npy`).data as Float32Array);
      assert.ok(err <= 1e-4, `${clip}: max abs error ${err}`);
    }
    await assert.rejects(e.embed(new Float32Array(16000), 16000), (err: unknown) => err instanceof EmbedInputError && /expects 32000 Hz audio, got 16000 Hz/.test(err.message));

    // 2.6 s in 1-s windows (remainder dropped): the mean of the two windows' embeddings
    const x = await loadMono(`${fx}clip_cough_32k.wav`, 32000);
    const windows = await e.embedRecording(x, 32000, { input: { kind: 'windows', seconds: 1, hopSeconds: 1, tail: 'drop' } });
    assert.deepEqual([windows.segments, windows.segmentsUsed, windows.modelInputs], [2, 2, 2]);
    const fe = FRONTENDS.efficientat;
    const a = (await e.embedSpectrogram(computeFrontEnd(fe, x.slice(0, 32000), 32000))).embedding;
    const b = (await e.embedSpectrogram(computeFrontEnd(fe, x.slice(32000, 64000), 32000))).embedding;
    assert.deepEqual(windows.embedding, Float32Array.from(a, (v, i) => (v + (b[i] as number)) / 2));

    // the same recording as a stream of uneven blocks gives exactly the same result
    const policy = { kind: 'windows', seconds: 1, hopSeconds: 0.7, tail: 'snap-to-end' } as const;
    const whole = await e.embedRecording(x, 32000, { input: policy });
    const blocks = [5000, 1, 30000, 12345, 40000].reduce<Float32Array[]>((acc, n) => {
      const off = acc.reduce((s, b) => s + b.length, 0);
      return off < x.length ? [...acc, x.subarray(off, off + n)] : acc;
    }, []);
    assert.equal(blocks.reduce((s, b) => s + b.length, 0), x.length);
    const streamed = await e.embedStream(blocks, 32000, { input: policy });
    assert.deepEqual(streamed, whole);
    assert.equal(whole.segments, 4);
    await assert.rejects(e.embedStream(blocks, 32000), /'windows' input policy only, not 'whole-or-windows'/);

    // the default policy beyond 10 s: 10-s windows every 10 s, the last one ending at the end, averaged
    const kauh = await loadMono(`${fx}clip_lung_kauh_32k.wav`, 32000);
    assert.equal(kauh.length, 320000, 'a 10-s clip runs whole (checked against the reference above)');
    const long = new Float32Array(kauh.length + x.length);
    long.set(kauh);
    long.set(x, kauh.length);
    const r = await e.embedRecording(long, 32000);
    assert.deepEqual([r.segments, r.segmentsUsed, r.modelInputs], [2, 2, 2]);
    const w0 = (await e.embedRecording(long.slice(0, 320000), 32000, { input: { kind: 'whole' } })).embedding;
    const w1 = (await e.embedRecording(long.slice(long.length - 320000), 32000, { input: { kind: 'whole' } })).embedding;
    assert.deepEqual(r.embedding, Float32Array.from(w0, (v, i) => (v + (w1[i] as number)) / 2));
  } finally {
    await e.release();
  }
});

test('opera-ce end to end with the fixture checkpoint: trim + repeat-pad + front end give entire_pad8s, and the embedding is the graph on that spectrogram', async () => {
  const e = await embedderFor('opera-ce', `${MODELS}opera_ce/opera_ce_random.ckpt`);
  try {
    for (const id of ['silence_burst_silence_3s', 'covid19cough_002f642a']) {
      const x = await loadMono(`${FRONT}inputs/${id}.wav`, 16000);
      const policy = encoders['opera-ce']?.input;
      assert.deepEqual(policy, { kind: 'opera-entire', trim: OPERA_TRIM, minSeconds: 8, pad: 'repeat' });
      const segments = applyInputPolicy(e.policyFor(), x, 16000, 'opera-ce');
      assert.equal(segments.count, 1);
      const spec = computeFrontEnd(FRONTENDS.opera, segments.segment(0), 16000);
      const want = npy(`${FRONT}opera/${id}__entire_pad8s.npy`);
      assert.deepEqual(spec.shape, want.shape);
      assert.deepEqual(spec.shape, [251, 64]);
      const specErr = maxAbs(spec.data, want.data as Float32Array);
      assert.ok(specErr <= 1e-5, `${id}: spectrogram max abs error ${specErr}`);
      const r = await e.embedRecording(x, 16000);
      const onFixture = await e.embedSpectrogram(want);
      const onOurs = await e.embedSpectrogram(spec);
      assert.deepEqual(r.embedding, onOurs.embedding, 'the recording path runs exactly the graph on its spectrogram');
      const err = maxAbs(r.embedding, onFixture.embedding);
      assert.ok(err <= 1e-4, `${id}: embedding vs graph(fixture spectrogram) max abs error ${err}`);
    }
    // OPERA-CE needs 34 frames: 0.5 s without padding gives 16 frames
    await assert.rejects(e.embedRecording(new Float32Array(8000).fill(0.1), 16000, { input: { kind: 'whole' } }), (err: unknown) => err instanceof TooShortError && /none of the 1 segment\(s\) gives a model input \(spectrogram \[16,64\]\)/.test(err.message));
    const t63 = npy(`${MODELS}opera_ce/input_T63.npy`);
    assert.deepEqual(t63.shape, [1, 63, 64]);
    assert.equal((await e.embedSpectrogram(t63)).inputs, 1, '[1, T, 64] is taken as [T, 64]');
    await assert.rejects(e.embedSpectrogram({ ...t63, shape: [3, 21, 64] }), (err: unknown) => err instanceof EmbedInputError && /must be 2-D/.test(err.message));
    await assert.rejects(e.embedSpectrogram({ ...t63, shape: [126, 32] }), /expects an OPERA spectrogram \[T, 64\]/);
  } finally {
    await e.release();
  }
});

test('config hashes follow the input policy, the task rules and the weights, not the path', async () => {
  const fx = `${MODELS}efficientat_mn04/`;
  const e = await embedderFor('efficientat-mn04', `${fx}mn04_as_mAP_432.pt`);
  try {
    const windows = { kind: 'windows', seconds: 1, hopSeconds: 1, tail: 'drop' } as const;
    assert.equal(e.configHashFor(), e.configHash);
    assert.notEqual(e.configHashFor({ input: windows }), e.configHash);
    assert.equal(e.configHashFor({ inputs: tasks['T7'].inputs }), e.configHash, 'no task rule for mn04: its default policy');
    const other = new RecordingEmbedder(e.model, { kind: 'file', file: '/elsewhere/x.pt', sha256: 'fixture' });
    assert.equal(other.configHash, e.configHash);
    const random = new RecordingEmbedder(e.model, { kind: 'random', seed: 1 });
    assert.notEqual(random.configHash, e.configHash);
    assert.equal(e.runConfig('spectrogram').frontEnd, null);
  } finally {
    await e.release();
  }
});

test("a task's input rules map to each encoder's policy (OPERA paths a/b/c, HeAR windows)", () => {
  const t7 = tasks['T7'].inputs;
  assert.deepEqual(taskInputPolicy('opera-ce', t7), { kind: 'opera-entire', trim: OPERA_TRIM, minSeconds: 8, pad: 'repeat' });
  assert.deepEqual(taskInputPolicy('opera-gt', t7), { kind: 'opera-split', trim: OPERA_TRIM, chunkSeconds: 8.18 });
  assert.deepEqual(taskInputPolicy('hear', t7), { kind: 'windows', seconds: 2, hopSeconds: 1.8, tail: 'pad-zero' });
  assert.equal(taskInputPolicy('efficientat-mn04', t7), null);
  const t8 = tasks['T8'].inputs.opera;
  assert.equal(t8.gt.path, 'c');
  if (t8.gt.path === 'c') assert.deepEqual(taskInputPolicy('opera-gt', tasks['T8'].inputs), { kind: 'opera-entire', trim: OPERA_TRIM, minSeconds: t8.gt.specPadSec, pad: 'repeat' });
});

test('batched model inputs (within a spectrogram and across segments) give the rows of one-by-one runs; meanRows averages in float64', async () => {
  const fx = `${MODELS}efficientat_mn04/`;
  const one = await embedderFor('efficientat-mn04', `${fx}mn04_as_mAP_432.pt`, 1);
  const three = await embedderFor('efficientat-mn04', `${fx}mn04_as_mAP_432.pt`, 3);
  try {
    const mel = toSpectrogramLayout(npy(`${fx}mel_cough.npy`), 'mn04');
    assert.deepEqual(mel.shape, [128, 260]);
    const inputs = [0, 1, 2, 3].map((k) => ({ ...mel, data: mel.data.map((v) => v + 0.01 * k) }));
    const def = one.model.spec.def;
    const mi = inputs.flatMap((s) => def.modelInputs(one.model.spec.cfg, s) as HostTensor<'float32'>[]);
    const a = await one.model.runInputs(mi);
    const b = await three.model.runInputs(mi);
    assert.equal(b.length, 4);
    for (let k = 0; k < 4; k++) assert.ok(maxAbs(a[k] as Float32Array, b[k] as Float32Array) <= 1e-5, `row ${k}`);
    assert.notDeepEqual(a[0], a[3]);

    // a recording's windows are batched across segments; the nested mean is kept
    const x = await loadMono(`${fx}clip_icbhi_32k.wav`, 32000);
    const policy = { kind: 'windows', seconds: 2, hopSeconds: 1.5, tail: 'pad-zero' } as const;
    const r1 = await one.embedRecording(x, 32000, { input: policy });
    const r3 = await three.embedRecording(x, 32000, { input: policy });
    assert.deepEqual([r3.segments, r3.segmentsUsed, r3.modelInputs], [r1.segments, r1.segmentsUsed, r1.modelInputs]);
    assert.equal(r1.segments, 7);
    assert.ok(maxAbs(r1.embedding, r3.embedding) <= 1e-5, `batched vs one by one: ${maxAbs(r1.embedding, r3.embedding)}`);
  } finally {
    await one.release();
    await three.release();
  }
  assert.deepEqual([...meanRows([Float32Array.of(1, 2), Float32Array.of(2, 4), Float32Array.of(0, 0)])], [1, 2]);
  const only = Float32Array.of(0.1, 0.2);
  assert.equal(meanRows([only]), only);
});

test('createRecordingEmbedder: from checkpoint bytes (sha256 computed) or a seed to an Embedder', async () => {
  const fx = `${MODELS}efficientat_mn04/`;
  const backend = await createOrtNodeBackend();
  const bytes = readFileSync(`${fx}mn04_as_mAP_432.pt`);
  const e: Embedder = await createRecordingEmbedder({ model: 'default', weights: { bytes, file: 'mn04.pt' }, backend, session: { threads: 1 }, resample: { quality: 'hq' } });
  const r = await createRecordingEmbedder({ model: 'efficientat-mn04', weights: { randomSeed: 5 }, backend });
  try {
    assert.deepEqual([e.id, e.dim, e.sampleRate], ['efficientat-mn04', 384, 32000]);
    assert.deepEqual((e as RecordingEmbedder).weights, { kind: 'file', file: 'mn04.pt', sha256: '899a8c6217063f6941793102a2780b3dd788ab11fce468d9cf5f0577c453321c' });
    const x = await loadMono(`${fx}clip_cough_32k.wav`, 32000);
    const got = await e.embed(x, 32000);
    assert.ok(maxAbs(got, npy(`${fx}embedding_cough.npy`).data as Float32Array) <= 1e-4);
    assert.notEqual(r.configHash, e.configHash);
    assert.notDeepEqual(await r.embed(x, 32000), got);
  } finally {
    await e.release();
    await r.release();
  }
});
