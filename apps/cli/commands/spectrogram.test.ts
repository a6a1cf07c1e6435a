import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../main.ts';
import { FRONTENDS, computeFrontEnd } from '../../../src/audio/frontend.ts';
import { decodeWav } from '../../../src/audio/wav.ts';
import { parseNpy } from '../../../src/tensor/index.ts';

const FX = new URL('../../../../shared/fixtures/frontend/', import.meta.url);
const wav = (id: string): string => new URL(`inputs/${id}.wav`, FX).pathname;

async function cli(args: string[]): Promise<{ code: number; stderr: string }> {
  const write = process.stderr.write.bind(process.stderr);
  let stderr = '';
  process.stderr.write = ((s: string | Uint8Array) => ((stderr += String(s)), true)) as typeof process.stderr.write;
  try {
    return { code: await main(['node', 'pneuma', ...args]), stderr };
  } finally {
    process.stderr.write = write;
  }
}

test('spectrogram writes the front end output as .npy and a PNG', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pneuma-spec-'));
  try {
    const out = join(dir, 'k.npy');
    const png = join(dir, 'k.png');
    assert.equal((await cli(['spectrogram', wav('cough_like_0p4s'), '--frontend', 'kaldi', '--out', out, '--png', png])).code, 0);
    const got = parseNpy(readFileSync(out));
    const d = decodeWav(readFileSync(wav('cough_like_0p4s')), 'cough');
    const want = computeFrontEnd(FRONTENDS.kaldi, d.channels[0] as Float32Array, 16000);
    assert.deepEqual(got.shape, want.shape);
    assert.deepEqual(got.data, want.data);
    const p = readFileSync(png);
    assert.deepEqual([p.readUInt32BE(16), p.readUInt32BE(20)], [want.shape[0], 128], 'time on x, mel on y');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('HeAR on a 12-s clip gives six 2-s windows; the first is the reference batch-of-1 output', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pneuma-spec-'));
  try {
    const out = join(dir, 'h.npy');
    assert.equal((await cli(['spectrogram', wav('icbhi_101_1b1_Al_12s'), '--frontend', 'hear', '--out', out])).code, 0);
    const got = parseNpy(readFileSync(out));
    assert.deepEqual(got.shape, [6, 192, 128]);
    const ref = parseNpy(readFileSync(new URL('hear/icbhi_101_1b1_Al_12s__hear_b1.npy', FX))).data as Float32Array;
    let err = 0;
    for (let i = 0; i < ref.length; i++) err = Math.max(err, Math.abs((got.data[i] as number) - (ref[i] as number)));
    assert.ok(err <= 1e-3, `max abs error ${err}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('errors name the file and write nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pneuma-spec-'));
  try {
    const out = join(dir, 'x.npy');
    const missing = join(dir, 'missing.wav');
    const r1 = await cli(['spectrogram', missing, '--frontend', 'opera', '--out', out]);
    assert.equal(r1.code, 2);
    assert.match(r1.stderr, new RegExp(`${missing}: no such file`));
    const r2 = await cli(['spectrogram', wav('cough_like_0p4s'), '--frontend', 'hear', '--hear-tail', 'drop', '--out', out]);
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /cough_like_0p4s\.wav: frontend hear: no full 2-s window/);
    const r3 = await cli(['spectrogram', wav('cough_like_0p4s'), '--frontend', 'nope', '--out', out]);
    assert.equal(r3.code, 2);
    assert.ok(!existsSync(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
