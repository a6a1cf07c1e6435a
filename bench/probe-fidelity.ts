/**
 * Probe-fidelity benchmark: Pneuma's OPERA and HeAR probes against reference implementations
 * (bench/probe_opera_torch.py: PyTorch, the loop Lightning runs for OPERA; bench/probe_hear_sklearn.py:
 * scikit-learn as HeAR's eval_utils) on the same embedding matrices and splits, written to a temp dir
 * as .npy. Tasks: four synthetic ones with OPERA-like sizes (known structure: class-mean shift, a
 * low-rank correlated noise factor, per-participant offsets) and one real task from the KAUH
 * recordings in ../shared/data (healthy vs asthma/COPD, OPERA T10 labels, subject-disjoint splits),
 * with log-mel statistics as embeddings.
 * Prints, per task: OPERA protocol mean test AUROC over seeds 0–4 (Pneuma streams vs PyTorch streams)
 * and |Δ|; the largest per-seed |Δ| when PyTorch replays Pneuma's initial heads and batch orders
 * (float64 and float32); HeAR protocol test AUROC and |Δ|, the selected C on both sides and the
 * largest CV-curve |Δ|. Goal: |Δ| ≤ 0.01 per task for both protocols.
 *
 * Run: node --import tsx bench/probe-fidelity.ts [--quick] [--keep] [--only name,name] [--seeds N] [--skip-hear]
 *   --quick      every 7th penalty of the HeAR grid and 2 OPERA seeds (smoke run)
 *   --seeds N    OPERA seeds 0…N−1 instead of OPERA's 0–4 (shrinks the seed noise in the
 *                independent-stream comparison)
 *   --skip-hear  OPERA protocol only
 * Needs /usr/bin/python3 with torch and scikit-learn (Debian python3-torch, python3-sklearn).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/util/index.ts';
import { f32, f64, i64, serializeNpy } from '../src/tensor/index.ts';
import { writeFileAtomic } from '../src/platform/node/fs.ts';
import { decodeAudio } from '../src/audio/decode.ts';
import { OPERA_FRONTEND, buildOpera } from '../src/audio/frontend-opera.ts';
import { type Matrix, matrix, selectRows, selectValues } from '../src/bench/stats-matrix.ts';
import type { LabelledSet } from '../src/bench/probe-data.ts';
import { operaLinearProbe, trainOperaClassifier } from '../src/bench/probe-opera.ts';
import { OPERA_CLASSIFIER_L2, OPERA_OPTIMIZER, OPERA_SEEDS, operaStreams } from '../src/bench/probe-opera-optim.ts';
import { HEAR_LBFGS, HEAR_PENALTIES, hearLinearProbe } from '../src/bench/probe-hear.ts';
import { checkSubjectLeakage, groupedStratifiedKFold } from '../src/bench/splits.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PYTHON = '/usr/bin/python3';
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const keep = args.includes('--keep');
const onlyArg = args[args.indexOf('--only') + 1];
const only = args.includes('--only') && onlyArg ? onlyArg.split(',') : null;
const seedsArg = args.includes('--seeds') ? Number(args[args.indexOf('--seeds') + 1]) : null;
const seeds = seedsArg !== null ? Array.from({ length: seedsArg }, (_, i) => i) : quick ? OPERA_SEEDS.slice(0, 2) : OPERA_SEEDS;
const skipHear = args.includes('--skip-hear');
const penalties = quick ? HEAR_PENALTIES.filter((_, i) => i % 7 === 0) : HEAR_PENALTIES;

interface Part {
  readonly set: LabelledSet;
  readonly groups: readonly string[];
}
interface FidelityTask {
  readonly name: string;
  readonly classes: number;
  readonly opera: { readonly epochs: number; readonly batchSize: number; readonly checkpointEvery: number };
  readonly train: Part;
  readonly val: Part;
  readonly test: Part;
}

interface SynthSpec {
  readonly name: string;
  readonly classes: number;
  readonly features: number;
  readonly rowsPerParticipant: number;
  /** Participants in train / val / test. */
  readonly participants: readonly [number, number, number];
  /** Share of participants in each class. */
  readonly classShare: readonly number[];
  /** Length of the class-mean shift, in units of the per-feature noise. */
  readonly shift: number;
  readonly opera: FidelityTask['opera'];
  readonly seed: number;
}

