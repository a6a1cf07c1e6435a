/**
 * `pneuma pretrain --config <preset|file.json> --out <dir> [--data <root>] [--resume] [--steps n]
 * [--init <checkpoint>] [--threads n]`: self-supervised pretraining (COLA or MAE) of a registered encoder
 * on a corpus built from dataset manifests with every benchmark test recording and subject excluded.
 * Files written under --out are listed in pretrain-files.ts; docs/pretrain.md describes presets, data
 * rules and resume semantics.
 *
 * Exit codes: 0 done; 130 / 143 stopped by SIGINT / SIGTERM after writing a checkpoint (continue with
 * --resume); 2 could not start or failed (bad options, data, weights).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { PRETRAIN_PRESETS } from '../../../configs/pretrain/index.ts';
import type { PretrainConfig } from '../../../src/ssl/config.ts';
import { checkPretrainConfig, parsePretrainConfig } from '../../../src/ssl/config-json.ts';
import { DEFAULT_CACHE_DIR } from '../../../src/platform/node/embed-cache.ts';
import { progressBar, writeFileAtomic } from '../../../src/platform/node/index.ts';
import { PneumaError } from '../../../src/util/index.ts';
import { parseResampleQuality, DEFAULT_RESAMPLE } from './model-options.ts';
import { setupPretrain } from './pretrain-setup.ts';
import { runPretrain } from './pretrain-run.ts';
import { RunFiles } from './pretrain-files.ts';

interface PretrainCliOptions {
  config: string;
  out: string;
  data?: string;
  resume?: boolean;
  steps?: string;
  init?: string;
  threads?: string;
  store: string;
  workers?: string;
  resample: string;
  quiet?: boolean;
}

/** The repository root: presets name their data root and initial weights relative to it. */
export function repoRoot(): string {
  return fileURLToPath(new URL('../../../', import.meta.url));
}

const HELP = `
Presets: ${Object.keys(PRETRAIN_PRESETS).join(', ')} (configs/pretrain/), or a JSON file with the same fields.
--data: a folder with one subfolder per dataset (kauh/, icbhi/, covid19-cough/, …), or 'synthetic' for generated
audio; default: the config's root (presets: ../shared/data next to the repository; smoke falls back to generated
audio when it is missing). Test recordings and subjects of the benchmark tasks are never pretrained on.
Output (--out): metrics.jsonl, loss.svg/png, checkpoints/, weights.safetensors (full state dict),
encoder.safetensors (+ model_config.json) for \`pneuma embed --weights\`, summary.json.
Exit codes: 0 done; 130/143 stopped by SIGINT/SIGTERM after a checkpoint (continue with --resume); 2 error.`;

function positiveInt(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new PneumaError('pretrain-config', `${name} must be a positive integer, got '${v}'`);
  return Number(v);
}

/** The config named by --config, and the folder its relative paths are relative to. */
export function loadPretrainConfig(name: string): { config: PretrainConfig; base: string; source: string } {
  const preset = (PRETRAIN_PRESETS as Record<string, PretrainConfig | undefined>)[name];
  if (preset) {
    checkPretrainConfig(preset, `preset '${name}'`);
    return { config: preset, base: repoRoot(), source: `preset ${name}` };
  }
  if (!name.endsWith('.json')) throw new PneumaError('pretrain-config', `unknown preset '${name}'; presets: ${Object.keys(PRETRAIN_PRESETS).join(', ')} (or a .json config file)`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(name, 'utf8'));
  } catch (e) {
    throw new PneumaError('pretrain-config', `${name}: cannot read a JSON config (${(e as Error).message})`, { cause: e });
  }
  return { config: parsePretrainConfig(json, name), base: dirname(resolve(name)), source: resolve(name) };
}

export function register(program: Command): void {
  program
    .command('pretrain')
    .description('self-supervised pretraining (COLA, MAE) on respiratory audio, with benchmark test data excluded; checkpoints and exact resume')
    .requiredOption('--config <preset|file.json>', 'a preset name or a JSON config')
    .requiredOption('--out <dir>', 'output folder (metrics, checkpoints, plots, weights)')
    .option('--data <root>', "data root with one folder per dataset, or 'synthetic' (default: the config's)")
    .option('--resume', 'continue the run in --out from its newest checkpoint')
    .option('--steps <n>', "train this many steps in all (instead of the config's length)")
    .option('--init <checkpoint>', "initial weights (instead of the config's): the encoder's reference state dict or a full pretraining one")
    .option('--threads <n>', 'intra-op threads of the runtime (default: all cores); resume with the same number for identical losses')
    .option('--store <dir>', 'spectrogram store folder', join(DEFAULT_CACHE_DIR, 'corpus'))
    .option('--workers <n>', 'worker threads decoding audio for the store (default: the cores, at most 4)')
    .option('--resample <q>', "resampler to the front end's rate: hq | torchaudio", DEFAULT_RESAMPLE)
    .option('--quiet', 'no per-step output')
    .addHelpText('after', HELP)
    .action(async (o: PretrainCliOptions) => {
      await pretrainCommand(o);
    });
}

