import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedDataDir } from '../../../test/helpers/dataset-tree.ts';
import { adapters } from '../../data/registry.ts';
import { SPLIT_FILES, readSplitFile } from '../../data/split-file.ts';
import { presentDatasets, scanDataset } from '../../data/data-root.ts';
import { committedSplitsReader, NodeDirReader } from '../../platform/node/dir-reader.ts';
import { localSuite, suites, suiteTasks, SuiteError } from '../suites.ts';
import { resolveTask, type ResolvedVariant } from './resolve.ts';
import { TASK_IDS, tasks } from './index.ts';

const shared = sharedDataDir();
const splits = committedSplitsReader();

test('every task is registered under its own id and uses an existing adapter; suites name registered tasks', () => {
  for (const id of TASK_IDS) {
    const t = tasks[id];
    assert.equal(t.id, id);
    assert.ok(Object.hasOwn(adapters, t.dataset), `${id}: no adapter for ${t.dataset}`);
    const adapter = adapters[t.dataset];
    for (const m of t.modalities) assert.ok(adapter.modalities.includes(m as never), `${id}: ${t.dataset} has no ${m} recordings`);
    assert.ok(t.splits.length >= 1 && t.seeds.length >= 1);
    for (const v of t.splits) if (v.leak.declared) assert.ok(v.leak.reason.length > 20, `${id}/${v.name}: give the reason for the leak`);
  }
  for (const [suite, ids] of Object.entries(suites)) for (const id of ids) assert.ok(TASK_IDS.includes(id), `${suite}: ${id}`);
  assert.deepEqual(suites.opera, Array.from({ length: 19 }, (_, i) => `T${i + 1}`));
  assert.throws(() => suiteTasks('local'), SuiteError);
  assert.deepEqual(localSuite(['kauh']), ['T10', 'hear-kauh-sex', 'hear-kauh-age', 'hear-kauh-diagnosis', 'kauh-obstructive']);
  assert.deepEqual(suiteTasks('local', new Set(['icbhi', 'covid19-cough'] as const)), [
    'T7',
    'hear-covid19-cough-callcentre',
    'hear-covid19-cough-telegram',
    'hear-covid19-cough-pooled',
  ]);
});

test('OPERA tasks carry the published table with their metric; HeAR-style tasks have none', () => {
  for (const id of TASK_IDS) {
    const t = tasks[id];
    if (id.startsWith('T')) {
      assert.equal(t.published?.metric, t.metric, id);
      assert.equal(Object.keys(t.published?.results ?? {}).length, 7, id);
    } else {
      assert.equal(t.published, null, id);
    }
  }
  assert.deepEqual(tasks.T10.published?.results['opera-ce'], { mean: 0.741, std: 0.014 });
  assert.deepEqual(tasks.T19.published?.results['opera-gt'], { mean: 2.416, std: 0.885 });
  assert.equal(tasks.T13.metric, 'mae');
  assert.equal(tasks.T11.metric, 'macro-auroc');
});

test('every committed split policy names an existing file, its columns, and covers every split value', async () => {
  for (const id of TASK_IDS) {
    for (const v of tasks[id].splits) {
      const p = v.policy;
      if (p.kind !== 'committed') continue;
      assert.ok((SPLIT_FILES as readonly string[]).includes(p.file));
      const cols = [p.key.column, p.splitColumn, ...p.where.map((c) => c.column), ...(p.subjectColumn ? [p.subjectColumn] : []), ...(p.labelColumn ? [p.labelColumn] : [])];
      const table = await readSplitFile(splits, p.file, cols);
      const rows = table.rows.filter((r) => p.where.every((c) => c.oneOf.includes(r[c.column] ?? '')));
      assert.ok(rows.length > 0, `${id}/${v.name}: no rows`);
      for (const r of rows) assert.ok(Object.hasOwn(p.parts, r[p.splitColumn] ?? ''), `${id}/${v.name}: split value ${r[p.splitColumn]}`);
    }
  }
});

test("the committed OPERA split files reproduce opera.md's task counts", async () => {
  const count = (rows: readonly Readonly<Record<string, string>>[], f: (r: Readonly<Record<string, string>>) => boolean): number => rows.filter(f).length;
  const uk = (await readSplitFile(splits, 'opera_t1_t2_ukcovid.csv', ['modality', 'split', 'label'])).rows;
  for (const [m, pos] of [['exhalation', 840], ['cough', 884]] as const) {
    const rows = uk.filter((r) => r['modality'] === m);
    assert.deepEqual([count(rows, (r) => r['split'] === 'train'), count(rows, (r) => r['split'] === 'val'), count(rows, (r) => r['split'] === 'test')], [1000, 500, 1000]);
    assert.equal(count(rows, (r) => r['label'] === '1'), pos);
  }
  const cv = (await readSplitFile(splits, 'opera_t5_t6_coughvid.csv', ['split', 't5_label', 't6_label', 'in_covid_test_list'])).rows;
  const t5 = cv.filter((r) => r['t5_label'] !== '');
  const t6 = cv.filter((r) => r['t6_label'] !== '');
  const bySplit = (rows: typeof cv): number[] => ['train', 'val', 'test'].map((s) => count(rows, (r) => r['split'] === s));
  assert.deepEqual(bySplit(t5), [2749, 919, 2507]);
  assert.equal(count(t5, (r) => r['t5_label'] === '1'), 547);
  assert.deepEqual(bySplit(t6), [3218, 1090, 2955]);
  const list = cv.filter((r) => r['in_covid_test_list'] === '1');
  assert.equal(list.length, 2409);
  assert.deepEqual([count(list, (r) => r['t5_label'] === '1'), count(list, (r) => r['t5_label'] === '0')], [172, 2237]);
  const cos = (await readSplitFile(splits, 'opera_t8_t9_coswara.csv', ['task', 'label'])).rows;
  assert.deepEqual([count(cos, (r) => r['task'] === 'T8'), count(cos, (r) => r['task'] === 'T8' && r['label'] === '1')], [948, 201]);
  assert.deepEqual([count(cos, (r) => r['task'] === 'T9'), count(cos, (r) => r['task'] === 'T9' && r['label'] === '1')], [2496, 759]);
  const tr = (await readSplitFile(splits, 'opera_t11_resptr.csv', ['split', 'patient_id'])).rows;
  assert.deepEqual(bySplit(tr as typeof cv), [312, 84, 108]);
  assert.equal(new Set(tr.map((r) => r['patient_id'])).size, 42);
});

