/**
 * PyTorch zip checkpoints (torch.save since 1.6: .pt, .pth, .bin, Lightning .ckpt), read without running
 * code. Layout (torch/serialization.py, caffe2/serialize/inline_container.cc):
 *   <root>/data.pkl        the pickled object; tensors appear as
 *                          _rebuild_tensor_v2(BINPERSID('storage', <T>Storage, key, location, numel),
 *                                             storage_offset, size, stride, requires_grad, hooks[, metadata])
 *   <root>/data/<key>      raw storage bytes, in the byte order named by <root>/byteorder (little when absent)
 *   <root>/version, <root>/.data/serialization_id, …   ignored
 * The root folder name varies (`archive`, the file stem, …). Tensors are rebuilt honouring storage offset,
 * size and stride, so views that share a storage and non-contiguous tensors come out as they were saved.
 * Storages are extracted only for the tensors a caller materialises (a Lightning checkpoint's optimizer
 * state is never read when only the state dict is asked for).
 */
import { type HostTensor, type TensorDType, BYTES_PER_ELEMENT, allocate, tensor } from './host.ts';
import { CheckpointError } from './checkpoint-error.ts';
import { type GlobalHandler, PyGlobal, PyObject, describePy, isTuple, unpickle } from './pickle.ts';
import { listZip, readZipEntries, type ZipEntryInfo } from './zip.ts';
import { numel, fmtShape } from '../util/index.ts';

/** A storage named by a persistent id: `<root>/data/<key>` read as `numel` elements of `dtype`. */
export class TorchStorageRef {
  constructor(
    readonly key: string,
    readonly dtype: TensorDType,
    readonly numel: number,
    readonly location: string,
  ) {}
}

/** A tensor as the pickle describes it; `TorchCheckpoint.tensors` turns these into host tensors. */
export class TorchTensorRef {
  constructor(
    readonly storage: TorchStorageRef,
    readonly offset: number,
    readonly size: readonly number[],
    readonly stride: readonly number[],
  ) {}
}

const STORAGE_DTYPES: Readonly<Record<string, TensorDType>> = {
  FloatStorage: 'float32', DoubleStorage: 'float64', HalfStorage: 'float16', BFloat16Storage: 'bfloat16',
  LongStorage: 'int64', IntStorage: 'int32', ShortStorage: 'int16', CharStorage: 'int8', ByteStorage: 'uint8',
  BoolStorage: 'bool', UntypedStorage: 'uint8',
};

export interface TorchCheckpoint {
  readonly file: string;
  /** The archive's root folder (without the trailing slash). */
  readonly root: string;
  readonly byteOrder: 'little' | 'big';
  /** The unpickled object; tensors are TorchTensorRef, opaque classes PyObject (see pickle.ts). */
  readonly object: unknown;
  /** Read the storages these tensors need (one pass over the archive) and rebuild them. */
  tensors(refs: Iterable<TorchTensorRef>): Map<TorchTensorRef, HostTensor>;
}

const LEGACY_MAGIC = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

/** True for torch.save's pre-1.6 format: a protocol-2 pickle of the magic number 0x1950a86a20f9469cfc6c. */
export function isLegacyTorchFile(bytes: Uint8Array): boolean {
  return bytes.length >= LEGACY_MAGIC.length && LEGACY_MAGIC.every((b, i) => bytes[i] === b);
}

/** The root folder of a torch zip archive, or an error naming what the zip is instead. */
export function torchArchiveRoot(entries: readonly ZipEntryInfo[], file: string): string {
  const names = entries.map((e) => e.name);
  const roots = names.map((n) => /^([^/]+)\/data\.pkl$/.exec(n)?.[1]).filter((r): r is string => r !== undefined);
  if (roots.length === 0 && names.includes('data.pkl')) roots.push('');
  if (roots.length !== 1) {
    throw new CheckpointError(file, roots.length === 0 ? 'zip archive without <root>/data.pkl: not a PyTorch checkpoint'
      : `zip archive with several data.pkl roots (${roots.join(', ')}): not a single PyTorch checkpoint`);
  }
  const root = roots[0] as string;
  const pre = root ? `${root}/` : '';
  if (names.some((n) => n === `${pre}constants.pkl` || n.startsWith(`${pre}code/`))) {
    throw new CheckpointError(
      file,
      'this is a TorchScript archive (torch.jit.save), which holds code as well as weights and is not read here; ' +
        'in Python, save its weights with torch.save(torch.jit.load(path).state_dict(), "weights.pt")',
    );
  }
  return root;
}

