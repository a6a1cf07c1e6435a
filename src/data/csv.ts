/**
 * RFC 4180 CSV, as the datasets and split files use it: fields separated by a delimiter, quoted
 * with `"` when they contain the delimiter, a quote, CR/LF, or leading/trailing spaces (KAUH names
 * end with spaces), quotes doubled inside quoted fields. Reading accepts LF and CRLF line ends and
 * drops a leading UTF-8 BOM. Fields are never trimmed.
 */
import { ParseError } from './errors.ts';

/** Parse CSV text into rows of fields. A trailing line end does not produce an empty row. */
export function parseCsvRows(text: string, path: string, delimiter = ','): string[][] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let line = 1;
  let fieldStarted = false;
  while (i < src.length) {
    const c = src[i] as string;
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        const next = src[i];
        if (next !== undefined && next !== delimiter && next !== '\n' && next !== '\r') {
          throw new ParseError(path, `line ${line}: characters after a closing quote`);
        }
        continue;
      }
      if (c === '\n') line++;
      field += c;
      i++;
      continue;
    }
    if (c === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
      i++;
      continue;
    }
    if (c === delimiter) {
      row.push(field);
      field = '';
      fieldStarted = false;
      i++;
      continue;
    }
    if (c === '\r' || c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      fieldStarted = false;
      i += c === '\r' && src[i + 1] === '\n' ? 2 : 1;
      line++;
      continue;
    }
    field += c;
    fieldStarted = true;
    i++;
  }
  if (quoted) throw new ParseError(path, `unterminated quoted field at end of file (opened before line ${line})`);
  if (fieldStarted || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export interface CsvTable {
  readonly header: readonly string[];
  /** One object per data row, keyed by header name. */
  readonly rows: readonly Readonly<Record<string, string>>[];
}

/**
 * Parse CSV with a header row. Every data row must have as many fields as the header; blank lines
 * (a single empty field) are skipped. `required` columns must be present in the header.
 */
export function parseCsv(text: string, path: string, options: { delimiter?: string; required?: readonly string[] } = {}): CsvTable {
  const all = parseCsvRows(text, path, options.delimiter ?? ',');
  const header = all[0];
  if (header === undefined) throw new ParseError(path, 'empty file, expected a header row');
  const seen = new Set<string>();
  for (const h of header) {
    if (seen.has(h)) throw new ParseError(path, `duplicate column ${JSON.stringify(h)} in the header`);
    seen.add(h);
  }
  for (const r of options.required ?? []) {
    if (!seen.has(r)) throw new ParseError(path, `missing column ${JSON.stringify(r)} (header: ${header.map((h) => JSON.stringify(h)).join(', ')})`);
  }
  const rows: Record<string, string>[] = [];
  for (let n = 1; n < all.length; n++) {
    const fields = all[n] as string[];
    if (fields.length === 1 && fields[0] === '') continue;
    if (fields.length !== header.length) {
      throw new ParseError(path, `row ${n + 1} has ${fields.length} fields, the header has ${header.length}`);
    }
    const obj: Record<string, string> = {};
    header.forEach((h, k) => {
      obj[h] = fields[k] as string;
    });
    rows.push(obj);
  }
  return { header, rows };
}

/** Quote a field when RFC 4180 needs it, and also when it has leading or trailing spaces. */
export function csvField(value: string, delimiter = ','): string {
  const needs =
    value.includes(delimiter) || value.includes('"') || value.includes('\n') || value.includes('\r') ||
    value !== value.trim();
  return needs ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Format rows (header first) as CSV with LF line ends and a final line end. */
export function formatCsv(rows: readonly (readonly string[])[], delimiter = ','): string {
  return rows.map((r) => r.map((f) => csvField(f, delimiter)).join(delimiter)).join('\n') + '\n';
}
