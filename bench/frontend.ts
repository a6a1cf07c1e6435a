/**
 * Front-end throughput against torch/torchaudio on the same audio, single thread on both sides.
 *
 * 1. Builds `--minutes` (default 60) of real 16 kHz mono audio once: every ICBHI recording, then KAUH
 *    files in name order, each decoded and resampled to 16 kHz mono s16 by ffmpeg and concatenated; a
 *    32 kHz copy (ffmpeg resampler) for EfficientAT. Both are PCM16 WAVs in a temp folder that both
 *    sides read, so both see the same samples.
 * 2. Times each front end over the whole file (HeAR: consecutive 2-s clips), `--repeat` times after a
 *    10-s warm-up, with the spectrogram kernels chosen by `--kernels` (auto: WebAssembly SIMD where
 *    available; js: the JavaScript specification; see src/audio/mel-stft.ts).
 * 3. After each front end, spawns bench/frontend_torchaudio.py (Debian python3 with torch,
 *    torch.set_num_threads(1)) for the same computation, also `--repeat` times. Prints the medians over
 *    the repeats: seconds of audio per wall second for both and the speed-up (torch time / pneuma time)
 *    in wall time and in process CPU time (the latter is steadier when other work shares the machine).
 *
 *   node --import tsx bench/frontend.ts [--minutes 60] [--repeat 1] [--kinds opera,hear,kaldi,m2d,efficientat]
 *     [--kernels auto|js|wasm] [--no-torch]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FRONTENDS, FRONTEND_KINDS, createFrontEnd, type FrontEndKind } from '../src/audio/frontend.ts';
import type { KernelChoice } from '../src/audio/kernel-choice.ts';
import { decodeWav, encodeWav } from '../src/audio/wav.ts';
import { writeFileAtomic } from '../src/platform/node/index.ts';
import { args, opt } from './tools/args.ts';

const minutes = Number(opt('minutes', '60'));
const repeat = Number(opt('repeat', '1'));
const kinds = opt('kinds', FRONTEND_KINDS.join(',')).split(',') as FrontEndKind[];
const kernels = opt('kernels', 'auto') as KernelChoice;
const withTorch = !args.includes('--no-torch');
for (const k of kinds) if (!FRONTEND_KINDS.includes(k)) throw new Error(`unknown front end ${k}`);
if (!['auto', 'js', 'wasm'].includes(kernels)) throw new Error(`unknown --kernels ${kernels}`);
if (!(Number.isInteger(repeat) && repeat >= 1)) throw new Error(`--repeat must be a positive integer`);

const DATA = new URL('../../shared/data/', import.meta.url).pathname;
const dir = join(tmpdir(), 'pneuma-bench-frontend');
const wav16 = join(dir, `audio_${minutes}min_16k.wav`);
const wav32 = join(dir, `audio_${minutes}min_32k.wav`);

function ffmpeg(argv: string[]): Buffer {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', ...argv], { maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`ffmpeg ${argv.join(' ')} failed: ${r.stderr.toString()}`);
  return r.stdout;
}

function prepare(): void {
  if (existsSync(wav16) && existsSync(wav32)) return;
  const target = Math.round(minutes * 60 * 16000);
  const files = [
    ...readdirSync(join(DATA, 'icbhi/ICBHI_final_database')).filter((f) => f.endsWith('.wav')).sort().map((f) => join(DATA, 'icbhi/ICBHI_final_database', f)),
    ...readdirSync(join(DATA, 'kauh/AudioFiles')).filter((f) => f.endsWith('.wav')).sort().map((f) => join(DATA, 'kauh/AudioFiles', f)),
  ];
  const out = new Float32Array(target);
  let n = 0;
  for (const f of files) {
    if (n >= target) break;
    const pcm = ffmpeg(['-i', f, '-ac', '1', '-ar', '16000', '-f', 's16le', '-']);
    const s = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length >> 1);
    const take = Math.min(s.length, target - n);
    for (let i = 0; i < take; i++) out[n + i] = (s[i] as number) / 32768;
    n += take;
  }
  if (n < target) throw new Error(`only ${(n / 16000 / 60).toFixed(1)} min of audio under ${DATA}`);
  writeFileAtomic(wav16, encodeWav({ sampleRate: 16000, channels: [out] }, 'pcm16'));
  const tmp32 = `${wav32}.tmp.wav`;
  ffmpeg(['-y', '-i', wav16, '-ar', '32000', '-c:a', 'pcm_s16le', tmp32]);
  writeFileAtomic(wav32, readFileSync(tmp32));
  rmSync(tmp32);
}

function load(path: string, rate: number): Float32Array {
  const d = decodeWav(readFileSync(path), path);
  if (d.sampleRate !== rate || d.channels.length !== 1) throw new Error(`${path}: expected mono ${rate} Hz`);
  return d.channels[0] as Float32Array;
}

interface Row {
  /** Median wall-clock seconds over the repeats. */
  seconds: number;
  /** Median process CPU seconds over the repeats (robust against other load on the machine). */
  cpu: number;
  shape: number[];
  mean: number;
  std: number;
}

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? (s[h] as number) : ((s[h - 1] as number) + (s[h] as number)) / 2;
};

