/**
 * HeAR's linear-probe protocol (Google-Health/google-health `health_acoustic_representations/
 * eval_utils.py`, `train_linear_probe_with_participant_level_crossval` with
 * `use_sgd_classifier=False`, and the per-participant aggregation of `hear_cidrz_demo.ipynb`):
 * - classification: L2 logistic regression, sklearn `LogisticRegression(C, class_weight='balanced')`
 *   objective, binary for 2 classes and multinomial for more (probe-logistic.ts); the penalty grid
 *   values are C (inverse regularisation strength);
 * - regression: `Ridge(alpha)` (probe-ridge.ts); the grid values are alpha;
 * - grid: 50 values log-spaced over 1e-5…1e5 (`np.logspace(-5, 5, 50)`);
 * - 5-fold cross-validation over participants (splits.ts: stratified on the participant's last label
 *   for classification, plain grouped K-fold for regression), every row following its participant;
 * - selection: the grid value with the best mean fold metric (AUROC of class 1, or macro AUROC for
 *   more classes, higher; MAE lower), computed on the fold's rows; ties go to the earlier grid value
 *   (strict improvement, as HeAR's `find_reg_coef_with_best_metric`);
 * - refit on all training rows with the selected value, predict the test rows.
 * Features are standardised inside every fit (`standardize: true`; HeAR's code does not, so
 * `standardize: false` reproduces it) with that fit's training rows only. Deterministic: the fold
 * assignment comes from `Rng.seeded(foldSeed)` and the solvers are exact; logistic fits along the
 * grid are warm-started from the previous grid value within a fold (same optimum, fewer iterations).
 */
import { Rng } from '../util/index.ts';
import { type LabelledSet, ProbeInputError, checkSet, column } from './probe-data.ts';
import { type LbfgsOptions } from './probe-lbfgs.ts';
import { type LogisticModel, fitLogistic, logisticProbabilities } from './probe-logistic.ts';
import { type RidgeModel, ridgePath, ridgePredict } from './probe-ridge.ts';
import { classificationMetric } from './probe-opera.ts';
import { meanAbsoluteError } from './metrics.ts';
import { type Fold, groupedKFold, groupedStratifiedKFold } from './splits.ts';
import { type Matrix, selectRows, selectValues } from './stats-matrix.ts';

/** `np.logspace(-5, 5, num=50)`. */
export const HEAR_PENALTIES: readonly number[] = Array.from({ length: 50 }, (_, i) => 10 ** (i === 49 ? 5 : i * (10 / 49) - 5));

/**
 * Solver settings for the logistic fits: gtol on the gradient of sklearn's undivided objective
 * (probe-logistic.ts), tight enough that the optimum, not the solver, decides the AUROC.
 */
export const HEAR_LBFGS: LbfgsOptions = { memory: 10, gtol: 1e-5, maxIterations: 50000 };

export type HearTarget = { readonly kind: 'classification'; readonly classes: number } | { readonly kind: 'regression' };

export interface HearProbeConfig {
  readonly task: string;
  readonly target: HearTarget;
  /** HEAR_PENALTIES. */
  readonly penalties: readonly number[];
  /** HeAR: 5. */
  readonly folds: number;
  /** Seeds the participant fold assignment (HeAR used numpy random_state 43; streams differ). */
  readonly foldSeed: number;
  readonly standardize: boolean;
  readonly solver: LbfgsOptions;
}

export interface HearProbeInput {
  readonly train: LabelledSet;
  /** Participant of each training row. */
  readonly trainGroups: readonly string[];
  readonly test: LabelledSet;
}

export interface HearCvPoint {
  readonly penalty: number;
  readonly meanMetric: number;
  readonly foldMetrics: Float64Array;
}

export interface HearProbeResult {
  readonly task: string;
  readonly bestPenalty: number;
  readonly cv: readonly HearCvPoint[];
  readonly folds: readonly Fold[];
  /** Per test row: probability of class 1 (binary) or predicted value (regression); null for more classes. */
  readonly testScores: Float64Array | null;
  /** Class probabilities on the test rows (classification only). */
  readonly testProbabilities: Matrix | null;
  /** Test metric on rows: AUROC / macro AUROC, or MAE. */
  readonly testMetric: number;
  readonly model: LogisticModel | RidgeModel;
  /** Logistic fits (CV and refit) that stopped before reaching the gradient tolerance. */
  readonly unconvergedFits: number;
}

