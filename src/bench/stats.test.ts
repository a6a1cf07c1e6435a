import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../util/index.ts';
import { bootstrapInterval, midranks, normalQuantile, percentileSorted, populationStd, sampleVariance } from './stats.ts';
import { applyStandardizer, choleskySolve, fitStandardizer, gramColumns, gramRows, matrix } from './stats-matrix.ts';

test('midranks average tied ranks', () => {
  assert.deepEqual([...midranks([3, 1, 4, 1, 5, 9, 2, 6, 5])], [4, 1.5, 5, 1.5, 6.5, 9, 3, 8, 6.5]);
});

test('normal quantile matches scipy.stats.norm.ppf', () => {
  const cases: [number, number][] = [
    [0.975, 1.959963984540054],
    [0.5, 0],
    [0.9, 1.2815515655446004],
    [0.025, -1.959963984540054],
    [1e-10, -6.361340902404056],
    [0.999999, 4.753424308817087],
  ];
  for (const [p, z] of cases) assert.ok(Math.abs(normalQuantile(p) - z) <= 1e-14 * Math.max(1, Math.abs(z)), `p=${p}: ${normalQuantile(p)}`);
  assert.throws(() => normalQuantile(1), RangeError);
});

test('percentile, std and variance follow NumPy', () => {
  const s = [1, 2, 4, 8];
  assert.equal(percentileSorted(s, 0.5), 3);
  assert.equal(percentileSorted(s, 0.025), 1.075);
  assert.equal(populationStd([2, 4, 4, 4, 5, 5, 7, 9]), 2);
  assert.equal(sampleVariance([1, 2, 3, 4]), 5 / 3);
});

test('stratified bootstrap keeps stratum sizes', () => {
  const strata = [0, 0, 0, 1, 1, 2];
  const seen: number[][] = [];
  bootstrapInterval(6, (rows) => {
    seen.push(strata.map((_, k) => rows.filter((r) => strata[r] === k).length));
    return 0;
  }, { resamples: 20, confidence: 0.9, rng: Rng.seeded(1) }, strata);
  for (const c of seen) assert.deepEqual(c.slice(0, 3), [3, 2, 1]);
});

test('standardizer, Gram matrices and Cholesky solve', () => {
  const x = matrix(3, 2, [1, 10, 2, 10, 3, 10]);
  const st = fitStandardizer(x, true);
  assert.deepEqual([...st.mean], [2, 10]);
  assert.deepEqual([...st.scale], [Math.sqrt(2 / 3), 1]);
  const z = applyStandardizer(x, st);
  assert.deepEqual([...z.data.filter((_, i) => i % 2 === 1)], [0, 0, 0]);
  const m = matrix(2, 3, [1, 2, 3, 4, 5, 6]);
  assert.deepEqual([...gramColumns(m)], [17, 22, 27, 22, 29, 36, 27, 36, 45]);
  assert.deepEqual([...gramRows(m)], [14, 32, 32, 77]);
  const a = Float64Array.from([4, 2, 2, 3]);
  const sol = choleskySolve(a, 2, [2, 5], 'test');
  assert.ok(Math.abs((sol[0] as number) + 0.5) < 1e-15 && Math.abs((sol[1] as number) - 2) < 1e-15, String(sol));
  assert.throws(() => choleskySolve(Float64Array.from([1, 2, 2, 1]), 2, [1, 1], 'indefinite'), /not positive definite/);
});
