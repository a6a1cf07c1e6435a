/**
 * safetensors reading and writing (format of huggingface/safetensors 0.4):
 *   [u64 little-endian N][N bytes of UTF-8 JSON header][data]
 * The header maps each tensor name to {dtype, shape, data_offsets: [begin, end]} (offsets relative to the
 * start of the data section) plus an optional "__metadata__" map of string → string. Tensors must tile the
 * data section exactly: sorted by offset they are contiguous from 0, never overlap, and end at the end of
 * the file. The writer pads the header with spaces to a multiple of 8 and lays tensors out by element
 * size (largest first), then name, so every tensor is aligned to its element size.
 */
import { type HostTensor, type TensorDType, BYTES_PER_ELEMENT, tensor } from './host.ts';
import { CheckpointError } from './checkpoint-error.ts';
import { numel, fmtShape } from '../util/index.ts';

/** The reference implementation refuses headers above 100 MB. */
export const SAFETENSORS_MAX_HEADER = 100_000_000;

const CODE_TO_DTYPE: Readonly<Record<string, TensorDType>> = {
  F64: 'float64', F32: 'float32', F16: 'float16', BF16: 'bfloat16',
  I64: 'int64', I32: 'int32', I16: 'int16', I8: 'int8', U8: 'uint8', BOOL: 'bool',
};

const DTYPE_TO_CODE: { readonly [D in TensorDType]: string } = {
  float64: 'F64', float32: 'F32', float16: 'F16', bfloat16: 'BF16',
  int64: 'I64', int32: 'I32', int16: 'I16', int8: 'I8', uint8: 'U8', bool: 'BOOL',
};

export interface SafetensorsFile {
  /** Tensors in header order. */
  readonly tensors: Map<string, HostTensor>;
  /** The `__metadata__` map, or null when the header has none. */
  readonly metadata: Readonly<Record<string, string>> | null;
}

interface Entry {
  name: string;
  dtype: TensorDType;
  shape: number[];
  begin: number;
  end: number;
}

