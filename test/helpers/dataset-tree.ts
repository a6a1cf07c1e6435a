/**
 * Test helper: writes a miniature dataset layout (text files and tiny WAVs) into a fresh temp
 * directory and returns a NodeDirReader over it.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeWav } from '../../src/audio/wav.ts';
import { NodeDirReader } from '../../src/platform/node/dir-reader.ts';

export interface DatasetTree {
  readonly root: string;
  readonly reader: NodeDirReader;
  cleanup(): Promise<void>;
}

/** Write `files` (relative path -> content) under a new temp directory. Paths are used verbatim. */
export async function makeTree(files: Readonly<Record<string, string | Uint8Array>>): Promise<DatasetTree> {
  const root = await mkdtemp(join(tmpdir(), 'pneuma-data-'));
  for (const [rel, content] of Object.entries(files)) {
    const full = join(root, ...rel.split('/'));
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, content);
  }
  return { root, reader: new NodeDirReader(root), cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** A short 16-bit PCM WAV: a 440 Hz tone of `frames` samples at `sampleRate`. */
export function tinyWav(sampleRate = 8000, frames = 80, channels = 1): Uint8Array {
  const ch = Array.from({ length: channels }, () => Float32Array.from({ length: frames }, (_, i) => 0.25 * Math.sin((2 * Math.PI * 440 * i) / sampleRate)));
  return encodeWav({ sampleRate, channels: ch }, 'pcm16');
}

/** The development corpus (../shared/data from the repository root), or null when this checkout has none. */
export function sharedDataDir(): string | null {
  const dir = fileURLToPath(new URL('../../../shared/data', import.meta.url));
  return existsSync(dir) ? dir : null;
}
