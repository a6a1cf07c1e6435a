import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../util/index.ts';
import { EFFICIENCY_FRACTIONS, efficiencySubsets } from './efficiency.ts';
import { SplitError } from './splits.ts';

test('efficiency subsets are nested, label-stratified and seeded', () => {
  const labels = [...Array(80).fill(0), ...Array(16).fill(1)];
  const subsets = efficiencySubsets('t', { rows: labels.length, fractions: EFFICIENCY_FRACTIONS, labels }, Rng.seeded(9));
  assert.deepEqual(subsets.map((s) => s.fraction), [0.0625, 0.125, 0.25, 0.5, 1]);
  const counts = subsets.map((s) => [0, 1].map((c) => [...s.rows].filter((r) => labels[r] === c).length));
  assert.deepEqual(counts, [[5, 1], [10, 2], [20, 4], [40, 8], [80, 16]]);
  for (let i = 1; i < subsets.length; i++) {
    const big = new Set(subsets[i]!.rows);
    for (const r of subsets[i - 1]!.rows) assert.ok(big.has(r), `row ${r} of ${subsets[i - 1]!.fraction} missing from ${subsets[i]!.fraction}`);
  }
  assert.deepEqual(efficiencySubsets('t', { rows: labels.length, fractions: EFFICIENCY_FRACTIONS, labels }, Rng.seeded(9)), subsets);
  const groups = labels.map((_, i) => `P${Math.floor(i / 4)}`);
  const byGroup = efficiencySubsets('t', { rows: labels.length, fractions: [0.25], labels, groups }, Rng.seeded(1));
  assert.equal(byGroup[0]!.rows.length % 4, 0);
  assert.throws(() => efficiencySubsets('t', { rows: 3, fractions: [0] }, Rng.seeded(1)), SplitError);
});
