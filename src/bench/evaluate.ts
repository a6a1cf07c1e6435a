/**
 * Runs a task's probe protocol on every evaluation fold and seed and returns the test predictions:
 * - opera-linear / opera-regression (OPERA's linear_eval.py): validation rows from the split's `val`
 *   part, or a (stratified) hold-out of the training rows with the protocol's seed (the split's own val
 *   rows then join training); embeddings z-scored with the training rows' statistics when the model's
 *   scaling says so; one run per seed;
 * - hear-linear (HeAR eval_utils): training = train ∪ val; penalty by participant-grouped inner CV with
 *   fold seed `foldSeed + seed`, features standardised inside every fit; one run per seed.
 * Every error is re-raised as an EvaluationError naming task, split, model, fold and seed, with the
 * original error's code. Inputs and outputs are plain data (no functions), so a job can run in a worker.
 */
import { PneumaError, Rng } from '../util/index.ts';
import type { MetricContext } from './metrics-error.ts';
import { meanAbsoluteError } from './metrics.ts';
import { HEAR_LBFGS, HEAR_PENALTIES, hearLinearProbe, type HearTarget } from './probe-hear.ts';
import { OPERA_OPTIMIZER } from './probe-opera-optim.ts';
import { operaRegressionProbe } from './probe-opera-regression.ts';
import { classificationMetric, operaLinearProbe, type OperaData } from './probe-opera.ts';
import type { FeatureScaling } from './result-row.ts';
import { stratifiedHoldout } from './splits.ts';
import { type Matrix, applyStandardizer, fitStandardizer, matrix, selectRows, selectValues } from './stats-matrix.ts';
import type { EvalFold } from './eval-folds.ts';
import type { AnyTaskSpec, ProbeProtocol, ValidationSource } from './task.ts';

export class EvaluationError extends PneumaError {
  constructor(where: string, cause: PneumaError) {
    super(cause.code, `${where}: ${cause.message}`, { cause });
  }
}

/** The embeddings of a task's records (row i = record i) with their labels and subjects. */
export interface ProbeSet {
  readonly x: Matrix;
  readonly y: Float64Array;
  readonly subjects: readonly string[];
}

/** Test predictions of one (fold, seed): class probabilities (rows × C) or predicted values (rows × 1). */
export interface FoldRun {
  readonly fold: string;
  readonly seed: number;
  /** Record indices of the test rows. */
  readonly test: readonly number[];
  readonly scores: Matrix;
  readonly metric: number;
  /** Solver fits of this run that stopped before their convergence tolerance (HeAR's logistic fits). */
  readonly unconverged: number;
}

/** What a probe needs of a task: its id, protocol and target shape (plain data). */
export interface ProbeSpec {
  readonly id: string;
  readonly probe: ProbeProtocol;
  /** 2 (binary), the class count (multiclass), or null (regression). */
  readonly classes: number | null;
}

export function probeSpecOf(spec: AnyTaskSpec): ProbeSpec {
  const t = spec.target;
  return { id: spec.id, probe: spec.probe, classes: t.kind === 'binary' ? 2 : t.kind === 'multiclass' ? t.classes.length : null };
}

export interface EvalContext {
  readonly spec: ProbeSpec;
  readonly split: string;
  readonly model: string;
  readonly scaling: FeatureScaling;
}

/** One (task, split, model) evaluation as plain data. */
export interface ProbeJob {
  readonly ctx: EvalContext;
  readonly set: ProbeSet;
  readonly folds: readonly EvalFold[];
  readonly seeds: readonly number[];
}

/** Runs probe jobs: in this thread (`localProbes`) or elsewhere (a worker pool). */
export interface ProbeExecutor {
  run(job: ProbeJob): Promise<readonly FoldRun[]>;
}

export const localProbes: ProbeExecutor = {
  run: async (job) => probeFolds(job.ctx, job.set, job.folds, job.seeds),
};

function rows(set: ProbeSet, idx: readonly number[]): { x: Matrix; y: Float64Array } {
  return { x: selectRows(set.x, idx), y: selectValues(set.y, idx) };
}

function metricOf(spec: ProbeSpec, y: ArrayLike<number>, scores: Matrix, ctx: MetricContext): number {
  return spec.classes === null ? meanAbsoluteError(y, scores.data, ctx) : classificationMetric(y, scores, ctx);
}

