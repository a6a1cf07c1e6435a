import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTree } from '../../../test/helpers/dataset-tree.ts';
import { makeManifest, type ManifestRecord } from '../../data/manifest.ts';
import type { Covid19SoundsLabels } from '../../data/adapters/covid19sounds/index.ts';
import { defineTask, type SplitVariant, type TaskSpec } from '../task.ts';
import { HEAR_PROBE, HEAR_WINDOWS, operaPathA } from './protocols.ts';
import { resolveTask, TaskError } from './resolve.ts';
import { tasks } from './index.ts';

const { T3, T7, T10 } = tasks;

function nose(user: string, k: number, rate: number): ManifestRecord<'nosemic'> {
  const path = `audio/${user}_${k}_1_${rate}.wav`;
  return { id: path, dataset: 'nosemic', path, subject: user, subjectBasis: 'participant', modality: 'nasal', labels: { user, field2: String(k), field3: '1', respiratoryRate: rate } };
}

function noseTask(variant: SplitVariant): TaskSpec<'nosemic'> {
  return defineTask({
    id: 'synthetic',
    title: 'synthetic',
    dataset: 'nosemic',
    modalities: ['nasal'],
    select: (r) => r.labels.field2 !== '9',
    target: { kind: 'regression', unit: 'breaths/min', label: (r) => (r.labels.respiratoryRate < 0 ? null : r.labels.respiratoryRate) },
    splits: [variant],
    inputs: { opera: operaPathA(8, 8, 'chosen'), hear: HEAR_WINDOWS },
    metric: 'mae',
    probe: HEAR_PROBE,
    seeds: [0],
    confounds: [],
    published: null,
    notes: '',
  });
}

test('selection and label exclusions are counted; LOSO restricted to listed subjects keeps the others in training', async () => {
  const m = makeManifest('nosemic', [nose('1', 1, 12), nose('1', 2, 13), nose('4', 1, 15), nose('4', 9, 15), nose('5', 1, -1), nose('6', 1, 18)], []);
  const r = await resolveTask(noseTask({ name: 'loso', description: '', policy: { kind: 'loso', testSubjects: ['4', '6', '7'] }, leak: { declared: false } }), m);
  assert.deepEqual(r.excluded, { notSelected: 1, noLabel: 1 });
  assert.deepEqual(r.records.map((x) => [x.record.subject, x.label]), [['1', 12], ['1', 13], ['4', 15], ['6', 18]]);
  const v = r.variants[0];
  assert.equal(v?.assignment.kind, 'folds');
  if (v?.assignment.kind === 'folds') {
    assert.deepEqual(v.assignment.folds.map((f) => [f.name, [...f.test], [...f.train]]), [
      ['4', [2], [0, 1, 3]],
      ['6', [3], [0, 1, 2]],
    ]);
  }
  assert.deepEqual(v?.missingFiles, ['subject=7']);
  assert.equal(v?.leakage.status, 'clean');
});

test('a record-level random split is stratified, sized like sklearn, and its subject leak is found', async () => {
  const recs = Array.from({ length: 100 }, (_, i) => nose(String(i % 10), i + 10, i % 4 === 0 ? 1 : 0));
  const m = makeManifest('nosemic', recs, []);
  const policy = { kind: 'random-stratified', test: 0.2, val: 0.2, seed: { name: 'test', value: 7 } } as const;
  const declared = await resolveTask(noseTask({ name: 'rs', description: '', policy, leak: { declared: true, reason: 'record-level split of a synthetic dataset' } }), m);
  const v = declared.variants[0];
  assert.equal(v?.assignment.kind, 'fixed');
  if (v?.assignment.kind === 'fixed') {
    assert.deepEqual(v.assignment.counts, { train: 60, val: 20, test: 20, unused: 0 });
    const pos = (part: string): number => v.assignment.kind === 'fixed' ? v.assignment.parts.filter((p, i) => p === part && declared.records[i]?.label === 1).length : -1;
    assert.deepEqual([pos('train'), pos('val'), pos('test')], [15, 5, 5]);
  }
  assert.equal(v?.leakage.status, 'declared-leak');
  assert.equal(v?.leakage.leakingSubjects.length, 10);
  const undeclared = await resolveTask(noseTask({ name: 'rs', description: '', policy, leak: { declared: false } }), m);
  assert.equal(undeclared.variants[0]?.leakage.status, 'undeclared-leak');
  const again = await resolveTask(noseTask({ name: 'rs', description: '', policy, leak: { declared: false } }), m);
  assert.deepEqual(again.variants[0]?.assignment, undeclared.variants[0]?.assignment);
});

