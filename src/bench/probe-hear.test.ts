import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Rng } from '../util/index.ts';
import { HEAR_LBFGS, HEAR_PENALTIES, aggregateByParticipant, hearLinearProbe } from './probe-hear.ts';
import { balancedWeights, fitLogistic, logisticObjective, logisticParamCount, logisticProbabilities } from './probe-logistic.ts';
import { fitRidge, ridgePredict } from './probe-ridge.ts';
import { minimizeLbfgs } from './probe-lbfgs.ts';
import { type Matrix, matrix } from './stats-matrix.ts';

const GOLDEN = fileURLToPath(new URL('../../test/fixtures/golden/bench-metrics/probes.json', import.meta.url));
interface GoldenFit {
  x: number[][];
  y: number[];
  x_test: number[][];
  C?: number;
  alpha?: number;
  coef: number[] | number[][];
  intercept: number[] | number;
  proba_test?: number[][];
  predict_test?: number[];
}
const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as Record<string, GoldenFit>;
const M = (a: number[][]) => matrix(a.length, (a[0] as number[]).length, a.flat());

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

test('logistic objective gradient matches central finite differences (binary and multinomial)', () => {
  const rng = Rng.seeded(1);
  for (const classes of [2, 4]) {
    const n = 30;
    const d = 5;
    const x = matrix(n, d, Array.from({ length: n * d }, () => rng.normal()));
    const y = Float64Array.from({ length: n }, (_, i) => i % classes);
    const p = { x, y, classes, weights: balancedWeights(y, classes), c: 0.8 };
    const theta = Float64Array.from({ length: logisticParamCount(d, classes) }, () => 0.5 * rng.normal());
    const g = new Float64Array(theta.length);
    logisticObjective(p, theta, g);
    const scratch = new Float64Array(theta.length);
    for (let i = 0; i < theta.length; i++) {
      const h = 1e-5;
      const tp = theta.slice();
      const tm = theta.slice();
      tp[i] = (tp[i] as number) + h;
      tm[i] = (tm[i] as number) - h;
      const fd = (logisticObjective(p, tp, scratch) - logisticObjective(p, tm, scratch)) / (2 * h);
      assert.ok(Math.abs(fd - (g[i] as number)) < 1e-9, `K=${classes} param ${i}: fd ${fd} vs ${g[i]}`);
    }
  }
});

test('logistic fits equal sklearn LogisticRegression(C, balanced) up to sklearn\'s own stopping tolerance', () => {
  for (const [key, classes] of [['logistic_binary', 2], ['logistic_multinomial', 3]] as const) {
    const c = golden[key] as GoldenFit;
    const m = fitLogistic(M(c.x), c.y, classes, c.C as number, true, HEAR_LBFGS);
    assert.ok(m.converged, `${key} gradient ${m.gradInfNorm}`);
    // sklearn 1.2 stops L-BFGS-B on its relative-decrease criterion (factr 1e7) whatever `tol` is,
    // which leaves its coefficients about 1e-5 from the optimum; ours sit at gradient ≤ 1e-7.
    const coef = (c.coef as number[] | number[][]).flat();
    const theta = [...m.theta];
    if (classes === 2) {
      assert.ok(maxAbsDiff(theta, [...coef, ...(c.intercept as number[])]) < 5e-5, key);
    } else {
      const d = 5;
      assert.ok(maxAbsDiff(theta.slice(0, classes * d), coef) < 5e-5, `${key} coef`);
      const shift = (theta[classes * d] as number) - ((c.intercept as number[])[0] as number);
      assert.ok(maxAbsDiff(theta.slice(classes * d).map((b) => b - shift), c.intercept as number[]) < 5e-5, `${key} intercept`);
    }
    assert.ok(maxAbsDiff(logisticProbabilities(m, M(c.x_test)).data, (c.proba_test as number[][]).flat()) < 5e-5, `${key} proba`);
  }
});

test('ridge equals sklearn Ridge (primal and dual) and satisfies its normal equations', () => {
  for (const key of ['ridge_primal', 'ridge_dual']) {
    const c = golden[key] as GoldenFit;
    const m = fitRidge(M(c.x), c.y, c.alpha as number, true);
    assert.ok(maxAbsDiff(m.weight, c.coef as number[]) < 1e-12, `${key} coef`);
    assert.ok(Math.abs(m.intercept - (c.intercept as number)) < 1e-12, `${key} intercept`);
    assert.ok(maxAbsDiff(ridgePredict(m, M(c.x_test)), c.predict_test as number[]) < 1e-12, `${key} predictions`);
  }
  // Closed form: at the optimum Zᵀ(y − Zw − b) = α·w on the standardised features Z.
  const c = golden.ridge_primal as GoldenFit;
  const x = M(c.x);
  const m = fitRidge(x, c.y, 2.5, false);
  const r = ridgePredict(m, x).map((p, i) => (c.y[i] as number) - p);
  const z = x.data.map((v, i) => v - (m.standardizer.mean[i % x.cols] as number));
  for (let j = 0; j < x.cols; j++) {
    let s = 0;
    for (let i = 0; i < x.rows; i++) s += (z[i * x.cols + j] as number) * (r[i] as number);
    assert.ok(Math.abs(s - 2.5 * (m.weight[j] as number)) < 1e-9, `normal equation ${j}`);
  }
});

