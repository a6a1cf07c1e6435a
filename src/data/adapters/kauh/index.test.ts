import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTree, sharedDataDir, tinyWav } from '../../../../test/helpers/dataset-tree.ts';
import { NodeDirReader } from '../../../platform/node/dir-reader.ts';
import { validateManifest, type AnyLabelSchema } from '../../manifest.ts';
import { kauh } from './index.ts';

const shared = sharedDataDir();
const schema = kauh.labels as unknown as AnyLabelSchema;

function tally<T>(xs: readonly T[]): Map<T, number> {
  const m = new Map<T, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

test('KAUH development part: 79 subjects, 237 files and the README diagnosis table', { skip: shared === null ? 'no ../shared/data' : false }, async () => {
  const m = await kauh.scan(new NodeDirReader(`${shared}/kauh`));
  assert.deepEqual(validateManifest(m, schema), []);
  assert.deepEqual(m.problems, []);
  assert.equal(m.records.length, 237);
  const subjects = new Map(m.records.map((r) => [r.subject, r]));
  assert.equal(subjects.size, 79);
  const perSubject = tally(m.records.map((r) => r.subject));
  assert.ok([...perSubject.values()].every((n) => n === 3));
  const bySubject = tally([...subjects.values()].map((r) => r.labels.diagnosis));
  const byFile = tally(m.records.map((r) => r.labels.diagnosis));
  const expected: [string, number][] = [
    ['asthma', 22], ['healthy', 21], ['heart failure', 14], ['COPD', 8], ['pneumonia', 4], ['lung fibrosis', 3],
    ['bronchiectasis', 2], ['pleural effusion', 2], ['asthma + lung fibrosis', 1], ['heart failure + lung fibrosis', 1], ['heart failure + COPD', 1],
  ];
  for (const [d, n] of expected) {
    assert.equal(bySubject.get(d as never), n, `${d} subjects`);
    assert.equal(byFile.get(d as never), 3 * n, `${d} files`);
  }
  assert.equal([...subjects.values()].filter((r) => r.labels.sex === 'M').length, 50);
  assert.equal([...subjects.values()].filter((r) => r.labels.sex === 'F').length, 29);
  const ages = m.records.map((r) => r.labels.age);
  assert.equal(Math.min(...ages), 12);
  assert.equal(Math.max(...ages), 90);
  const t10 = [...subjects.values()].filter((r) => r.labels.operaT10 !== null);
  assert.equal(t10.length, 52);
  assert.deepEqual(tally(t10.map((r) => r.labels.operaT10)), new Map([['asthma', 23], ['healthy', 21], ['COPD', 8]]));
  const trailing = m.records.find((r) => r.path === 'AudioFiles/BP108_COPD,E W,P R L ,63,M.wav');
  assert.equal(trailing?.labels.location, 'P R L ');
  assert.equal(m.records.find((r) => r.labels.diagnosisRaw === 'copd')?.labels.operaT10, null);
  assert.equal(m.records.find((r) => r.labels.diagnosisRaw === 'Heart Failure + COPD')?.labels.operaT10, 'COPD');
});

test('KAUH miniature: quirks are reported, not fatal', async () => {
  const t = await makeTree({
    'AudioFiles/BP1_N,N,P L L,41,M.wav': tinyWav(4000),
    'AudioFiles/DP1_N,N,P L L,41,M.wav': tinyWav(4000),
    'AudioFiles/EP1_N,N,P L L,41,M.wav': tinyWav(4000),
    'AudioFiles/BP2_Heart Failure + Lung Fibrosis ,C,P R L ,70,F.wav': tinyWav(4000),
    'AudioFiles/EP2_Heart Failure + Lung Fibrosis ,C,P R L ,70,F.wav': tinyWav(4000),
    'AudioFiles/BP3_Flu,N,P L L,30,M.wav': tinyWav(4000),
    'AudioFiles/readme.txt': 'x',
    'AudioFiles/nested/x.wav': tinyWav(4000),
  });
  try {
    const m = await kauh.scan(t.reader);
    assert.deepEqual(validateManifest(m, schema), []);
    assert.equal(m.records.length, 5);
    const p2 = m.records.filter((r) => r.subject === 'P2');
    assert.equal(p2[0]?.labels.diagnosisRaw, 'Heart Failure + Lung Fibrosis ');
    assert.equal(p2[0]?.labels.diagnosis, 'heart failure + lung fibrosis');
    assert.equal(p2[0]?.labels.sex, 'F');
    assert.deepEqual(
      m.problems.map((p) => [p.kind, p.path]),
      [
        ['missing-file', 'AudioFiles'],
        ['unknown-value', 'AudioFiles/BP3_Flu,N,P L L,30,M.wav'],
        ['unexpected-entry', 'AudioFiles/nested'],
        ['unparsable-name', 'AudioFiles/readme.txt'],
      ],
    );
    assert.match(m.problems[0]?.detail ?? '', /subject P2 has no diaphragm file/);
  } finally {
    await t.cleanup();
  }
});

test('a root without AudioFiles gives an empty manifest with a missing-layout problem', async () => {
  const t = await makeTree({ 'other.txt': 'x' });
  try {
    const m = await kauh.scan(t.reader);
    assert.equal(m.records.length, 0);
    assert.deepEqual(m.problems.map((p) => p.kind), ['missing-layout']);
  } finally {
    await t.cleanup();
  }
});
