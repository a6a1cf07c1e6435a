/**
 * L2-regularised logistic regression with sklearn 1.2 `LogisticRegression(C, penalty='l2',
 * class_weight='balanced', solver='lbfgs')` semantics, solved by our L-BFGS to a tight tolerance:
 *   minimise ½‖W‖² + C Σᵢ sᵢ ℓᵢ,   sᵢ = n / (K·n_{yᵢ}) (balanced weights of the fit's own rows),
 * with an unpenalised intercept. K = 2: ℓᵢ = log(1 + exp(−tᵢ zᵢ)), zᵢ = w·xᵢ + b, tᵢ = ±1.
 * K > 2: the multinomial (softmax) loss ℓᵢ = logΣₖ exp(zᵢₖ) − zᵢ,yᵢ with a full K × d weight matrix
 * (sklearn's default `multi_class='auto'` with lbfgs), not one-vs-rest.
 * The objective is evaluated divided by C·S (S = Σ sᵢ), which has the same minimiser and an O(1)
 * scale for the line search; convergence is judged on the gradient of the undivided objective
 * (‖∇‖∞ ≤ gtol), whose Hessian is ≥ I on the weights, so gtol bounds the weight error whatever C is
 * (a fixed tolerance on the divided objective would stop far from the optimum at large C on nearly
 * separable data). Features are optionally standardised with the training rows' mean and population
 * std before the fit (stated per call).
 */
import { type Matrix, type Standardizer, applyStandardizer, fitStandardizer } from './stats-matrix.ts';
import { type LbfgsOptions, minimizeLbfgs } from './probe-lbfgs.ts';
import { softmaxRowsInPlace } from './probe-data.ts';

export interface LogisticProblem {
  /** Features as the solver sees them (already standardised if requested). */
  readonly x: Matrix;
  /** Class labels 0…classes−1. */
  readonly y: ArrayLike<number>;
  readonly classes: number;
  /** Per-row weights sᵢ. */
  readonly weights: Float64Array;
  readonly c: number;
}

/** Parameter layout: K = 2: [w (d), b]; K > 2: [W (K × d, row-major), b (K)]. */
export function logisticParamCount(features: number, classes: number): number {
  return classes === 2 ? features + 1 : classes * (features + 1);
}

/** sklearn `compute_class_weight('balanced')` per row: n / (K·n_c). Every class must be present. */
export function balancedWeights(y: ArrayLike<number>, classes: number): Float64Array {
  const counts = new Float64Array(classes);
  for (let i = 0; i < y.length; i++) counts[y[i] as number] = (counts[y[i] as number] as number) + 1;
  for (let k = 0; k < classes; k++) if (counts[k] === 0) throw new RangeError(`balanced class weights: class ${k} has no rows`);
  return Float64Array.from({ length: y.length }, (_, i) => y.length / (classes * (counts[y[i] as number] as number)));
}

/** f(θ) = Σᵢ sᵢ ℓᵢ / S + ‖W‖² / (2·C·S); writes ∇f into grad and returns f. */
export function logisticObjective(p: LogisticProblem, theta: Float64Array, grad: Float64Array): number {
  const { x, y, classes: kk, weights: s, c } = p;
  const n = x.rows;
  const d = x.cols;
  let sw = 0;
  for (let i = 0; i < n; i++) sw += s[i] as number;
  const reg = 1 / (c * sw);
  grad.fill(0);
  let loss = 0;
  if (kk === 2) {
    const b = theta[d] as number;
    for (let i = 0; i < n; i++) {
      const o = i * d;
      let z = b;
      for (let j = 0; j < d; j++) z += (theta[j] as number) * (x.data[o + j] as number);
      const t = y[i] === 1 ? 1 : -1;
      const u = -t * z;
      loss += (s[i] as number) * (u > 0 ? u + Math.log1p(Math.exp(-u)) : Math.log1p(Math.exp(u)));
      const sig = 1 / (1 + Math.exp(-z));
      const r = ((s[i] as number) * (sig - (t === 1 ? 1 : 0))) / sw;
      for (let j = 0; j < d; j++) grad[j] = (grad[j] as number) + r * (x.data[o + j] as number);
      grad[d] = (grad[d] as number) + r;
    }
    let w2 = 0;
    for (let j = 0; j < d; j++) {
      const w = theta[j] as number;
      w2 += w * w;
      grad[j] = (grad[j] as number) + reg * w;
    }
    return loss / sw + 0.5 * reg * w2;
  }
  const bo = kk * d;
  const z = new Float64Array(kk);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    let mx = -Infinity;
    for (let k = 0; k < kk; k++) {
      let v = theta[bo + k] as number;
      const wo = k * d;
      for (let j = 0; j < d; j++) v += (theta[wo + j] as number) * (x.data[o + j] as number);
      z[k] = v;
      if (v > mx) mx = v;
    }
    let se = 0;
    for (let k = 0; k < kk; k++) se += Math.exp((z[k] as number) - mx);
    const lse = mx + Math.log(se);
    const yi = y[i] as number;
    loss += (s[i] as number) * (lse - (z[yi] as number));
    for (let k = 0; k < kk; k++) {
      const r = ((s[i] as number) * (Math.exp((z[k] as number) - lse) - (k === yi ? 1 : 0))) / sw;
      const wo = k * d;
      for (let j = 0; j < d; j++) grad[wo + j] = (grad[wo + j] as number) + r * (x.data[o + j] as number);
      grad[bo + k] = (grad[bo + k] as number) + r;
    }
  }
  let w2 = 0;
  for (let j = 0; j < bo; j++) {
    const w = theta[j] as number;
    w2 += w * w;
    grad[j] = (grad[j] as number) + reg * w;
  }
  return loss / sw + 0.5 * reg * w2;
}

