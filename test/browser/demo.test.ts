/**
 * The on-device demo end to end in Debian's Chromium (headless, driven by playwright-core, nothing downloaded):
 * build the demo, serve it on localhost with cross-origin isolation, and check that the page computes what
 * `pneuma embed --model efficientat-mn04` computes in Node.
 *
 * - The page's config hash is the one `pneuma embed` records (same encoder, weights, front end, resampler).
 * - A 32 kHz WAV (the EfficientAT cough fixture) and the 48 kHz MP3 it was made from: the page's embedding
 *   equals the Node pipeline's within 1e-4 (same decoders, resampler and front end; ONNX Runtime's WebAssembly
 *   build against its native CPU build), and the top class is the fixture's, 'Cough', with the fixture's
 *   probability within 1e-3.
 * - An AAC file, which Pneuma does not decode, is decoded by the browser's own decoder, and still gives 'Cough'.
 * - WebGPU is tried first and, with --disable-gpu (no adapter), falls back to wasm with the reason reported.
 * - The microphone (Chromium's fake capture device) is recorded through the AudioWorklet, resampled to 32 kHz
 *   and embedded.
 *
 * Chromium comes from Debian (`apt-get install -y chromium`, /usr/bin/chromium). Without it the test is skipped
 * on a developer's machine and fails under CI (CI=true), where it must be installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { buildDemo } from '../../apps/demo/build.ts';
import { startDemoServer } from '../../apps/demo/server.ts';
import { parseNpy } from '../../src/tensor/index.ts';
import { SHARED_DIR, ffmpeg } from '../helpers/audio-tools.ts';
import { runCli } from '../helpers/cli.ts';

const CHROMIUM = '/usr/bin/chromium';
const MN04 = `${SHARED_DIR}fixtures/models/efficientat_mn04/`;
const WAV = `${MN04}clip_cough_32k.wav`;
const MP3 = `${SHARED_DIR}data/covid19-cough/raw/5351d04a-29f2-4517-93f3-e20526e8c58a.mp3`;

/** The flags known to work for headless Chromium on these machines, plus a fake microphone. */
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
];

interface PageState {
  state: string;
  error: string | null;
  provider: string | null;
  fallbacks: { from: string; to: string; reason: string }[];
  recordedSeconds: number;
  result: {
    source: string; sampleRate: number; samples: number; decoder: string; embedding: number[];
    top: { label: string; probability: number }[]; timings: Record<string, number>;
  } | null;
}

interface FixtureTop {
  readonly cases: readonly { readonly clip: string; readonly top5: readonly (readonly [number, string, number])[] }[];
}

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

async function waitFor(page: Page, states: readonly string[]): Promise<PageState> {
  await page.waitForFunction((s) => s.includes(document.body.dataset['state'] ?? ''), [...states, 'error'], { timeout: 45_000 });
  const st = await page.evaluate(() => (globalThis as { pneumaDemo?: unknown }).pneumaDemo) as PageState;
  assert.equal(st.error, null, `the page failed: ${st.error}`);
  return st;
}

