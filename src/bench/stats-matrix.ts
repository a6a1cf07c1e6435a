/**
 * Row-major float64 matrices for embeddings and probe weights, and the little linear algebra the
 * probes need: row selection, feature standardisation, Gram matrices and Cholesky solves.
 */
import { PneumaError, assert } from '../util/index.ts';
import { type HostTensor, toFloat64 } from '../tensor/index.ts';

/** `rows × cols`, element (i, j) at `data[i·cols + j]`. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

export class MatrixError extends PneumaError {
  constructor(message: string) {
    super('matrix', message);
  }
}

export function matrix(rows: number, cols: number, data?: ArrayLike<number>): Matrix {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new MatrixError(`bad matrix size ${rows}×${cols}`);
  }
  const d = data === undefined ? new Float64Array(rows * cols) : Float64Array.from(data);
  if (d.length !== rows * cols) throw new MatrixError(`matrix ${rows}×${cols} needs ${rows * cols} values, got ${d.length}`);
  return { rows, cols, data: d };
}

/** A rank-2 host tensor (any float or integer dtype) as a float64 matrix; `what` names it in errors. */
export function matrixFromTensor(t: HostTensor, what: string): Matrix {
  if (t.shape.length !== 2) throw new MatrixError(`${what}: expected a rank-2 tensor, got shape [${t.shape.join(',')}]`);
  return { rows: t.shape[0] as number, cols: t.shape[1] as number, data: toFloat64(t) };
}

export function selectRows(m: Matrix, rows: ArrayLike<number>): Matrix {
  const out = new Float64Array(rows.length * m.cols);
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k] as number;
    assert(r >= 0 && r < m.rows, () => `row ${r} out of range for ${m.rows} rows`);
    out.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), k * m.cols);
  }
  return { rows: rows.length, cols: m.cols, data: out };
}

export function selectValues(xs: ArrayLike<number>, rows: ArrayLike<number>): Float64Array {
  const out = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = xs[rows[k] as number] as number;
  return out;
}

export function assertFiniteMatrix(m: Matrix, what: string): void {
  for (let i = 0; i < m.data.length; i++) {
    if (!Number.isFinite(m.data[i] as number)) {
      throw new MatrixError(`${what}: element (${Math.floor(i / m.cols)}, ${i % m.cols}) is ${m.data[i]}`);
    }
  }
}

/**
 * Column centring and scaling fitted on training rows. `scale` is the population standard deviation
 * (sklearn 1.2 `StandardScaler`: ddof 0, a zero-variance column keeps scale 1); with scaling off,
 * `scale` is all ones and only the mean is removed.
 */
export interface Standardizer {
  readonly mean: Float64Array;
  readonly scale: Float64Array;
}

export function fitStandardizer(m: Matrix, scale: boolean): Standardizer {
  assert(m.rows > 0, 'standardizer needs at least one row');
  const mu = new Float64Array(m.cols);
  const sd = new Float64Array(m.cols).fill(1);
  for (let i = 0; i < m.rows; i++) {
    const o = i * m.cols;
    for (let j = 0; j < m.cols; j++) mu[j] = (mu[j] as number) + (m.data[o + j] as number);
  }
  for (let j = 0; j < m.cols; j++) mu[j] = (mu[j] as number) / m.rows;
  if (scale) {
    const ss = new Float64Array(m.cols);
    for (let i = 0; i < m.rows; i++) {
      const o = i * m.cols;
      for (let j = 0; j < m.cols; j++) ss[j] = (ss[j] as number) + ((m.data[o + j] as number) - (mu[j] as number)) ** 2;
    }
    for (let j = 0; j < m.cols; j++) {
      const s = Math.sqrt((ss[j] as number) / m.rows);
      sd[j] = s > 0 ? s : 1;
    }
  }
  return { mean: mu, scale: sd };
}

export function applyStandardizer(m: Matrix, s: Standardizer): Matrix {
  assert(s.mean.length === m.cols, 'standardizer width');
  const out = new Float64Array(m.data.length);
  for (let i = 0; i < m.rows; i++) {
    const o = i * m.cols;
    for (let j = 0; j < m.cols; j++) out[o + j] = ((m.data[o + j] as number) - (s.mean[j] as number)) / (s.scale[j] as number);
  }
  return { rows: m.rows, cols: m.cols, data: out };
}

/** XᵀX (cols × cols, symmetric). */
export function gramColumns(m: Matrix): Float64Array {
  const d = m.cols;
  const g = new Float64Array(d * d);
  for (let i = 0; i < m.rows; i++) {
    const o = i * d;
    for (let a = 0; a < d; a++) {
      const xa = m.data[o + a] as number;
      if (xa === 0) continue;
      const ga = a * d;
      for (let b = a; b < d; b++) g[ga + b] = (g[ga + b] as number) + xa * (m.data[o + b] as number);
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) g[a * d + b] = g[b * d + a] as number;
  return g;
}

/** XXᵀ (rows × rows, symmetric). */
export function gramRows(m: Matrix): Float64Array {
  const n = m.rows;
  const d = m.cols;
  const g = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    const oa = a * d;
    for (let b = a; b < n; b++) {
      const ob = b * d;
      let s = 0;
      for (let j = 0; j < d; j++) s += (m.data[oa + j] as number) * (m.data[ob + j] as number);
      g[a * n + b] = s;
      g[b * n + a] = s;
    }
  }
  return g;
}

/** Xᵀv (length cols). */
export function transposeTimes(m: Matrix, v: ArrayLike<number>): Float64Array {
  assert(v.length === m.rows, 'transposeTimes length');
  const out = new Float64Array(m.cols);
  for (let i = 0; i < m.rows; i++) {
    const vi = v[i] as number;
    if (vi === 0) continue;
    const o = i * m.cols;
    for (let j = 0; j < m.cols; j++) out[j] = (out[j] as number) + vi * (m.data[o + j] as number);
  }
  return out;
}

export class NotPositiveDefiniteError extends PneumaError {
  constructor(what: string, pivot: number, value: number) {
    super('numerical', `${what}: matrix is not positive definite (pivot ${pivot} is ${value})`);
  }
}

/**
 * Solves A x = b for symmetric positive-definite A (n × n, row-major) by Cholesky A = LLᵀ.
 * A is not modified. `what` names the system in the error raised when A is not positive definite.
 */
export function choleskySolve(a: Float64Array, n: number, b: ArrayLike<number>, what: string): Float64Array {
  assert(a.length === n * n && b.length === n, 'choleskySolve sizes');
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const li = i * n;
    for (let j = 0; j <= i; j++) {
      const lj = j * n;
      let s = a[li + j] as number;
      for (let k = 0; k < j; k++) s -= (l[li + k] as number) * (l[lj + k] as number);
      if (i === j) {
        if (!(s > 0)) throw new NotPositiveDefiniteError(what, i, s);
        l[li + i] = Math.sqrt(s);
      } else {
        l[li + j] = s / (l[lj + j] as number);
      }
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i] as number;
    for (let k = 0; k < i; k++) s -= (l[i * n + k] as number) * (y[k] as number);
    y[i] = s / (l[i * n + i] as number);
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i] as number;
    for (let k = i + 1; k < n; k++) s -= (l[k * n + i] as number) * (x[k] as number);
    x[i] = s / (l[i * n + i] as number);
  }
  return x;
}
