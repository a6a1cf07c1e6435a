/**
 * Embedding throughput of every registered encoder at FULL size (random weights from `initWeights`) on
 * one batch-1 standard clip, through onnxruntime-node at 1 and 2 intra-op threads, next to the same
 * model in PyTorch (bench/torch_models/<id>.py, run by bench/torch_embed.py with the Debian
 * /usr/bin/python3 and torch.set_num_threads equal) in the same invocation.
 *
 * Standard clips: OPERA-CE/CT 8 s (T = 251), OPERA-GT 8.18 s (256 frames), HeAR 2 s, EfficientAT 10 s at
 * 32 kHz (1000 frames). The model input is the encoder's own front end on seeded noise of that length,
 * cut by its `modelInputs` (the first piece). Per encoder and thread count it prints the median and best
 * time of `--runs` runs (after 3 warm-ups), clips/s (from the median), the PyTorch median and the speed-up
 * (PyTorch median / ONNX Runtime median), and achieved GFLOP/s (FLOPs counted on the graph by
 * src/ir/flops.ts) next to a 1024² MatMul's on the same runtime and threads. It also prints the mean process
 * CPU time per clip of both sides: on a shared machine the 1-thread CPU-time ratio is the steadier comparison
 * (with 2 threads, waiting threads may spin and count as CPU time). The load average is printed first.
 *
 * `--rss` instead measures the peak resident set size of a separate process that embeds 1 hour of real
 * audio with mn04 (released weights): ICBHI then KAUH recordings from ../shared/data, decoded, resampled to
 * 32 kHz and streamed through the EfficientAT front end and the graph in 10-s pieces (the model part of a
 * recording-level pipeline, which does not exist yet).
 *
 *   node --import tsx bench/embed-throughput.ts [--runs 20] [--encoders opera-ce,efficientat-mn04] [--threads 1,2] [--no-torch]
 *   node --import tsx bench/embed-throughput.ts --rss [--minutes 60]
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { GraphBuilder } from '../src/ir/index.ts';
import { countFlops } from '../src/ir/flops.ts';
import { initWeights } from '../src/nn/index.ts';
import { readOnnx, toOnnx } from '../src/onnx/index.ts';
import { createOrtNodeBackend } from '../src/platform/node/index.ts';
import { createFrontEnd } from '../src/audio/frontend.ts';
import { decodeWav } from '../src/audio/wav.ts';
import { mixToMono } from '../src/audio/mix.ts';
import { resample } from '../src/audio/resample.ts';
import { f32, type HostTensor } from '../src/tensor/index.ts';
import { Rng, fmtShape, numel } from '../src/util/index.ts';
import { encoderIds, encoders, type AnyEncoderDef } from '../src/encoders/registry.ts';
import type { EncoderId } from '../src/encoders/types.ts';
import { ENCODER_INPUT, buildEncoderGraph, encoderDynamicAxes } from '../src/encoders/encoder-graph.ts';
import { loadEncoderWeights } from '../src/encoders/weights.ts';
import { args, opt } from './tools/args.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SHARED = fileURLToPath(new URL('../../shared/', import.meta.url));

/** Seconds of audio in one standard clip per encoder (README examples and reference defaults). */
const STANDARD_SECONDS: { readonly [K in EncoderId]: number } = {
  'opera-ce': 8,
  'opera-ct': 8,
  'opera-gt': 8.18,
  hear: 2,
  'efficientat-mn04': 10,
};

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const best = (xs: readonly number[]) => Math.min(...xs);

/** Wall times of `runs` runs (ms) and the mean process CPU time per run (ms). */
async function timeSession(model: Uint8Array, feeds: Record<string, HostTensor>, threads: number, runs: number): Promise<{ ms: number[]; cpuMs: number }> {
  const s = await (await createOrtNodeBackend()).createSession(model, { threads });
  for (let i = 0; i < 3; i++) await s.run(feeds);
  const ms: number[] = [];
  const c0 = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await s.run(feeds);
    ms.push(performance.now() - t0);
  }
  const c = process.cpuUsage(c0);
  await s.release();
  return { ms, cpuMs: (c.user + c.system) / 1000 / runs };
}

function noise(seconds: number, sampleRate: number, seed: number): Float32Array {
  const rng = Rng.seeded(seed);
  const x = new Float32Array(Math.round(seconds * sampleRate));
  for (let i = 0; i < x.length; i++) x[i] = 0.1 * rng.normal();
  return x;
}

