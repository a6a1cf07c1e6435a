/**
 * Platform-neutral read access to a dataset folder. Paths are relative to the reader's root, use
 * `/` as separator and are passed through exactly (dataset names contain commas and trailing
 * spaces: never trim or normalise them). `''` is the root itself. Implementations: Node
 * (`src/platform/node/dir-reader.ts`); a browser one can wrap OPFS or a File System Access handle.
 */
import { DirReaderError } from './errors.ts';

export interface DirEntry {
  readonly name: string;
  readonly kind: 'file' | 'dir' | 'other';
}

export interface DirReader {
  /** Where this reader points, for messages (an absolute path, a URL, a handle name). */
  readonly location: string;
  /** Entries of a directory, sorted by name (UTF-16 code unit order). Throws DirReaderError if it is not a directory. */
  list(path: string): Promise<DirEntry[]>;
  /** UTF-8 text of a file. Throws DirReaderError if it is not a readable file. */
  readText(path: string): Promise<string>;
  /** Whether a file or directory exists at `path`. */
  exists(path: string): Promise<boolean>;
  /** Size of a file in bytes. Throws DirReaderError if it is not a file. */
  fileSize(path: string): Promise<number>;
}

/** Join path segments with `/`, keeping every segment exactly as given ('' segments are skipped). */
export function joinPath(...parts: readonly string[]): string {
  return parts.filter((p) => p !== '').join('/');
}

/** Checks that a relative path stays inside its root: no leading `/`, no `..` or `.` segments, no `\`, no empty segments. */
export function checkRelativePath(path: string): string | null {
  if (path.startsWith('/')) return 'is absolute';
  if (path.includes('\\')) return 'contains a backslash';
  if (path.includes('\0')) return 'contains a NUL character';
  if (path === '') return null;
  for (const seg of path.split('/')) {
    if (seg === '') return 'has an empty segment';
    if (seg === '.' || seg === '..') return `has a "${seg}" segment`;
  }
  return null;
}

/** A reader for a subdirectory of another reader. */
export function subDir(reader: DirReader, dir: string): DirReader {
  const bad = checkRelativePath(dir);
  if (bad !== null) throw new DirReaderError(`${reader.location}/${dir}`, `invalid subdirectory: ${bad}`);
  if (dir === '') return reader;
  return {
    location: `${reader.location}/${dir}`,
    list: (p) => reader.list(joinPath(dir, p)),
    readText: (p) => reader.readText(joinPath(dir, p)),
    exists: (p) => reader.exists(joinPath(dir, p)),
    fileSize: (p) => reader.fileSize(joinPath(dir, p)),
  };
}

/** Names of the files (not directories) in `dir`, or null when `dir` does not exist. */
export async function listFiles(reader: DirReader, dir: string): Promise<string[] | null> {
  if (!(await reader.exists(dir))) return null;
  return (await reader.list(dir)).filter((e) => e.kind === 'file').map((e) => e.name);
}

/** Names of the subdirectories of `dir`, or null when `dir` does not exist. */
export async function listDirs(reader: DirReader, dir: string): Promise<string[] | null> {
  if (!(await reader.exists(dir))) return null;
  return (await reader.list(dir)).filter((e) => e.kind === 'dir').map((e) => e.name);
}

/** Every file below `dir` (recursively), as paths relative to `dir`, in sorted order. */
export async function walkFiles(reader: DirReader, dir: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (rel: string): Promise<void> => {
    for (const e of await reader.list(joinPath(dir, rel))) {
      const p = joinPath(rel, e.name);
      if (e.kind === 'dir') await visit(p);
      else if (e.kind === 'file') out.push(p);
    }
  };
  await visit('');
  return out;
}

/** The last path segment. */
export function baseName(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

/** The file name without its last extension (`a.b.wav` -> `a.b`). */
export function stem(name: string): string {
  const b = baseName(name);
  const i = b.lastIndexOf('.');
  return i <= 0 ? b : b.slice(0, i);
}

/** The last extension in lower case, without the dot (`X.WAV` -> `wav`), or '' when there is none. */
export function extension(name: string): string {
  const b = baseName(name);
  const i = b.lastIndexOf('.');
  return i <= 0 ? '' : b.slice(i + 1).toLowerCase();
}
