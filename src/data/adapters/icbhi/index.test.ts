import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTree, sharedDataDir, tinyWav } from '../../../../test/helpers/dataset-tree.ts';
import { NodeDirReader } from '../../../platform/node/dir-reader.ts';
import { validateManifest, type AnyLabelSchema } from '../../manifest.ts';
import { icbhi } from './index.ts';

const shared = sharedDataDir();
const schema = icbhi.labels as unknown as AnyLabelSchema;

function count<T>(xs: readonly T[], x: T): number {
  return xs.filter((y) => y === x).length;
}

test('ICBHI subset: 31 recordings of 21 patients, diagnoses, devices, annotations, official split', { skip: shared === null ? 'no ../shared/data' : false }, async () => {
  const m = await icbhi.scan(new NodeDirReader(`${shared}/icbhi`));
  assert.deepEqual(validateManifest(m, schema), []);
  assert.deepEqual(m.problems, []);
  assert.equal(m.records.length, 31);
  assert.equal(new Set(m.records.map((r) => r.subject)).size, 21);
  const table: [string, number, number][] = [['COPD', 16, 8], ['Healthy', 10, 9], ['URTI', 2, 1], ['Asthma', 1, 1], ['Bronchiolitis', 1, 1], ['Bronchiectasis', 1, 1]];
  for (const [d, recordings, patients] of table) {
    const rs = m.records.filter((r) => r.labels.diagnosis === d);
    assert.equal(rs.length, recordings, `${d} recordings`);
    assert.equal(new Set(rs.map((r) => r.subject)).size, patients, `${d} patients`);
  }
  const devices = m.records.map((r) => r.device);
  assert.deepEqual([count(devices, 'Meditron'), count(devices, 'AKGC417L'), count(devices, 'Litt3200'), count(devices, 'LittC2SE')], [14, 10, 6, 1]);
  const annotated = m.records.filter((r) => r.labels.annotated);
  assert.equal(annotated.length, 13);
  assert.equal(annotated.reduce((s, r) => s + (r.labels.cycles ?? 0), 0), 113);
  assert.equal(annotated.reduce((s, r) => s + (r.labels.wheezeCycles ?? 0), 0), 16);
  assert.equal(annotated.reduce((s, r) => s + (r.labels.crackleCycles ?? 0), 0), 1);
  assert.deepEqual(m.records.filter((r) => r.labels.officialSplit === 'train').map((r) => r.path), ['ICBHI_final_database/103_2b2_Ar_mc_LittC2SE.wav']);
  assert.equal(count(m.records.map((r) => r.labels.officialSplit), 'test'), 30);
  const r101 = m.records.find((r) => r.path === 'ICBHI_final_database/101_1b1_Al_sc_Meditron.wav');
  assert.deepEqual([r101?.labels.age, r101?.labels.sex, r101?.labels.adultBmi, r101?.labels.childWeightKg, r101?.labels.childHeightCm], [3, 'F', null, 19, 99]);
});

test('ICBHI miniature: missing annotation, stray annotation, bad lines and unknown patients are reported', async () => {
  const t = await makeTree({
    'ICBHI_final_database/101_1b1_Al_sc_Meditron.wav': tinyWav(44100),
    'ICBHI_final_database/101_1b1_Al_sc_Meditron.txt': '0.036\t0.579\t0\t0\n0.579\t2.45\t1\t1\n\n',
    'ICBHI_final_database/102_1b1_Ar_sc_Meditron.wav': tinyWav(44100),
    'ICBHI_final_database/150_1b2_Tc_mc_Litt3200.wav': tinyWav(4000),
    'ICBHI_final_database/150_1b2_Tc_mc_Litt3200.txt': '0.1 oops 0 0\n',
    'ICBHI_final_database/103_2b2_Ar_mc_LittC2SE.txt': '0.1\t0.2\t0\t0\n',
    'ICBHI_final_database/filename_format.txt': 'legend',
    'ICBHI_final_database/104_x_Al_sc_Phone.wav': tinyWav(8000),
    'ICBHI_Challenge_diagnosis.txt': '101\tURTI\n102\tHealthy\n',
    'ICBHI_Challenge_demographic_information.txt': '101\t3\tF\tNA\t19\t99\r\n102\t0.75\tF\tNA\t9.8\t73\r\n',
    'ICBHI_challenge_train_test.txt': '101_1b1_Al_sc_Meditron\ttest\r\n102_1b1_Ar_sc_Meditron\ttrain\r\n',
  });
  try {
    const m = await icbhi.scan(t.reader);
    assert.deepEqual(validateManifest(m, schema), []);
    assert.equal(m.records.length, 3);
    const [a, b, c] = m.records;
    assert.deepEqual([a?.labels.cycles, a?.labels.crackleCycles, a?.labels.wheezeCycles, a?.labels.officialSplit], [2, 1, 1, 'test']);
    assert.deepEqual([b?.labels.annotated, b?.labels.cycles, b?.labels.age, b?.labels.officialSplit], [false, null, 0.75, 'train']);
    assert.deepEqual([c?.labels.diagnosis, c?.labels.annotated, c?.device, c?.labels.acquisitionMode], [null, false, 'Litt3200', 'mc']);
    assert.deepEqual(
      m.problems.map((p) => [p.kind, p.path]),
      [
        ['missing-file', 'ICBHI_final_database/103_2b2_Ar_mc_LittC2SE.wav'],
        ['unparsable-name', 'ICBHI_final_database/104_x_Al_sc_Phone.wav'],
        ['unknown-value', 'ICBHI_final_database/150_1b2_Tc_mc_Litt3200.txt'],
        ['missing-metadata', 'ICBHI_final_database/150_1b2_Tc_mc_Litt3200.wav'],
      ],
    );
  } finally {
    await t.cleanup();
  }
});
