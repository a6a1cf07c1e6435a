/**
 * A resumable embedding run on disk. Work goes to `<out>.partial/`:
 *   job.json       the run's identity (config hash, inputs digest, dim), written atomically first;
 *   rows.f32       float32 rows of the successful inputs, appended in input order;
 *   journal.jsonl  one line per processed input, in input order: `{"i":k,"ok":true,"info":{…}}` or
 *                  `{"i":k,"ok":false,"kind":…,"message":…}`.
 * A row is appended and fsync'd before its journal line, and the journal line is fsync'd before the next
 * input starts, so after a crash the journal's complete lines say exactly which rows are valid: on restart
 * the journal is cut after its last complete line, rows.f32 is cut to the rows the journal vouches for, and
 * work continues with the next input. On success `<out>` (.npy, float32 [rows, dim]) and the index JSON are
 * written atomically and the partial folder is removed; the files are byte-identical to an uninterrupted run.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, ftruncateSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { PneumaError, canonicalJson } from '../../util/index.ts';
import { writeFileAtomic } from './fs.ts';

export const PARTIAL_FORMAT = 'pneuma-embed-partial/1';

export class EmbedJobError extends PneumaError {
  constructor(readonly path: string, message: string, options?: { cause?: unknown }) {
    super('embed-job', `${path}: ${message}`, options);
  }
}

/** What processing one input gave: a row with its index entry, or a failure that is reported and skipped. */
export type JobItemResult =
  | { readonly ok: true; readonly row: Float32Array; readonly info: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly kind: string; readonly message: string };

export interface JobInput {
  /** The input as shown to people and written to the index. */
  readonly source: string;
  /** A record id (manifest inputs), written to the index when present. */
  readonly id?: string;
}

export interface EmbedJobOptions<I extends JobInput> {
  /** Output .npy path; the index goes to `indexPathFor(out)`, work to `partialDirFor(out)`. */
  readonly out: string;
  readonly inputs: readonly I[];
  readonly dim: number;
  /** Must equal the stored identity to resume (anything that changes the rows: config hash, inputs, output). */
  readonly identity: Readonly<Record<string, unknown>>;
  /** Fields written at the top of the index, before `rows` and `failed`. */
  readonly indexHeader: Readonly<Record<string, unknown>>;
  /** Processes one input. A rejection aborts the run (the partial folder stays and can be resumed). */
  readonly process: (input: I, index: number) => Promise<JobItemResult>;
  /** Called once per input, in order, also for inputs recovered from the journal (`resumed` true). */
  readonly onItem?: (input: I, result: JobItemResult | JournalEntry, resumed: boolean) => void;
  /** Discard a partial folder of a different run instead of refusing to start. */
  readonly restart?: boolean;
}

export interface JournalEntry {
  readonly i: number;
  readonly ok: boolean;
  readonly info?: Readonly<Record<string, unknown>>;
  readonly kind?: string;
  readonly message?: string;
}

export interface EmbedJobSummary {
  readonly rows: number;
  readonly failed: readonly { readonly source: string; readonly id?: string; readonly kind: string; readonly message: string }[];
  /** Inputs taken from an earlier, interrupted run's journal. */
  readonly resumed: number;
  readonly out: string;
  readonly index: string;
}

export function partialDirFor(out: string): string {
  return `${out}.partial`;
}

/** `x.npy` → `x.index.json` (any other name: `<name>.index.json`). */
export function indexPathFor(out: string): string {
  return out.endsWith('.npy') ? `${out.slice(0, -4)}.index.json` : `${out}.index.json`;
}

