import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FORMAT, manifestToJson, type Manifest } from '../../data/index.ts';
import { makeTempDir } from '../../../test/helpers/audio-tools.ts';
import { AUDIO_EXTENSIONS, InputListError, SPECTROGRAM_EXTENSIONS, listEmbedInputs } from './embed-inputs.ts';

function tree(dir: string, files: readonly string[]): void {
  for (const f of files) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), 'x');
  }
}

test('folders are searched recursively for the accepted extensions, sorted by relative path, dot entries skipped', () => {
  const { dir, cleanup } = makeTempDir('inputs');
  try {
    tree(dir, ['b/z.WAV', 'b/a.mp3', 'a.flac', 'a-b.ogg', 'notes.txt', '.hidden.wav', '.cache/x.wav', 'b/._a.wav', 'c/s.npy']);
    const got = listEmbedInputs([dir], { extensions: AUDIO_EXTENSIONS }).map((i) => i.source.slice(dir.length + 1));
    assert.deepEqual(got, ['a-b.ogg', 'a.flac', 'b/a.mp3', 'b/z.WAV']);
    assert.deepEqual(listEmbedInputs([dir], { extensions: SPECTROGRAM_EXTENSIONS }).map((i) => i.source), [join(dir, 'c/s.npy')]);
    assert.throws(() => listEmbedInputs([join(dir, 'b')], { extensions: SPECTROGRAM_EXTENSIONS }), InputListError);
  } finally {
    cleanup();
  }
});

test('lists keep paths exactly (trailing spaces included) relative to the list; CSV uses the path column; other paths pass through', () => {
  const { dir, cleanup } = makeTempDir('inputs');
  try {
    writeFileSync(join(dir, 'list.txt'), '# comment\nEP1, Asthma,F.wav\r\n\nsub/name with space .wav\n/abs/x.wav\n');
    writeFileSync(join(dir, 'list.csv'), 'label,path\n1,"q,1.wav"\n0,r.wav\n');
    const got = listEmbedInputs([join(dir, 'list.txt'), join(dir, 'list.csv'), 'missing.wav'], { extensions: AUDIO_EXTENSIONS });
    assert.deepEqual(got.map((i) => i.source), [join(dir, 'EP1, Asthma,F.wav'), join(dir, 'sub/name with space .wav'), '/abs/x.wav', join(dir, 'q,1.wav'), join(dir, 'r.wav'), 'missing.wav']);
    writeFileSync(join(dir, 'bad.csv'), 'file\nx.wav\n');
    assert.throws(() => listEmbedInputs([join(dir, 'bad.csv')], { extensions: AUDIO_EXTENSIONS }), /missing column "path"/);
  } finally {
    cleanup();
  }
});

test('a dataset manifest gives its records in manifest order with their ids, relative to the root', () => {
  const { dir, cleanup } = makeTempDir('inputs');
  try {
    const rec = (id: string, path: string) => ({
      id, dataset: 'covid19-cough' as const, path, subject: id, subjectBasis: 'per-file' as const, modality: 'cough' as const,
      labels: { covid19: true, verified: null, asymptomatic: null, source: 'telegram' as const, kind: null, comment: null },
    });
    const m = { format: MANIFEST_FORMAT, dataset: 'covid19-cough', records: [rec('a', 'raw/a.mp3'), rec('b', 'raw/b.mp3')], problems: [] } as unknown as Manifest;
    writeFileSync(join(dir, 'm.json'), manifestToJson(m));
    assert.deepEqual(listEmbedInputs([join(dir, 'm.json')], { extensions: AUDIO_EXTENSIONS }), [
      { source: join(dir, 'raw/a.mp3'), id: 'a' },
      { source: join(dir, 'raw/b.mp3'), id: 'b' },
    ]);
    assert.deepEqual(listEmbedInputs([join(dir, 'm.json')], { extensions: AUDIO_EXTENSIONS, root: '/data/c19' }).map((i) => i.source), ['/data/c19/raw/a.mp3', '/data/c19/raw/b.mp3']);
  } finally {
    cleanup();
  }
});
