/**
 * Pretraining throughput: Pneuma's training steps on onnxruntime-node next to PyTorch (bench/torch_pretrain.py,
 * Debian's python3-torch: same model, batch, input length, threads and optimizer) in one invocation, and
 * the time of one epoch over the corpus built from a data root.
 *
 *   cola-ce  COLA with OPERA-CE at full size (EfficientNet-B0 on both views, OPERA's head, dropout,
 *            drop-connect), Adam 1e-4: the `cola-opera-ce` preset's step;
 *   mae-gt   MAE with OPERA-GT at full size (ViT-S/4 encoder on 30 % of the patches, OPERA's 16-block
 *            SwinV2-CR decoder), Adam 1e-4: the `mae-opera-gt` preset's step.
 * Inputs are uniform random spectrograms (MAE masks drawn as in training); the step time is the median of
 * `--steps` timed steps after `--warmup`. The two runtimes are measured alternately, `--rounds` times, and the
 * median of each is reported, so that load from other processes affects both alike.
 *
 * --epoch additionally runs one epoch of each preset through the whole pipeline (corpus store, batch worker,
 * one step per crop length) on --data (default ../shared/data), excluding the test data of --exclude
 * (default the `opera` suite: with every task excluded, the development corpus leaves too little to train on),
 * at the preset's batch size unless --epoch-batch-ce / --epoch-batch-gt give another.
 *
 *   node --import tsx bench/pretrain-throughput.ts [--cases cola-ce,mae-gt] [--batch-ce 32] [--frames-ce 200]
 *        [--batch-gt 16] [--frames-gt 256] [--threads 2] [--steps 3] [--warmup 1] [--rounds 1] [--no-torch]
 *        [--epoch | --epoch-only] [--epoch-batch-ce 128] [--epoch-batch-gt 64] [--data ../shared/data] [--exclude opera]
 *        [--store .pneuma-cache/corpus]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildTrainStep, initialTrainState, Trainer } from '../src/train/index.ts';
import { initWeights } from '../src/nn/index.ts';
import { countFlops } from '../src/ir/flops.ts';
import { f32, tensor, type HostTensor } from '../src/tensor/index.ts';
import { Rng } from '../src/util/index.ts';
import { createOrtNodeBackend } from '../src/platform/node/index.ts';
import type { PretrainConfig } from '../src/ssl/config.ts';
import { buildPretrainGraph, resolvePretrainModel, MAE_INPUTS, COLA_INPUTS } from '../src/ssl/pretrain-step.ts';
import { drawMaeMasks, keptPatches } from '../src/ssl/mae.ts';
import { PRETRAIN_PRESETS } from '../configs/pretrain/index.ts';
import { setupPretrain } from '../apps/cli/commands/pretrain-setup.ts';
import { runPretrain } from '../apps/cli/commands/pretrain-run.ts';
import { args, opt } from './tools/args.ts';

const threads = Number(opt('threads', '2'));
const steps = Number(opt('steps', '3'));
const warmup = Number(opt('warmup', '1'));
const rounds = Number(opt('rounds', '1'));
const cases = opt('cases', 'cola-ce,mae-gt').split(',');
const withTorch = !args.includes('--no-torch');

interface Case {
  readonly id: 'cola-ce' | 'mae-gt';
  readonly preset: PretrainConfig;
  readonly batch: number;
  readonly frames: number;
}

const CASES: Record<string, Case> = {
  'cola-ce': { id: 'cola-ce', preset: PRETRAIN_PRESETS['cola-opera-ce'], batch: Number(opt('batch-ce', '32')), frames: Number(opt('frames-ce', '200')) },
  'mae-gt': { id: 'mae-gt', preset: PRETRAIN_PRESETS['mae-opera-gt'], batch: Number(opt('batch-gt', '16')), frames: Number(opt('frames-gt', '256')) },
};

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function batchFor(c: Case, bins: number, patches: number, rng: Rng): Record<string, HostTensor> {
  const n = c.batch * c.frames * bins;
  const rand = () => f32([c.batch, c.frames, bins], Array.from({ length: n }, () => rng.uniform()));
  if (c.preset.objective.kind === 'cola') return { [COLA_INPUTS.x1]: rand(), [COLA_INPUTS.x2]: rand() };
  const m = drawMaeMasks(c.batch, patches, c.preset.objective.maskRatio, rng);
  return {
    [MAE_INPUTS.x]: rand(),
    [MAE_INPUTS.idsKeep]: tensor('int64', [c.batch, m.kept], m.idsKeep),
    [MAE_INPUTS.idsRestore]: tensor('int64', [c.batch, m.patches], m.idsRestore),
    [MAE_INPUTS.mask]: f32([c.batch, m.patches], m.mask),
  };
}

async function ortSession(c: Case) {
  const cfg = c.preset;
  const model = resolvePretrainModel(cfg.encoder, cfg.objective);
  const patches = model.mae ? model.mae.patches(c.frames) : 0;
  const t0 = performance.now();
  const step = buildTrainStep({
    build: (b, mode) => buildPretrainGraph(b, model, cfg.objective, { batch: c.batch, frames: c.frames }, mode),
    loss: (_b, o) => ({ loss: o.loss, metrics: o.metrics }),
    optimizer: { kind: 'adam', lr: 1e-4, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 },
    schedule: { kind: 'epochExponential', stepsPerEpoch: 100, gamma: 0.99 },
    name: `${c.id}_train_step`,
  });
  const flops = countFlops(step.graph).total;
  const build = (performance.now() - t0) / 1000;
  const backend = await createOrtNodeBackend();
  const t1 = performance.now();
  const session = await backend.createSession(step.model, { threads });
  const trainer = new Trainer(session, step.io, initialTrainState(step.io, initWeights(step.graph, Rng.seeded(1)), 2));
  const batch = batchFor(c, model.bins, patches, Rng.seeded(3));
  console.log(`  ${c.id}: ${step.graph.nodes.length} graph nodes, ${(step.model.length / 2 ** 20).toFixed(1)} MiB ONNX, built in ${build.toFixed(1)} s, session ${((performance.now() - t1) / 1000).toFixed(1)} s; ${(flops / c.batch / 1e9).toFixed(2)} GFLOP/sample`);
  return {
    flops,
    async measure(): Promise<number> {
      for (let i = 0; i < warmup; i++) await trainer.trainStep(batch);
      const secs: number[] = [];
      for (let i = 0; i < steps; i++) secs.push((await trainer.trainStep(batch)).seconds);
      return median(secs);
    },
    release: () => session.release(),
  };
}

function torchStep(c: Case): number | null {
  const r = spawnSync('/usr/bin/python3', ['bench/torch_pretrain.py', '--case', c.id, '--batch', String(c.batch), '--frames', String(c.frames), '--threads', String(threads), '--steps', String(steps), '--warmup', String(warmup)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    console.log(`  PyTorch run failed: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-3).join(' | ')}`);
    return null;
  }
  return (JSON.parse(r.stdout.trim().split('\n').pop() as string) as { step_seconds: number }).step_seconds;
}

async function epoch(c: Case): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pneuma-pretrain-epoch-'));
  const exclude = opt('exclude', 'opera');
  const batchSize = Number(opt(`epoch-batch-${c.id.split('-')[1]}`, String(c.preset.batchSize)));
  const config: PretrainConfig = { ...c.preset, batchSize, length: { epochs: 1 }, data: { ...c.preset.data, exclude: exclude === 'all' ? { tasks: 'all' } : { suite: exclude as 'opera' } } };
  try {
    const t0 = performance.now();
    const setup = await setupPretrain({
      config, dataRoot: resolve(opt('data', '../shared/data')), holdoutRoots: [], init: null, steps: null, threads, storeRoot: resolve(opt('store', '.pneuma-cache/corpus')),
      quality: 'hq', workers: 2, log: (l) => console.log(`    ${l}`),
    });
    const prep = (performance.now() - t0) / 1000;
    try {
      const r = await runPretrain({
        setup, out: dir, resume: false, name: config.name, batchSize: config.batchSize, checkpointEvery: 1e9, keepCheckpoints: 1,
        validation: { every: 1e9, maxBatches: 0 }, seed: config.seed, tty: false, quiet: true, print: () => undefined, log: () => undefined,
      });
      const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { seconds: number; trainStepSeconds: number; waitSeconds: number };
      const counts = setup.corpus.sources.map((x) => `${x.rule.name} ${x.train.length}`).join(', ');
      console.log(`  epoch of ${config.name} (batch ${config.batchSize}; ${counts} training recordings): ${r.step} steps in ${s.seconds.toFixed(1)} s `
        + `(steps ${s.trainStepSeconds.toFixed(1)} s, waiting for batches ${s.waitSeconds.toFixed(2)} s; corpus, store and graphs ${prep.toFixed(1)} s before)`);
    } finally {
      await setup.release();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`onnxruntime-node vs PyTorch (${withTorch ? 'Debian python3-torch' : 'skipped'}), ${threads} thread(s), ${steps} timed step(s) after ${warmup}, ${rounds} round(s); load average ${loadavg().map((v) => v.toFixed(1)).join(' ')}`);
const rows: Record<string, unknown>[] = [];
const epochOnly = args.includes('--epoch-only');
for (const id of epochOnly ? [] : cases) {
  const c = CASES[id];
  if (!c) throw new Error(`unknown case ${id}; cases: ${Object.keys(CASES).join(', ')}`);
  console.log(`${c.id}: batch ${c.batch} × [${c.frames}, 64]${c.preset.objective.kind === 'mae' ? `, ${keptPatches((c.frames / 4) * 16, 0.7)} of ${(c.frames / 4) * 16} patches visible` : ''}`);
  const ort = await ortSession(c);
  const ortSecs: number[] = [];
  const torchSecs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    ortSecs.push(await ort.measure());
    if (withTorch) {
      const t = torchStep(c);
      if (t !== null) torchSecs.push(t);
    }
  }
  await ort.release();
  const o = median(ortSecs);
  const t = torchSecs.length > 0 ? median(torchSecs) : null;
  const row = { case: c.id, batch: c.batch, frames: c.frames, threads, ortStepSeconds: o, ortSamplesPerSecond: c.batch / o, ortGflops: ort.flops / o / 1e9, torchStepSeconds: t, torchSamplesPerSecond: t === null ? null : c.batch / t, ratio: t === null ? null : t / o };
  rows.push(row);
  console.log(`  ONNX Runtime ${(c.batch / o).toFixed(2)} samples/s (${o.toFixed(2)} s/step, ${(ort.flops / o / 1e9).toFixed(1)} GFLOP/s)`
    + (t === null ? '' : `; PyTorch ${(c.batch / t).toFixed(2)} samples/s (${t.toFixed(2)} s/step); ratio ${(t / o).toFixed(2)}×`));
}
if (args.includes('--epoch') || epochOnly) for (const id of cases) await epoch(CASES[id] as Case);
console.log(`load average at the end ${loadavg().map((v) => v.toFixed(1)).join(' ')}`);
console.log(JSON.stringify(rows));
