/**
 * A dataset adapter turns one dataset, in the layout its publisher distributes, into a manifest.
 * It never moves, renames or converts files; it reads names and metadata through a DirReader and
 * reports what it cannot interpret as manifest problems.
 */
import type { DatasetId, Modality } from './dataset-id.ts';
import type { DirReader } from './dir-reader.ts';
import type { DatasetLabels } from './labels.ts';
import type { LabelSchema, Manifest, ManifestProblem, ManifestRecord, ProblemKind } from './manifest.ts';

/** open: download without asking; request: the authors grant access by e-mail or form; dta: a signed data-transfer agreement. */
export type Access = 'open' | 'request' | 'dta';

/** One expected entry of the original layout, relative to the dataset root. */
export interface LayoutEntry {
  readonly path: string;
  readonly kind: 'file' | 'dir';
  /** A dataset is present under a root when all its required entries exist. */
  readonly required: boolean;
  readonly what: string;
}

export interface DatasetAdapter<D extends DatasetId = DatasetId> {
  readonly id: D;
  readonly title: string;
  /** Licence as the publisher states it (SPDX id where one exists). */
  readonly licence: string;
  readonly access: Access;
  /** Where the dataset is published. */
  readonly source: string;
  /** The reference to cite. */
  readonly citation: string;
  readonly modalities: readonly Modality[];
  readonly layout: readonly LayoutEntry[];
  /** The label keys and kinds of this dataset's records. */
  readonly labels: LabelSchema<DatasetLabels[D]>;
  /**
   * Scan a dataset root (the folder that holds the layout above). Missing or unexpected files,
   * unparsable names and incomplete metadata become manifest problems; only a metadata file that
   * cannot be parsed at all (ParseError) or an unreadable root (DirReaderError) throws.
   */
  scan(root: DirReader): Promise<Manifest<D>>;
}

/** Collects records and problems during a scan. */
export class ScanLog<D extends DatasetId> {
  readonly records: ManifestRecord<D>[] = [];
  readonly problems: ManifestProblem[] = [];
  add(r: ManifestRecord<D>): void {
    this.records.push(r);
  }
  problem(kind: ProblemKind, path: string, detail: string): void {
    this.problems.push({ kind, path, detail });
  }
}

/** Report every required layout entry that is missing; returns true when all are present. */
export async function checkLayout(root: DirReader, layout: readonly LayoutEntry[], log: ScanLog<DatasetId>): Promise<boolean> {
  let ok = true;
  for (const e of layout) {
    if (!e.required) continue;
    if (!(await root.exists(e.path))) {
      log.problem('missing-layout', e.path, `required ${e.kind} is missing (${e.what}) under ${root.location}`);
      ok = false;
    }
  }
  return ok;
}

/** Whether every required entry of an adapter's layout exists under `root`. */
export async function isPresent(root: DirReader, adapter: DatasetAdapter): Promise<boolean> {
  if (!(await root.exists(''))) return false;
  for (const e of adapter.layout) if (e.required && !(await root.exists(e.path))) return false;
  return true;
}

/** Parse a decimal number field; null for an empty or non-numeric field. */
export function parseNumber(s: string | undefined): number | null {
  if (s === undefined) return null;
  const t = s.trim();
  if (t === '' || t.toUpperCase() === 'NA' || t.toLowerCase() === 'nan') return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}