const SYNTH: readonly SynthSpec[] = [
  { name: 'syn-icbhi-t7', classes: 2, features: 768, rowsPerParticipant: 4, participants: [92, 23, 91], classShare: [0.9, 0.1], shift: 8, opera: { epochs: 64, batchSize: 32, checkpointEvery: 1 }, seed: 7 },
  { name: 'syn-kauh-t10', classes: 2, features: 1280, rowsPerParticipant: 3, participants: [49, 6, 24], classShare: [0.45, 0.55], shift: 4, opera: { epochs: 50, batchSize: 32, checkpointEvery: 5 }, seed: 10 },
  { name: 'syn-resptr-t11', classes: 5, features: 768, rowsPerParticipant: 12, participants: [26, 7, 9], classShare: [0.2, 0.2, 0.2, 0.2, 0.2], shift: 4, opera: { epochs: 64, batchSize: 32, checkpointEvery: 1 }, seed: 11 },
  { name: 'syn-coughvid-t6', classes: 2, features: 384, rowsPerParticipant: 1, participants: [1200, 400, 1000], classShare: [0.65, 0.35], shift: 3, opera: { epochs: 64, batchSize: 64, checkpointEvery: 1 }, seed: 6 },
];

/**
 * x = μ_y + o_p + F z + ε: μ_y = shift·u_y with u_y a random unit vector per class (class 0 at
 * the origin for two classes), o_p ~ N(0, 0.5²·I) per participant, F (d × 16) ~ N(0, 1/16)
 * a shared correlated factor with z ~ N(0, I₁₆), ε ~ N(0, I). Rounded to float32 like real embeddings.
 */
function synthetic(s: SynthSpec): FidelityTask {
  const rng = Rng.seeded(s.seed);
  const d = s.features;
  const r = 16;
  const factor = Float64Array.from({ length: d * r }, () => rng.normal() / Math.sqrt(r));
  const means = Array.from({ length: s.classes }, (_, k) => {
    if (s.classes === 2 && k === 0) return new Float64Array(d);
    const u = Float64Array.from({ length: d }, () => rng.normal());
    const norm = Math.sqrt(u.reduce((a, b) => a + b * b, 0));
    return u.map((v) => (s.shift * v) / norm);
  });
  const part = (participants: number, prefix: string): Part => {
    const labels: number[] = [];
    s.classShare.forEach((share, k) => {
      const m = k === s.classes - 1 ? participants - labels.length : Math.round(share * participants);
      for (let i = 0; i < m; i++) labels.push(k);
    });
    rng.shuffle(labels);
    const rows = participants * s.rowsPerParticipant;
    const x = new Float64Array(rows * d);
    const y = new Float64Array(rows);
    const groups: string[] = [];
    const z = new Float64Array(r);
    for (let p = 0; p < participants; p++) {
      const offset = Float64Array.from({ length: d }, () => 0.5 * rng.normal());
      const mu = means[labels[p] as number] as Float64Array;
      for (let k = 0; k < s.rowsPerParticipant; k++) {
        const i = p * s.rowsPerParticipant + k;
        y[i] = labels[p] as number;
        groups.push(`${prefix}${p}`);
        for (let q = 0; q < r; q++) z[q] = rng.normal();
        for (let j = 0; j < d; j++) {
          let v = (mu[j] as number) + (offset[j] as number) + rng.normal();
          for (let q = 0; q < r; q++) v += (factor[j * r + q] as number) * (z[q] as number);
          x[i * d + j] = Math.fround(v);
        }
      }
    }
    return { set: { x: matrix(rows, d, x), y }, groups };
  };
  const [a, b, c] = s.participants;
  return { name: s.name, classes: s.classes, opera: s.opera, train: part(a, 'tr'), val: part(b, 'va'), test: part(c, 'te') };
}

/** Minimal RFC 4180 line split (quoted fields may contain commas). */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/**
 * KAUH (OPERA T10 labels: healthy 0, asthma/COPD 1) from ../shared/data/kauh: decoded with
 * src/audio, OPERA's log-mel front end at the files' native 4 kHz (n_fft 256, hop 64, 32 Slaney mels
 * 50–2000 Hz, dB re max, min–max normalised), embedding = per-band mean, std and mean |Δ| over
 * frames (96 values). Subject-disjoint split: subject-stratified 4-fold assignment, fold 0 test,
 * fold 1 validation, the rest training.
 */