function splitValidation(spec: ProbeSpec, v: ValidationSource, f: EvalFold, y: Float64Array): { train: number[]; val: number[] } {
  if (v.from === 'split') {
    if (f.val.length === 0) throw new PneumaError('probe-input', `the protocol takes validation rows from the split, which has none`);
    return { train: [...f.train], val: [...f.val] };
  }
  const pool = [...f.train, ...f.val].sort((a, b) => a - b);
  const strata = v.stratified && spec.classes !== null ? pool.map((i) => y[i] as number) : pool.map(() => 0);
  const h = stratifiedHoldout(spec.id, strata, v.fraction, Rng.seeded(v.seed.value));
  return { train: Array.from(h.train, (k) => pool[k] as number), val: Array.from(h.val, (k) => pool[k] as number) };
}

function operaFold(ctx: EvalContext, p: Extract<ProbeProtocol, { kind: 'opera-linear' | 'opera-regression' }>, set: ProbeSet, f: EvalFold, seeds: readonly number[]): FoldRun[] {
  const { spec } = ctx;
  const parts = splitValidation(spec, p.validation, f, set.y);
  let train = rows(set, parts.train);
  let val = rows(set, parts.val);
  let test = rows(set, f.test);
  if (ctx.scaling === 'z-score') {
    const s = fitStandardizer(train.x, true);
    train = { x: applyStandardizer(train.x, s), y: train.y };
    val = { x: applyStandardizer(val.x, s), y: val.y };
    test = { x: applyStandardizer(test.x, s), y: test.y };
  }
  const data: OperaData = { train, val, test };
  const common = { task: spec.id, epochs: p.epochs, batchSize: p.batchSize, l2: p.l2, checkpointEvery: p.checkpointEvery, optimizer: OPERA_OPTIMIZER };
  if (p.kind === 'opera-regression') {
    return seeds.map((seed) => {
      const r = operaRegressionProbe(data, { ...common, earlyStopping: p.earlyStopping }, seed);
      const scores = matrix(r.testPredictions.length, 1, r.testPredictions);
      return { fold: f.name, seed, test: f.test, scores, metric: metricOf(spec, test.y, scores, { task: spec.id, fold: f.name, seed }), unconverged: 0 };
    });
  }
  const classes = spec.classes;
  if (classes === null) throw new PneumaError('probe-input', 'opera-linear needs a classification target');
  const result = operaLinearProbe(data, { ...common, classes }, seeds);
  return result.seeds.map((r) => ({
    fold: f.name,
    seed: r.seed,
    test: f.test,
    scores: r.testProbabilities,
    metric: metricOf(spec, test.y, r.testProbabilities, { task: spec.id, fold: f.name, seed: r.seed }),
    unconverged: 0,
  }));
}

function hearFold(ctx: EvalContext, p: Extract<ProbeProtocol, { kind: 'hear-linear' }>, set: ProbeSet, f: EvalFold, seeds: readonly number[]): FoldRun[] {
  const { spec } = ctx;
  const trainIdx = [...f.train, ...f.val].sort((a, b) => a - b);
  const train = rows(set, trainIdx);
  const test = rows(set, f.test);
  const classes = spec.classes;
  const target: HearTarget = classes === null ? { kind: 'regression' } : { kind: 'classification', classes };
  return seeds.map((seed) => {
    const r = hearLinearProbe(
      { train, trainGroups: trainIdx.map((i) => set.subjects[i] as string), test },
      { task: spec.id, target, penalties: HEAR_PENALTIES, folds: p.innerFolds, foldSeed: p.foldSeed.value + seed, standardize: true, solver: HEAR_LBFGS },
    );
    const scores = r.testProbabilities ?? matrix(f.test.length, 1, r.testScores ?? new Float64Array(0));
    return { fold: f.name, seed, test: f.test, scores, metric: metricOf(spec, test.y, scores, { task: spec.id, fold: f.name, seed }), unconverged: r.unconvergedFits };
  });
}

/** Every (fold, seed) of the protocol; folds without training or test rows must have been removed. */
export function probeFolds(ctx: EvalContext, set: ProbeSet, folds: readonly EvalFold[], seeds: readonly number[]): FoldRun[] {
  const p = ctx.spec.probe;
  const out: FoldRun[] = [];
  for (const f of folds) {
    try {
      out.push(...(p.kind === 'hear-linear' ? hearFold(ctx, p, set, f, seeds) : operaFold(ctx, p, set, f, seeds)));
    } catch (e) {
      if (!(e instanceof PneumaError)) throw e;
      const seedText = seeds.length === 1 ? `seed ${seeds[0]}` : `seeds ${seeds.join(',')}`;
      throw new EvaluationError(`task '${ctx.spec.id}' split '${ctx.split}' model '${ctx.model}' fold '${f.name}' ${seedText}`, e);
    }
  }
  return out;
}
