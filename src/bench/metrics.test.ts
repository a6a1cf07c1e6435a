import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Rng } from '../util/index.ts';
import {
  accuracy,
  argmaxRows,
  auroc,
  aurocDeLong,
  averagePrecision,
  averagePrecisionBootstrap,
  macroAuroc,
  maeBootstrap,
  mapeBootstrap,
  meanAbsoluteError,
  meanAbsolutePercentageError,
} from './metrics.ts';
import { DegenerateMetricError } from './metrics-error.ts';
import { METRIC_DIRECTION, METRIC_NAMES, meanReciprocalRank } from './metrics-rank.ts';
import { matrix } from './stats-matrix.ts';

const GOLDEN = fileURLToPath(new URL('../../test/fixtures/golden/bench-metrics/metrics.json', import.meta.url));
interface BinaryCase {
  name: string;
  labels: number[];
  scores: number[];
  auroc: number;
  average_precision: number;
  delong95: { auroc: number; variance: number; lower: number; upper: number };
}
const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as {
  binary: BinaryCase[];
  macro: { labels: number[]; scores: number[][]; macro_auroc: number };
  delong_synthetic: {
    labels: number[];
    scores: number[];
    distinct_scores: number;
    structural_components: { auroc: number; variance: number; lower: number; upper: number };
  };
  regression: { targets: number[]; predictions: number[]; mae: number; mape: number };
};
const ctx = { task: 'unit', fold: 2, seed: 7 };

