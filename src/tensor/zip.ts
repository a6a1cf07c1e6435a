/**
 * Zip archive access for checkpoint containers (.npz, PyTorch zip checkpoints) on top of fflate: list the
 * central directory, then extract only the entries a reader needs, with size checks so that a truncated
 * or malicious archive fails with a CheckpointError instead of yielding short data or a huge allocation.
 */
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { CheckpointError } from './checkpoint-error.ts';

export interface ZipEntryInfo {
  readonly name: string;
  /** Bytes stored in the archive. */
  readonly size: number;
  /** Bytes after decompression. */
  readonly originalSize: number;
  /** 0 = stored, 8 = deflate. */
  readonly compression: number;
}

/** Deflate cannot expand data by more than 1032:1 (RFC 1951, maximal back-reference runs). */
const MAX_DEFLATE_RATIO = 1032;

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6));
}

function wrap(file: string, e: unknown): never {
  if (e instanceof CheckpointError) throw e;
  throw new CheckpointError(file, `corrupt or truncated zip archive (${(e as Error).message})`, { cause: e });
}

/** Every entry of the central directory, in archive order. */
export function listZip(bytes: Uint8Array, file: string): ZipEntryInfo[] {
  const out: ZipEntryInfo[] = [];
  try {
    unzipSync(bytes, {
      filter: (f) => {
        out.push({ name: f.name, size: f.size, originalSize: f.originalSize, compression: f.compression });
        return false;
      },
    });
  } catch (e) {
    wrap(file, e);
  }
  return out;
}

/** Extract the named entries (each must exist). Returned arrays are fresh copies, aligned at offset 0. */
export function readZipEntries(bytes: Uint8Array, file: string, names: Iterable<string>): Map<string, Uint8Array> {
  const wanted = new Set(names);
  const infos = new Map<string, ZipEntryInfo>();
  let extracted: Record<string, Uint8Array> = {};
  try {
    extracted = unzipSync(bytes, {
      filter: (f) => {
        if (!wanted.has(f.name)) return false;
        if (infos.has(f.name)) throw new CheckpointError(file, `zip entry '${f.name}' appears twice`);
        if (f.compression !== 0 && f.compression !== 8) throw new CheckpointError(file, `zip entry '${f.name}' uses unsupported compression method ${f.compression}`);
        if (f.compression === 0 ? f.size !== f.originalSize : f.originalSize > f.size * MAX_DEFLATE_RATIO + 64) {
          throw new CheckpointError(file, `zip entry '${f.name}' declares ${f.originalSize} bytes from ${f.size} stored bytes: corrupt archive`);
        }
        if (f.size > bytes.length) throw new CheckpointError(file, `zip entry '${f.name}' declares ${f.size} bytes, more than the whole file: truncated`);
        infos.set(f.name, { name: f.name, size: f.size, originalSize: f.originalSize, compression: f.compression });
        return true;
      },
    });
  } catch (e) {
    wrap(file, e);
  }
  const out = new Map<string, Uint8Array>();
  for (const name of wanted) {
    const data = extracted[name];
    const info = infos.get(name);
    if (!data || !info) throw new CheckpointError(file, `zip entry '${name}' is missing`);
    if (data.length !== info.originalSize) {
      throw new CheckpointError(file, `zip entry '${name}' holds ${data.length} of its ${info.originalSize} bytes: truncated or corrupt`);
    }
    out.set(name, data);
  }
  return out;
}

/** Write a zip archive; `deflate` false stores entries uncompressed (as numpy.savez and torch.save do). */
export function writeZip(entries: ReadonlyMap<string, Uint8Array>, deflate: boolean): Uint8Array {
  const files: Zippable = {};
  for (const [name, data] of entries) {
    Object.defineProperty(files, name, { value: [data, { level: deflate ? 6 : 0 }], enumerable: true });
  }
  // A fixed local timestamp (zip stores local DOS time) keeps the output byte-identical for identical contents.
  return zipSync(files, { mtime: new Date(2000, 0, 1, 0, 0, 0) });
}
