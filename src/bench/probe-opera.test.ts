import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../util/index.ts';
import { type OperaData, operaLinearProbe, trainOperaClassifier } from './probe-opera.ts';
import { operaRegressionProbe, trainOperaRegressor } from './probe-opera-regression.ts';
import { OPERA_CLASSIFIER_L2, OPERA_OPTIMIZER, OPERA_REGRESSION_L2, OPERA_SEEDS, operaHeadInit, operaStreams } from './probe-opera-optim.ts';
import { ProbeInputError } from './probe-data.ts';
import { DegenerateMetricError } from './metrics-error.ts';
import { type Matrix, matrix } from './stats-matrix.ts';

/** Two Gaussian classes whose means differ by `sep` along the first 3 of d features. */
function blobs(rng: Rng, rows: number, d: number, sep: number, noise: number): { x: Matrix; y: Float64Array } {
  const x = new Float64Array(rows * d);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    y[i] = i % 5 < 2 ? 1 : 0;
    for (let j = 0; j < d; j++) x[i * d + j] = noise * rng.normal() + (j < 3 ? sep * (y[i] as number) : 0);
  }
  return { x: matrix(rows, d, x), y };
}

/** Train/val/test blobs; with `shuffle` every label is permuted, so labels carry no information about x. */
function dataset(seed: number, sep: number, shuffle: boolean): OperaData {
  const rng = Rng.seeded(seed);
  const sets = [blobs(rng, 160, 24, sep, 0.3), blobs(rng, 60, 24, sep, 0.3), blobs(rng, 240, 24, sep, 0.3)] as const;
  if (shuffle) for (const s of sets) rng.shuffle(s.y as unknown as number[]);
  return { train: sets[0], val: sets[1], test: sets[2] };
}

const cfg = { task: 'syn', classes: 2, epochs: 24, batchSize: 32, l2: OPERA_CLASSIFIER_L2, checkpointEvery: 1, optimizer: OPERA_OPTIMIZER };

test('separable classes reach test AUROC ≈ 1; shuffled labels give ≈ 0.5', () => {
  const good = operaLinearProbe(dataset(1, 2, false), cfg, OPERA_SEEDS);
  assert.ok(good.mean > 0.99, `separable mean AUROC ${good.mean}`);
  assert.equal(good.seeds.length, 5);
  const bad = operaLinearProbe(dataset(1, 2, true), cfg, OPERA_SEEDS);
  assert.ok(Math.abs(bad.mean - 0.5) < 0.08, `shuffled mean AUROC ${bad.mean}`);
});

test('same seed gives identical numbers; summary is mean and population std', () => {
  const data = dataset(2, 0.4, false);
  const a = operaLinearProbe(data, cfg, [0, 3]);
  const b = operaLinearProbe(data, cfg, [0, 3]);
  assert.deepEqual(a, b);
  const [m0, m1] = a.seeds.map((s) => s.testMetric) as [number, number];
  assert.equal(a.mean, (m0 + m1) / 2);
  assert.ok(Math.abs(a.std - Math.abs(m0 - m1) / 2) < 1e-15);
  assert.notEqual(m0, m1);
});

test('two full-batch steps equal Adam + clipping + ×0.97 decay written out by hand', () => {
  const data = dataset(3, 1, false);
  const d = 24;
  const n = data.train.x.rows;
  const init = operaHeadInit(Rng.seeded(11), d, 2);
  const opt = { ...OPERA_OPTIMIZER, lr: 0.05, clipNorm: 0.01 };
  const order = Array.from({ length: n }, (_, i) => i);
  const r = trainOperaClassifier(data, { ...cfg, epochs: 2, batchSize: n, l2: 0.01, checkpointEvery: 2, optimizer: opt }, init, () => order, 0);

  const p = [...init.weight, ...init.bias];
  const m = new Array<number>(p.length).fill(0);
  const v = new Array<number>(p.length).fill(0);
  for (let t = 1; t <= 2; t++) {
    const g = p.map((w) => 2 * 0.01 * w);
    for (let i = 0; i < n; i++) {
      const z = [0, 1].map((k) => (p[2 * d + k] as number) + 1e-10 + Array.from({ length: d }, (_, j) => (p[k * d + j] as number) * (data.train.x.data[i * d + j] as number)).reduce((a, b) => a + b, 0));
      const e = z.map((zk) => Math.exp(zk - Math.max(...z)));
      const s = e[0]! + e[1]!;
      for (let k = 0; k < 2; k++) {
        const gk = ((e[k] as number) / s - (data.train.y[i] === k ? 1 : 0)) / n;
        for (let j = 0; j < d; j++) g[k * d + j] = (g[k * d + j] as number) + gk * (data.train.x.data[i * d + j] as number);
        g[2 * d + k] = (g[2 * d + k] as number) + gk;
      }
    }
    const norm = Math.sqrt(g.reduce((a, b) => a + b * b, 0));
    const coef = Math.min(1, 0.01 / (norm + 1e-6));
    assert.ok(coef < 1, 'the test must exercise clipping');
    const lr = 0.05 * 0.97 ** (t - 1);
    for (let i = 0; i < p.length; i++) {
      const gi = (g[i] as number) * coef;
      m[i] = 0.9 * (m[i] as number) + 0.1 * gi;
      v[i] = 0.999 * (v[i] as number) + 0.001 * gi * gi;
      p[i] = (p[i] as number) - ((lr / (1 - 0.9 ** t)) * (m[i] as number)) / (Math.sqrt(v[i] as number) / Math.sqrt(1 - 0.999 ** t) + 1e-8);
    }
  }
  assert.equal(r.bestEpoch, 1);
  const got = [...r.head.weight, ...r.head.bias];
  for (let i = 0; i < p.length; i++) assert.ok(Math.abs((got[i] as number) - (p[i] as number)) < 1e-15, `param ${i}: ${got[i]} vs ${p[i]}`);
});