test('the demo page embeds on-device exactly as the Node pipeline does', { timeout: 120_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    if (process.env['CI']) assert.fail(`${CHROMIUM} is missing: CI must install Debian's chromium (apt-get install -y chromium)`);
    t.skip(`${CHROMIUM} is missing (apt-get install -y chromium)`);
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'pneuma-demo-'));
  let context: BrowserContext | null = null;
  let server: Awaited<ReturnType<typeof startDemoServer>> | null = null;
  try {
    const build = await buildDemo({ outDir: join(work, 'demo') });
    server = await startDemoServer({ root: build.outDir, port: 0 });

    // The Node pipeline: `pneuma embed` on the same two files.
    const out = join(work, 'node.npy');
    const cli = await runCli(['embed', WAV, MP3, '--model', 'efficientat-mn04', '--out', out, '--threads', '1', '--quiet']);
    assert.equal(cli.code, 0, cli.stderr);
    const rows = parseNpy(readFileSync(out), out);
    assert.deepEqual(rows.shape, [2, 384]);
    const nodeRow = (k: number) => (rows.data as Float32Array).slice(k * 384, (k + 1) * 384);
    const index = JSON.parse(readFileSync(out.replace(/\.npy$/, '.index.json'), 'utf8')) as { configHash: string };
    assert.equal(build.manifest.configHash, index.configHash, 'the page computes the run `pneuma embed` records');

    context = await chromium.launchPersistentContext(join(work, 'profile'), { executablePath: CHROMIUM, headless: true, args: FLAGS });
    const page = await context.newPage();
    await page.goto(server.url);
    const ready = await waitFor(page, ['ready']);
    assert.equal(await page.evaluate(() => crossOriginIsolated), true, 'COOP/COEP make the page cross-origin isolated');
    if (ready.provider === 'webgpu') {
      assert.deepEqual(ready.fallbacks, []);
    } else {
      assert.equal(ready.provider, 'wasm');
      assert.deepEqual(ready.fallbacks.map((f) => [f.from, f.to]), [['webgpu', 'wasm']]);
      assert.match(ready.fallbacks[0]?.reason ?? '', /adapter|navigator\.gpu/);
    }

    const fixture = JSON.parse(readFileSync(`${MN04}fixture.json`, 'utf8')) as FixtureTop;
    const [, label, probability] = fixture.cases.find((c) => c.clip === 'cough')?.top5[0] ?? [];
    assert.equal(label, 'Cough');
    for (const [k, file, rate] of [[0, WAV, 32000], [1, MP3, 32000]] as const) {
      await page.setInputFiles('#file', file);
      const st = await waitFor(page, ['done']);
      const r = st.result;
      assert.ok(r, 'a result');
      assert.equal(r.decoder, 'pneuma');
      assert.equal(r.sampleRate, rate);
      assert.equal(r.samples, 83200, 'both files give 2.6 s at 32 kHz');
      const d = maxAbs(r.embedding, nodeRow(k));
      assert.ok(d < 1e-4, `${file}: page vs Node embedding max |diff| ${d}`);
      t.diagnostic(`${file.replace(/.*\//, '')}: page vs Node max |diff| ${d.toExponential(2)}; top ${r.top[0]?.label} ${r.top[0]?.probability.toFixed(4)}; ms ${JSON.stringify(r.timings, (_, v: unknown) => (typeof v === 'number' ? Math.round(v) : v))}`);
      assert.equal(r.top[0]?.label, label);
      if (k === 0) assert.ok(Math.abs((r.top[0]?.probability ?? 0) - (probability as number)) < 1e-3, `Cough probability ${r.top[0]?.probability} vs ${probability}`);
    }

    // An AAC file: Pneuma's sniffer names it unsupported (no GPL decoders are shipped), the browser decodes it.
    const m4a = join(work, 'cough.m4a');
    ffmpeg(['-i', WAV, '-c:a', 'aac', '-b:a', '128k', m4a]);
    await page.setInputFiles('#file', m4a);
    const aac = (await waitFor(page, ['done'])).result;
    assert.ok(aac);
    assert.equal(aac.decoder, 'audio-context');
    assert.ok(Math.abs(aac.samples - 83200) <= 2048, `AAC decodes to about 2.6 s at 32 kHz, got ${aac.samples} samples`);
    assert.equal(aac.top[0]?.label, label);

    await page.click('#record');
    await page.waitForFunction(() => ((globalThis as { pneumaDemo?: { recordedSeconds: number } }).pneumaDemo?.recordedSeconds ?? 0) >= 1, null, { timeout: 30_000 });
    await page.click('#record');
    const mic = (await waitFor(page, ['done'])).result;
    assert.ok(mic);
    assert.equal(mic.source, 'microphone');
    assert.equal(mic.decoder, 'audio-worklet');
    assert.equal(mic.sampleRate, 32000);
    assert.ok(mic.samples >= 32000 * 0.99, `at least the second waited for, got ${mic.samples} samples`);
    assert.equal(mic.embedding.length, 384);
    assert.ok(mic.embedding.every(Number.isFinite));
  } finally {
    await context?.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  }
});
