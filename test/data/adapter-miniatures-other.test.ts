/**
 * Adapters of the lung, snore, nasal-breathing and sound-event datasets that are not in
 * ../shared/data, run on generated miniatures of their original layouts (tiny WAVs plus metadata
 * files with the real column names and naming schemes).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ParseError } from '../../src/data/errors.ts';
import { flusense } from '../../src/data/adapters/flusense/index.ts';
import { fsd50k } from '../../src/data/adapters/fsd50k/index.ts';
import { hflung, operaSummary } from '../../src/data/adapters/hflung/index.ts';
import { makeTree, tinyWav } from '../helpers/dataset-tree.ts';
import { mmlung } from '../../src/data/adapters/mmlung/index.ts';
import { nosemic } from '../../src/data/adapters/nosemic/index.ts';
import { parseTextGrid } from '../../src/data/adapters/flusense/textgrid.ts';
import { resptr } from '../../src/data/adapters/resptr/index.ts';
import { ssbpr } from '../../src/data/adapters/ssbpr/index.ts';
import { type AnyLabelSchema, validateManifest } from '../../src/data/manifest.ts';

// ---- resptr ----
test('RespiratoryDatabase@TR miniature: 12 channels per patient, severity from Labels.csv (BOM, trailing commas)', async () => {
  const files: Record<string, string | Uint8Array> = {
    'Labels.csv': '\uFEFFPatient ID,Diagnosis,\r\nH002,COPD4,\r\nH045,COPD1,\r\n',
    'RespiratoryDatabase@TR/H045_L5.wav': tinyWav(4000),
    'RespiratoryDatabase@TR/H045_R1.wav': tinyWav(4000),
    'RespiratoryDatabase@TR/H002_L1.wav': tinyWav(4000),
    'RespiratoryDatabase@TR/H099_R6.wav': tinyWav(4000),
    'RespiratoryDatabase@TR/H045_L7.wav': tinyWav(4000),
    'RespiratoryDatabase@TR/notes.txt': 'ignored',
  };
  const t = await makeTree(files);
  try {
    const m = await resptr.scan(t.reader);
    assert.deepEqual(validateManifest(m, resptr.labels as unknown as AnyLabelSchema), []);
    assert.deepEqual(
      m.records.map((r) => [r.path, r.subject, r.labels.channel, r.labels.copdSeverity]),
      [
        ['RespiratoryDatabase@TR/H002_L1.wav', 'H002', 'L1', 4],
        ['RespiratoryDatabase@TR/H045_L5.wav', 'H045', 'L5', 1],
        ['RespiratoryDatabase@TR/H045_R1.wav', 'H045', 'R1', 1],
        ['RespiratoryDatabase@TR/H099_R6.wav', 'H099', 'R6', null],
      ],
    );
    assert.deepEqual(m.problems.map((p) => [p.kind, p.path]), [
      ['unparsable-name', 'RespiratoryDatabase@TR/H045_L7.wav'],
      ['missing-metadata', 'RespiratoryDatabase@TR/H099_R6.wav'],
    ]);
  } finally {
    await t.cleanup();
  }
});

// ---- ssbpr ----
test('SSBPR miniature: female/male folders, A-B-C names with the position last', async () => {
  const t = await makeTree({
    'female/p01/1-2-0.wav': tinyWav(16000),
    'female/p01/1-2-5.wav': tinyWav(16000),
    'male/p07/7-3-4.wav': tinyWav(16000),
    'male/p07/7-3-9.wav': tinyWav(16000),
    'male/p07/readme.txt': 'x',
  });
  try {
    const m = await ssbpr.scan(t.reader);
    assert.deepEqual(validateManifest(m, ssbpr.labels as unknown as AnyLabelSchema), []);
    assert.deepEqual(
      m.records.map((r) => [r.path, r.subject, r.labels.sex, r.labels.position, r.labels.positionName]),
      [
        ['female/p01/1-2-0.wav', 'female/1-2', 'female', 0, 'supine'],
        ['female/p01/1-2-5.wav', 'female/1-2', 'female', 5, 'prone'],
        ['male/p07/7-3-4.wav', 'male/7-3', 'male', 4, 'right lateral'],
      ],
    );
    assert.deepEqual(m.problems.map((p) => [p.kind, p.path]), [['unparsable-name', 'male/p07/7-3-9.wav']]);
  } finally {
    await t.cleanup();
  }
});

// ---- mmlung ----
const A = 'Trimmed Data from phone';

test('MMLung miniature: task folders with spaces in the root name, spirometry from spirometry.csv', async () => {
  const t = await makeTree({
    [`${A}/5_2_O_single/1_vowelo.wav`]: tinyWav(44100, 80, 2),
    [`${A}/5_2_O_single/2_vowelo.wav`]: tinyWav(44100, 80, 2),
    [`${A}/9_3_deepbreath/1_deepbreaths.wav`]: tinyWav(44100, 80, 2),
    [`${A}/3_1_cough/1_cough.wav`]: tinyWav(44100),
    'spirometry_ground_truth/1_report.xls': new Uint8Array([0xd0, 0xcf, 0x11, 0xe0]),
    'spirometry.csv': 'participant,FVC,FEV1,FEV1/FVC\n1,3.4,2.7,0.79\n',
  });
  try {
    const m = await mmlung.scan(t.reader);
    assert.deepEqual(validateManifest(m, mmlung.labels as unknown as AnyLabelSchema), []);
    assert.deepEqual(
      m.records.map((r) => [r.path, r.subject, r.modality, r.labels.fvcL, r.labels.fev1L, r.labels.fev1FvcRatio, r.labels.spirometryFile]),
      [
        [`${A}/5_2_O_single/1_vowelo.wav`, '1', 'vowel', 3.4, 2.7, 0.79, 'spirometry_ground_truth/1_report.xls'],
        [`${A}/5_2_O_single/2_vowelo.wav`, '2', 'vowel', null, null, null, null],
        [`${A}/9_3_deepbreath/1_deepbreaths.wav`, '1', 'breath', 3.4, 2.7, 0.79, 'spirometry_ground_truth/1_report.xls'],
      ],
    );
    assert.deepEqual(m.problems.map((p) => [p.kind, p.path]), [['unknown-value', `${A}/3_1_cough`]]);
  } finally {
    await t.cleanup();
  }
});

test('MMLung without spirometry.csv: labels are null and the reason is reported', async () => {
  const t = await makeTree({ [`${A}/5_2_O_single/1_vowelo.wav`]: tinyWav(44100) });
  try {
    const m = await mmlung.scan(t.reader);
    assert.equal(m.records[0]?.labels.fvcL, null);
    assert.deepEqual(m.problems.map((p) => [p.kind, p.path]), [['missing-metadata', 'spirometry.csv']]);
  } finally {
    await t.cleanup();
  }
});

// ---- nosemic ----
test('NoseMic miniature: <user>_<x>_<y>_<rate>.wav', async () => {
  const t = await makeTree({
    'audio/4_1_2_14.5.wav': tinyWav(16000),
    'audio/17_2_1_20.wav': tinyWav(16000),
    'audio/5_1_x.wav': tinyWav(16000),
    'audio/6_1_1_fast.wav': tinyWav(16000),
  });
  try {
    const m = await nosemic.scan(t.reader);
    assert.deepEqual(validateManifest(m, nosemic.labels as unknown as AnyLabelSchema), []);
    assert.deepEqual(m.records.map((r) => [r.subject, r.modality, r.labels.field2, r.labels.field3, r.labels.respiratoryRate]), [
      ['17', 'nasal', '2', '1', 20],
      ['4', 'nasal', '1', '2', 14.5],
    ]);
    assert.deepEqual(m.problems.map((p) => [p.kind, p.path]), [
      ['unparsable-name', 'audio/5_1_x.wav'],
      ['unparsable-name', 'audio/6_1_1_fast.wav'],
    ]);
  } finally {
    await t.cleanup();
  }
});

// ---- hflung ----
test("OPERA's per-file summary label (hflung_split.py)", () => {
  assert.equal(operaSummary('I 00:00:00.100 00:00:01.000\nE 00:00:01.000 00:00:02.000\n'), 'None');
  assert.equal(operaSummary('Wheeze 00:00:01.000 00:00:02.000\n'), 'Wheeze');
  assert.equal(operaSummary('Rhonchi 0 1\nStridor 1 2\n'), 'Both');
});

test('HF_Lung miniature: steth and trunc recordings, label files, derived subjects', async () => {
  const V1 = 'HF_Lung_V1-master';
  const t = await makeTree({
    [`${V1}/train/steth_20180814_09_37_11.wav`]: tinyWav(4000),
    [`${V1}/train/steth_20180814_09_37_11_label.txt`]: 'I 00:00:00.373 00:00:01.729\nE 00:00:01.729 00:00:03.000\nRhonchi 00:00:02.000 00:00:02.900\n',
    [`${V1}/train/trunc_2019-05-07-13-57-26-L1_0.wav`]: tinyWav(4000),
    [`${V1}/train/trunc_2019-05-07-13-57-26-L1_0_label.txt`]: 'I 00:00:00.100 00:00:01.000\r\n',
    [`${V1}/test/trunc_2019-05-07-13-57-26-L1_1.wav`]: tinyWav(4000),
    [`${V1}/test/trunc_2019-05-07-13-57-26-L1_1_label.txt`]: 'Wheeze 00:00:00.100 00:00:01.000\nStridor 00:00:02.000 00:00:03.000\n',
    [`${V1}/test/steth_bad.wav`]: tinyWav(4000),
    [`${V1}/test/steth_20180814_09_40_00.wav`]: tinyWav(4000),
  });
  try {
    const m = await hflung.scan(t.reader);
    assert.deepEqual(validateManifest(m, hflung.labels as unknown as AnyLabelSchema), []);
    assert.deepEqual(
      m.records.map((r) => [r.path.slice(V1.length + 1), r.subject, r.subjectBasis, r.device, r.labels.split, r.labels.events, r.labels.operaLabel]),
      [
        ['test/steth_20180814_09_40_00.wav', `file:V1/steth_20180814_09_40_00`, 'per-file', 'Littmann 3200', 'test', null, null],
        ['test/trunc_2019-05-07-13-57-26-L1_1.wav', 'V1/trunc_2019-05-07-13-57-26', 'derived', 'HF-Type-1', 'test', ['Stridor', 'Wheeze'], 'Both'],
        ['train/steth_20180814_09_37_11.wav', 'file:V1/steth_20180814_09_37_11', 'per-file', 'Littmann 3200', 'train', ['E', 'I', 'Rhonchi'], 'Rhonchi'],
        ['train/trunc_2019-05-07-13-57-26-L1_0.wav', 'V1/trunc_2019-05-07-13-57-26', 'derived', 'HF-Type-1', 'train', ['I'], 'None'],
      ],
    );
    assert.deepEqual(m.problems.map((p) => [p.kind, p.path.slice(V1.length + 1)]), [
      ['missing-metadata', 'test/steth_20180814_09_40_00_label.txt'],
      ['unparsable-name', 'test/steth_bad.wav'],
    ]);
  } finally {
    await t.cleanup();
  }
});

// ---- flusense ----
// The annotation of -4LOcUpXMzc_30_000-40_000 from Forsad/FluSense-data, with one label changed to exercise quoting.
const GRID = `File type = "ooTextFile"
Object class = "TextGrid"

xmin = 0 
xmax = 10 
tiers? <exists> 
size = 1 
item []: 
    item [1]:
        class = "IntervalTier" 
        name = "word" 
        xmin = 0 
        xmax = 10 
        intervals: size = 5 
        intervals [1]:
            xmin = 0 
            xmax = 1.8130457166392089 
            text = "etc" 
        intervals [2]:
            xmin = 1.8130457166392089 
            xmax = 3.0472508237232283 
            text = "sniffle" 
        intervals [3]:
            xmin = 3.0472508237232283 
            xmax = 4.078572899505765 
            text = "silence" 
        intervals [4]:
            xmin = 4.078572899505765 
            xmax = 9.5 
            text = "speech" 
        intervals [5]:
            xmin = 9.5 
            xmax = 10 
            text = "a ""gasp""" 
`;

test('TextGrid intervals are read with their tier, bounds and text', () => {
  const iv = parseTextGrid(GRID, 'g.TextGrid');
  assert.equal(iv.length, 5);
  assert.deepEqual(iv[1], { tier: 'word', xmin: 1.8130457166392089, xmax: 3.0472508237232283, text: 'sniffle' });
  assert.equal(iv[4]?.text, 'a "gasp"');
  assert.throws(() => parseTextGrid('not a grid', 'x.TextGrid'), ParseError);
});

test('FluSense miniature: annotation + audio pairs, seconds per class, YouTube-id subjects', async () => {
  const t = await makeTree({
    'flusense_data/-4LOcUpXMzc_30_000-40_000.TextGrid': GRID,
    'flusense_data/-4LOcUpXMzc_50_000-60_000.TextGrid': GRID.replace('"sniffle"', '"cough"'),
    'flusense_data/--U7joUcTCo.TextGrid': GRID,
    'audio/-4LOcUpXMzc_30_000-40_000.wav': tinyWav(16000),
    'audio/-4LOcUpXMzc_50_000-60_000.wav': tinyWav(16000),
    'audio/unannotated.wav': tinyWav(16000),
  });
  try {
    const m = await flusense.scan(t.reader);
    assert.deepEqual(validateManifest(m, flusense.labels as unknown as AnyLabelSchema), []);
    assert.equal(m.records.length, 2);
    const [a, b] = m.records;
    assert.equal(a?.subject, 'youtube:-4LOcUpXMzc');
    assert.equal(b?.subject, a?.subject);
    assert.ok(Math.abs((a?.labels.sniffleS ?? 0) - (3.0472508237232283 - 1.8130457166392089)) < 1e-12);
    assert.equal(a?.labels.coughS, 0);
    assert.ok(Math.abs((b?.labels.coughS ?? 0) - 1.2342051070840194) < 1e-12);
    assert.ok(Math.abs((a?.labels.speechS ?? 0) - (9.5 - 4.078572899505765)) < 1e-12);
    assert.deepEqual(a?.labels.otherEvents, ['a "gasp"']);
    assert.deepEqual(m.problems.map((p) => [p.kind, p.path]), [
      ['missing-file', 'audio/--U7joUcTCo.wav'],
      ['missing-metadata', 'audio/unannotated.wav'],
    ]);
  } finally {
    await t.cleanup();
  }
});

// ---- fsd50k ----
test('FSD50K miniature: ground-truth CSVs with quoted label lists, uploader subjects from clip info', async () => {
  const t = await makeTree({
    'FSD50K.ground_truth/dev.csv':
      'fname,labels,mids,split\n64760,"Cough,Human_voice","/m/01b_21,/m/09l8g",train\n345111,"Sneeze,Human_voice","/m/01hsr_,/m/09l8g",val\n21914,Breathing,/m/0lyf6,train\n',
    'FSD50K.ground_truth/eval.csv': 'fname,labels,mids\n37199,"Cough,Human_voice","/m/01b_21,/m/09l8g"\n',
    'FSD50K.ground_truth/vocabulary.csv': '0,Cough,/m/01b_21\n',
    'FSD50K.dev_audio/64760.wav': tinyWav(44100),
    'FSD50K.dev_audio/345111.wav': tinyWav(44100),
    'FSD50K.dev_audio/999.wav': tinyWav(44100),
    'FSD50K.eval_audio/37199.wav': tinyWav(44100),
    'FSD50K.metadata/dev_clips_info_FSD50K.json': JSON.stringify({
      '64760': { title: 'cough.wav', description: 'a cough', tags: ['cough'], license: 'http://creativecommons.org/licenses/by/3.0/', uploader: 'someone' },
    }),
  });
  try {
    const m = await fsd50k.scan(t.reader);
    assert.deepEqual(validateManifest(m, fsd50k.labels as unknown as AnyLabelSchema), []);
    assert.deepEqual(
      m.records.map((r) => [r.path, r.subject, r.subjectBasis, r.labels.classes, r.labels.mids, r.labels.split, r.labels.licence]),
      [
        ['FSD50K.dev_audio/345111.wav', 'file:345111', 'per-file', ['Sneeze', 'Human_voice'], ['/m/01hsr_', '/m/09l8g'], 'val', null],
        ['FSD50K.dev_audio/64760.wav', 'uploader:someone', 'derived', ['Cough', 'Human_voice'], ['/m/01b_21', '/m/09l8g'], 'train', 'http://creativecommons.org/licenses/by/3.0/'],
        ['FSD50K.eval_audio/37199.wav', 'file:37199', 'per-file', ['Cough', 'Human_voice'], ['/m/01b_21', '/m/09l8g'], 'eval', null],
      ],
    );
    assert.deepEqual(m.problems.map((p) => [p.kind, p.path]), [
      ['missing-file', 'FSD50K.dev_audio/21914.wav'],
      ['missing-metadata', 'FSD50K.dev_audio/999.wav'],
    ]);
  } finally {
    await t.cleanup();
  }
});