test('checkpoint selection: best validation AUROC among saved epochs, ties to the earliest', () => {
  const r = operaLinearProbe(dataset(4, 0.3, false), { ...cfg, epochs: 20, checkpointEvery: 5 }, [1]).seeds[0]!;
  assert.equal(r.bestEpoch % 5, 4);
  const eligible = [4, 9, 14, 19].map((e) => r.valCurve[e] as number);
  const best = Math.max(...eligible);
  assert.equal(r.bestValMetric, best);
  assert.equal(r.bestEpoch, 4 + 5 * eligible.indexOf(best));
  assert.equal(r.testProbabilities.rows, 240);
});

test('multiclass tasks use macro AUROC; a validation set with a missing class is a degenerate metric', () => {
  const rng = Rng.seeded(5);
  const mk = (rows: number) => {
    const x = new Float64Array(rows * 6);
    const y = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      y[i] = i % 3;
      for (let j = 0; j < 6; j++) x[i * 6 + j] = 0.3 * rng.normal() + (j === y[i] ? 2 : 0);
    }
    return { x: matrix(rows, 6, x), y };
  };
  const data = { train: mk(90), val: mk(30), test: mk(60) };
  const r = operaLinearProbe(data, { ...cfg, classes: 3, epochs: 30, batchSize: 8 }, [0]);
  assert.ok(r.mean > 0.99, `macro AUROC ${r.mean}`);
  const noClass2 = { ...data, val: { x: data.val.x, y: data.val.y.map((y) => (y === 2 ? 0 : y)) } };
  assert.throws(() => operaLinearProbe(noClass2, { ...cfg, classes: 3, epochs: 2 }, [4]), (e: unknown) => {
    assert.ok(e instanceof DegenerateMetricError);
    assert.equal(e.fold, 'val');
    assert.equal(e.seed, 4);
    return true;
  });
  assert.throws(() => operaLinearProbe({ ...data, train: { x: data.train.x, y: data.train.y.map(() => 3) } }, { ...cfg, classes: 3 }, [0]), ProbeInputError);
});

test('regression head: label standardisation, early stopping, seeded streams', () => {
  const rng = Rng.seeded(6);
  const mk = (rows: number) => {
    const x = new Float64Array(rows * 8);
    const y = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      let s = 3;
      for (let j = 0; j < 8; j++) {
        const v = rng.normal();
        x[i * 8 + j] = v;
        if (j < 2) s += 0.5 * v;
      }
      y[i] = s;
    }
    return { x: matrix(rows, 8, x), y };
  };
  const data = { train: mk(40), val: mk(8), test: mk(10) };
  const rcfg = { task: 'reg', epochs: 30, batchSize: 64, l2: OPERA_REGRESSION_L2, checkpointEvery: 3, earlyStopping: null, optimizer: OPERA_OPTIMIZER };
  const r = operaRegressionProbe(data, rcfg, 0);
  const ys = [...data.train.y];
  const mu = ys.reduce((a, b) => a + b, 0) / ys.length;
  assert.ok(Math.abs(r.targetMean - mu) < 1e-14);
  assert.ok(Math.abs(r.targetStd - Math.sqrt(ys.reduce((a, b) => a + (b - mu) ** 2, 0) / ys.length)) < 1e-14);
  assert.equal(r.lastEpoch, 29);
  assert.equal(r.bestEpoch % 3, 2);
  assert.deepEqual(operaRegressionProbe(data, rcfg, 0), r);
  // Epoch 0 improves on +∞; with minDelta 1e9 nothing improves after, so patience 2 stops after epoch 2.
  const es = operaRegressionProbe(data, { ...rcfg, checkpointEvery: 1, earlyStopping: { patience: 2, minDelta: 1e9 } }, 0);
  assert.equal(es.lastEpoch, 2);
  assert.equal(es.valCurve.length, 3);
  const s = operaStreams(0, 8, 1, 40);
  const replay = trainOperaRegressor(data, { ...rcfg, checkpointEvery: 1, earlyStopping: { patience: 2, minDelta: 1e9 } }, s.init, s.epochOrder, 0);
  assert.deepEqual(replay, es);
});