export function parseSafetensors(bytes: Uint8Array, file = 'safetensors data'): SafetensorsFile {
  const fail = (msg: string): never => {
    throw new CheckpointError(file, `invalid safetensors file: ${msg}`);
  };
  if (bytes.length < 8) fail(`${bytes.length} bytes, too short for the 8-byte header length`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = dv.getBigUint64(0, true);
  if (n64 > BigInt(SAFETENSORS_MAX_HEADER)) fail(`header length ${n64} exceeds the ${SAFETENSORS_MAX_HEADER}-byte limit`);
  const n = Number(n64);
  if (8 + n > bytes.length) fail(`header length ${n} runs past the end of the file (${bytes.length} bytes): truncated`);
  if (n < 2 || bytes[8] !== 0x7b) fail('header does not start with "{"');
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    return fail(`header is not well-formed UTF-8 JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail('header is not a JSON object');
  const dataStart = 8 + n;
  const dataLen = bytes.length - dataStart;
  let metadata: Record<string, string> | null = null;
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (info === null || typeof info !== 'object' || Array.isArray(info)) fail('__metadata__ is not an object');
      const pairs = Object.entries(info as Record<string, unknown>);
      for (const [k, v] of pairs) if (typeof v !== 'string') fail(`__metadata__.${k} is not a string`);
      metadata = Object.fromEntries(pairs) as Record<string, string>;
      continue;
    }
    entries.push(parseEntry(name, info, fail));
  }
  const byOffset = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of byOffset) {
    if (e.begin !== at) {
      fail(e.begin < at ? `tensor '${e.name}' overlaps the previous tensor (starts at ${e.begin}, previous ends at ${at})`
        : `gap before tensor '${e.name}' (starts at ${e.begin}, previous ends at ${at})`);
    }
    const need = numel(e.shape) * BYTES_PER_ELEMENT[e.dtype];
    if (e.end - e.begin !== need) fail(`tensor '${e.name}' (${e.dtype} ${fmtShape(e.shape)}) needs ${need} bytes, data_offsets span ${e.end - e.begin}`);
    at = e.end;
  }
  if (at !== dataLen) {
    fail(at > dataLen ? `tensors need ${at} data bytes, the file has ${dataLen}: truncated` : `${dataLen - at} trailing bytes after the last tensor`);
  }
  const tensors = new Map<string, HostTensor>();
  for (const e of entries) {
    // A copy into a fresh buffer at offset 0, aligned for any element size. Uint8Array.prototype.slice
    // is called explicitly: a Node Buffer's own slice() returns a view of the pooled memory instead.
    const buf = Uint8Array.prototype.slice.call(bytes, dataStart + e.begin, dataStart + e.end).buffer;
    tensors.set(e.name, tensor(e.dtype, e.shape, typedView(e.dtype, buf)));
  }
  return { tensors, metadata };
}

function typedView(dtype: TensorDType, buf: ArrayBuffer): HostTensor['data'] {
  switch (dtype) {
    case 'float32': return new Float32Array(buf);
    case 'float64': return new Float64Array(buf);
    case 'float16': case 'bfloat16': return new Uint16Array(buf);
    case 'int64': return new BigInt64Array(buf);
    case 'int32': return new Int32Array(buf);
    case 'int16': return new Int16Array(buf);
    case 'int8': return new Int8Array(buf);
    case 'uint8': case 'bool': return new Uint8Array(buf);
  }
}

function parseEntry(name: string, info: unknown, fail: (msg: string) => never): Entry {
  if (info === null || typeof info !== 'object' || Array.isArray(info)) return fail(`entry '${name}' is not an object`);
  const { dtype: code, shape, data_offsets: offsets } = info as Record<string, unknown>;
  if (typeof code !== 'string') return fail(`tensor '${name}' has no dtype`);
  const dtype = CODE_TO_DTYPE[code];
  if (!dtype) return fail(`tensor '${name}' has unsupported dtype '${code}' (supported: ${Object.keys(CODE_TO_DTYPE).join(', ')})`);
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || (d as number) < 0)) {
    return fail(`tensor '${name}' has a bad shape ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || offsets.some((o) => !Number.isSafeInteger(o) || (o as number) < 0)) {
    return fail(`tensor '${name}' has bad data_offsets ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) return fail(`tensor '${name}' has data_offsets [${begin}, ${end}] ending before they start`);
  return { name, dtype, shape: shape as number[], begin, end };
}

/**
 * Serialise tensors (in any order; the layout is by element size, then name) with optional string metadata.
 */
export function serializeSafetensors(
  tensors: ReadonlyMap<string, HostTensor> | Iterable<readonly [string, HostTensor]>,
  metadata?: Readonly<Record<string, string>>,
  file = 'safetensors output',
): Uint8Array {
  const list: [string, HostTensor][] = [];
  const seen = new Set<string>();
  for (const [name, t] of tensors) {
    if (name.length === 0 || name === '__metadata__') throw new CheckpointError(file, `invalid tensor name '${name}'`);
    if (seen.has(name)) throw new CheckpointError(file, `tensor '${name}' given twice`);
    if (t.data.length !== numel(t.shape)) throw new CheckpointError(file, `tensor '${name}' has ${t.data.length} elements for shape ${fmtShape(t.shape)}`);
    seen.add(name);
    list.push([name, t]);
  }
  list.sort(([an, a], [bn, b]) => BYTES_PER_ELEMENT[b.dtype] - BYTES_PER_ELEMENT[a.dtype] || (an < bn ? -1 : an > bn ? 1 : 0));
  const fields: string[] = [];
  if (metadata) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new CheckpointError(file, `metadata '${k}' is not a string`);
    }
    fields.push(`"__metadata__":${JSON.stringify(metadata)}`);
  }
  let at = 0;
  for (const [name, t] of list) {
    const nb = t.data.byteLength;
    fields.push(`${JSON.stringify(name)}:${JSON.stringify({ dtype: DTYPE_TO_CODE[t.dtype], shape: [...t.shape], data_offsets: [at, at + nb] })}`);
    at += nb;
  }
  const json = new TextEncoder().encode(`{${fields.join(',')}}`);
  const n = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + n + at);
  new DataView(out.buffer).setBigUint64(0, BigInt(n), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + n);
  let off = 8 + n;
  for (const [, t] of list) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), off);
    off += t.data.byteLength;
  }
  return out;
}
