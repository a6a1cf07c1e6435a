/**
 * Adapters of the COVID-19 datasets (Coswara, COUGHVID, UK COVID-19, COVID-19 Sounds), none of which
 * is in ../shared/data, run on generated miniatures of their original layouts (tiny WAVs plus
 * metadata files with the real column names and naming schemes).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coswara } from '../../src/data/adapters/coswara/index.ts';
import { coughvid } from '../../src/data/adapters/coughvid/index.ts';
import { covid19sounds } from '../../src/data/adapters/covid19sounds/index.ts';
import { makeTree, tinyWav } from '../helpers/dataset-tree.ts';
import { type AnyLabelSchema, validateManifest } from '../../src/data/manifest.ts';
import { ukcovid } from '../../src/data/adapters/ukcovid/index.ts';

// ---- coswara ----
// combined_data.csv header and annotation format as in iiscleap/Coswara-Data.
const COSWARA_HEADER = 'id,l_c,a,covid_status,ep,g,l_s,l_l,diabetes,asthma,smoker,ht,fever,rU,um,cold,cough,mp,loss_of_smell,st,ftg,bd,cld,ihd,pneumonia,test_status,diarrhoea';

test('Coswara miniature: Extracted_data/<date>/<user>/<recording>.wav with metadata and quality', async () => {
  const t = await makeTree({
    'combined_data.csv': `${COSWARA_HEADER}\nU1,India,24,healthy,y,male,Karnataka,,,,True,,,,,,,,,,,,,,,,\nU2,India,31,positive_mild,y,female,Kerala,,,True,n,,,n,n,,,,,,,,,,,,\n`,
    'annotations/cough-shallow_labels.csv': 'FILENAME, QUALITY\nU1_cough-shallow,2\nU2_cough-shallow,0\n',
    'Extracted_data/20200413/U1/cough-shallow.wav': tinyWav(44100),
    'Extracted_data/20200413/U1/vowel-a.wav': tinyWav(44100),
    'Extracted_data/20200413/U1/metadata.json': '{}',
    'Extracted_data/20200814/U2/cough-shallow.wav': tinyWav(44100),
    'Extracted_data/20200814/U2/counting-normal.wav': tinyWav(44100),
    'Extracted_data/20200814/U2/cough-loud.wav': tinyWav(44100),
    'Extracted_data/20200814/U3/breathing-deep.wav': tinyWav(44100),
    '20200413/20200413.tar.gz.aa': 'archive part',
  });
  try {
    const m = await coswara.scan(t.reader);
    assert.deepEqual(validateManifest(m, coswara.labels as unknown as AnyLabelSchema), []);
    assert.deepEqual(
      m.records.map((r) => [r.path, r.subject, r.modality, r.labels.gender, r.labels.smoker, r.labels.asthma, r.labels.quality, r.labels.recordDate]),
      [
        ['Extracted_data/20200413/U1/cough-shallow.wav', 'U1', 'cough', 'male', true, null, 2, '20200413'],
        ['Extracted_data/20200413/U1/vowel-a.wav', 'U1', 'vowel', 'male', true, null, null, '20200413'],
        ['Extracted_data/20200814/U2/cough-shallow.wav', 'U2', 'cough', 'female', false, true, 0, '20200814'],
        ['Extracted_data/20200814/U2/counting-normal.wav', 'U2', 'speech', 'female', false, true, null, '20200814'],
        ['Extracted_data/20200814/U3/breathing-deep.wav', 'U3', 'breath', null, null, null, null, '20200814'],
      ],
    );
    assert.equal(m.records[0]?.labels.age, 24);
    assert.deepEqual(m.problems.map((p) => [p.kind, p.path]), [
      ['unparsable-name', 'Extracted_data/20200814/U2/cough-loud.wav'],
      ['missing-metadata', 'Extracted_data/20200814/U3'],
    ]);
  } finally {
    await t.cleanup();
  }
});

test('Coswara archives that were not extracted are a missing-layout problem', async () => {
  const t = await makeTree({ 'combined_data.csv': `${COSWARA_HEADER}\n`, '20200413/20200413.tar.gz.aa': 'x' });
  try {
    const m = await coswara.scan(t.reader);
    assert.equal(m.records.length, 0);
    assert.deepEqual(m.problems.map((p) => [p.kind, p.path]), [['missing-layout', 'Extracted_data']]);
  } finally {
    await t.cleanup();
  }
});

// ---- coughvid ----
// metadata_compiled.csv header as in the COUGHVID release (copy in evelyn0414/OPERA datasets/coughvid/).
const COUGHVID_HEADER =
  'uuid,datetime,cough_detected,latitude,longitude,age,gender,respiratory_condition,fever_muscle_pain,status,quality_1,cough_type_1,dyspnea_1,wheezing_1,stridor_1,choking_1,congestion_1,nothing_1,diagnosis_1,severity_1,quality_2,cough_type_2,dyspnea_2,wheezing_2,stridor_2,choking_2,congestion_2,nothing_2,diagnosis_2,severity_2,quality_3,dyspnea_3,wheezing_3,stridor_3,choking_3,congestion_3,nothing_3,cough_type_3,diagnosis_3,severity_3';
const COUGHVID_TAIL = ',,,,,,,,,,,,,,,,,,,,,,,,,,,,,,';
const U1 = '00039425-7f3a-42aa-ac13-834aaa2b6b92';
const U2 = '0009eb28-d8be-4dc1-92bb-907e53bc5c7a';
const U3 = '02def005-fb2b-46aa-97ce-66262fb6f93a';
const U4 = '11111111-2222-3333-4444-555555555555';

test('COUGHVID miniature: webm/ogg originals, OPERA wav stems cut by one character, missing audio', async () => {
  const t = await makeTree({
    'public_dataset/metadata_compiled.csv': [
      COUGHVID_HEADER,
      `${U1},2020-04-13T21:30:59.801831+00:00,0.9609,31.3,34.8,15,male,False,False,healthy${COUGHVID_TAIL}`,
      `${U2},2020-04-12T04:02:18.159383+00:00,0.9301,40.0,-75.1,34,female,True,False,COVID-19${COUGHVID_TAIL}`,
      `${U3},2020-04-12T04:02:18.159383+00:00,0.0120,,,,,,,${COUGHVID_TAIL}`,
      `${U4},2020-04-12T04:02:18.159383+00:00,0.5,,,40,other,,,symptomatic${COUGHVID_TAIL}`,
    ].join('\n'),
    [`public_dataset/${U1}.webm`]: 'webm',
    [`public_dataset/${U1}.json`]: '{}',
    [`public_dataset/${U2}.ogg`]: 'ogg',
    [`wav/${U3.slice(0, -1)}.wav`]: tinyWav(48000),
    'public_dataset/99999999-0000-0000-0000-000000000000.webm': 'no metadata',
  });
  try {
    const m = await coughvid.scan(t.reader);
    assert.deepEqual(validateManifest(m, coughvid.labels as unknown as AnyLabelSchema), []);
    assert.deepEqual(
      m.records.map((r) => [r.path, r.labels.uuid, r.labels.format, r.labels.status, r.labels.gender, r.labels.coughDetected, r.labels.respiratoryCondition]),
      [
        [`public_dataset/${U1}.webm`, U1, 'webm', 'healthy', 'male', 0.9609, false],
        [`public_dataset/${U2}.ogg`, U2, 'ogg', 'COVID-19', 'female', 0.9301, true],
        [`wav/${U3.slice(0, -1)}.wav`, U3, 'wav', null, null, 0.012, null],
      ],
    );
    assert.ok(m.records.every((r) => r.subjectBasis === 'per-file' && r.subject === `file:${r.labels.uuid}`));
    assert.deepEqual(m.problems.map((p) => [p.kind, p.path]), [
      ['missing-file', `public_dataset/${U4}`],
      ['missing-metadata', 'public_dataset/99999999-0000-0000-0000-000000000000.webm'],
    ]);
  } finally {
    await t.cleanup();
  }
});

// ---- ukcovid ----
// Column names from the dataset's own unit test ({m}_file_name/_size/_length/_sample_rate/_channels)
// and OPERA's coviduk code (participant_identifier, covid_test_result, splits); their order is assumed.
const AUDIO_HEADER = ['exhalation', 'cough', 'three_cough']
  .flatMap((m) => [`${m}_file_name`, `${m}_size`, `${m}_length`, `${m}_sample_rate`, `${m}_channels`])
  .join(',');

test('UK COVID-19 miniature: three recordings per participant, header-only files, OPERA audio_selected/', async () => {
  const t = await makeTree({
    'audio_metadata.csv': [
      `participant_identifier,${AUDIO_HEADER}`,
      'P1,62-12-a.wav,1000,6.5,48000,1,62-13-a.wav,1000,3.25,48000,1,P1_3c.wav,44,0,48000,1',
      'P2,67841_x.wav,1000,4,44100,1,67841_y.wav,1000,2,44100,2,,,,,',
      'P3,gone.wav,1000,4,44100,1,,,,,,,,,,',
    ].join('\n'),
    'participant_metadata.csv': 'participant_identifier,covid_test_result,gender,age,smoker_status\nP1,Positive,Female,45-54,Never\nP2,Negative,Male,25-34,\n',
    'train_test_splits.csv': 'participant_identifier,splits\nP1,train\nP2,test\nP3,val\n',
    'audio_selected/62-12-a.wav': tinyWav(48000),
    'audio_selected/62-13-a.wav': tinyWav(48000),
    'audio_selected/67841_x.wav': tinyWav(44100),
    'audio_selected/67841_y.wav': tinyWav(44100, 80, 2),
  });
  try {
    const m = await ukcovid.scan(t.reader);
    assert.deepEqual(validateManifest(m, ukcovid.labels as unknown as AnyLabelSchema), []);
    assert.deepEqual(
      m.records.map((r) => [r.path, r.subject, r.modality, r.labels.recording, r.labels.covidTestResult, r.labels.officialSplit, r.durationS, r.sampleRate, r.channels]),
      [
        ['audio_selected/62-12-a.wav', 'P1', 'exhalation', 'exhalation', 'Positive', 'train', 6.5, 48000, 1],
        ['audio_selected/62-13-a.wav', 'P1', 'cough', 'cough', 'Positive', 'train', 3.25, 48000, 1],
        ['audio_selected/67841_x.wav', 'P2', 'exhalation', 'exhalation', 'Negative', 'test', 4, 44100, 1],
        ['audio_selected/67841_y.wav', 'P2', 'cough', 'cough', 'Negative', 'test', 2, 44100, 2],
      ],
    );
    assert.equal(m.records[2]?.labels.smokerStatus, null);
    assert.deepEqual(m.problems.map((p) => [p.kind, p.path]), [
      ['empty-recording', 'P1_3c.wav'],
      ['missing-file', 'audio_selected/gone.wav'],
      ['missing-metadata', 'participant_metadata.csv'],
    ]);
  } finally {
    await t.cleanup();
  }
});

// ---- covid19sounds ----
// Header of data_0426_en_task1.csv as committed in evelyn0414/OPERA (later removed).
const SOUNDS_HEADER = 'Uid;Age;Sex;Medhistory;Smoking;Language;Date;Folder Name;Symptoms;Covid-Tested;Hospitalized;Location;Voice filename;Cough filename;Breath filename;split;label';
const row = (uid: string, folder: string, symptoms: string, split: number, label: number): string =>
  `${uid};20-29;Female;None;never;en;02-11-2020 21:04:12;${folder};${symptoms};negativeNever;no;-;audio_file_read.wav;audio_file_cough.wav;audio_file_breathe.wav;${split};${label}`;

test('COVID-19 Sounds miniature: per-user session folders, web-form users, split ranks', async () => {
  const d = '0426_EN_used_task1';
  const t = await makeTree({
    'data_0426_en_task1.csv': [
      SOUNDS_HEADER,
      row('02zsN3RSwW8M', '2020-11-02-21_04_13_798454', 'None', 0, 0),
      row('02zsN3RSwW8M', '2020-11-04-21_09_53_465125', 'drycough', 2, 1),
      row('2020-05-01-10_00_00_000000', '2020-05-01-10_00_00_000000', 'None', 0, 0),
      row('047p0mcroGXL', '2021-04-08-13_00_13_542260', 'None', 1, 0),
      row('04sAWoLBAsZj', '2021-02-01-06_39_51_693778', 'None', 3, 0),
    ].join('\r\n'),
    [`${d}/02zsN3RSwW8M/2020-11-02-21_04_13_798454/audio_file_breathe.wav`]: tinyWav(16000),
    [`${d}/02zsN3RSwW8M/2020-11-02-21_04_13_798454/audio_file_cough.wav`]: tinyWav(16000),
    [`${d}/02zsN3RSwW8M/2020-11-04-21_09_53_465125/audio_file_breathe.wav`]: tinyWav(16000),
    [`${d}/form-app-users/2020-05-01-10_00_00_000000/audio_file_breathe.wav`]: tinyWav(16000),
    [`${d}/047p0mcroGXL/2021-04-08-13_00_13_542260/audio_file_breathe.wav`]: tinyWav(16000),
  });
  try {
    const m = await covid19sounds.scan(t.reader);
    assert.deepEqual(validateManifest(m, covid19sounds.labels as unknown as AnyLabelSchema), []);
    const breath = m.records.filter((r) => r.labels.recording === 'breath');
    assert.deepEqual(
      breath.map((r) => [r.subject, r.labels.row, r.labels.split, r.labels.splitRank, r.labels.task1Label, r.labels.symptoms]),
      [
        ['02zsN3RSwW8M', 0, 'train', 0, 0, 'None'],
        ['02zsN3RSwW8M', 1, 'test', 0, 1, 'drycough'],
        ['047p0mcroGXL', 3, 'val', 0, 0, 'None'],
        ['2020-05-01-10_00_00_000000', 2, 'train', 1, 0, 'None'],
      ],
    );
    assert.equal(m.records.filter((r) => r.modality === 'cough').length, 1);
    const kinds = m.problems.map((p) => p.kind);
    assert.equal(kinds.filter((k) => k === 'missing-file').length, 7);
    assert.equal(kinds.filter((k) => k === 'unknown-value').length, 1);
    assert.match(m.problems.find((p) => p.kind === 'unknown-value')?.detail ?? '', /row 6: split "3"/);
  } finally {
    await t.cleanup();
  }
});
