/**
 * `pneuma bench`: run a benchmark suite (or a task list) over one or more models on a data root and write
 * results.jsonl, results.md, report.html and summary.json to --out. Embeddings are cached in --cache, so
 * a rerun (or a run after an interruption) embeds only what is missing.
 *
 * Exit codes: 0 every task variant that could run produced results; 3 finished, but some task variants
 * failed (undeclared leak, degenerate fold, …; listed in the report and summary.json); 2 the run could not
 * start or was aborted (bad options, unreadable weights or data); 1 bad usage.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { presentDatasets } from '../../../src/data/data-root.ts';
import { renderReport, REPORT_FILES } from '../../../src/bench/report/index.ts';
import { runBenchmark } from '../../../src/bench/runner.ts';
import type { BenchModel } from '../../../src/bench/runner-types.ts';
import { SUITE_IDS, type SuiteId, suiteTasks } from '../../../src/bench/suites.ts';
import { isTaskId, TASK_IDS, tasks } from '../../../src/bench/tasks/index.ts';
import type { AnyTaskSpec } from '../../../src/bench/task.ts';
import { NodeRecordingStore } from '../../../src/platform/node/bench-store.ts';
import { ProbeWorkerPool } from '../../../src/platform/node/probe-pool.ts';
import { committedSplitsReader, NodeDirReader } from '../../../src/platform/node/dir-reader.ts';
import { DEFAULT_CACHE_DIR, FileEmbeddingCache } from '../../../src/platform/node/embed-cache.ts';
import { MonoLoaderPool, progressBar, statFile, writeFileAtomic } from '../../../src/platform/node/index.ts';
import { PneumaError } from '../../../src/util/index.ts';
import { BASELINE_MODEL_IDS, createBenchModel, parseWeights, readCorpusSubjects } from './bench-models.ts';
import { DEFAULT_RESAMPLE, parseResampleQuality } from './model-options.ts';

/** Exit code of a run that finished with failed task variants. */
export const EXIT_TASKS_FAILED = 3;

export const DEFAULT_SUITE: SuiteId = 'example';
export const DEFAULT_MODELS = 'default,efficientat-mn04,handcrafted,random';

/** The recordings bundled with Pneuma (assets/examples), the default --data. */
export function bundledExamplesDir(): string {
  return fileURLToPath(new URL('../../../assets/examples', import.meta.url));
}

interface BenchCliOptions {
  suite?: string;
  tasks?: string;
  models: string;
  data?: string;
  out?: string;
  cache: string;
  weights: string[];
  excludeCorpus: string[];
  efficiency?: boolean;
  unseenDevice?: boolean;
  seeds?: string;
  threads?: string;
  jobs?: string;
  resample: string;
  failFast?: boolean;
  quiet?: boolean;
}

const HELP = `
Tasks: --suite ${SUITE_IDS.join('|')} (default ${DEFAULT_SUITE}; 'local' is every task whose dataset is under --data)
or --tasks with task ids (${TASK_IDS.slice(0, 3).join(', ')}, …, T19, hear-kauh-sex, …).
Models: ${BASELINE_MODEL_IDS.join(', ')} or encoder ids (see \`pneuma models\`); --weights <id>=<file> gives a checkpoint.
Data: a folder with one subfolder per dataset in its original layout (kauh/, icbhi/, covid19-cough/, …);
default: the example recordings bundled under assets/examples.
Output (--out, default out/<suite>): results.jsonl (one JSON row per task, model and split variant),
results.md, report.html (self-contained, with figures), summary.json.
Exit codes: 0 done; 3 done, but some task variants failed (see the report); 2 could not start or aborted.`;

function list(v: string, what: string): string[] {
  const items = v.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) throw new PneumaError('bench-config', `${what} is empty`);
  return items;
}

function positiveInt(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new PneumaError('bench-config', `${name} must be a positive integer, got '${v}'`);
  return Number(v);
}