function standardInput(def: AnyEncoderDef, cfg: unknown): HostTensor<'float32'> {
  const sr = def.frontEnd.sampleRate;
  const spec = createFrontEnd(def.frontEnd).compute(noise(STANDARD_SECONDS[def.id], sr, 1), sr);
  const first = def.modelInputs(cfg, spec)[0];
  if (!first) throw new Error(`${def.id}: the standard clip gives no model input`);
  return first;
}

interface TorchResult {
  error?: string;
  params?: number;
  times_ms?: Record<string, number[]>;
  cpu_ms?: Record<string, number>;
}

function torchTimes(id: string, shape: readonly number[], threads: readonly number[], runs: number): TorchResult {
  const r = spawnSync('/usr/bin/python3', [join(ROOT, 'bench/torch_embed.py'), '--encoder', id, '--shape', shape.join(','), '--threads', threads.join(','), '--runs', String(runs)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) return { error: `torch_embed.py exited with ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}` };
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as TorchResult;
}

async function matmulPeak(threads: readonly number[], runs: number): Promise<Map<number, number>> {
  const n = 1024;
  const b = new GraphBuilder();
  const model = toOnnx(b.build({ c: b.matmul(b.input('a', [n, n]), b.input('b', [n, n])) }));
  const rng = Rng.seeded(3);
  const rand = () => f32([n, n], Array.from({ length: n * n }, () => rng.range(-1, 1)));
  const feeds = { a: rand(), b: rand() };
  const out = new Map<number, number>();
  for (const t of threads) out.set(t, (2 * n ** 3) / median((await timeSession(model, feeds, t, runs)).ms) / 1e6);
  return out;
}

async function throughput(): Promise<void> {
  const runs = Number(opt('runs', '20'));
  const threads = opt('threads', '1,2').split(',').map(Number);
  const ids = opt('encoders', encoderIds().join(',')).split(',') as EncoderId[];
  const withTorch = !args.includes('--no-torch');
  const peak = await matmulPeak(threads, runs);
  console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} cores; onnxruntime-node 1024² MatMul: ${threads.map((t) => `${t} thread(s) ${(peak.get(t) as number).toFixed(1)} GFLOP/s`).join(', ')}`);
  console.log('encoder | input | params | GFLOP/clip | ONNX nodes | threads | ORT median (best) ms | CPU ms/clip | clips/s | GFLOP/s (% of MatMul) | torch median (best) ms | torch CPU ms/clip | speed-up (wall) | speed-up (CPU)');
  for (const id of ids) {
    const def = encoders[id];
    if (!def) throw new Error(`unknown encoder '${id}' (registered: ${encoderIds().join(', ')})`);
    const cfg: unknown = def.presets.full;
    const x = standardInput(def, cfg);
    const g = buildEncoderGraph(def, cfg, x.shape, { mode: 'eval', pooling: 'default' });
    const weights = initWeights(g, Rng.seeded(0));
    const model = toOnnx(g, { weights });
    const nodes = readOnnx(model).nodes.length;
    const flops = countFlops(g);
    // trainable parameters the outputs use (declared-but-unused ones, e.g. MAE decoders, are not run)
    const params = g.nodes.filter((v) => v.is('Param') && v.params.trainable).reduce((s, v) => s + numel(v.shape), 0);
    const torch = withTorch ? torchTimes(id, x.shape, threads, runs) : { error: 'skipped (--no-torch)' };
    for (const t of threads) {
      const { ms, cpuMs } = await timeSession(model, { [ENCODER_INPUT]: x }, t, runs);
      const med = median(ms);
      const gflops = flops.total / med / 1e6;
      const tms = torch.times_ms?.[String(t)];
      const tcpu = torch.cpu_ms?.[String(t)];
      const torchCol = tms ? `${median(tms).toFixed(1)} (${best(tms).toFixed(1)})` : (torch.error ?? 'n/a');
      const ratio = tms ? `${(median(tms) / med).toFixed(2)}×` : '-';
      const cpuRatio = tcpu !== undefined ? `${(tcpu / cpuMs).toFixed(2)}×` : '-';
      console.log([id, fmtShape(x.shape), params.toLocaleString('en'), (flops.total / 1e9).toFixed(3), nodes, t, `${med.toFixed(1)} (${best(ms).toFixed(1)})`, cpuMs.toFixed(1),
        (1000 / med).toFixed(1), `${gflops.toFixed(1)} (${((100 * gflops) / (peak.get(t) as number)).toFixed(0)} %)`, torchCol, tcpu !== undefined ? tcpu.toFixed(1) : '-', ratio, cpuRatio].join(' | '));
    }
  }
}

/** The child of `--rss`: streams `minutes` of real audio through the mn04 front end and graph. */
async function rssChild(minutes: number): Promise<void> {
  const def = encoders['efficientat-mn04'] as AnyEncoderDef;
  const cfg: unknown = def.presets.full;
  const rate = def.frontEnd.sampleRate;
  const piece = 10 * rate;
  const weights = loadEncoderWeights(def, cfg, new Uint8Array(readFileSync(join(SHARED, 'fixtures/models/efficientat_mn04/mn04_as_mAP_432.pt'))), 'mn04_as_mAP_432.pt');
  const g = buildEncoderGraph(def, cfg, [1, 1, 128, 1000], { mode: 'eval', pooling: 'default' });
  const session = await (await createOrtNodeBackend()).createSession(toOnnx(g, { weights, dynamicAxes: encoderDynamicAxes(def, cfg) }), { threads: 2 });
  const frontEnd = createFrontEnd(def.frontEnd);
  const rssAfterLoad = process.memoryUsage().rss;
  const dirs = ['data/icbhi/ICBHI_final_database', 'data/kauh/AudioFiles'].map((d) => join(SHARED, d));
  const files = dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.wav')).sort().map((f) => join(d, f)));
  const target = Math.round(minutes * 60 * rate);
  let pending = new Float32Array(0);
  let done = 0;
  let pieces = 0;
  const sum = new Float64Array(def.embeddingDim(cfg, 'default'));
  const t0 = performance.now();
  const embed = async (x: Float32Array) => {
    const [input] = def.modelInputs(cfg, frontEnd.compute(x, rate));
    const out = await session.run({ [ENCODER_INPUT]: input as HostTensor }, { outputs: ['embedding'] });
    (out.embedding?.data as Float32Array).forEach((v, i) => (sum[i] = (sum[i] as number) + v));
    pieces++;
    done += x.length;
  };
  for (const f of files) {
    if (done + pending.length >= target) break;
    const audio = decodeWav(new Uint8Array(readFileSync(f)), f);
    const mono = resample(mixToMono(audio.channels), audio.sampleRate, rate, 'torchaudio');
    const joined = new Float32Array(pending.length + mono.length);
    joined.set(pending);
    joined.set(mono, pending.length);
    let at = 0;
    while (joined.length - at >= piece && done < target) {
      await embed(joined.subarray(at, at + piece));
      at += piece;
    }
    pending = joined.slice(at);
  }
  if (done < target && pending.length > 0) await embed(pending.subarray(0, Math.min(pending.length, target - done)));
  const wall = (performance.now() - t0) / 1000;
  const maxRss = process.resourceUsage().maxRSS * 1024;
  console.log(JSON.stringify({ seconds: done / rate, pieces, wall_s: wall, realtime_factor: done / rate / wall, rss_after_model_load_mb: rssAfterLoad / 2 ** 20, peak_rss_mb: maxRss / 2 ** 20 }));
}

async function rss(): Promise<void> {
  const minutes = opt('minutes', '60');
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--rss-child', '--minutes', minutes], { encoding: 'utf8', cwd: ROOT, maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`RSS child failed: ${r.stderr}`);
  const res = JSON.parse(r.stdout.trim().split('\n').pop() as string) as Record<string, number>;
  console.log(`mn04, ${(res.seconds as number / 60).toFixed(1)} min of real audio in ${res.pieces} pieces of 10 s (front end + graph, 2 threads):`);
  console.log(`  ${(res.wall_s as number).toFixed(1)} s wall, ${(res.realtime_factor as number).toFixed(0)}× real time; RSS after model load ${(res.rss_after_model_load_mb as number).toFixed(0)} MiB, peak RSS ${(res.peak_rss_mb as number).toFixed(0)} MiB`);
  console.log(`  (holding the whole hour decoded at 32 kHz float32 would add ${(3600 * 32000 * 4 / 2 ** 20).toFixed(0)} MiB)`);
}

if (args.includes('--rss-child')) await rssChild(Number(opt('minutes', '60')));
else if (args.includes('--rss')) await rss();
else await throughput();
