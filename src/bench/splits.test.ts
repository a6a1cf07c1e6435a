import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../util/index.ts';
import {
  LeakageError,
  SplitError,
  checkSubjectLeakage,
  groupedKFold,
  groupedStratifiedKFold,
  leaveOneSubjectOut,
  stratifiedHoldout,
} from './splits.ts';

test('leakage check lists the shared subjects and raises unless declared', () => {
  const parts = [
    { name: 'train', subjects: ['P1', 'P2', 'P3', 'P2'] },
    { name: 'val', subjects: ['P4'] },
    { name: 'test', subjects: ['P3', 'P5', 'P1'] },
  ];
  assert.throws(
    () => checkSubjectLeakage('kauh', parts),
    (e: unknown) => {
      assert.ok(e instanceof LeakageError);
      assert.deepEqual(e.overlaps, [{ a: 'train', b: 'test', subjects: ['P1', 'P3'] }]);
      assert.match(e.message, /task 'kauh'.*train\/test share 2 subject\(s\): P1, P3/);
      return true;
    },
  );
  const declared = checkSubjectLeakage('kauh', parts, 'OPERA T10 splits files, not subjects');
  assert.equal(declared.declared, 'OPERA T10 splits files, not subjects');
  assert.equal(declared.overlaps.length, 1);
  assert.deepEqual(checkSubjectLeakage('ok', [parts[0]!, parts[1]!]).overlaps, []);
});

test('stratified hold-out: sklearn sizes, per-class proportions, disjoint, seeded', () => {
  const labels = [...Array(30).fill(0), ...Array(12).fill(1), ...Array(3).fill(2)];
  const a = stratifiedHoldout('t', labels, 0.2, Rng.seeded(5));
  assert.equal(a.val.length, 9);
  assert.equal(a.train.length + a.val.length, labels.length);
  const count = (rows: Int32Array, c: number) => [...rows].filter((r) => labels[r] === c).length;
  // 9·30/45 = 6, 9·12/45 = 2.4, 9·3/45 = 0.6: floors 6, 2, 0, the remaining one goes to class 2 (0.6 > 0.4).
  assert.deepEqual([0, 1, 2].map((c) => count(a.val, c)), [6, 2, 1]);
  assert.equal(new Set([...a.train, ...a.val]).size, labels.length);
  assert.deepEqual(stratifiedHoldout('t', labels, 0.2, Rng.seeded(5)), a);
  assert.notDeepEqual([...stratifiedHoldout('t', labels, 0.2, Rng.seeded(6)).val], [...a.val]);
  assert.throws(() => stratifiedHoldout('t', [0, 0, 1], 0.3, Rng.seeded(1)), SplitError);
});

test('participant-grouped stratified K-fold keeps participants whole and stratifies their labels', () => {
  const groups: string[] = [];
  const labels: number[] = [];
  for (let p = 0; p < 23; p++) {
    const y = p < 8 ? 1 : 0;
    for (let r = 0; r < 1 + (p % 3); r++) {
      groups.push(`S${p}`);
      labels.push(r === 0 && p === 0 ? 0 : y); // participant S0: labels 0 then 1 → last label 1
    }
  }
  const folds = groupedStratifiedKFold('t', groups, labels, 5, Rng.seeded(43));
  assert.equal(folds.length, 5);
  const seen = new Map<string, number>();
  folds.forEach((f, i) => {
    const te = new Set([...f.test].map((r) => groups[r] as string));
    const tr = new Set([...f.train].map((r) => groups[r] as string));
    for (const g of te) {
      assert.ok(!tr.has(g), `participant ${g} on both sides of fold ${i}`);
      assert.equal(seen.get(g), undefined);
      seen.set(g, i);
    }
    assert.equal(f.test.length + f.train.length, groups.length);
    const pos = [...te].filter((g) => Number(g.slice(1)) < 8).length;
    assert.ok(pos === 1 || pos === 2, `fold ${i} has ${pos} positive participants`);
    assert.ok(te.size === 4 || te.size === 5, `fold ${i} has ${te.size} participants`);
  });
  assert.equal(seen.size, 23);
  assert.deepEqual(groupedStratifiedKFold('t', groups, labels, 5, Rng.seeded(43)), folds);
  assert.throws(() => groupedStratifiedKFold('t', ['a', 'b', 'c'], [0, 0, 1], 2, Rng.seeded(1)), /class 1 has 1 participant/);
});

test('grouped K-fold sizes follow sklearn KFold; leave-one-subject-out', () => {
  const groups = ['a', 'a', 'b', 'c', 'c', 'c', 'd', 'e', 'f', 'g'];
  const folds = groupedKFold('t', groups, 3, Rng.seeded(2));
  const sizes = folds.map((f) => new Set([...f.test].map((r) => groups[r])).size);
  assert.deepEqual(sizes, [3, 2, 2]);
  assert.equal(folds.reduce((s, f) => s + f.test.length, 0), groups.length);
  const loso = leaveOneSubjectOut('t', ['x', 'y', 'x', 'z']);
  assert.deepEqual(loso.map((l) => l.subject), ['x', 'y', 'z']);
  assert.deepEqual([...loso[0]!.fold.test], [0, 2]);
  assert.deepEqual([...loso[0]!.fold.train], [1, 3]);
});