export function hearLinearProbe(input: HearProbeInput, cfg: HearProbeConfig): HearProbeResult {
  const { task, target, penalties } = cfg;
  const d = input.train.x.cols;
  const classes = target.kind === 'classification' ? target.classes : null;
  if (classes !== null && (!Number.isInteger(classes) || classes < 2)) throw new ProbeInputError(task, `classes must be an integer ≥ 2, got ${classes}`);
  checkSet(task, 'train', input.train, classes, d);
  checkSet(task, 'test', input.test, classes, d);
  if (input.trainGroups.length !== input.train.x.rows) throw new ProbeInputError(task, `${input.trainGroups.length} participants for ${input.train.x.rows} training rows`);
  if (penalties.length === 0) throw new ProbeInputError(task, 'empty penalty grid');

  const rng = Rng.seeded(cfg.foldSeed);
  const folds =
    classes === null
      ? groupedKFold(task, input.trainGroups, cfg.folds, rng)
      : groupedStratifiedKFold(task, input.trainGroups, input.train.y, cfg.folds, rng);
  const foldMetrics = penalties.map(() => new Float64Array(folds.length));
  let unconverged = 0;

  folds.forEach((fold, f) => {
    const xtr = selectRows(input.train.x, fold.train);
    const ytr = selectValues(input.train.y, fold.train);
    const xte = selectRows(input.train.x, fold.test);
    const yte = selectValues(input.train.y, fold.test);
    const ctx = { task, fold: f };
    if (classes === null) {
      ridgePath(xtr, ytr, penalties, cfg.standardize).forEach((m, p) => {
        (foldMetrics[p] as Float64Array)[f] = meanAbsoluteError(yte, ridgePredict(m, xte), ctx);
      });
    } else {
      let warm: Float64Array | undefined;
      penalties.forEach((c, p) => {
        const m = fitLogistic(xtr, ytr, classes, c, cfg.standardize, cfg.solver, warm);
        if (!m.converged) unconverged++;
        warm = m.theta;
        (foldMetrics[p] as Float64Array)[f] = classificationMetric(yte, logisticProbabilities(m, xte), ctx);
      });
    }
  });

  const higher = classes !== null;
  const cv = penalties.map((penalty, p) => {
    const fm = foldMetrics[p] as Float64Array;
    let s = 0;
    for (const v of fm) s += v;
    return { penalty, meanMetric: s / fm.length, foldMetrics: fm };
  });
  let best = 0;
  for (let p = 1; p < cv.length; p++) {
    const a = (cv[p] as HearCvPoint).meanMetric;
    const b = (cv[best] as HearCvPoint).meanMetric;
    if (higher ? a > b : a < b) best = p;
  }
  const bestPenalty = (cv[best] as HearCvPoint).penalty;
  const testCtx = { task, fold: 'test' };
  if (classes === null) {
    const model = ridgePath(input.train.x, input.train.y, [bestPenalty], cfg.standardize)[0] as RidgeModel;
    const pred = ridgePredict(model, input.test.x);
    return { task, bestPenalty, cv, folds, testScores: pred, testProbabilities: null, testMetric: meanAbsoluteError(input.test.y, pred, testCtx), model, unconvergedFits: unconverged };
  }
  const model = fitLogistic(input.train.x, input.train.y, classes, bestPenalty, cfg.standardize, cfg.solver);
  if (!model.converged) unconverged++;
  const probs = logisticProbabilities(model, input.test.x);
  return {
    task,
    bestPenalty,
    cv,
    folds,
    testScores: classes === 2 ? column(probs, 1) : null,
    testProbabilities: probs,
    testMetric: classificationMetric(input.test.y, probs, testCtx),
    model,
    unconvergedFits: unconverged,
  };
}

export interface ParticipantScores {
  readonly participants: readonly string[];
  readonly labels: Float64Array;
  readonly scores: Float64Array;
}

/**
 * Per-participant aggregation (`hear_cidrz_demo.ipynb`: groupby participant, label max, score
 * mean). `labelRule` 'max' for binary labels, 'mean' for regression targets. Participants sorted.
 */
export function aggregateByParticipant(
  groups: readonly string[],
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  labelRule: 'max' | 'mean',
): ParticipantScores {
  if (groups.length !== labels.length || groups.length !== scores.length) {
    throw new RangeError(`aggregateByParticipant: ${groups.length} groups, ${labels.length} labels, ${scores.length} scores`);
  }
  const acc = new Map<string, { n: number; label: number; score: number }>();
  groups.forEach((g, i) => {
    const y = labels[i] as number;
    const a = acc.get(g);
    if (!a) acc.set(g, { n: 1, label: y, score: scores[i] as number });
    else {
      a.n++;
      a.label = labelRule === 'max' ? Math.max(a.label, y) : a.label + y;
      a.score += scores[i] as number;
    }
  });
  const participants = [...acc.keys()].sort();
  const out = participants.map((p) => acc.get(p) as { n: number; label: number; score: number });
  return {
    participants,
    labels: Float64Array.from(out, (a) => (labelRule === 'max' ? a.label : a.label / a.n)),
    scores: Float64Array.from(out, (a) => a.score / a.n),
  };
}
