/**
 * DirReader over the local file system. Paths are joined to the root verbatim (no trimming, no
 * normalisation) after checking that they stay inside it; listings are sorted by name.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkRelativePath, DirReaderError, type DirEntry, type DirReader } from '../../data/index.ts';

export class NodeDirReader implements DirReader {
  readonly location: string;

  constructor(root: string) {
    this.location = root;
  }

  private resolve(path: string): string {
    const bad = checkRelativePath(path);
    if (bad !== null) throw new DirReaderError(`${this.location}/${path}`, `invalid relative path: ${bad}`);
    return path === '' ? this.location : join(this.location, ...path.split('/'));
  }

  async list(path: string): Promise<DirEntry[]> {
    const full = this.resolve(path);
    let entries;
    try {
      entries = await readdir(full, { withFileTypes: true });
    } catch (e) {
      throw new DirReaderError(full, 'cannot list: not an existing directory', { cause: e });
    }
    return entries
      .map((d): DirEntry => ({ name: d.name, kind: d.isFile() ? 'file' : d.isDirectory() ? 'dir' : 'other' }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async readText(path: string): Promise<string> {
    const full = this.resolve(path);
    try {
      return await readFile(full, 'utf8');
    } catch (e) {
      throw new DirReaderError(full, 'cannot read: not an existing file', { cause: e });
    }
  }

  async exists(path: string): Promise<boolean> {
    try {
      await stat(this.resolve(path));
      return true;
    } catch (e) {
      if (e instanceof DirReaderError) throw e;
      return false;
    }
  }

  async fileSize(path: string): Promise<number> {
    const full = this.resolve(path);
    let st;
    try {
      st = await stat(full);
    } catch (e) {
      throw new DirReaderError(full, 'no such file', { cause: e });
    }
    if (!st.isFile()) throw new DirReaderError(full, 'is not a regular file');
    return st.size;
  }
}

/** The folder of committed split files shipped with Pneuma (src/data/splits/). */
export function committedSplitsDir(): string {
  return fileURLToPath(new URL('../../data/splits/', import.meta.url));
}

/** A DirReader over the committed split files. */
export function committedSplitsReader(): NodeDirReader {
  return new NodeDirReader(committedSplitsDir().replace(/\/$/, ''));
}