export function readTorchCheckpoint(bytes: Uint8Array, file: string): TorchCheckpoint {
  if (isLegacyTorchFile(bytes)) {
    throw new CheckpointError(
      file,
      'this is a legacy (PyTorch < 1.6, non-zip) checkpoint, which is not supported; in Python with torch ≥ 1.6 ' +
        're-save it with torch.save(torch.load(path, map_location="cpu"), "converted.pt") or convert it to safetensors',
    );
  }
  const entries = listZip(bytes, file);
  const root = torchArchiveRoot(entries, file);
  const pre = root ? `${root}/` : '';
  const names = new Set(entries.map((e) => e.name));
  const head = readZipEntries(bytes, file, [`${pre}data.pkl`, ...(names.has(`${pre}byteorder`) ? [`${pre}byteorder`] : [])]);
  let byteOrder: 'little' | 'big' = 'little';
  const bo = head.get(`${pre}byteorder`);
  if (bo) {
    const s = new TextDecoder().decode(bo).trim();
    if (s !== 'little' && s !== 'big') throw new CheckpointError(file, `unknown byteorder record '${s}'`);
    byteOrder = s;
  }
  const pklName = `${pre}data.pkl`;
  const object = unpickle(head.get(pklName) as Uint8Array, `${file}: ${pklName}`, {
    globals: torchGlobals(`${file}: ${pklName}`),
    persistentLoad: (pid) => storageRef(pid, `${file}: ${pklName}`),
  });
  return {
    file, root, byteOrder, object,
    tensors: (refs) => materialize(bytes, file, pre, byteOrder, names, [...refs]),
  };
}

function storageRef(pid: unknown, where: string): TorchStorageRef {
  if (!isTuple(pid) || pid.length !== 5 || pid[0] !== 'storage') {
    throw new CheckpointError(where, `unexpected persistent id ${describePy(pid)}; expected ('storage', type, key, location, numel)`);
  }
  const [, type, key, location, n] = pid;
  if (!(type instanceof PyGlobal)) throw new CheckpointError(where, `storage type is ${describePy(type)}, not a torch storage class`);
  const dtype = STORAGE_DTYPES[type.name];
  if (!dtype || !type.module.startsWith('torch')) throw new CheckpointError(where, `unsupported storage type ${type.qualname}`);
  if (typeof key !== 'string' || !/^[\w.-]+$/.test(key)) throw new CheckpointError(where, `bad storage key ${describePy(key)}`);
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new CheckpointError(where, `bad storage size ${describePy(n)}`);
  return new TorchStorageRef(key, dtype, n, typeof location === 'string' ? location : String(location));
}

function intTuple(v: unknown, what: string, where: string): number[] {
  if (!Array.isArray(v) || v.some((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)) {
    throw new CheckpointError(where, `tensor ${what} must be a tuple of non-negative integers, got ${describePy(v)}`);
  }
  return [...(v as number[])];
}

function rebuildTensor(args: readonly unknown[], where: string): TorchTensorRef {
  const [storage, offset, size, stride] = args;
  if (!(storage instanceof TorchStorageRef)) throw new CheckpointError(where, `tensor storage is ${describePy(storage)}`);
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) throw new CheckpointError(where, `bad storage offset ${describePy(offset)}`);
  const sz = intTuple(size, 'size', where);
  const st = intTuple(stride, 'stride', where);
  if (sz.length !== st.length) throw new CheckpointError(where, `tensor size ${fmtShape(sz)} and stride ${fmtShape(st)} differ in rank`);
  if (numel(sz) > 0) {
    const last = offset + sz.reduce((acc, d, i) => acc + (d - 1) * (st[i] as number), 0);
    if (last >= storage.numel) {
      throw new CheckpointError(where, `tensor (offset ${offset}, size ${fmtShape(sz)}, stride ${fmtShape(st)}) reaches element ${last} of storage '${storage.key}' with ${storage.numel} elements`);
    }
  }
  return new TorchTensorRef(storage, offset, sz, st);
}

