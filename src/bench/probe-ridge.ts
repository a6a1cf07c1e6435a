/**
 * Ridge regression with sklearn 1.2 `Ridge(alpha, fit_intercept=True)` semantics:
 *   minimise ‖y − Xw − b‖² + α‖w‖²  (intercept unpenalised),
 * solved exactly on centred data: w = (XcᵀXc + αI)⁻¹ Xcᵀ(y − ȳ) by Cholesky (primal, d ≤ n) or
 * w = Xcᵀ(XcXcᵀ + αI)⁻¹(y − ȳ) (dual, d > n; the same w), b = ȳ on the centred features.
 * Features are optionally standardised with the fit rows' mean and population std first.
 */
import {
  type Matrix,
  type Standardizer,
  applyStandardizer,
  choleskySolve,
  fitStandardizer,
  gramColumns,
  gramRows,
  transposeTimes,
} from './stats-matrix.ts';
import { mean } from './stats.ts';

export interface RidgeModel {
  readonly alpha: number;
  readonly standardizer: Standardizer;
  /** Weights on the standardised (or centred) features. */
  readonly weight: Float64Array;
  readonly intercept: number;
}

/** One model per alpha, sharing one Gram matrix. */
export function ridgePath(x: Matrix, y: ArrayLike<number>, alphas: readonly number[], standardize: boolean): RidgeModel[] {
  for (const a of alphas) if (!(a > 0)) throw new RangeError(`ridge alpha must be positive, got ${a}`);
  const standardizer = fitStandardizer(x, standardize);
  const z = applyStandardizer(x, standardizer);
  const yMean = mean(y);
  const yc = Float64Array.from({ length: y.length }, (_, i) => (y[i] as number) - yMean);
  const primal = z.cols <= z.rows;
  const size = primal ? z.cols : z.rows;
  const g = primal ? gramColumns(z) : gramRows(z);
  const rhs = primal ? transposeTimes(z, yc) : yc;
  return alphas.map((alpha) => {
    const a = g.slice();
    for (let i = 0; i < size; i++) a[i * size + i] = (a[i * size + i] as number) + alpha;
    const sol = choleskySolve(a, size, rhs, `ridge normal equations (alpha ${alpha})`);
    const weight = primal ? sol : transposeTimes(z, sol);
    return { alpha, standardizer, weight, intercept: yMean };
  });
}

export function fitRidge(x: Matrix, y: ArrayLike<number>, alpha: number, standardize: boolean): RidgeModel {
  return ridgePath(x, y, [alpha], standardize)[0] as RidgeModel;
}

export function ridgePredict(model: RidgeModel, x: Matrix): Float64Array {
  const z = applyStandardizer(x, model.standardizer);
  const out = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    let s = model.intercept;
    const o = i * x.cols;
    for (let j = 0; j < x.cols; j++) s += (model.weight[j] as number) * (z.data[o + j] as number);
    out[i] = s;
  }
  return out;
}
