import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SourceSampler, chooseWeighted, validationBatching } from './sampler.ts';

test('chooseWeighted is random.choices: bisect_right(cumsum(weights), u·total)', () => {
  const w = [10, 5, 1];
  assert.equal(chooseWeighted(w, 0), 0);
  assert.equal(chooseWeighted(w, 9.999 / 16), 0);
  assert.equal(chooseWeighted(w, 10 / 16), 1, 'u·total equal to a cumulative weight goes right');
  assert.equal(chooseWeighted(w, 14.999 / 16), 1);
  assert.equal(chooseWeighted(w, 15 / 16), 2);
  assert.equal(chooseWeighted(w, 1 - 2 ** -53), 2);
});

test('one source per batch, drawn in proportion to its number of batches; epoch = the longest source', () => {
  const s = new SourceSampler([{ name: 'a', items: 87 }, { name: 'b', items: 40 }, { name: 'c', items: 8 }], 8, 42);
  assert.deepEqual(s.batchesPerSource, [10, 5, 1]);
  assert.equal(s.batchesPerEpoch, 10);
  const counts = [0, 0, 0];
  const epochs = 2000;
  for (let e = 0; e < epochs; e++) for (let i = 0; i < 10; i++) counts[s.sourceOf(e, i)]! += 1;
  const n = epochs * 10;
  [10 / 16, 5 / 16, 1 / 16].forEach((p, k) => {
    const sd = Math.sqrt((p * (1 - p)) / n);
    assert.ok(Math.abs((counts[k] as number) / n - p) < 4 * sd, `source ${k}: ${(counts[k] as number) / n} vs ${p}`);
  });
});

test('batches: the same plan for the same position, disjoint items within a pass over a source, a new order each pass', () => {
  const s = new SourceSampler([{ name: 'a', items: 20 }, { name: 'b', items: 9 }], 4, 7);
  assert.deepEqual(s.batchesPerSource, [5, 2]);
  assert.deepEqual(s.plan(3, 2), s.plan(3, 2));
  const fresh = new SourceSampler([{ name: 'a', items: 20 }, { name: 'b', items: 9 }], 4, 7);
  assert.deepEqual(fresh.plan(3, 2), s.plan(3, 2), 'a new sampler with the same seed plans the same batch');
  // every batch of source b in epoch 0: slot = index mod 2, cycle = ⌊index/2⌋
  const byCycle = new Map<number, number[][]>();
  for (let i = 0; i < 5; i++) {
    const p = s.plan(0, i);
    assert.equal(p.items.length, 4);
    if (p.source !== 1) continue;
    assert.equal(p.slot, i % 2);
    assert.equal(p.cycle, Math.floor(i / 2));
    byCycle.set(p.cycle, [...(byCycle.get(p.cycle) ?? []), [...p.items]]);
  }
  for (const batches of byCycle.values()) {
    const all = batches.flat();
    assert.equal(new Set(all).size, all.length, 'no recording twice within one pass');
    assert.ok(all.every((x) => x >= 0 && x < 9));
  }
  const orderA = [0, 1, 2, 3, 4].map((i) => s.plan(0, i)).filter((p) => p.source === 0).map((p) => p.items);
  const orderB = [0, 1, 2, 3, 4].map((i) => s.plan(1, i)).filter((p) => p.source === 0).map((p) => p.items);
  assert.notDeepEqual(orderA, orderB);
});

test('a source smaller than one batch is an error naming it', () => {
  assert.throws(() => new SourceSampler([{ name: 'big', items: 10 }, { name: 'tiny', items: 3 }], 4, 1), /'tiny' \(3 training recordings\)/);
});

test('validation batching: batches of min(B, n), the remainder dropped; none below the minimum size', () => {
  assert.deepEqual(validationBatching(10, 4, 2), { size: 4, batches: 2 });
  assert.deepEqual(validationBatching(3, 8, 2), { size: 3, batches: 1 });
  assert.deepEqual(validationBatching(1, 8, 2), { size: 0, batches: 0 });
  assert.deepEqual(validationBatching(1, 8, 1), { size: 1, batches: 1 });
});