async function kauh(): Promise<FidelityTask> {
  const dir = join(ROOT, '..', 'shared', 'data', 'kauh');
  const lines = readFileSync(join(dir, 'manifest.csv'), 'utf8').split('\n').filter((l) => l.length > 0);
  const head = csvFields(lines[0] as string);
  const col = (name: string) => head.indexOf(name);
  const rows = lines.slice(1).map(csvFields).filter((f) => f[col('opera_t10_binary')] === '0' || f[col('opera_t10_binary')] === '1');
  const fe = buildOpera({ ...OPERA_FRONTEND, sampleRate: 4000, nFft: 256, hop: 64, mel: { nMels: 32, fmin: 50, fmax: 2000, scale: 'slaney', norm: 'slaney' } });
  const m = 32;
  const d = 3 * m;
  const x = new Float64Array(rows.length * d);
  const y = new Float64Array(rows.length);
  const subjects: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const f = rows[i] as string[];
    const file = f[col('file')] as string;
    const audio = await decodeAudio(new Uint8Array(readFileSync(join(dir, file))), file);
    if (audio.sampleRate !== 4000 || audio.channels.length !== 1) throw new Error(`${file}: expected 4 kHz mono, got ${audio.sampleRate} Hz × ${audio.channels.length}`);
    const spec = fe(audio.channels[0] as Float32Array);
    const t = spec.shape[0] as number;
    for (let b = 0; b < m; b++) {
      let s = 0;
      let s2 = 0;
      let dl = 0;
      for (let k = 0; k < t; k++) {
        const v = spec.data[k * m + b] as number;
        s += v;
        s2 += v * v;
        if (k > 0) dl += Math.abs(v - (spec.data[(k - 1) * m + b] as number));
      }
      const mu = s / t;
      x[i * d + b] = Math.fround(mu);
      x[i * d + m + b] = Math.fround(Math.sqrt(Math.max(0, s2 / t - mu * mu)));
      x[i * d + 2 * m + b] = Math.fround(dl / (t - 1));
    }
    y[i] = Number(f[col('opera_t10_binary')]);
    subjects.push(f[col('subject_id')] as string);
  }
  const all = matrix(rows.length, d, x);
  const folds = groupedStratifiedKFold('kauh-logmel', subjects, y, 4, Rng.seeded(2024));
  const take = (idx: ArrayLike<number>): Part => ({ set: { x: selectRows(all, idx), y: selectValues(y, idx) }, groups: Array.from(idx, (r) => subjects[r] as string) });
  const test = take(folds[0]!.test);
  const val = take(folds[1]!.test);
  const inTrain = new Set([...Array(rows.length).keys()].filter((r) => !folds[0]!.test.includes(r) && !folds[1]!.test.includes(r)));
  const train = take([...inTrain]);
  checkSubjectLeakage('kauh-logmel', [{ name: 'train', subjects: train.groups }, { name: 'val', subjects: val.groups }, { name: 'test', subjects: test.groups }]);
  return { name: 'kauh-logmel', classes: 2, opera: { epochs: 50, batchSize: 32, checkpointEvery: 5 }, train, val, test };
}

function npy(dir: string, name: string, t: Parameters<typeof serializeNpy>[0]): void {
  writeFileAtomic(join(dir, name), serializeNpy(t));
}
const f32m = (m: Matrix) => f32([m.rows, m.cols], m.data);
const labels64 = (y: ArrayLike<number>) => i64([y.length], Array.from(y));

function python(script: string, argv: string[]): unknown {
  const out = argv[argv.indexOf('--out') + 1] as string;
  const r = spawnSync(PYTHON, [join(ROOT, 'bench', script), ...argv], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`${script} failed with status ${r.status}`);
  return JSON.parse(readFileSync(out, 'utf8'));
}

interface TorchOut {
  runs: { seed: number; test_auroc: number; best_epoch: number; val_curve: number[]; best_weight?: number[]; best_bias?: number[] }[];
  mean: number;
  std: number;
  seconds: number;
}
interface SklearnOut {
  best_penalty: number;
  cv: { penalty: number; mean: number }[];
  test_auroc: number;
  convergence_warnings: number;
  seconds: number;
}