/** Handlers for the torch globals that rebuild tensors; all other torch globals stay opaque. */
function torchGlobals(where: string): Map<string, GlobalHandler> {
  const v2: GlobalHandler = (a) => rebuildTensor(a, where);
  const param: GlobalHandler = (a) => {
    if (!(a[0] instanceof TorchTensorRef)) throw new CheckpointError(where, `parameter data is ${describePy(a[0])}`);
    return a[0];
  };
  const fromType: GlobalHandler = (a) => {
    const [func, , args] = a;
    if (!(func instanceof PyGlobal) || !func.call || !Array.isArray(args)) return new PyObject(new PyGlobal('torch._tensor', '_rebuild_from_type_v2', null), a);
    return func.call(args, null);
  };
  return new Map<string, GlobalHandler>([
    ['torch._utils._rebuild_tensor_v2', v2],
    ['torch._utils._rebuild_tensor', v2],
    ['torch._utils._rebuild_parameter', param],
    ['torch._utils._rebuild_parameter_with_state', param],
    ['torch._tensor._rebuild_from_type_v2', fromType],
    ['torch._tensor._rebuild_from_type', fromType],
    ['torch.Size', (a) => a[0] ?? []],
    ['torch.device', (a) => a.map(String).join(':')],
  ]);
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function materialize(
  bytes: Uint8Array, file: string, pre: string, byteOrder: 'little' | 'big', names: ReadonlySet<string>, refs: TorchTensorRef[],
): Map<TorchTensorRef, HostTensor> {
  if (!LITTLE_ENDIAN_HOST) throw new CheckpointError(file, 'reading PyTorch checkpoints needs a little-endian host');
  const keys = new Set(refs.map((r) => r.storage.key));
  for (const k of keys) if (!names.has(`${pre}data/${k}`)) throw new CheckpointError(file, `storage '${k}' is referenced but '${pre}data/${k}' is not in the archive`);
  const data = readZipEntries(bytes, file, [...keys].map((k) => `${pre}data/${k}`));
  const out = new Map<TorchTensorRef, HostTensor>();
  for (const ref of refs) {
    const s = ref.storage;
    const raw = data.get(`${pre}data/${s.key}`) as Uint8Array;
    const es = BYTES_PER_ELEMENT[s.dtype];
    if (raw.length !== s.numel * es) {
      throw new CheckpointError(file, `storage '${s.key}' holds ${raw.length} bytes, its persistent id declares ${s.numel} × ${es}-byte ${s.dtype}`);
    }
    out.set(ref, rebuild(ref, raw, byteOrder === 'big'));
  }
  return out;
}

function rebuild(ref: TorchTensorRef, raw: Uint8Array, swap: boolean): HostTensor {
  const { dtype } = ref.storage;
  const es = BYTES_PER_ELEMENT[dtype];
  const n = numel(ref.size);
  const contiguous = ref.size.every((d, i) => d <= 1 || ref.stride[i] === ref.size.slice(i + 1).reduce((a, b) => a * b, 1));
  let out: HostTensor['data'];
  if (contiguous || n === 0) {
    if (!swap && ref.offset === 0 && n * es === raw.length && raw.byteOffset % es === 0) {
      out = view(dtype, raw, n);
    } else {
      out = allocate(dtype, n);
      new Uint8Array(out.buffer).set(raw.subarray(ref.offset * es, (ref.offset + n) * es));
    }
  } else {
    const src = raw.byteOffset % es === 0 ? view(dtype, raw, raw.length / es) : view(dtype, raw.slice(), raw.length / es);
    out = allocate(dtype, n);
    gather(src as unknown as ArrayLike<unknown>, out as unknown as { [i: number]: unknown }, ref.offset, ref.size, ref.stride);
  }
  if (swap) swapBytes(new Uint8Array(out.buffer, out.byteOffset, out.byteLength), es);
  return tensor(dtype, ref.size, out);
}

function view(dtype: TensorDType, raw: Uint8Array, n: number): HostTensor['data'] {
  const b = raw.buffer as ArrayBuffer;
  const o = raw.byteOffset;
  switch (dtype) {
    case 'float32': return new Float32Array(b, o, n);
    case 'float64': return new Float64Array(b, o, n);
    case 'float16': case 'bfloat16': return new Uint16Array(b, o, n);
    case 'int64': return new BigInt64Array(b, o, n);
    case 'int32': return new Int32Array(b, o, n);
    case 'int16': return new Int16Array(b, o, n);
    case 'int8': return new Int8Array(b, o, n);
    case 'uint8': case 'bool': return new Uint8Array(b, o, n);
  }
}

/** out[i] = src[offset + Σ idx_k · stride_k] over the row-major index space of `size`. */
function gather(src: ArrayLike<unknown>, out: { [i: number]: unknown }, offset: number, size: readonly number[], stride: readonly number[]): void {
  const r = size.length;
  const idx = new Array<number>(r).fill(0);
  const inner = size[r - 1] as number;
  const innerStride = stride[r - 1] as number;
  const n = numel(size);
  let base = offset;
  for (let i = 0; i < n; i += inner) {
    for (let j = 0; j < inner; j++) out[i + j] = src[base + j * innerStride];
    for (let k = r - 2; k >= 0; k--) {
      idx[k] = (idx[k] as number) + 1;
      base += stride[k] as number;
      if ((idx[k] as number) < (size[k] as number)) break;
      base -= (size[k] as number) * (stride[k] as number);
      idx[k] = 0;
    }
  }
}

function swapBytes(b: Uint8Array, es: number): void {
  if (es === 1) return;
  for (let i = 0; i < b.length; i += es) {
    for (let a = i, z = i + es - 1; a < z; a++, z--) {
      const t = b[a] as number;
      b[a] = b[z] as number;
      b[z] = t;
    }
  }
}
