import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvField, formatCsv, parseCsv, parseCsvRows } from './csv.ts';
import { ParseError } from './errors.ts';

test('parses quoted fields with commas, doubled quotes, CRLF and a BOM, never trimming', () => {
  const text = '\uFEFFfile,label\r\n"BP108_COPD,E W,P R L ,63,M.wav",COPD\r\n"say ""hi""", x \r\n';
  assert.deepEqual(parseCsvRows(text, 't.csv'), [
    ['file', 'label'],
    ['BP108_COPD,E W,P R L ,63,M.wav', 'COPD'],
    ['say "hi"', ' x '],
  ]);
});

test('keeps empty fields and a quoted line break', () => {
  assert.deepEqual(parseCsvRows('a,,c\n"x\ny",\n', 't'), [['a', '', 'c'], ['x\ny', '']]);
});

test('parseCsv keys rows by header and checks widths and required columns', () => {
  const t = parseCsv('id;v\n1;a\n\n2;b\n', 't.csv', { delimiter: ';', required: ['id'] });
  assert.deepEqual(t.rows, [{ id: '1', v: 'a' }, { id: '2', v: 'b' }]);
  assert.throws(() => parseCsv('a,b\n1\n', 'w.csv'), (e: unknown) => e instanceof ParseError && /row 2 has 1 fields/.test(e.message));
  assert.throws(() => parseCsv('a,b\n', 'r.csv', { required: ['c'] }), /missing column "c"/);
  assert.throws(() => parseCsvRows('"open', 'q.csv'), /unterminated/);
  assert.throws(() => parseCsvRows('"a"b', 'q.csv'), /after a closing quote/);
});

test('format -> parse round-trips fields that need quoting, including trailing spaces', () => {
  const rows = [['path', 'n'], ['AudioFiles/BP108_COPD,E W,P R L ,63,M.wav', '1'], ['a "b"', ' lead'], ['plain', '']];
  assert.equal(csvField('P R L '), '"P R L "');
  assert.equal(csvField('plain'), 'plain');
  assert.deepEqual(parseCsvRows(formatCsv(rows), 'rt'), rows);
});