const fmt = (v: number, n = 4) => v.toFixed(n);
const maxAbs = (a: number[], b: number[]) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0);

async function main(): Promise<void> {
  const tasks: FidelityTask[] = [];
  for (const s of SYNTH) if (!only || only.includes(s.name)) tasks.push(synthetic(s));
  if (!only || only.includes('kauh-logmel')) tasks.push(await kauh());
  const root = mkdtempSync(join(tmpdir(), 'pneuma-probe-fidelity-'));
  const lines: string[] = [];
  try {
    for (const task of tasks) {
      const dir = join(root, task.name);
      const { train, val, test } = task;
      const d = train.set.x.cols;
      for (const [name, p] of [['train', train], ['val', val], ['test', test]] as const) {
        npy(dir, `x_${name}.npy`, f32m(p.set.x));
        npy(dir, `y_${name}.npy`, labels64(p.set.y));
      }
      const ocfg = { task: task.name, classes: task.classes, epochs: task.opera.epochs, batchSize: task.opera.batchSize, l2: OPERA_CLASSIFIER_L2, checkpointEvery: task.opera.checkpointEvery, optimizer: OPERA_OPTIMIZER };
      writeFileAtomic(join(dir, 'opera.json'), JSON.stringify({
        classes: task.classes, epochs: ocfg.epochs, batch_size: ocfg.batchSize, l2: ocfg.l2, checkpoint_every: ocfg.checkpointEvery, seeds,
        lr: OPERA_OPTIMIZER.lr, decay: OPERA_OPTIMIZER.decay, clip: OPERA_OPTIMIZER.clipNorm,
      }));
      const data = { train: train.set, val: val.set, test: test.set };
      let t0 = performance.now();
      const ts = operaLinearProbe(data, ocfg, seeds);
      const tsSeconds = (performance.now() - t0) / 1000;
      // Pneuma's own streams, written out for the replay runs.
      const n = train.set.x.rows;
      const w = new Float64Array(seeds.length * task.classes * d);
      const b = new Float64Array(seeds.length * task.classes);
      const orders = new Array<number>(seeds.length * ocfg.epochs * n);
      seeds.forEach((seed, si) => {
        const s = operaStreams(seed, d, task.classes, n);
        w.set(s.init.weight, si * task.classes * d);
        b.set(s.init.bias, si * task.classes);
        for (let e = 0; e < ocfg.epochs; e++) Array.from(s.epochOrder(e)).forEach((r, k) => (orders[(si * ocfg.epochs + e) * n + k] = r));
      });
      npy(dir, 'init_weight.npy', f64([seeds.length, task.classes, d], w));
      npy(dir, 'init_bias.npy', f64([seeds.length, task.classes], b));
      npy(dir, 'orders.npy', i64([seeds.length, ocfg.epochs, n], orders));
      const torchInd = python('probe_opera_torch.py', [dir, '--mode', 'independent', '--out', join(dir, 'torch_ind.json')]) as TorchOut;
      const torch64 = python('probe_opera_torch.py', [dir, '--mode', 'replay', '--dtype', 'float64', '--out', join(dir, 'torch_r64.json')]) as TorchOut;
      const torch32 = python('probe_opera_torch.py', [dir, '--mode', 'replay', '--dtype', 'float32', '--out', join(dir, 'torch_r32.json')]) as TorchOut;
      const tsTests = ts.seeds.map((s) => s.testMetric);
      const replay64 = maxAbs(tsTests, torch64.runs.map((r) => r.test_auroc));
      const curve64 = Math.max(...ts.seeds.map((s, i) => maxAbs([...s.valCurve], torch64.runs[i]!.val_curve)));
      const head64 = Math.max(
        ...ts.seeds.map((s, i) => {
          const r = torch64.runs[i]!;
          return s.bestEpoch === r.best_epoch ? maxAbs([...s.head.weight, ...s.head.bias], [...(r.best_weight ?? []), ...(r.best_bias ?? [])]) : NaN;
        }),
      );
      const replay32 = maxAbs(tsTests, torch32.runs.map((r) => r.test_auroc));

      const operaCols = [
        `${fmt(ts.mean)}±${fmt(ts.std, 3)}`,
        `${fmt(torchInd.mean)}±${fmt(torchInd.std, 3)}`,
        `${fmt(Math.abs(ts.mean - torchInd.mean))}${Math.abs(ts.mean - torchInd.mean) <= 0.01 ? ' ' : '!'}`,
        `${replay64.toExponential(1)}/${curve64.toExponential(1)}/${Number.isNaN(head64) ? 'epochs differ' : head64.toExponential(1)}`,
        replay32.toExponential(1),
      ];
      const sizes = [task.name.padEnd(16), `${n}/${val.set.x.rows}/${test.set.x.rows}`.padEnd(15), String(d).padStart(5), String(task.classes).padStart(2)];
      if (skipHear) {
        lines.push([...sizes, ...operaCols, `${tsSeconds.toFixed(1)}/${torchInd.seconds.toFixed(1)}`].join('  '));
        console.error(`done ${task.name}`);
        continue;
      }

      // HeAR protocol: train ∪ val as the training set, participant-grouped CV inside it.
      const tv = { x: matrix(n + val.set.x.rows, d, [...train.set.x.data, ...val.set.x.data]), y: Float64Array.from([...Array.from(train.set.y), ...Array.from(val.set.y)]) };
      const tvGroups = [...train.groups, ...val.groups];
      const hcfg = { task: task.name, target: { kind: 'classification', classes: task.classes } as const, penalties, folds: 5, foldSeed: 43, standardize: true, solver: HEAR_LBFGS };
      t0 = performance.now();
      const hear = hearLinearProbe({ train: tv, trainGroups: tvGroups, test: test.set }, hcfg);
      const hearSeconds = (performance.now() - t0) / 1000;
      const foldOf = new Array<number>(tv.x.rows).fill(-1);
      hear.folds.forEach((f, k) => f.test.forEach((r) => (foldOf[r] = k)));
      npy(dir, 'x_trainval.npy', f32m(tv.x));
      npy(dir, 'y_trainval.npy', labels64(tv.y));
      npy(dir, 'folds.npy', i64([foldOf.length], foldOf));
      npy(dir, 'penalties.npy', f64([penalties.length], penalties));
      writeFileAtomic(join(dir, 'hear.json'), JSON.stringify({ classes: task.classes, standardize: true }));
      const sk = python('probe_hear_sklearn.py', [dir, '--out', join(dir, 'sklearn.json')]) as SklearnOut;
      const cvDiff = maxAbs(hear.cv.map((c) => c.meanMetric), sk.cv.map((c) => c.mean));

      const dHear = Math.abs(hear.testMetric - sk.test_auroc);
      lines.push(
        [
          ...sizes,
          ...operaCols,
          fmt(hear.testMetric),
          fmt(sk.test_auroc),
          `${dHear.toExponential(1)}${dHear <= 0.01 ? ' ' : '!'}`,
          `${hear.bestPenalty.toExponential(2)}/${sk.best_penalty.toExponential(2)}`,
          cvDiff.toExponential(1),
          `${tsSeconds.toFixed(1)}/${torchInd.seconds.toFixed(1)}  ${hearSeconds.toFixed(1)}/${sk.seconds.toFixed(1)}`,
          `${hear.unconvergedFits}/${sk.convergence_warnings}`,
        ].join('  '),
      );
      console.error(`done ${task.name}`);
    }
  } finally {
    if (!keep) rmSync(root, { recursive: true, force: true });
    else console.error(`inputs kept in ${root}`);
  }
  console.log(`probe fidelity (${seeds.length} OPERA seeds, ${skipHear ? 'HeAR skipped' : `${penalties.length} HeAR penalties`}); AUROC on the test rows`);
  console.log('replay64: max |Δ| over seeds of test AUROC / validation curves / selected head when PyTorch (float64) replays Pneuma\'s initial heads and batch orders; rep32: test AUROC, PyTorch float32');
  const head = ['task'.padEnd(16), 'train/val/test'.padEnd(15), '    d', ' C', 'OPERA TS mean±sd', 'OPERA torch±sd', '|Δ|    ', 'replay64 test/curve/head', 'rep32'];
  console.log(
    (skipHear ? [...head, 'sec TS/torch'] : [...head, 'HeAR TS', 'HeAR sk', '|Δ|    ', 'C TS/sk', 'CV |Δ|', 'sec OPERA TS/torch  HeAR TS/sk', 'unconv TS/sk']).join('  '),
  );
  for (const l of lines) console.log(l);
}

await main();