function runTs(kind: FrontEndKind, x: Float32Array): Row {
  const cfg = FRONTENDS[kind];
  const fe = createFrontEnd(cfg, kernels);
  const sr = cfg.sampleRate;
  const all = (y: Float32Array): { data: Float32Array[]; shape: number[] } => {
    if (kind !== 'hear') {
      const t = fe.compute(y, sr);
      return { data: [t.data], shape: [...t.shape] };
    }
    const data: Float32Array[] = [];
    for (let s = 0; s + 32000 <= y.length; s += 32000) data.push(fe.compute(y.subarray(s, s + 32000), sr).data);
    return { data, shape: [data.length, 192, 128] };
  };
  all(x.subarray(0, sr * 10));
  const walls: number[] = [];
  const cpus: number[] = [];
  let last: { data: Float32Array[]; shape: number[] } = { data: [], shape: [] };
  for (let r = 0; r < repeat; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    last = all(x);
    walls.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1e6);
  }
  let sum = 0;
  let sq = 0;
  let cnt = 0;
  for (const d of last.data) {
    for (const v of d) {
      sum += v;
      sq += v * v;
    }
    cnt += d.length;
  }
  const mean = sum / cnt;
  return { seconds: median(walls), cpu: median(cpus), shape: last.shape, mean, std: Math.sqrt(Math.max(0, sq / cnt - mean * mean)) };
}

function runTorch(kind: FrontEndKind): Row {
  const script = new URL('./frontend_torchaudio.py', import.meta.url).pathname;
  const r = spawnSync('/usr/bin/python3', [script, '--wav16', wav16, '--wav32', wav32, '--kinds', kind, '--repeat', String(repeat)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
  });
  if (r.status !== 0) throw new Error(`frontend_torchaudio.py failed with status ${r.status}`);
  const line = r.stdout.split('\n').find((l) => l.trim().startsWith('{'));
  if (line === undefined) throw new Error(`frontend_torchaudio.py printed no result for ${kind}`);
  return JSON.parse(line) as Row;
}

prepare();
const audio = { 16000: load(wav16, 16000), 32000: load(wav32, 32000) };
const audioSeconds = audio[16000].length / 16000;
console.log(`front ends on ${(audioSeconds / 60).toFixed(1)} min of real 16 kHz audio (${wav16}), median of ${repeat}, one thread, kernels ${kernels}`);
const ts = new Map<string, Row>();
const torch = new Map<string, Row>();
// each front end, then its torch counterpart right after, so both see similar machine load
for (const kind of kinds) {
  const x = audio[FRONTENDS[kind].sampleRate as 16000 | 32000];
  const r = runTs(kind, x);
  ts.set(kind, r);
  console.log(`  pneuma ${kind.padEnd(12)} ${r.seconds.toFixed(3)} s wall, ${r.cpu.toFixed(3)} s cpu  [${r.shape.join(',')}]`);
  if (withTorch) {
    const t = runTorch(kind);
    torch.set(kind, t);
    console.log(`  torch  ${kind.padEnd(12)} ${t.seconds.toFixed(3)} s wall, ${t.cpu.toFixed(3)} s cpu  [${t.shape.join(',')}]`);
  }
}
console.log('\nfront end    pneuma wall/cpu s  audio-s/s   torch wall/cpu s  audio-s/s  speed-up wall/cpu  output mean/std (pneuma | torch)');
for (const kind of kinds) {
  const a = ts.get(kind) as Row;
  const b = torch.get(kind);
  const secs = kind === 'hear' ? Math.floor(audio[16000].length / 32000) * 2 : audioSeconds;
  const pair = (r: Row): string => `${r.seconds.toFixed(2)}/${r.cpu.toFixed(2)}`.padStart(17);
  const line = [
    kind.padEnd(12),
    pair(a),
    (secs / a.seconds).toFixed(0).padStart(10),
    b ? pair(b) : '-'.padStart(17),
    b ? (secs / b.seconds).toFixed(0).padStart(10) : '-'.padStart(10),
    b ? `${(b.seconds / a.seconds).toFixed(2)}x/${(b.cpu / a.cpu).toFixed(2)}x`.padStart(18) : '-'.padStart(18),
    `  ${a.mean.toFixed(4)}/${a.std.toFixed(4)} | ${b ? `${b.mean.toFixed(4)}/${b.std.toFixed(4)} [${b.shape.join(',')}]` : '-'}`,
  ];
  console.log(line.join(' '));
}
