import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTree } from '../../../test/helpers/dataset-tree.ts';
import { DirReaderError, subDir, walkFiles } from '../../data/index.ts';
import { committedSplitsReader } from './dir-reader.ts';

test('lists sorted entries and reads names with commas and trailing spaces verbatim', async () => {
  const t = await makeTree({ 'd/b ,x .txt': 'one', 'd/a.txt': 'two', 'd/sub/c.txt': 'three' });
  try {
    const r = t.reader;
    assert.deepEqual(await r.list('d'), [
      { name: 'a.txt', kind: 'file' },
      { name: 'b ,x .txt', kind: 'file' },
      { name: 'sub', kind: 'dir' },
    ]);
    assert.equal(await r.readText('d/b ,x .txt'), 'one');
    assert.equal(await r.exists('d/b ,x .txt'), true);
    assert.equal(await r.exists('d/b ,x.txt'), false);
    assert.equal(await r.fileSize('d/a.txt'), 3);
    assert.deepEqual(await walkFiles(r, 'd'), ['a.txt', 'b ,x .txt', 'sub/c.txt']);
    assert.equal(await subDir(r, 'd').readText('sub/c.txt'), 'three');
  } finally {
    await t.cleanup();
  }
});

test('rejects paths that leave the root and reports missing files with typed errors', async () => {
  const t = await makeTree({ 'x.txt': 'x' });
  try {
    await assert.rejects(t.reader.readText('../x.txt'), DirReaderError);
    await assert.rejects(t.reader.exists('/etc'), DirReaderError);
    await assert.rejects(t.reader.readText('nope.txt'), (e: unknown) => e instanceof DirReaderError && e.message.includes('nope.txt'));
    await assert.rejects(t.reader.fileSize(''), /not a regular file/);
  } finally {
    await t.cleanup();
  }
});

test('the committed split folder is readable', async () => {
  const r = committedSplitsReader();
  assert.ok((await r.list('')).some((e) => e.name === 'kauh_t10_train_test.csv'));
});
