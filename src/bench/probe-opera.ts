/**
 * OPERA's linear-probe protocol for classification (evelyn0414/OPERA at 3622310,
 * `linear_eval.py` + `models_eval.py::LinearHead`), in float64:
 * - head: one Linear(features → C), weight ~ N(0, 0.01²), bias 0;
 * - loss per batch: CrossEntropy(logits + 1e-10, y) (mean over the batch) + l2·Σ head params²;
 * - Adam lr 1e-4 (β 0.9/0.999, eps 1e-8), lr × 0.97 after every epoch, gradients clipped to global
 *   norm 1.0 before each step; training rows reshuffled every epoch, last batch kept;
 * - after every epoch the validation AUROC of the softmax probabilities (binary AUROC of class 1 for
 *   C = 2, macro one-vs-rest for C > 2) is computed; the checkpoint epoch is the one with the highest
 *   validation AUROC among the epochs Lightning's ModelCheckpoint may save (every_n_epochs: epochs e
 *   with (e + 1) mod n = 0), ties to the earliest (strict improvement);
 * - the test metric is that of the selected epoch's head; runs over seeds, reported as mean and
 *   population standard deviation (`np.std`).
 */
import { type LabelledSet, type LinearParams, checkSet, column, linearScores, softmaxRowsInPlace, ProbeInputError } from './probe-data.ts';
import { type OperaOptimizer, ClippedAdam, batchesOf, operaStreams, packParams, unpackParams } from './probe-opera-optim.ts';
import { auroc, macroAuroc } from './metrics.ts';
import type { MetricContext } from './metrics-error.ts';
import { mean, populationStd } from './stats.ts';
import type { Matrix } from './stats-matrix.ts';

export interface OperaData {
  readonly train: LabelledSet;
  readonly val: LabelledSet;
  readonly test: LabelledSet;
}

export interface OperaClassifierConfig {
  readonly task: string;
  readonly classes: number;
  /** OPERA: 64 (T1–T9, T11), 50 (KAUH), 32 (SSBPR). */
  readonly epochs: number;
  /** OPERA: 64 (T1–T6, T12), 32 (T7–T11). */
  readonly batchSize: number;
  /** OPERA_CLASSIFIER_L2 = 1e-5. */
  readonly l2: number;
  /** ModelCheckpoint `every_n_epochs`: 1 for most tasks, 5 for KAUH, 3 for SSBPR. */
  readonly checkpointEvery: number;
  readonly optimizer: OperaOptimizer;
}

export interface OperaSeedResult {
  readonly seed: number;
  /** Test AUROC (binary or macro) of the selected epoch. */
  readonly testMetric: number;
  /** 0-based selected epoch. */
  readonly bestEpoch: number;
  readonly bestValMetric: number;
  /** Validation AUROC after every epoch. */
  readonly valCurve: Float64Array;
  /** Softmax probabilities of the selected head on the test rows (rows × C), for ROC curves. */
  readonly testProbabilities: Matrix;
  readonly head: LinearParams;
}

export interface OperaClassifierResult {
  readonly task: string;
  readonly seeds: readonly OperaSeedResult[];
  readonly mean: number;
  /** Population standard deviation over seeds, as OPERA's `np.std`. */
  readonly std: number;
}

/** Runs the protocol once per seed (OPERA: seeds 0–4) and summarises the test metric. */
export function operaLinearProbe(data: OperaData, cfg: OperaClassifierConfig, seeds: readonly number[]): OperaClassifierResult {
  if (seeds.length === 0) throw new ProbeInputError(cfg.task, 'no seeds');
  const runs = seeds.map((seed) => {
    const s = operaStreams(seed, data.train.x.cols, cfg.classes, data.train.x.rows);
    return trainOperaClassifier(data, cfg, s.init, s.epochOrder, seed);
  });
  const metrics = runs.map((r) => r.testMetric);
  return { task: cfg.task, seeds: runs, mean: mean(metrics), std: populationStd(metrics) };
}

/**
 * One run from a given initial head and epoch orders (`epochOrder(e)` = the permutation of training
 * rows used in epoch e). `operaLinearProbe` feeds it the seeded streams of `operaStreams`; a
 * reference implementation can be fed the same ones to replay a run step by step.
 */
