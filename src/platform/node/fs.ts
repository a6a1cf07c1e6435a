/**
 * File-system helpers for Node. Writes are atomic: data goes to a temporary file in the target's
 * folder, is flushed, then renamed over the target, so a crash never leaves a half-written file.
 */
import { openSync, writeSync, fsyncSync, closeSync, renameSync, rmSync, mkdirSync, statSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { PneumaError } from '../../util/index.ts';

let counter = 0;

export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${counter++}`);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const fd = openSync(tmp, 'w');
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export class FileError extends PneumaError {
  readonly path: string;
  constructor(path: string, reason: string, options?: { cause?: unknown }) {
    super('file', `${path}: ${reason}`, options);
    this.path = path;
  }
}

/** Stat a path that must be a regular file; typed errors for missing paths and directories. */
export function statFile(path: string): { size: number } {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new FileError(path, 'no such file', { cause: e });
  }
  if (st.isDirectory()) throw new FileError(path, 'is a directory, not a file');
  if (!st.isFile()) throw new FileError(path, 'is not a regular file');
  return { size: st.size };
}