export function register(program: Command): void {
  program
    .command('bench')
    .description('benchmark models on a suite of tasks: cached embeddings, probes, metrics with CIs, results.jsonl and an HTML report')
    .option('--suite <name>', `task suite: ${SUITE_IDS.join('|')}`)
    .option('--tasks <ids>', 'comma-separated task ids (instead of --suite)')
    .option('--models <ids>', 'comma-separated model ids', DEFAULT_MODELS)
    .option('--data <root>', 'data root with one folder per dataset (default: the bundled examples)')
    .option('--out <dir>', 'output folder (default: out/<suite>)')
    .option('--cache <dir>', 'embedding cache folder', DEFAULT_CACHE_DIR)
    .option('--weights <id=file>', 'checkpoint for a model id (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--exclude-corpus <corpus.json>', "leave out the subjects of a pretraining run's corpus.json (repeatable; a checkpoint's own corpus.json is used automatically)", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--efficiency', 'also probe on 6.25, 12.5, 25, 50 and 100 % of the training data')
    .option('--unseen-device', 'also train on all devices but one and test on that one (KAUH filters, ICBHI devices)')
    .option('--seeds <n>', "probe seeds 0…n-1 instead of each task's own")
    .option('--threads <n>', 'intra-op threads of the runtime (default: all cores)')
    .option('--jobs <n>', 'probe jobs run in parallel worker threads (default: the number of cores)')
    .option('--resample <q>', 'resampler to each model\'s rate: hq | torchaudio', DEFAULT_RESAMPLE)
    .option('--fail-fast', 'stop at the first failing task variant')
    .option('--quiet', 'no progress bars')
    .addHelpText('after', HELP)
    .action(async (o: BenchCliOptions) => {
      await benchCommand(o);
    });
}

async function benchCommand(o: BenchCliOptions): Promise<void> {
  const t0 = performance.now();
  if (o.suite !== undefined && o.tasks !== undefined) throw new PneumaError('bench-config', '--suite and --tasks exclude each other');
  const dataRoot = o.data ?? bundledExamplesDir();
  const data = new NodeDirReader(dataRoot);
  if (!(await data.exists(''))) throw new PneumaError('bench-config', `--data ${dataRoot}: no such folder`);
  let suite: SuiteId | null = null;
  let specs: AnyTaskSpec[];
  if (o.tasks !== undefined) {
    const ids = list(o.tasks, '--tasks');
    const bad = ids.filter((id) => !isTaskId(id));
    if (bad.length > 0) throw new PneumaError('bench-config', `unknown task(s) ${bad.join(', ')}; tasks: ${TASK_IDS.join(', ')}`);
    specs = ids.map((id) => tasks[id as keyof typeof tasks]);
  } else {
    const name = o.suite ?? DEFAULT_SUITE;
    if (!(SUITE_IDS as readonly string[]).includes(name)) throw new PneumaError('bench-config', `unknown suite '${name}'; suites: ${SUITE_IDS.join(', ')}`);
    suite = name as SuiteId;
    specs = suiteTasks(suite, suite === 'local' ? await presentDatasets(data) : undefined).map((id) => tasks[id]);
    if (specs.length === 0) throw new PneumaError('bench-config', `--suite local: no dataset with a task was found under ${dataRoot} (expected folders such as kauh/, icbhi/, covid19-cough/)`);
  }
  const modelIds = list(o.models, '--models');
  if (new Set(modelIds).size !== modelIds.length) throw new PneumaError('bench-config', `--models names a model twice: ${modelIds.join(', ')}`);
  const weights = parseWeights(o.weights);
  for (const [id, file] of weights) {
    if (!modelIds.includes(id)) throw new PneumaError('bench-config', `--weights ${id}=… names a model that is not in --models (${modelIds.join(', ')})`);
    statFile(file);
  }
  const seedsN = positiveInt(o.seeds, '--seeds');
  const threads = positiveInt(o.threads, '--threads');
  const jobs = positiveInt(o.jobs, '--jobs') ?? availableParallelism();
  const quality = parseResampleQuality(o.resample);
  const outDir = o.out ?? join('out', suite ?? 'tasks');
  const excluded = o.excludeCorpus.map((f) => readCorpusSubjects(f, f));

  const models: BenchModel[] = [];
  const quiet = o.quiet === true;
  const say = (line: string): void => {
    process.stderr.write(`pneuma bench: ${line}\n`);
  };
  let summary;
  const loader = new MonoLoaderPool(1);
  const probes = jobs > 1 ? new ProbeWorkerPool(jobs) : null;
  try {
    for (const id of modelIds) models.push(await createBenchModel(id, { weights, threads, quality }));
    summary = await runBenchmark({
      tasks: specs,
      models,
      data,
      splits: committedSplitsReader(),
      recordings: new NodeRecordingStore(dataRoot, quality, loader),
      cache: new FileEmbeddingCache(o.cache),
      ...(seedsN !== undefined ? { seeds: Array.from({ length: seedsN }, (_, i) => i) } : {}),
      excludeSubjects: [...models.flatMap((m) => (m.pretrainedOn ? [m.pretrainedOn] : [])), ...excluded],
      efficiency: o.efficiency === true,
      unseenDevice: o.unseenDevice === true,
      failFast: o.failFast === true,
      ...(probes !== null ? { probes, concurrency: jobs } : {}),
      progress: (label, total) => progressBar(label, total, { quiet }),
      log: say,
    });
  } finally {
    await probes?.close();
    await loader.close();
    for (const m of models) await m.embedder.release();
  }
  const seconds = (performance.now() - t0) / 1000;
  const command = ['pneuma', ...process.argv.slice(2)].join(' ');
  const files = renderReport(summary, {
    title: `Pneuma benchmark: ${suite ?? 'selected tasks'}`,
    suite,
    models: models.map((m) => ({ id: m.id, description: m.description })),
    dataRoot,
    command,
    seconds,
  });
  for (const f of REPORT_FILES) writeFileAtomic(join(outDir, f), files[f]);
  const main = summary.rows.filter((r) => r.kind === 'main').length;
  process.stdout.write(`${main} result(s) for ${specs.length} task(s) x ${models.length} model(s) in ${seconds.toFixed(1)} s -> ${join(outDir, 'report.html')}, results.jsonl, results.md\n`);
  if (summary.mrr !== null) process.stdout.write(`mean reciprocal rank: ${Object.entries(summary.mrr.mrr).map(([m, v]) => `${m} ${v.toFixed(3)}`).join(', ')}\n`);
  if (summary.failures.length > 0) {
    say(`${summary.failures.length} task variant(s) failed; see ${join(outDir, 'results.md')}`);
    throw new CommanderError(EXIT_TASKS_FAILED, 'pneuma.bench.failed', `${summary.failures.length} task variant(s) failed`);
  }
}
