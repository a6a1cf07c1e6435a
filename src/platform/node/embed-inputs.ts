/**
 * The inputs of `pneuma embed`, in order, from its arguments. Each argument is
 *   - a folder: every file below it (recursively) with an accepted extension (case-insensitive), sorted by
 *     path relative to the folder (code-unit order); names starting with '.' (files and folders) are skipped;
 *   - a dataset manifest (`.json`, `pneuma-manifest/1` from src/data): its records in manifest order, paths
 *     relative to `root` (default: the manifest's folder), each with its record id;
 *   - a list (`.txt`, `.lst`: one path per line, exactly as written — no trimming, since dataset names can
 *     end in spaces — blank lines and lines starting with '#' skipped; `.csv`: the `path` column), paths
 *     relative to the list's folder;
 *   - any other path: that file.
 * Paths that do not exist are kept as inputs; reading them fails and is reported like any bad file.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, relative, sep } from 'node:path';
import { parseCsv, parseManifestJson } from '../../data/index.ts';
import { PneumaError } from '../../util/index.ts';

export const AUDIO_EXTENSIONS: readonly string[] = ['.wav', '.wave', '.flac', '.mp3', '.ogg', '.oga', '.opus', '.webm'];
export const SPECTROGRAM_EXTENSIONS: readonly string[] = ['.npy'];
const LIST_EXTENSIONS = ['.txt', '.lst'];

export interface EmbedInput {
  /** The path as given or resolved from a folder, list or manifest (written to the index). */
  readonly source: string;
  /** The manifest record id, for manifest inputs. */
  readonly id?: string;
}

export class InputListError extends PneumaError {
  constructor(readonly path: string, message: string, options?: { cause?: unknown }) {
    super('input-list', `${path}: ${message}`, options);
  }
}

export interface ListInputsOptions {
  /** Extensions a folder contributes (`AUDIO_EXTENSIONS` or `SPECTROGRAM_EXTENSIONS`). */
  readonly extensions: readonly string[];
  /** Root for manifest record paths (default: the manifest's folder). */
  readonly root?: string;
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function walk(dir: string, extensions: readonly string[], out: string[]): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, extensions, out);
    else if (extensions.includes(extname(e.name).toLowerCase())) out.push(p);
  }
}

/** Files below `dir` with one of `extensions`, sorted by their path relative to `dir`. */
export function listFolder(dir: string, extensions: readonly string[]): string[] {
  const found: string[] = [];
  walk(dir, extensions, found);
  const key = (p: string) => relative(dir, p).split(sep).join('/');
  return found.map((p) => ({ p, k: key(p) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0)).map((x) => x.p);
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputListError(path, `cannot read (${(e as Error).message})`, { cause: e });
  }
}

const resolveFrom = (base: string, p: string): string => (isAbsolute(p) ? p : join(base, p));

function fromManifest(path: string, root: string | undefined): EmbedInput[] {
  const m = parseManifestJson(readText(path), path);
  const base = root ?? dirname(path);
  return m.records.map((r) => ({ source: resolveFrom(base, r.path), id: r.id }));
}

function fromList(path: string): EmbedInput[] {
  const base = dirname(path);
  const text = readText(path);
  if (extname(path).toLowerCase() === '.csv') {
    return parseCsv(text, path, { required: ['path'] }).rows.map((row) => ({ source: resolveFrom(base, row['path'] as string) }));
  }
  return text
    .split('\n')
    .map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l))
    .filter((l) => l.length > 0 && !l.startsWith('#'))
    .map((l) => ({ source: resolveFrom(base, l) }));
}

/** The inputs named by `args`, in argument order (see the header for each kind of argument). */
export function listEmbedInputs(args: readonly string[], opts: ListInputsOptions): EmbedInput[] {
  const out: EmbedInput[] = [];
  for (const arg of args) {
    const ext = extname(arg).toLowerCase();
    if (isDir(arg)) {
      const files = listFolder(arg, opts.extensions);
      if (files.length === 0) throw new InputListError(arg, `no files with extension ${opts.extensions.join(', ')} below this folder`);
      for (const f of files) out.push({ source: f });
    } else if (ext === '.json') {
      out.push(...fromManifest(arg, opts.root));
    } else if (ext === '.csv' || LIST_EXTENSIONS.includes(ext)) {
      out.push(...fromList(arg));
    } else {
      out.push({ source: arg });
    }
  }
  return out;
}
