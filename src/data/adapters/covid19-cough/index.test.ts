import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTree, sharedDataDir } from '../../../../test/helpers/dataset-tree.ts';
import { NodeDirReader } from '../../../platform/node/dir-reader.ts';
import { ParseError } from '../../errors.ts';
import { validateManifest, type AnyLabelSchema } from '../../manifest.ts';
import { covid19Cough } from './index.ts';

const shared = sharedDataDir();
const schema = covid19Cough.labels as unknown as AnyLabelSchema;

test('covid19-cough development part: 991 files by source x label, one pseudo-subject per file', { skip: shared === null ? 'no ../shared/data' : false }, async () => {
  const m = await covid19Cough.scan(new NodeDirReader(`${shared}/covid19-cough`));
  assert.deepEqual(validateManifest(m, schema), []);
  assert.deepEqual(m.problems, []);
  assert.equal(m.records.length, 991);
  const n = (source: string, covid: boolean): number => m.records.filter((r) => r.labels.source === source && r.labels.covid19 === covid).length;
  assert.deepEqual([n('call-center', true), n('telegram', true), n('call-center', false), n('telegram', false)], [371, 140, 152, 328]);
  assert.equal(m.records.filter((r) => r.labels.covid19 && r.labels.verified === true).length, 284);
  assert.equal(m.records.filter((r) => r.labels.kind !== null).length, 152);
  assert.equal(new Set(m.records.map((r) => r.subject)).size, 991);
  assert.ok(m.records.every((r) => r.subjectBasis === 'per-file' && r.device === r.labels.source));
});

test('covid19-cough miniature: metadata without audio, audio without metadata, duplicates and bad entries', async () => {
  const meta = [
    { filename: 'a.mp3', verified: true, asymptomatic: false, comment: null, covid19: true, source: 'telegram' },
    { filename: 'b.mp3', comment: 'исх', covid19: false, source: 'call-center', kind: 'другое' },
    { filename: 'a.mp3', covid19: true, source: 'telegram' },
    { filename: 'gone.mp3', covid19: false, source: 'telegram' },
    { filename: 'c.mp3', covid19: 'yes', source: 'telegram' },
  ];
  const t = await makeTree({
    'metadata.json': JSON.stringify(meta, null, 2).replaceAll('\n', '\r\n'),
    'raw/a.mp3': 'ID3',
    'raw/b.mp3': 'ID3',
    'raw/c.mp3': 'ID3',
    'raw/orphan.mp3': 'ID3',
  });
  try {
    const m = await covid19Cough.scan(t.reader);
    assert.deepEqual(validateManifest(m, schema), []);
    assert.deepEqual(m.records.map((r) => [r.path, r.subject, r.labels.covid19, r.labels.kind, r.labels.verified]), [
      ['raw/a.mp3', 'file:a.mp3', true, null, true],
      ['raw/b.mp3', 'file:b.mp3', false, 'другое', null],
    ]);
    assert.deepEqual(m.problems.map((p) => [p.kind, p.path]), [
      ['duplicate', 'raw/a.mp3'],
      ['unknown-value', 'raw/c.mp3'],
      ['missing-file', 'raw/gone.mp3'],
      ['missing-metadata', 'raw/orphan.mp3'],
    ]);
  } finally {
    await t.cleanup();
  }
});

test('unparsable metadata.json is a typed error naming the file', async () => {
  const t = await makeTree({ 'metadata.json': '{"not": "an array"}', 'raw/a.mp3': 'x' });
  try {
    await assert.rejects(covid19Cough.scan(t.reader), (e: unknown) => e instanceof ParseError && e.message.includes('metadata.json'));
  } finally {
    await t.cleanup();
  }
});
