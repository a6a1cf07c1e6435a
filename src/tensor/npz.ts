/**
 * NumPy .npz archives (numpy.savez: stored entries; numpy.savez_compressed: deflated entries). Each
 * entry `<name>.npy` is one array; names may contain '/'. Reading accepts both forms; writing stores or
 * deflates on request.
 */
import type { HostTensor } from './host.ts';
import { parseNpy, serializeNpy } from './npy.ts';
import { CheckpointError } from './checkpoint-error.ts';
import { listZip, readZipEntries, writeZip } from './zip.ts';

/** Arrays by name (the entry name without `.npy`), in archive order. */
export function parseNpz(bytes: Uint8Array, file = 'npz data'): Map<string, HostTensor> {
  const entries = listZip(bytes, file).filter((e) => !e.name.endsWith('/'));
  if (entries.length === 0) throw new CheckpointError(file, 'the .npz archive holds no arrays');
  for (const e of entries) {
    if (!e.name.endsWith('.npy')) throw new CheckpointError(file, `entry '${e.name}' is not a .npy array: not an .npz archive`);
  }
  const data = readZipEntries(bytes, file, entries.map((e) => e.name));
  const out = new Map<string, HostTensor>();
  for (const e of entries) {
    const name = e.name.slice(0, -4);
    out.set(name, parseNpy(data.get(e.name) as Uint8Array, `${file}: entry '${e.name}'`));
  }
  return out;
}

export interface NpzWriteOptions {
  /** Deflate the entries (numpy.savez_compressed); default false (numpy.savez). */
  compress?: boolean;
}

export function serializeNpz(
  arrays: ReadonlyMap<string, HostTensor> | Iterable<readonly [string, HostTensor]>,
  opts: NpzWriteOptions = {},
  file = 'npz output',
): Uint8Array {
  const entries = new Map<string, Uint8Array>();
  for (const [name, t] of arrays) {
    if (name.length === 0 || name.endsWith('/')) throw new CheckpointError(file, `invalid array name '${name}'`);
    const entry = `${name}.npy`;
    if (entries.has(entry)) throw new CheckpointError(file, `array '${name}' given twice`);
    entries.set(entry, serializeNpy(t));
  }
  return writeZip(entries, opts.compress ?? false);
}
