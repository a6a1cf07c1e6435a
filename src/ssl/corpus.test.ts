/**
 * Corpus selection and the benchmark-test exclusion on the KAUH recordings bundled under assets/examples
 * (12 subjects × 3 filter files) with OPERA's Task 10, whose file-level split ('opera-as-used') puts 16 of
 * these files, from 11 subjects, in its test partition.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { scanDataset } from '../data/data-root.ts';
import type { DatasetId } from '../data/dataset-id.ts';
import type { Manifest } from '../data/manifest.ts';
import { tasks } from '../bench/tasks/index.ts';
import { NodeDirReader, committedSplitsReader } from '../platform/node/dir-reader.ts';
import { type CorpusRecord, type StoredRecord, assertCorpusClean, holdoutExclusion, mergeExclusions, selectCorpus, splitCorpus, testExclusion } from './corpus.ts';
import { operaSource } from './corpus-rules.ts';
import { CorpusLeakError } from './errors.ts';

const EXAMPLES = fileURLToPath(new URL('../../assets/examples', import.meta.url));

async function kauh(): Promise<Map<DatasetId, Manifest>> {
  return new Map([['kauh', await scanDataset(new NodeDirReader(EXAMPLES), 'kauh')]]);
}

test('test recordings and their subjects are excluded: T10 leaves only subject P107 of the bundled KAUH files', async () => {
  const manifests = await kauh();
  const exclusion = await testExclusion([tasks.T10, tasks.T7], manifests, committedSplitsReader());
  assert.deepEqual(exclusion.tasks, ['T10'], 'T7 is on ICBHI, which is not scanned');
  assert.deepEqual(exclusion.perVariant.map((v) => [v.variant, v.records, v.subjects]), [['opera-as-used', 16, 11], ['subject-consistent', 0, 0]]);
  const [sel] = selectCorpus([operaSource('kauh', 'cola')], manifests, exclusion, 1);
  assert.ok(sel);
  assert.deepEqual([...new Set(sel.records.map((r) => r.subject))], ['kauh:P107']);
  assert.equal(sel.records.length, 3);
  assert.deepEqual(sel.dropped, { testRecord: 16, testSubject: 17, limit: 0 });
  assertCorpusClean(sel.records, exclusion);
});

test('a test recording forced into the corpus makes the build fail, naming the recording and its subject', async () => {
  const manifests = await kauh();
  const exclusion = await testExclusion([tasks.T10], manifests, committedSplitsReader());
  const [sel] = selectCorpus([operaSource('kauh', 'cola')], manifests, exclusion, 1);
  const m = manifests.get('kauh') as Manifest;
  const testKey = [...exclusion.records].sort()[0] as string;
  const rec = m.records.find((r) => `kauh:${r.id}` === testKey);
  assert.ok(rec);
  const forced: CorpusRecord = { key: testKey, dataset: 'kauh', source: 'kauh', path: rec.path, subject: `kauh:${rec.subject}` };
  assert.throws(() => assertCorpusClean([...(sel?.records ?? []), forced], exclusion), (e: unknown) => {
    assert.ok(e instanceof CorpusLeakError);
    assert.deepEqual(e.records, [testKey]);
    assert.deepEqual(e.subjects, [`kauh:${rec.subject}`]);
    assert.match(e.message, new RegExp(`1 test recording\\(s\\): ${testKey.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    return true;
  });
  // a train recording of a test subject is caught by its subject alone
  const sibling = m.records.find((r) => r.subject === rec.subject && !exclusion.records.has(`kauh:${r.id}`));
  assert.ok(sibling);
  assert.throws(() => assertCorpusClean([{ key: `kauh:${sibling.id}`, dataset: 'kauh', source: 'kauh', path: sibling.path, subject: `kauh:${sibling.subject}` }], exclusion), /^(?!.*test recording).*1 test subject\(s\)/);
});

test('maxRecords keeps a seeded subset; the split holds out ⌈fraction·n⌉ per source and drops recordings shorter than the rules', () => {
  const rule = { ...operaSource('covid19-cough', 'cola'), name: 'c', dataset: 'synthetic' as const, synthetic: { recordings: 30, seconds: [1, 3] as const } };
  const exclusion = { tasks: [], records: new Set<string>(), subjects: new Set<string>(), perVariant: [] };
  const a = selectCorpus([{ ...rule, maxRecords: 10 }], new Map(), exclusion, 5)[0]!;
  const b = selectCorpus([{ ...rule, maxRecords: 10 }], new Map(), exclusion, 5)[0]!;
  assert.equal(a.records.length, 10);
  assert.deepEqual(a.records, b.records);
  assert.equal(a.dropped.limit, 20);
  const stored: StoredRecord[] = a.records.map((record, i) => ({ record, seconds: i < 2 ? 1.5 : 3, segments: [{ offset: i * 1000, frames: i === 2 ? 40 : 80 }] }));
  const corpus = splitCorpus([stored], [a.rule], 64, { needsCrop: true, valFraction: 0.1, splitSeed: 1337, storeKey: 'k' });
  const src = corpus.sources[0]!;
  // 2 under minSeconds 2, 1 shorter than the 50-frame crop
  assert.equal(src.tooShort, 3);
  assert.equal(src.val.length, Math.ceil(0.1 * 7));
  assert.equal(src.train.length + src.val.length, 7);
  const again = splitCorpus([stored], [a.rule], 64, { needsCrop: true, valFraction: 0.1, splitSeed: 1337, storeKey: 'k' });
  assert.equal(again.fingerprint, corpus.fingerprint);
  assert.notEqual(splitCorpus([stored], [a.rule], 64, { needsCrop: true, valFraction: 0.1, splitSeed: 1, storeKey: 'k' }).fingerprint, corpus.fingerprint);
});

test('a subject hold-out keeps ⌈fraction·n⌉ subjects drawn by hash plus the always list out of the corpus', async () => {
  const manifests = await kauh();
  const subjects = [...new Set((manifests.get('kauh') as Manifest).records.map((r) => r.subject))].sort();
  assert.equal(subjects.length, 12);
  const h = { datasets: ['kauh' as const], fraction: 0.25, seed: 7, always: [] };
  const a = holdoutExclusion(h, manifests, new Set(['kauh:P107']));
  const drawn = holdoutExclusion(h, manifests, new Set());
  assert.equal(drawn.subjects.size, 3, '⌈0.25 · 12⌉');
  assert.deepEqual([...holdoutExclusion(h, manifests, new Set()).subjects], [...drawn.subjects], 'deterministic');
  assert.notDeepEqual([...holdoutExclusion({ ...h, seed: 8 }, manifests, new Set()).subjects].sort(), [...drawn.subjects].sort(), 'the seed matters');
  assert.ok(a.subjects.has('kauh:P107'));
  assert.equal(a.subjects.size, drawn.subjects.has('kauh:P107') ? 3 : 4);
  assert.deepEqual(a.perVariant, [{ task: 'holdout', variant: 'kauh', records: 3 * a.subjects.size, subjects: a.subjects.size }]);
  const none = { tasks: [], records: new Set<string>(), subjects: new Set<string>(), perVariant: [] };
  const merged = mergeExclusions(none, a);
  const [sel] = selectCorpus([operaSource('kauh', 'cola')], manifests, merged, 1);
  assert.equal(sel?.records.length, 36 - 3 * a.subjects.size);
  assert.ok(sel?.records.every((r) => !a.subjects.has(r.subject)));
  assertCorpusClean(sel?.records ?? [], merged);
  assert.equal(holdoutExclusion({ ...h, datasets: [] }, manifests, new Set()).subjects.size, 0, 'only the named datasets are drawn from');
});
