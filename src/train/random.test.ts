import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fillRandom } from './index.ts';
import { Rng } from '../util/index.ts';

function stats(x: Float32Array): { mean: number; variance: number } {
  const mean = x.reduce((a, v) => a + v, 0) / x.length;
  return { mean, variance: x.reduce((a, v) => a + (v - mean) ** 2, 0) / x.length };
}

test('draws follow their distributions (seeded, 10⁵ draws: moments within 5 standard errors)', () => {
  const n = 100_000;
  const x = new Float32Array(n);
  const rng = Rng.seeded(1);
  fillRandom(x, { kind: 'bernoulli', p: 0.8, scale: 1.25 }, rng);
  assert.ok(x.every((v) => v === 0 || v === 1.25));
  // E = p·scale = 1, Var = scale²·p(1 − p) = 0.25
  assert.ok(Math.abs(stats(x).mean - 1) < 5 * Math.sqrt(0.25 / n));
  fillRandom(x, { kind: 'uniform', low: -2, high: 4 }, rng);
  assert.ok(x.every((v) => v >= -2 && v < 4));
  assert.ok(Math.abs(stats(x).mean - 1) < 5 * Math.sqrt(3 / n));
  fillRandom(x, { kind: 'normal' }, rng);
  const s = stats(x);
  assert.ok(Math.abs(s.mean) < 5 * Math.sqrt(1 / n), `mean ${s.mean}`);
  assert.ok(Math.abs(s.variance - 1) < 5 * Math.sqrt(2 / n), `variance ${s.variance}`);
});

test('the Rng state alone determines later draws, also after an odd number of normals', () => {
  const a = Rng.seeded(7);
  const first = new Float32Array(5);
  fillRandom(first, { kind: 'normal' }, a);
  const b = Rng.fromState(a.state());
  const x = new Float32Array(9);
  const y = new Float32Array(9);
  fillRandom(x, { kind: 'normal' }, a);
  fillRandom(y, { kind: 'normal' }, b);
  assert.deepEqual([...x], [...y]);
});
