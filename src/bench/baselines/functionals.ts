/**
 * openSMILE-style functionals of one descriptor over the frames of a recording (values v_0 … v_{T−1},
 * frame times t_i = i·dt seconds), in the order of `functionalNames`:
 *   mean, std (population, ddof 0), min, max, range = max − min,
 *   percentiles (numpy `percentile`, linear interpolation),
 *   skewness g1 = m3 / m2^{3/2} and excess kurtosis g2 = m4 / m2² − 3 (biased moments m_k = mean((v − mean)^k),
 *     scipy.stats `skew` / `kurtosis` defaults), both defined as 0 when m2 ≤ (1e-12·|mean|)² (a descriptor constant up to rounding),
 *   slope = least-squares slope of v against t in units per second, 0 for a single frame.
 */
import { percentileSorted } from '../stats.ts';

/** Number of functionals for `percentiles` percentile levels. */
export function functionalCount(percentiles: readonly number[]): number {
  return 8 + percentiles.length;
}

/** Writes the functionals of `values[at + i·stride]`, i < T, to out[outAt …]. */
export function functionals(
  values: Float64Array,
  at: number,
  stride: number,
  T: number,
  dt: number,
  percentiles: readonly number[],
  out: Float64Array,
  outAt: number,
): void {
  const v = new Float64Array(T);
  let sum = 0;
  for (let i = 0; i < T; i++) {
    const x = values[at + i * stride] as number;
    v[i] = x;
    sum += x;
  }
  const mean = sum / T;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  let tv = 0;
  const tMean = ((T - 1) * dt) / 2;
  let tt = 0;
  for (let i = 0; i < T; i++) {
    const d = (v[i] as number) - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
    const ti = i * dt - tMean;
    tv += ti * d;
    tt += ti * ti;
  }
  m2 /= T;
  m3 /= T;
  m4 /= T;
  const sorted = v.slice().sort();
  const min = sorted[0] as number;
  const max = sorted[T - 1] as number;
  let k = outAt;
  out[k++] = mean;
  out[k++] = Math.sqrt(m2);
  out[k++] = min;
  out[k++] = max;
  out[k++] = max - min;
  for (const q of percentiles) out[k++] = percentileSorted(sorted, q);
  // a descriptor constant up to rounding (spread below 1e-12 of its magnitude) has no shape
  const flat = m2 <= (1e-12 * Math.abs(mean)) ** 2;
  out[k++] = flat ? 0 : m3 / m2 ** 1.5;
  out[k++] = flat ? 0 : m4 / (m2 * m2) - 3;
  out[k++] = tt > 0 ? tv / tt : 0;
}