function close(a: number, b: number, tol: number, what: string): void {
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (tol ${tol})`);
}

test('AUROC and AP equal sklearn on tied and continuous scores', () => {
  for (const c of golden.binary) {
    close(auroc(c.labels, c.scores, ctx), c.auroc, 1e-14, `${c.name} auroc`);
    close(averagePrecision(c.labels, c.scores, ctx), c.average_precision, 1e-14, `${c.name} ap`);
  }
});

test('AUROC by hand: perfect, reversed, all tied', () => {
  assert.equal(auroc([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4], ctx), 1);
  assert.equal(auroc([0, 0, 1, 1], [0.4, 0.3, 0.2, 0.1], ctx), 0);
  assert.equal(auroc([0, 1, 0, 1], [5, 5, 5, 5], ctx), 0.5);
  // AP: ranking 1,0,1 → (1/2)·1 + (1/2)·(2/3)
  close(averagePrecision([1, 0, 1], [0.9, 0.5, 0.1], ctx), 0.5 + 1 / 3, 1e-15, 'ap');
});

test('DeLong variance and CI equal the O(P·N) definition', () => {
  for (const c of golden.binary) {
    const r = aurocDeLong(c.labels, c.scores, ctx, 0.95);
    close(r.auroc, c.delong95.auroc, 1e-14, `${c.name} auc`);
    close(r.variance, c.delong95.variance, 1e-15, `${c.name} var`);
    close(r.interval.lower, c.delong95.lower, 1e-12, `${c.name} lower`);
    close(r.interval.upper, c.delong95.upper, 1e-12, `${c.name} upper`);
  }
});

test('DeLong variance and CI equal the structural components computed by counting (synthetic, 113 rows, ties)', () => {
  const d = golden.delong_synthetic;
  assert.equal(d.labels.length, 113);
  assert.ok(d.distinct_scores < 60 && new Set(d.scores).size === d.distinct_scores, 'many tied scores');
  const r = aurocDeLong(d.labels, d.scores, { task: 'synthetic' }, 0.95);
  const want = d.structural_components;
  close(r.auroc, want.auroc, 1e-14, 'auc');
  close(r.variance, want.variance, 1e-15, 'variance');
  close(r.interval.lower, want.lower, 1e-12, 'lower');
  close(r.interval.upper, want.upper, 1e-12, 'upper');
});

test('DeLong CI is clipped to [0, 1]', () => {
  const r = aurocDeLong([0, 0, 0, 1, 1, 1], [0.1, 0.2, 0.3, 0.7, 0.8, 0.9], ctx, 0.95);
  assert.equal(r.auroc, 1);
  assert.equal(r.variance, 0);
  assert.deepEqual([r.interval.lower, r.interval.upper], [1, 1]);
});

test('macro one-vs-rest AUROC equals sklearn (ovr, macro) and the mean of binary AUROCs', () => {
  const m = golden.macro;
  const k = (m.scores[0] as number[]).length;
  const scores = matrix(m.scores.length, k, m.scores.flat());
  close(macroAuroc(m.labels, scores, ctx), m.macro_auroc, 1e-14, 'macro');
  let s = 0;
  for (let c = 0; c < k; c++) {
    s += auroc(m.labels.map((y) => (y === c ? 1 : 0)), m.scores.map((r) => r[c] as number), ctx);
  }
  close(macroAuroc(m.labels, scores, ctx), s / k, 1e-15, 'macro = mean of binary');
});

test('macro AUROC with 2 softmax columns equals binary AUROC of class 1', () => {
  const labels = [0, 1, 0, 1, 1, 0];
  const p1 = [0.2, 0.7, 0.4, 0.6, 0.9, 0.1];
  const m = matrix(6, 2, p1.flatMap((p) => [1 - p, p]));
  close(macroAuroc(labels, m, ctx), auroc(labels, p1, ctx), 1e-15, 'binary');
});

test('MAE and MAPE equal sklearn; MAPE is a fraction', () => {
  const r = golden.regression;
  close(meanAbsoluteError(r.targets, r.predictions, ctx), r.mae, 1e-14, 'mae');
  close(meanAbsolutePercentageError(r.targets, r.predictions, ctx), r.mape, 1e-14, 'mape');
  assert.equal(meanAbsolutePercentageError([2, 4], [1, 5], ctx), 0.375);
});

test('bootstrap intervals bracket the estimate and are deterministic per seed', () => {
  const c = golden.binary[2] as BinaryCase;
  const boot = (seed: number) => ({ resamples: 400, confidence: 0.95, rng: Rng.seeded(seed) });
  const a = averagePrecisionBootstrap(c.labels, c.scores, ctx, boot(3));
  const b = averagePrecisionBootstrap(c.labels, c.scores, ctx, boot(3));
  assert.deepEqual(a, b);
  assert.ok(a.interval.lower < a.value && a.value < a.interval.upper, JSON.stringify(a));
  const r = golden.regression;
  const mae = maeBootstrap(r.targets, r.predictions, ctx, boot(4));
  assert.ok(mae.interval.lower < mae.value && mae.value < mae.interval.upper);
  // The MAE's bootstrap spread matches its standard error: half-width ≈ 1.96·sd/√n within 25 %.
  const err = r.targets.map((t, i) => Math.abs(t - (r.predictions[i] as number)));
  const m = err.reduce((x, y) => x + y, 0) / err.length;
  const sd = Math.sqrt(err.reduce((x, y) => x + (y - m) ** 2, 0) / err.length);
  const half = (mae.interval.upper - mae.interval.lower) / 2;
  assert.ok(Math.abs(half / ((1.96 * sd) / Math.sqrt(err.length)) - 1) < 0.25, `half-width ${half}`);
  const mape = mapeBootstrap(r.targets, r.predictions, ctx, boot(5));
  assert.ok(mape.interval.lower < mape.value && mape.value < mape.interval.upper);
});

test('accuracy and argmax', () => {
  const m = matrix(3, 3, [0.1, 0.5, 0.4, 0.3, 0.3, 0.2, 0, 0, 1]);
  assert.deepEqual([...argmaxRows(m)], [1, 0, 2]);
  assert.equal(accuracy([1, 1, 2], argmaxRows(m), ctx), 2 / 3);
});

test('degenerate inputs raise DegenerateMetricError naming task, fold and seed', () => {
  const expectDegenerate = (f: () => unknown, reason: RegExp) =>
    assert.throws(f, (e: unknown) => {
      assert.ok(e instanceof DegenerateMetricError, String(e));
      assert.equal(e.task, 'unit');
      assert.equal(e.fold, 2);
      assert.equal(e.seed, 7);
      assert.match(e.message, /task 'unit', fold 2, seed 7/);
      assert.match(e.message, reason);
      return true;
    });
  expectDegenerate(() => auroc([1, 1, 1], [0.1, 0.2, 0.3], ctx), /one class only/);
  expectDegenerate(() => auroc([], [], ctx), /no rows/);
  expectDegenerate(() => auroc([0, 1], [0.1, NaN], ctx), /scores\[1\] is NaN/);
  expectDegenerate(() => auroc([0, 2], [0.1, 0.2], ctx), /expected 0 or 1/);
  expectDegenerate(() => auroc([0, 1], [0.1], ctx), /2 rows but scores has 1/);
  expectDegenerate(() => aurocDeLong([0, 0, 1], [0.1, 0.2, 0.3], ctx, 0.95), /at least 2 positives/);
  expectDegenerate(() => macroAuroc([0, 1, 1], matrix(3, 3, [1, 0, 0, 0, 1, 0, 0, 1, 0]), ctx), /class 2/);
  expectDegenerate(() => averagePrecision([0, 0], [0.1, 0.2], ctx), /no positive/);
  expectDegenerate(() => meanAbsolutePercentageError([1, 0], [1, 1], ctx), /target\[1\] is 0/);
  expectDegenerate(() => meanAbsoluteError([1, Infinity], [1, 1], ctx), /targets\[1\] is Infinity/);
});

test('metric directions and mean reciprocal rank', () => {
  for (const m of METRIC_NAMES) assert.ok(METRIC_DIRECTION[m] === 'higher' || METRIC_DIRECTION[m] === 'lower');
  assert.equal(METRIC_DIRECTION.mae, 'lower');
  const r = meanReciprocalRank([
    { task: 't1', metric: 'auroc', values: { a: 0.9, b: 0.8, c: 0.7 } },
    { task: 't2', metric: 'mae', values: { a: 3, b: 1, c: 2 } },
    { task: 't3', metric: 'auroc', values: { a: 0.6, b: 0.6, c: 0.5 } },
  ]);
  assert.deepEqual(r.ranks.t2, { a: 3, b: 1, c: 2 });
  assert.deepEqual(r.ranks.t3, { a: 1, b: 1, c: 3 });
  close(r.mrr.a as number, (1 + 1 / 3 + 1) / 3, 1e-15, 'mrr a');
  close(r.mrr.b as number, (1 / 2 + 1 + 1) / 3, 1e-15, 'mrr b');
  close(r.mrr.c as number, (1 / 3 + 1 / 2 + 1 / 3) / 3, 1e-15, 'mrr c');
  assert.throws(() => meanReciprocalRank([
    { task: 't1', metric: 'auroc', values: { a: 1, b: 0 } },
    { task: 't2', metric: 'auroc', values: { a: 1 } },
  ]), DegenerateMetricError);
});