export interface LogisticModel {
  readonly classes: number;
  readonly features: number;
  readonly standardizer: Standardizer;
  /** Parameters in the layout of logisticParamCount, on the standardised features. */
  readonly theta: Float64Array;
  readonly iterations: number;
  /** ‖∇‖∞ of the undivided objective ½‖W‖² + C Σ sᵢℓᵢ at theta. */
  readonly gradInfNorm: number;
  readonly converged: boolean;
}

/**
 * Fits one model. `standardize` z-scores the features with the fit rows' statistics (else only the
 * column means are removed, which changes nothing but conditioning: the intercept absorbs it).
 * `solver.gtol` applies to the gradient of the undivided objective (see above). `warmStart` (same
 * layout) starts the solver elsewhere than at zero; the optimum is unique, so only the iteration
 * count changes.
 */
export function fitLogistic(
  x: Matrix,
  y: ArrayLike<number>,
  classes: number,
  c: number,
  standardize: boolean,
  solver: LbfgsOptions,
  warmStart?: Float64Array,
): LogisticModel {
  if (!(c > 0)) throw new RangeError(`logistic regression C must be positive, got ${c}`);
  const standardizer = fitStandardizer(x, standardize);
  const weights = balancedWeights(y, classes);
  const problem: LogisticProblem = { x: applyStandardizer(x, standardizer), y, classes, weights, c };
  const scale = c * weights.reduce((a, b) => a + b, 0);
  const x0 = warmStart ? warmStart.slice() : new Float64Array(logisticParamCount(x.cols, classes));
  const r = minimizeLbfgs((t, g) => logisticObjective(problem, t, g), x0, { ...solver, gtol: solver.gtol / scale });
  return { classes, features: x.cols, standardizer, theta: r.x, iterations: r.iterations, gradInfNorm: r.gradInfNorm * scale, converged: r.converged };
}

/** Class probabilities (rows × K; for K = 2 the columns are [1 − p, p]). */
export function logisticProbabilities(model: LogisticModel, x: Matrix): Matrix {
  const z = applyStandardizer(x, model.standardizer);
  const d = model.features;
  const kk = model.classes;
  const th = model.theta;
  const out = new Float64Array(x.rows * kk);
  for (let i = 0; i < x.rows; i++) {
    const o = i * d;
    if (kk === 2) {
      let v = th[d] as number;
      for (let j = 0; j < d; j++) v += (th[j] as number) * (z.data[o + j] as number);
      const p = 1 / (1 + Math.exp(-v));
      out[2 * i] = 1 - p;
      out[2 * i + 1] = p;
    } else {
      for (let k = 0; k < kk; k++) {
        let v = th[kk * d + k] as number;
        for (let j = 0; j < d; j++) v += (th[k * d + j] as number) * (z.data[o + j] as number);
        out[i * kk + k] = v;
      }
    }
  }
  const m = { rows: x.rows, cols: kk, data: out };
  return kk === 2 ? m : softmaxRowsInPlace(m);
}
