/**
 * Typed errors of the data layer. Each names the file (or dataset) and the reason. Problems found
 * while scanning a dataset (missing files, unparsable names) are not errors: they are collected in
 * the manifest's `problems`; these classes are for malformed inputs that cannot be read at all.
 */
import { PneumaError } from '../util/index.ts';

/** A file that cannot be read through a DirReader (missing, a directory, outside the root). */
export class DirReaderError extends PneumaError {
  readonly path: string;
  constructor(path: string, reason: string, options?: { cause?: unknown }) {
    super('dir-reader', `${path}: ${reason}`, options);
    this.path = path;
  }
}

/** A text file (CSV, JSON, TextGrid) whose content does not have the expected form. */
export class ParseError extends PneumaError {
  readonly path: string;
  constructor(path: string, reason: string) {
    super('parse', `${path}: ${reason}`);
    this.path = path;
  }
}

/** A manifest that breaks the schema; `issues` lists every violation found. */
export class ManifestError extends PneumaError {
  readonly issues: readonly string[];
  constructor(what: string, issues: readonly string[]) {
    const shown = issues.slice(0, 10).join('; ');
    const more = issues.length > 10 ? ` (and ${issues.length - 10} more)` : '';
    super('manifest', `${what}: ${issues.length} schema violation(s): ${shown}${more}`);
    this.issues = issues;
  }
}