test('L-BFGS finds the minimum of a quadratic', () => {
  const a = [4, 1, 0.01];
  const b = [1, -2, 0.03];
  const r = minimizeLbfgs((x, g) => {
    let f = 0;
    for (let i = 0; i < 3; i++) {
      g[i] = (a[i] as number) * (x[i] as number) - (b[i] as number);
      f += 0.5 * (a[i] as number) * (x[i] as number) ** 2 - (b[i] as number) * (x[i] as number);
    }
    return f;
  }, new Float64Array(3), { memory: 5, gtol: 1e-10, maxIterations: 200 });
  assert.ok(r.converged, `${r.stop} after ${r.iterations}: gradient ${r.gradInfNorm}`);
  assert.ok(maxAbsDiff(r.x, [0.25, -2, 3]) < 1e-8, String(r.x));
});

/** Participants with 3 rows each; classes differ by `sep` along the first 2 of 8 features. */
function grouped(rng: Rng, participants: number, sep: number, prefix: string): { x: Matrix; y: Float64Array; g: string[] } {
  const rows = participants * 3;
  const x = new Float64Array(rows * 8);
  const y = new Float64Array(rows);
  const g: string[] = [];
  for (let i = 0; i < rows; i++) {
    const p = Math.floor(i / 3);
    y[i] = p % 3 === 0 ? 1 : 0;
    g.push(`${prefix}${p}`);
    for (let j = 0; j < 8; j++) x[i * 8 + j] = rng.normal() + (j < 2 ? sep * (y[i] as number) : 0);
  }
  return { x: matrix(rows, 8, x), y, g };
}

const penalties = HEAR_PENALTIES.filter((_, i) => i % 7 === 0);
const hcfg = { task: 'hear-syn', target: { kind: 'classification', classes: 2 } as const, penalties, folds: 5, foldSeed: 43, standardize: true, solver: HEAR_LBFGS };

test('HeAR probe: separable → AUROC ≈ 1, shuffled labels → ≈ 0.5, deterministic, participants disjoint per fold', () => {
  const rng = Rng.seeded(2);
  const tr = grouped(rng, 40, 4, 'A');
  const te = grouped(rng, 40, 4, 'B');
  const r = hearLinearProbe({ train: { x: tr.x, y: tr.y }, trainGroups: tr.g, test: { x: te.x, y: te.y } }, hcfg);
  assert.ok(r.testMetric > 0.99, `separable AUROC ${r.testMetric}`);
  assert.equal(r.cv.length, penalties.length);
  for (const f of r.folds) {
    const a = new Set([...f.train].map((i) => tr.g[i]));
    for (const i of f.test) assert.ok(!a.has(tr.g[i] as string));
  }
  assert.deepEqual(hearLinearProbe({ train: { x: tr.x, y: tr.y }, trainGroups: tr.g, test: { x: te.x, y: te.y } }, hcfg), r);
  const ys = tr.y.slice();
  const yt = te.y.slice();
  rng.shuffle(ys as unknown as number[]);
  rng.shuffle(yt as unknown as number[]);
  const s = hearLinearProbe({ train: { x: tr.x, y: ys }, trainGroups: tr.g, test: { x: te.x, y: yt } }, hcfg);
  assert.ok(Math.abs(s.testMetric - 0.5) < 0.12, `shuffled AUROC ${s.testMetric}`);
  const best = s.cv.reduce((a, b) => (b.meanMetric > a.meanMetric ? b : a));
  assert.equal(s.bestPenalty, best.penalty);
});

test('HeAR ridge probe recovers a linear target; per-participant aggregation is mean score, max label', () => {
  const rng = Rng.seeded(3);
  const mk = (n: number, prefix: string) => {
    const x = new Float64Array(n * 6);
    const y = new Float64Array(n);
    const g: string[] = [];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < 6; j++) x[i * 6 + j] = rng.normal();
      y[i] = 2 + (x[i * 6] as number) - 0.5 * (x[i * 6 + 1] as number) + 0.05 * rng.normal();
      g.push(`${prefix}${i >> 1}`);
    }
    return { x: matrix(n, 6, x), y, g };
  };
  const tr = mk(60, 'A');
  const te = mk(20, 'B');
  const r = hearLinearProbe({ train: { x: tr.x, y: tr.y }, trainGroups: tr.g, test: { x: te.x, y: te.y } }, { ...hcfg, target: { kind: 'regression' } });
  assert.ok(r.testMetric < 0.1, `MAE ${r.testMetric}`);
  const best = r.cv.reduce((a, b) => (b.meanMetric < a.meanMetric ? b : a));
  assert.equal(r.bestPenalty, best.penalty);
  const agg = aggregateByParticipant(['b', 'a', 'b', 'a'], [0, 1, 1, 0], [0.2, 0.4, 0.6, 0.8], 'max');
  assert.deepEqual(agg.participants, ['a', 'b']);
  assert.deepEqual([...agg.labels], [1, 1]);
  assert.ok(maxAbsDiff(agg.scores, [0.6, 0.4]) < 1e-15);
});