function appendSync(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'a');
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function truncateSync(path: string, size: number): void {
  const fd = openSync(path, 'r+');
  try {
    ftruncateSync(fd, size);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The journal's complete, well-formed lines in order (0, 1, 2, …) and the byte length they span. */
function readJournal(path: string): { entries: JournalEntry[]; bytes: number } {
  if (!existsSync(path)) return { entries: [], bytes: 0 };
  const text = readFileSync(path, 'utf8');
  const entries: JournalEntry[] = [];
  let bytes = 0;
  let start = 0;
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
    const line = text.slice(start, nl);
    let e: JournalEntry;
    try {
      e = JSON.parse(line) as JournalEntry;
    } catch {
      break;
    }
    if (typeof e !== 'object' || e === null || e.i !== entries.length || typeof e.ok !== 'boolean') break;
    entries.push(e);
    bytes += Buffer.byteLength(line, 'utf8') + 1;
    start = nl + 1;
  }
  return { entries, bytes };
}

/** numpy .npy v1.0 header for a C-order little-endian float32 array. */
function npyHeader(shape: readonly number[]): Uint8Array {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  const pad = (64 - ((10 + header.length + 1) % 64)) % 64;
  header += `${' '.repeat(pad)}\n`;
  const out = new Uint8Array(10 + header.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  return out;
}

/** Write `<out>` = npy header + rows.f32, through a temporary file in the same folder, fsync'd, then renamed. */
function writeNpyFromRows(out: string, rowsPath: string, rows: number, dim: number): void {
  mkdirSync(dirname(out), { recursive: true });
  const tmp = join(dirname(out), `.${basename(out)}.tmp-${process.pid}`);
  const fd = openSync(tmp, 'w');
  try {
    const header = npyHeader([rows, dim]);
    writeSync(fd, header, 0, header.length);
    if (rows > 0) {
      const src = openSync(rowsPath, 'r');
      try {
        const buf = new Uint8Array(1 << 20);
        let left = rows * dim * 4;
        while (left > 0) {
          const n = readSync(src, buf, 0, Math.min(buf.length, left), null);
          if (n <= 0) throw new EmbedJobError(rowsPath, `ended ${left} bytes early`);
          let off = 0;
          while (off < n) off += writeSync(fd, buf, off, n - off);
          left -= n;
        }
      } finally {
        closeSync(src);
      }
    }
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, out);
}

/** JSON with one top-level key per line and one array element (row, failure) per line. */
export function formatIndex(index: Readonly<Record<string, unknown>>): string {
  const lines = Object.entries(index).map(([k, v]) => {
    const key = JSON.stringify(k);
    if (!Array.isArray(v) || v.length === 0) return `${key}: ${JSON.stringify(v)}`;
    return `${key}: [\n${v.map((e) => `  ${JSON.stringify(e)}`).join(',\n')}\n]`;
  });
  return `{\n${lines.join(',\n')}\n}\n`;
}

/** Run (or resume) the job; resolves when the final files are written. */
export async function runEmbedJob<I extends JobInput>(opts: EmbedJobOptions<I>): Promise<EmbedJobSummary> {
  const { out, inputs, dim } = opts;
  if (!Number.isInteger(dim) || dim < 1) throw new EmbedJobError(out, `dim must be a positive integer, got ${dim}`);
  const dir = partialDirFor(out);
  const jobPath = join(dir, 'job.json');
  const rowsPath = join(dir, 'rows.f32');
  const journalPath = join(dir, 'journal.jsonl');
  const identity = canonicalJson({ format: PARTIAL_FORMAT, dim, identity: opts.identity });

  if (existsSync(dir)) {
    const stored = existsSync(jobPath) ? readFileSync(jobPath, 'utf8') : null;
    if (stored !== identity) {
      if (!opts.restart) {
        throw new EmbedJobError(dir, 'holds an interrupted run with other settings or inputs; rerun with the same arguments to resume it, or pass --restart to discard it');
      }
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true });
    writeFileAtomic(jobPath, identity);
  }

  const { entries, bytes } = readJournal(journalPath);
  if (entries.length > inputs.length) throw new EmbedJobError(journalPath, `records ${entries.length} inputs, the run has ${inputs.length}`);
  if (existsSync(journalPath) && statSync(journalPath).size !== bytes) truncateSync(journalPath, bytes);
  const rowBytes = dim * 4;
  let rows = entries.filter((e) => e.ok).length;
  const haveRows = existsSync(rowsPath) ? statSync(rowsPath).size : 0;
  if (haveRows < rows * rowBytes) {
    throw new EmbedJobError(rowsPath, `holds ${haveRows} bytes but the journal vouches for ${rows} rows of ${rowBytes} bytes; remove ${dir} and rerun`);
  }
  if (haveRows > rows * rowBytes) truncateSync(rowsPath, rows * rowBytes);
  if (!existsSync(rowsPath)) appendSync(rowsPath, new Uint8Array(0));

  const resumed = entries.length;
  entries.forEach((e, k) => opts.onItem?.(inputs[k] as I, e, true));
  for (let k = entries.length; k < inputs.length; k++) {
    const input = inputs[k] as I;
    const r = await opts.process(input, k);
    if (r.ok) {
      if (r.row.length !== dim) throw new EmbedJobError(input.source, `row of ${r.row.length} values, expected ${dim}`);
      appendSync(rowsPath, new Uint8Array(r.row.buffer, r.row.byteOffset, r.row.byteLength));
      rows++;
    }
    const line: JournalEntry = r.ok ? { i: k, ok: true, info: r.info } : { i: k, ok: false, kind: r.kind, message: r.message };
    appendSync(journalPath, Buffer.from(`${JSON.stringify(line)}\n`, 'utf8'));
    entries.push(line);
    opts.onItem?.(input, r, false);
  }

  const indexRows: Record<string, unknown>[] = [];
  const failed: { source: string; id?: string; kind: string; message: string }[] = [];
  entries.forEach((e, k) => {
    const input = inputs[k] as I;
    const who = input.id !== undefined ? { source: input.source, id: input.id } : { source: input.source };
    if (e.ok) indexRows.push({ row: indexRows.length, ...who, ...(e.info ?? {}) });
    else failed.push({ ...who, kind: e.kind ?? 'unknown', message: e.message ?? '' });
  });
  const index = { ...opts.indexHeader, rows: indexRows.length, dim, inputs: inputs.length, items: indexRows, failed };
  writeNpyFromRows(out, rowsPath, rows, dim);
  const indexPath = indexPathFor(out);
  writeFileAtomic(indexPath, formatIndex(index));
  rmSync(dir, { recursive: true, force: true });
  return { rows, failed, resumed, out, index: indexPath };
}