async function pretrainCommand(o: PretrainCliOptions): Promise<void> {
  const { config, base, source } = loadPretrainConfig(o.config);
  const say = (line: string) => process.stderr.write(`pneuma pretrain: ${line}\n`);
  const rel = (p: string, from: string) => (isAbsolute(p) ? p : resolve(from, p));
  let dataRoot: string | null;
  if (o.data === 'synthetic') dataRoot = null;
  else if (o.data !== undefined) {
    dataRoot = resolve(o.data);
    if (!existsSync(dataRoot) || !statSync(dataRoot).isDirectory()) throw new PneumaError('pretrain-config', `--data ${o.data}: no such folder`);
  } else if (config.data.root === null) dataRoot = null;
  else {
    dataRoot = rel(config.data.root, base);
    if (!existsSync(dataRoot)) {
      if (config.data.ifMissing === 'error') throw new PneumaError('pretrain-config', `data root ${dataRoot} (from ${source}) does not exist; pass --data`);
      say(`data root ${dataRoot} not found: training on generated audio (the config's synthetic sources)`);
      dataRoot = null;
    }
  }
  const holdoutRoots = (config.data.exclude.holdout?.always ?? []).map((p) => rel(p, base));
  for (const r of holdoutRoots) if (!existsSync(r) || !statSync(r).isDirectory()) throw new PneumaError('pretrain-config', `data.exclude.holdout.always: ${r} (from ${source}) is not a folder`);
  const init = o.init !== undefined ? resolve(o.init) : config.init !== null ? rel(config.init, base) : null;
  if (init !== null && !existsSync(init)) throw new PneumaError('pretrain-config', `initial weights ${init} do not exist`);
  const threads = positiveInt(o.threads, '--threads');
  const steps = positiveInt(o.steps, '--steps') ?? null;
  const workers = positiveInt(o.workers, '--workers') ?? Math.min(4, availableParallelism());
  const quiet = o.quiet === true;
  const files = new RunFiles(o.out);
  if (o.resume !== true && files.latest() !== null) throw new PneumaError('pretrain-config', `${o.out} already holds a run (checkpoints/latest.json); pass --resume to continue it, or choose another --out`);
  if (o.resume === true && files.latest() === null) throw new PneumaError('pretrain-config', `--resume: ${o.out} holds no checkpoint`);
  const setup = await setupPretrain({
    config, dataRoot, holdoutRoots, init, steps, threads, storeRoot: resolve(o.store), quality: parseResampleQuality(o.resample), workers, log: say,
    progress: (label, total) => progressBar(label, total, { quiet }),
    checkHash: (hash) => {
      const theirs = o.resume === true ? files.latestConfigHash() : null;
      if (theirs !== null && theirs !== hash) throw new PneumaError('pretrain-config', `--resume: the checkpoint in ${o.out} belongs to config ${theirs}, this run's config is ${hash} (same preset or file, --steps, --data and --init as the interrupted run)`);
    },
  });
  let result;
  try {
    const r = setup.built.report;
    const counts = r.sources.map((s) => `${s.name} ${s.train}+${s.val}`).join(', ');
    say(`corpus ${setup.corpus.fingerprint}: ${counts} recordings (train+validation); ${r.excludedTasks.length} benchmark task(s) excluded; ${setup.pipeline.batchesPerEpoch} steps per epoch, ${setup.totalSteps} steps`);
    if (!o.resume) {
      writeFileAtomic(join(o.out, 'config.json'), `${JSON.stringify({ configHash: setup.configHash, source, command: ['pneuma', ...process.argv.slice(2)].join(' '), dataRoot, init, threads: threads ?? null, config, resolved: setup.resolved }, null, 2)}\n`);
      writeFileAtomic(join(o.out, 'corpus.json'), `${JSON.stringify(r, null, 2)}\n`);
      if (config.encoder.reference !== undefined) writeFileAtomic(join(o.out, 'model_config.json'), `${JSON.stringify(config.encoder.reference, null, 2)}\n`);
    }
    result = await runPretrain({
      setup, out: o.out, resume: o.resume === true, name: config.name, batchSize: config.batchSize, checkpointEvery: config.checkpointEvery,
      keepCheckpoints: config.keepCheckpoints, validation: config.validation, seed: config.seed, tty: process.stdout.isTTY === true, quiet,
      print: (line) => process.stdout.write(`${line}\n`), log: say,
    });
  } finally {
    await setup.release();
  }
  if (result.status === 'interrupted') {
    const code = result.signal === 'SIGTERM' ? 143 : 130;
    throw new CommanderError(code, 'pneuma.pretrain.interrupted', `stopped by ${result.signal} at step ${result.step}`);
  }
}
