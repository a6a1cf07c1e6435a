/**
 * Small statistics shared by the metrics and the probes: midranks, moments, the standard normal
 * quantile, NumPy-style percentiles and the percentile bootstrap. Float64 throughout; randomness
 * only through an explicit Rng.
 */
import { type Rng, assert } from '../util/index.ts';

/**
 * Midranks (1-based average ranks, ties share the mean of the ranks they span), as
 * `scipy.stats.rankdata(method='average')`. O(n log n).
 */
export function midranks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = sortedOrder(values);
  const ranks = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    const v = values[order[i] as number] as number;
    while (j + 1 < n && values[order[j + 1] as number] === v) j++;
    const r = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) ranks[order[k] as number] = r;
    i = j + 1;
  }
  return ranks;
}

/** Indices that sort `values` ascending (stable: equal values keep their input order). */
export function sortedOrder(values: ArrayLike<number>): Int32Array {
  const idx = Array.from({ length: values.length }, (_, i) => i);
  idx.sort((a, b) => (values[a] as number) - (values[b] as number) || a - b);
  return Int32Array.from(idx);
}

export function mean(xs: ArrayLike<number>): number {
  assert(xs.length > 0, 'mean of an empty array');
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i] as number;
  return s / xs.length;
}

/** Population standard deviation (divides by n), as `np.std` with its default ddof = 0. */
export function populationStd(xs: ArrayLike<number>): number {
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += ((xs[i] as number) - m) ** 2;
  return Math.sqrt(s / xs.length);
}

/** Unbiased sample variance (divides by n − 1); 0 for a single value. */
export function sampleVariance(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n < 2) return 0;
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < n; i++) s += ((xs[i] as number) - m) ** 2;
  return s / (n - 1);
}

/**
 * Quantile of the standard normal distribution, Φ⁻¹(p) for 0 < p < 1: Wichura's algorithm AS 241
 * (PPND16, Applied Statistics 37(3), 1988), relative accuracy about 1e-16.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile needs 0 < p < 1, got ${p}`);
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r +
          45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r +
          133.14166789178437745) * r + 3.387132872796366608)) /
      (((((((5226.495278852854561 * r + 28729.085735721942674) * r + 39307.89580009271061) * r +
        21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r +
        42.313330701600911252) * r + 1)
    );
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let val: number;
  if (r <= 5) {
    r -= 1.6;
    val =
      (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r +
        1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r +
        4.6303378461565452959) * r + 1.42343711074968357734) /
      (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r +
        0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r +
        2.05319162663775882187) * r + 1);
  } else {
    r -= 5;
    val =
      (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r +
        0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r +
        5.4637849111641143699) * r + 6.6579046435011037772) /
      (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r +
        7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r +
        0.59983220655588793769) * r + 1);
  }
  return q < 0 ? -val : val;
}

/** Percentile of ascending-sorted data with linear interpolation, as `np.percentile(x, 100·q)`. */
export function percentileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  assert(n > 0 && q >= 0 && q <= 1, () => `percentile q=${q} of ${n} values`);
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (h - lo) * (b - a);
}

/** A two-sided interval at `confidence` (e.g. 0.95). */
export interface Interval {
  readonly lower: number;
  readonly upper: number;
  readonly confidence: number;
}

export interface BootstrapOptions {
  /** Number of resamples (e.g. 1000). */
  readonly resamples: number;
  /** Coverage of the two-sided interval, in (0, 1), e.g. 0.95. */
  readonly confidence: number;
  readonly rng: Rng;
}

/**
 * Percentile bootstrap: `resamples` draws of n row indices with replacement; with `strata`, rows
 * are drawn with replacement within each stratum so every resample keeps the stratum sizes.
 * The interval is the (α/2, 1 − α/2) percentiles (NumPy linear interpolation) of the statistic
 * over the resamples, α = 1 − confidence. Draw order: resample by resample, strata in ascending
 * stratum value, one `rng.int` per drawn row.
 */
export function bootstrapInterval(
  n: number,
  statistic: (rows: Int32Array) => number,
  opts: BootstrapOptions,
  strata?: ArrayLike<number>,
): Interval {
  const { resamples, confidence, rng } = opts;
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`bootstrap resamples must be a positive integer, got ${resamples}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`bootstrap confidence must be in (0, 1), got ${confidence}`);
  const groups: Int32Array[] = [];
  if (strata === undefined) {
    groups.push(Int32Array.from({ length: n }, (_, i) => i));
  } else {
    assert(strata.length === n, 'bootstrap strata length');
    const byValue = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const s = strata[i] as number;
      const list = byValue.get(s);
      if (list) list.push(i);
      else byValue.set(s, [i]);
    }
    for (const key of [...byValue.keys()].sort((a, b) => a - b)) groups.push(Int32Array.from(byValue.get(key) ?? []));
  }
  const stats = new Float64Array(resamples);
  const rows = new Int32Array(n);
  for (let b = 0; b < resamples; b++) {
    let k = 0;
    for (const g of groups) {
      for (let i = 0; i < g.length; i++) rows[k++] = g[rng.int(g.length)] as number;
    }
    stats[b] = statistic(rows);
  }
  stats.sort();
  const alpha = 1 - confidence;
  return { lower: percentileSorted(stats, alpha / 2), upper: percentileSorted(stats, 1 - alpha / 2), confidence };
}