function sounds(row: number, split: Covid19SoundsLabels['split'], splitRank: number, uid: string): ManifestRecord<'covid19sounds'> {
  const path = `0426_EN_used_task1/${uid}/s${row}/audio_file_breathe.wav`;
  return {
    id: path,
    dataset: 'covid19sounds',
    path,
    subject: uid,
    subjectBasis: 'participant',
    modality: 'breath',
    labels: { recording: 'breath', row, splitRank, ageBand: null, sex: null, medhistory: null, smoking: null, symptoms: 'None', covidTested: null, split, task1Label: row % 2 },
  };
}

test("the official split keeps every 5th training row by split rank (OPERA's train[::5])", async () => {
  const recs = [
    ...Array.from({ length: 12 }, (_, i) => sounds(i, 'train', i, `u${i}`)),
    sounds(12, 'val', 0, 'v'),
    sounds(13, 'test', 0, 'u3'),
  ];
  const r = await resolveTask(T3, makeManifest('covid19sounds', recs, []));
  const v = r.variants[0];
  assert.equal(v?.assignment.kind, 'fixed');
  if (v?.assignment.kind === 'fixed') {
    assert.deepEqual(v.assignment.counts, { train: 3, val: 1, test: 1, unused: 9 });
    assert.deepEqual(r.records.filter((_, i) => v.assignment.kind === 'fixed' && v.assignment.parts[i] === 'train').map((x) => x.record.labels.splitRank).sort((a, b) => a - b), [0, 5, 10]);
  }
  assert.equal(v?.leakage.status, 'declared-but-clean');
  const leaky = await resolveTask(T3, makeManifest('covid19sounds', [...recs, sounds(14, 'test', 1, 'u0')], []));
  assert.deepEqual(leaky.variants[0]?.leakage.leakingSubjects, ['u0']);
  assert.equal(leaky.variants[0]?.leakage.status, 'declared-leak');
});

test('committed splits: label mismatches, records excluded by the task, and typed errors', async () => {
  const splits = await makeTree({
    'kauh_t10_train_test_split.csv': 'opera_index,file,subject_id,split,label,label_binary\n0,"BP1_N,N,P L L,41,M.wav",P1,train,healthy,1\n1,"BP2_heart failure,C,P R L ,70,F.wav",P2,test,COPD,1\n2,"BP3_N,N,P L L,41,M.wav",P3,holdout,healthy,0\n',
    'kauh_t10_train_test.csv': 'opera_index,file,subject_id,split,label,label_binary\n',
  });
  try {
    const rec = (name: string, subject: string, diagnosisRaw: string, diagnosis: 'healthy' | 'heart failure', operaT10: 'healthy' | null): ManifestRecord<'kauh'> => ({
      id: `AudioFiles/${name}`,
      dataset: 'kauh',
      path: `AudioFiles/${name}`,
      subject,
      subjectBasis: 'participant',
      modality: 'lung',
      labels: { filter: 'bell', diagnosisRaw, diagnosis, soundType: 'N', location: 'P L L', age: 41, sex: 'M', operaT10 },
    });
    const m = makeManifest('kauh', [rec('BP1_N,N,P L L,41,M.wav', 'P1', 'N', 'healthy', 'healthy'), rec('BP2_heart failure,C,P R L ,70,F.wav', 'P2', 'heart failure', 'heart failure', null)], []);
    await assert.rejects(resolveTask(T10, m, { splits: splits.reader }), (e: unknown) => e instanceof TaskError && /row 4: split value "holdout"/.test(e.message));
    const ok = makeManifest('kauh', m.records, []);
    const table = (await splits.reader.readText('kauh_t10_train_test_split.csv')).replace('holdout', 'val');
    const fixed = await makeTree({ 'kauh_t10_train_test_split.csv': table, 'kauh_t10_train_test.csv': 'opera_index,file,subject_id,split,label,label_binary\n' });
    try {
      const r = await resolveTask(T10, ok, { splits: fixed.reader });
      const v = r.variants[0];
      assert.deepEqual(v?.labelMismatches, ['AudioFiles/BP1_N,N,P L L,41,M.wav: task label 0, label_binary "1"']);
      assert.deepEqual(v?.excludedByTask, ['AudioFiles/BP2_heart failure,C,P R L ,70,F.wav']);
      assert.deepEqual(v?.missingFiles, ['AudioFiles/BP3_N,N,P L L,41,M.wav']);
    } finally {
      await fixed.cleanup();
    }
    await assert.rejects(resolveTask(T10, ok), /needs the committed split files/);
    await assert.rejects(resolveTask(T7 as unknown as TaskSpec<'kauh'>, ok), /needs a icbhi manifest, got kauh/);
  } finally {
    await splits.cleanup();
  }
});
