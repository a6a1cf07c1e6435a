/**
 * OPERA's regression probe (evelyn0414/OPERA at 3622310, `models_eval.py::LinearHeadR`,
 * `linear_eval.py::linear_evaluation_mmlung` / `_nosemic`), in float64:
 * - prediction ŷ = (w·x + b)·σ + μ with μ, σ the mean and population std of the training targets
 *   (label standardisation inside the head); weight ~ N(0, 0.01²), bias 0;
 * - loss per batch: MSE(ŷ + 1e-10, y) + l2·(‖w‖² + b²), l2 = 1e-1;
 * - the same Adam / clipping / ×0.97 decay / per-epoch shuffling as the classifier;
 * - after every epoch the validation MAE; the checkpoint is the epoch with the lowest validation MAE
 *   among those ModelCheckpoint may save ((e + 1) mod every_n_epochs = 0; MMLung 3, NoseMic 1),
 *   ties to the earliest;
 * - optional EarlyStopping(monitor valid_MAE, mode min): an epoch improves when MAE + minDelta <
 *   best so far; training stops after the epoch at which `patience` epochs in a row did not improve
 *   (MMLung: patience 5, minDelta 0.001; NoseMic: none).
 * One fit per leave-one-subject-out fold (single seed 0 in OPERA); folds are the caller's.
 */
import { type LabelledSet, type LinearParams, checkSet, linearScores, ProbeInputError } from './probe-data.ts';
import { type OperaOptimizer, ClippedAdam, batchesOf, operaStreams, packParams, unpackParams } from './probe-opera-optim.ts';
import { validateSchedule, type OperaData } from './probe-opera.ts';
import { meanAbsoluteError } from './metrics.ts';
import { mean, populationStd } from './stats.ts';

export interface OperaEarlyStopping {
  readonly patience: number;
  readonly minDelta: number;
}

export interface OperaRegressionConfig {
  readonly task: string;
  readonly epochs: number;
  readonly batchSize: number;
  /** OPERA_REGRESSION_L2 = 1e-1. */
  readonly l2: number;
  readonly checkpointEvery: number;
  readonly earlyStopping: OperaEarlyStopping | null;
  readonly optimizer: OperaOptimizer;
}

export interface OperaRegressionResult {
  readonly seed: number;
  readonly bestEpoch: number;
  /** Last epoch trained (epochs − 1 unless early stopping fired). */
  readonly lastEpoch: number;
  readonly bestValMae: number;
  readonly valCurve: Float64Array;
  readonly targetMean: number;
  readonly targetStd: number;
  /** ŷ of the selected head on the test rows. */
  readonly testPredictions: Float64Array;
  readonly testMae: number;
  /** Head in standardised target units: ŷ = (w·x + b)·targetStd + targetMean. */
  readonly head: LinearParams;
}

/** The protocol with the seeded streams of `operaStreams(seed, …)`. */
export function operaRegressionProbe(data: OperaData, cfg: OperaRegressionConfig, seed: number): OperaRegressionResult {
  const s = operaStreams(seed, data.train.x.cols, 1, data.train.x.rows);
  return trainOperaRegressor(data, cfg, s.init, s.epochOrder, seed);
}

/** One run from a given initial head and per-epoch row orders (see trainOperaClassifier). */
export function trainOperaRegressor(
  data: OperaData,
  cfg: OperaRegressionConfig,
  init: LinearParams,
  epochOrder: (epoch: number) => ArrayLike<number>,
  seed: number,
): OperaRegressionResult {
  const { task, epochs, batchSize, l2, checkpointEvery, earlyStopping } = cfg;
  validateSchedule(task, epochs, batchSize, checkpointEvery);
  const d = data.train.x.cols;
  checkSet(task, 'train', data.train, null, d);
  checkSet(task, 'val', data.val, null, d);
  checkSet(task, 'test', data.test, null, d);
  if (init.features !== d || init.outputs !== 1) throw new ProbeInputError(task, `initial head is ${init.outputs}×${init.features}, expected 1×${d}`);
  if (earlyStopping !== null && (!Number.isInteger(earlyStopping.patience) || earlyStopping.patience < 1 || !(earlyStopping.minDelta >= 0))) {
    throw new ProbeInputError(task, `bad early stopping ${JSON.stringify(earlyStopping)}`);
  }
  const mu = mean(data.train.y);
  const sigma = populationStd(data.train.y);

  const theta = packParams(init);
  const head = unpackParams(theta, d, 1, false);
  const adam = new ClippedAdam(theta, cfg.optimizer);
  const grad = new Float64Array(theta.length);
  const x = data.train.x.data;
  const y = data.train.y;
  const valCurve = new Float64Array(epochs);
  let best = Infinity;
  let bestEpoch = -1;
  let bestHead: LinearParams | null = null;
  let esBest = Infinity;
  let esWait = 0;
  let lastEpoch = epochs - 1;
  const valCtx = { task, fold: 'val', seed };

  for (let e = 0; e < epochs; e++) {
    const lr = cfg.optimizer.lr * cfg.optimizer.decay ** e;
    const order = epochOrder(e);
    if (order.length !== data.train.x.rows) throw new ProbeInputError(task, `epoch ${e} order has ${order.length} rows, expected ${data.train.x.rows}`);
    for (const batch of batchesOf(order, batchSize)) {
      for (let i = 0; i < theta.length; i++) grad[i] = 2 * l2 * (theta[i] as number);
      for (const r of batch) {
        const xo = r * d;
        let h = head.bias[0] as number;
        for (let j = 0; j < d; j++) h += (head.weight[j] as number) * (x[xo + j] as number);
        const yhat = h * sigma + mu + 1e-10;
        const g = (2 * (yhat - (y[r] as number)) * sigma) / batch.length;
        for (let j = 0; j < d; j++) grad[j] = (grad[j] as number) + g * (x[xo + j] as number);
        grad[d] = (grad[d] as number) + g;
      }
      adam.step(grad, lr);
    }
    const mae = meanAbsoluteError(data.val.y, predict(data.val.x, head, mu, sigma), valCtx);
    valCurve[e] = mae;
    if ((e + 1) % checkpointEvery === 0 && mae < best) {
      best = mae;
      bestEpoch = e;
      bestHead = unpackParams(theta, d, 1, true);
    }
    if (earlyStopping !== null) {
      if (mae + earlyStopping.minDelta < esBest) {
        esBest = mae;
        esWait = 0;
      } else if (++esWait >= earlyStopping.patience) {
        lastEpoch = e;
        break;
      }
    }
  }
  if (bestHead === null) throw new ProbeInputError(task, `no checkpoint epoch before training ended at epoch ${lastEpoch} (checkpoints every ${checkpointEvery})`);
  const testPredictions = predict(data.test.x, bestHead, mu, sigma);
  const testMae = meanAbsoluteError(data.test.y, testPredictions, { task, fold: 'test', seed });
  return { seed, bestEpoch, lastEpoch, bestValMae: best, valCurve: valCurve.slice(0, lastEpoch + 1), targetMean: mu, targetStd: sigma, testPredictions, testMae, head: bestHead };
}

function predict(x: LabelledSet['x'], head: LinearParams, mu: number, sigma: number): Float64Array {
  const s = linearScores(x, head);
  const out = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) out[i] = (s.data[i] as number) * sigma + mu;
  return out;
}