export function trainOperaClassifier(
  data: OperaData,
  cfg: OperaClassifierConfig,
  init: LinearParams,
  epochOrder: (epoch: number) => ArrayLike<number>,
  seed: number,
): OperaSeedResult {
  const { task, classes: c, epochs, batchSize, l2, checkpointEvery } = cfg;
  validateSchedule(task, epochs, batchSize, checkpointEvery);
  if (!Number.isInteger(c) || c < 2) throw new ProbeInputError(task, `classes must be an integer ≥ 2, got ${c}`);
  const d = data.train.x.cols;
  checkSet(task, 'train', data.train, c, d);
  checkSet(task, 'val', data.val, c, d);
  checkSet(task, 'test', data.test, c, d);
  if (init.features !== d || init.outputs !== c) throw new ProbeInputError(task, `initial head is ${init.outputs}×${init.features}, expected ${c}×${d}`);

  const theta = packParams(init);
  const head = unpackParams(theta, d, c, false);
  const adam = new ClippedAdam(theta, cfg.optimizer);
  const grad = new Float64Array(theta.length);
  const x = data.train.x.data;
  const y = data.train.y;
  const z = new Float64Array(c);
  const valCurve = new Float64Array(epochs);
  let best = -Infinity;
  let bestEpoch = -1;
  let bestHead: LinearParams | null = null;
  const valCtx: MetricContext = { task, fold: 'val', seed };

  for (let e = 0; e < epochs; e++) {
    const lr = cfg.optimizer.lr * cfg.optimizer.decay ** e;
    const order = epochOrder(e);
    if (order.length !== data.train.x.rows) throw new ProbeInputError(task, `epoch ${e} order has ${order.length} rows, expected ${data.train.x.rows}`);
    for (const batch of batchesOf(order, batchSize)) {
      const inv = 1 / batch.length;
      for (let i = 0; i < theta.length; i++) grad[i] = 2 * l2 * (theta[i] as number);
      const gb = d * c;
      for (const r of batch) {
        const xo = r * d;
        let mx = -Infinity;
        for (let k = 0; k < c; k++) {
          let s = (head.bias[k] as number) + 1e-10;
          const wo = k * d;
          for (let j = 0; j < d; j++) s += (head.weight[wo + j] as number) * (x[xo + j] as number);
          z[k] = s;
          if (s > mx) mx = s;
        }
        let sum = 0;
        for (let k = 0; k < c; k++) {
          const ek = Math.exp((z[k] as number) - mx);
          z[k] = ek;
          sum += ek;
        }
        const yr = y[r] as number;
        for (let k = 0; k < c; k++) {
          const g = ((z[k] as number) / sum - (k === yr ? 1 : 0)) * inv;
          const wo = k * d;
          for (let j = 0; j < d; j++) grad[wo + j] = (grad[wo + j] as number) + g * (x[xo + j] as number);
          grad[gb + k] = (grad[gb + k] as number) + g;
        }
      }
      adam.step(grad, lr);
    }
    const metric = classificationMetric(data.val.y, softmaxRowsInPlace(linearScores(data.val.x, head)), valCtx);
    valCurve[e] = metric;
    if ((e + 1) % checkpointEvery === 0 && metric > best) {
      best = metric;
      bestEpoch = e;
      bestHead = unpackParams(theta, d, c, true);
    }
  }
  if (bestHead === null) throw new ProbeInputError(task, `no checkpoint epoch: ${epochs} epochs with checkpoints every ${checkpointEvery}`);
  const testProbabilities = softmaxRowsInPlace(linearScores(data.test.x, bestHead));
  const testMetric = classificationMetric(data.test.y, testProbabilities, { task, fold: 'test', seed });
  return { seed, testMetric, bestEpoch, bestValMetric: best, valCurve, testProbabilities, head: bestHead };
}

/** Binary AUROC of class 1 for C = 2, macro one-vs-rest AUROC for C > 2. */
export function classificationMetric(labels: ArrayLike<number>, probabilities: Matrix, ctx: MetricContext): number {
  return probabilities.cols === 2 ? auroc(labels, column(probabilities, 1), ctx) : macroAuroc(labels, probabilities, ctx);
}

export function validateSchedule(task: string, epochs: number, batchSize: number, checkpointEvery: number): void {
  if (!Number.isInteger(epochs) || epochs < 1) throw new ProbeInputError(task, `epochs must be a positive integer, got ${epochs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new ProbeInputError(task, `batch size must be a positive integer, got ${batchSize}`);
  if (!Number.isInteger(checkpointEvery) || checkpointEvery < 1 || checkpointEvery > epochs) {
    throw new ProbeInputError(task, `checkpointEvery must be an integer in [1, ${epochs}], got ${checkpointEvery}`);
  }
}
