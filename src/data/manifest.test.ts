import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManifestError } from './errors.ts';
import { parseCsvRows } from './csv.ts';
import { kauh } from './adapters/kauh/index.ts';
import {
  makeManifest,
  manifestToCsv,
  manifestToJson,
  parseManifestJson,
  validateManifest,
  type AnyLabelSchema,
  type ManifestRecord,
} from './manifest.ts';
import { labelSchemaOf } from './registry.ts';

function rec(name: string, subject: string, age: number): ManifestRecord<'kauh'> {
  return {
    id: `AudioFiles/${name}`,
    dataset: 'kauh',
    path: `AudioFiles/${name}`,
    subject,
    subjectBasis: 'participant',
    modality: 'lung',
    device: 'Littmann 3200',
    labels: {
      operaT10: 'COPD',
      filter: 'bell',
      diagnosisRaw: 'COPD',
      diagnosis: 'COPD',
      soundType: 'E W',
      location: 'P R L ',
      age,
      sex: 'M',
    },
  };
}

const schema = kauh.labels as unknown as AnyLabelSchema;

test('a valid manifest has no issues; JSON is deterministic and round-trips exactly', () => {
  const a = rec('BP108_COPD,E W,P R L ,63,M.wav', 'P108', 63);
  const b = rec('DP108_COPD,E W,P R L ,63,M.wav', 'P108', 63);
  const m1 = makeManifest('kauh', [b, a], [{ kind: 'missing-file', path: 'AudioFiles', detail: 'subject P108 has no extended file' }]);
  const m2 = makeManifest('kauh', [a, b], m1.problems);
  assert.deepEqual(validateManifest(m1, schema), []);
  assert.equal(m1.records[0]?.id, a.id);
  const json = manifestToJson(m1);
  assert.equal(json, manifestToJson(m2));
  const back = parseManifestJson(json, 'm.json', labelSchemaOf);
  assert.deepEqual(back, JSON.parse(json));
  assert.equal(manifestToJson(back), json);
  assert.equal(back.records[0]?.path, 'AudioFiles/BP108_COPD,E W,P R L ,63,M.wav');
});

test('CSV has one column per label and keeps paths with commas and trailing spaces', () => {
  const m = makeManifest('kauh', [rec('BP108_COPD,E W,P R L ,63,M.wav', 'P108', 63)], []);
  const rows = parseCsvRows(manifestToCsv(m), 'm.csv');
  assert.deepEqual(rows[0]?.slice(0, 6), ['id', 'dataset', 'path', 'subject', 'subjectBasis', 'modality']);
  assert.ok(rows[0]?.includes('label:location'));
  const row = rows[1] as string[];
  assert.equal(row[2], 'AudioFiles/BP108_COPD,E W,P R L ,63,M.wav');
  assert.equal(row[(rows[0] as string[]).indexOf('label:location')], 'P R L ');
  assert.equal(row[(rows[0] as string[]).indexOf('durationS')], '');
});

test('validation names every violation', () => {
  const good = rec('BP1_N,N,P L L,41,M.wav', 'P1', 41);
  const bad = {
    ...good,
    id: good.id,
    path: '/abs/x.wav',
    subject: '',
    modality: 'tuba',
    sampleRate: -1,
    labels: { ...good.labels, age: 'old', extra: 1 },
  } as unknown as ManifestRecord<'kauh'>;
  const issues = validateManifest({ format: 'pneuma-manifest/1', dataset: 'kauh', records: [good, bad], problems: [] }, schema);
  const text = issues.join('\n');
  for (const expected of ['duplicate id', 'is absolute', 'empty subject', 'unknown modality', 'sampleRate must be a positive number', 'label age should be a finite number', 'unknown label extra']) {
    assert.ok(text.includes(expected), `missing issue "${expected}" in:\n${text}`);
  }
  const missing = { ...good, labels: { ...good.labels, sex: 'X' } } as unknown as ManifestRecord<'kauh'>;
  assert.match(validateManifest(makeManifest('kauh', [missing], []), schema).join(), /label sex = "X" is not one of "F", "M"/);
});

test('reading rejects unknown keys and schema violations with ManifestError', () => {
  const json = manifestToJson(makeManifest('kauh', [rec('BP1_N,N,P L L,41,M.wav', 'P1', 41)], []));
  const extra = JSON.parse(json);
  extra.records[0].note = 'x';
  assert.throws(() => parseManifestJson(JSON.stringify(extra), 'x.json', labelSchemaOf), (e: unknown) => e instanceof ManifestError && /record 0: unknown key note/.test(e.message));
  const wrong = JSON.parse(json);
  wrong.records[0].labels.age = null;
  assert.throws(() => parseManifestJson(JSON.stringify(wrong), 'y.json', labelSchemaOf), /label age is null but not nullable/);
  assert.throws(() => parseManifestJson('{', 'z.json'), /not JSON/);
});