function counts(v: ResolvedVariant | undefined): unknown {
  return v?.assignment.kind === 'fixed' ? v.assignment.counts : null;
}

test('T10 on the real KAUH data: both variants resolve, missing test audio reported, the as-used split leaks', { skip: shared === null ? 'no ../shared/data' : false }, async () => {
  const root = new NodeDirReader(shared as string);
  assert.deepEqual(await presentDatasets(root), ['kauh', 'icbhi', 'covid19-cough']);
  const r = await resolveTask(tasks.T10, await scanDataset(root, 'kauh'), { splits });
  assert.equal(r.records.length, 156);
  assert.deepEqual(r.excluded, { notSelected: 81, noLabel: 0 });
  assert.equal(r.records.filter((x) => x.label === 0).length, 63);
  const [asUsed, consistent] = r.variants;
  assert.equal(asUsed?.name, 'opera-as-used');
  assert.deepEqual(counts(asUsed), { train: 105, val: 0, test: 51, unused: 0 });
  assert.equal(asUsed?.missingFiles.length, 78);
  assert.deepEqual(asUsed?.labelMismatches, []);
  assert.equal(asUsed?.leakage.status, 'declared-leak');
  assert.equal(asUsed?.leakage.leakingSubjects.length, 49);
  assert.equal(asUsed?.leakage.presentLeakingSubjects.length, 35);
  assert.ok(asUsed?.leakage.leakingSubjects.includes('P47'));
  assert.equal(consistent?.name, 'subject-consistent');
  assert.deepEqual(counts(consistent), { train: 156, val: 0, test: 0, unused: 0 });
  assert.equal(consistent?.missingFiles.length, 78);
  assert.ok(consistent?.missingFiles.every((f) => f.startsWith('AudioFiles/')));
  assert.equal(consistent?.leakage.status, 'clean');
  assert.deepEqual(consistent?.leakage.leakingSubjects, []);
});

test('T7 on the ICBHI subset: 26 recordings, all in the test split; the official split leaks patients 156 and 218', { skip: shared === null ? 'no ../shared/data' : false }, async () => {
  const r = await resolveTask(tasks.T7, await scanDataset(new NodeDirReader(shared as string), 'icbhi'), { splits });
  assert.equal(r.records.length, 26);
  assert.deepEqual([r.records.filter((x) => x.label === 1).length, r.records.filter((x) => x.label === 0).length], [16, 10]);
  const v = r.variants[0];
  assert.deepEqual(counts(v), { train: 0, val: 0, test: 26, unused: 0 });
  assert.equal(v?.missingFiles.length, 828 - 26);
  assert.equal(v?.leakage.status, 'declared-leak');
  assert.deepEqual(v?.leakage.leakingSubjects, ['156', '218']);
  assert.deepEqual(v?.leakage.presentLeakingSubjects, []);
});

test('HeAR-style tasks on the real data: KAUH folds keep subjects together, covid19-cough per channel', { skip: shared === null ? 'no ../shared/data' : false }, async () => {
  const root = new NodeDirReader(shared as string);
  const k = await scanDataset(root, 'kauh');
  const sex = await resolveTask(tasks['hear-kauh-sex'], k);
  const folds = sex.variants[0]?.assignment;
  assert.equal(folds?.kind, 'folds');
  if (folds?.kind === 'folds') {
    assert.equal(folds.folds.length, 5);
    assert.equal(folds.folds.reduce((s, f) => s + f.test.length, 0), 237);
    for (const f of folds.folds) assert.equal(f.test.length % 3, 0);
  }
  assert.equal(sex.variants[0]?.leakage.status, 'clean');
  const diag = await resolveTask(tasks['hear-kauh-diagnosis'], k);
  assert.equal(diag.records.length, 3 * (21 + 22 + 14 + 8));
  const c = await scanDataset(root, 'covid19-cough');
  const sizes = await Promise.all(
    (['hear-covid19-cough-callcentre', 'hear-covid19-cough-telegram', 'hear-covid19-cough-pooled'] as const).map(async (id) => (await resolveTask(tasks[id], c)).records.length),
  );
  assert.deepEqual(sizes, [523, 468, 991]);
  assert.equal(tasks['hear-covid19-cough-pooled'].confounds.length, 1);
});
