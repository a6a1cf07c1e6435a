/**
 * Inputs shared by the probes (an embedding matrix with one label or target per row), their
 * validation, and the linear-model arithmetic both protocols use (scores, softmax).
 */
import { PneumaError } from '../util/index.ts';
import { type Matrix, assertFiniteMatrix, MatrixError } from './stats-matrix.ts';

/** Embeddings (rows × features) with one class label (integer 0…C−1) or regression target per row. */
export interface LabelledSet {
  readonly x: Matrix;
  readonly y: ArrayLike<number>;
}

export class ProbeInputError extends PneumaError {
  constructor(task: string, reason: string) {
    super('probe-input', `task '${task}': ${reason}`);
  }
}

/** Checks shapes, finiteness and labels; `classes` = null for regression targets. */
export function checkSet(task: string, name: string, set: LabelledSet, classes: number | null, features: number): void {
  if (set.x.rows === 0) throw new ProbeInputError(task, `${name} set has no rows`);
  if (set.x.cols !== features) throw new ProbeInputError(task, `${name} set has ${set.x.cols} features, expected ${features}`);
  if (set.y.length !== set.x.rows) throw new ProbeInputError(task, `${name} set has ${set.x.rows} rows but ${set.y.length} labels`);
  try {
    assertFiniteMatrix(set.x, `${name} embeddings`);
  } catch (e) {
    if (e instanceof MatrixError) throw new ProbeInputError(task, e.message);
    throw e;
  }
  for (let i = 0; i < set.y.length; i++) {
    const y = set.y[i] as number;
    if (classes === null) {
      if (!Number.isFinite(y)) throw new ProbeInputError(task, `${name} target[${i}] is ${y}`);
    } else if (!Number.isInteger(y) || y < 0 || y >= classes) {
      throw new ProbeInputError(task, `${name} label[${i}] is ${y}, expected an integer in [0, ${classes})`);
    }
  }
}

/** A linear map x ↦ W x + b with W of shape outputs × features (row-major), as `torch.nn.Linear`. */
export interface LinearParams {
  readonly weight: Float64Array;
  readonly bias: Float64Array;
  readonly outputs: number;
  readonly features: number;
}

/** Scores S = X Wᵀ + b, rows × outputs. */
export function linearScores(x: Matrix, p: LinearParams): Matrix {
  const { outputs: c, features: d } = p;
  const out = new Float64Array(x.rows * c);
  for (let i = 0; i < x.rows; i++) {
    const xo = i * d;
    for (let k = 0; k < c; k++) {
      const wo = k * d;
      let s = p.bias[k] as number;
      for (let j = 0; j < d; j++) s += (x.data[xo + j] as number) * (p.weight[wo + j] as number);
      out[i * c + k] = s;
    }
  }
  return { rows: x.rows, cols: c, data: out };
}

/** Row-wise softmax, max-shifted (as `torch.softmax`), in place. */
export function softmaxRowsInPlace(m: Matrix): Matrix {
  const c = m.cols;
  for (let i = 0; i < m.rows; i++) {
    const o = i * c;
    let mx = -Infinity;
    for (let k = 0; k < c; k++) mx = Math.max(mx, m.data[o + k] as number);
    let s = 0;
    for (let k = 0; k < c; k++) {
      const e = Math.exp((m.data[o + k] as number) - mx);
      m.data[o + k] = e;
      s += e;
    }
    for (let k = 0; k < c; k++) m.data[o + k] = (m.data[o + k] as number) / s;
  }
  return m;
}

/** Column k of a matrix. */
export function column(m: Matrix, k: number): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = m.data[i * m.cols + k] as number;
  return out;
}
