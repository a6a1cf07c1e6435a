/**
 * NumPy .npy (format versions 1.0–3.0) reading and writing, little-endian, C or Fortran order on read
 * (Fortran order is transposed into C order), C order on write. Pure functions on bytes.
 */
import { type HostTensor, type TensorDType, tensor, allocate, TensorError } from './host.ts';
import { numel, strides } from '../util/index.ts';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const DESCR_TO_DTYPE: Record<string, TensorDType> = {
  '<f4': 'float32', '<f8': 'float64', '<f2': 'float16', '<i8': 'int64', '<i4': 'int32', '<i2': 'int16',
  '|i1': 'int8', '|u1': 'uint8', '|b1': 'bool', '<u1': 'uint8', '<i1': 'int8',
};

const DTYPE_TO_DESCR: Partial<Record<TensorDType, string>> = {
  float32: '<f4', float64: '<f8', float16: '<f2', int64: '<i8', int32: '<i4', int16: '<i2', int8: '|i1', uint8: '|u1', bool: '|b1',
};

export function parseNpy(bytes: Uint8Array, what = '.npy data'): HostTensor {
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m)) throw new TensorError(`${what}: not a .npy file (bad magic)`);
  const major = bytes[6] as number;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let off: number;
  if (major === 1) {
    headerLen = dv.getUint16(8, true);
    off = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new TensorError(`${what}: truncated .npy header`);
    headerLen = dv.getUint32(8, true);
    off = 12;
  } else {
    throw new TensorError(`${what}: unsupported .npy version ${major}`);
  }
  if (off + headerLen > bytes.length) throw new TensorError(`${what}: truncated .npy header`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(off, off + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeStr = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeStr === undefined) {
    throw new TensorError(`${what}: malformed .npy header ${JSON.stringify(header)}`);
  }
  const dtype = DESCR_TO_DTYPE[descr];
  if (!dtype) throw new TensorError(`${what}: unsupported .npy dtype '${descr}' (big-endian or non-numeric)`);
  const shape = shapeStr.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new TensorError(`${what}: bad shape (${shapeStr})`);
  const n = numel(shape);
  const start = off + headerLen;
  const data = allocate(dtype, n);
  const nbytes = n * (data as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  if (start + nbytes > bytes.length) {
    throw new TensorError(`${what}: truncated data (${bytes.length - start} of ${nbytes} bytes)`);
  }
  new Uint8Array(data.buffer).set(bytes.subarray(start, start + nbytes));
  const t = tensor(dtype, shape, data);
  return fortran === 'True' ? fortranToC(t) : t;
}

function fortranToC(t: HostTensor): HostTensor {
  const shape = t.shape;
  const rank = shape.length;
  if (rank < 2) return t;
  const out = allocate(t.dtype, t.data.length) as unknown as { [i: number]: unknown };
  const src = t.data as unknown as { [i: number]: unknown };
  const cStr = strides(shape);
  const fStr: number[] = [];
  let acc = 1;
  for (let i = 0; i < rank; i++) {
    fStr.push(acc);
    acc *= shape[i] as number;
  }
  const idx = new Array<number>(rank).fill(0);
  for (let i = 0; i < t.data.length; i++) {
    let rem = i;
    let f = 0;
    for (let k = 0; k < rank; k++) {
      const q = Math.floor(rem / (cStr[k] as number));
      rem -= q * (cStr[k] as number);
      idx[k] = q;
      f += q * (fStr[k] as number);
    }
    out[i] = src[f];
  }
  return tensor(t.dtype, shape, out as unknown as typeof t.data);
}

export function serializeNpy(t: HostTensor): Uint8Array {
  const descr = DTYPE_TO_DESCR[t.dtype];
  if (!descr) throw new TensorError(`cannot write dtype ${t.dtype} to .npy`);
  const shapeStr = t.shape.length === 1 ? `${t.shape[0]},` : t.shape.join(', ');
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shapeStr}), }`;
  const total = 10 + header.length + 1;
  const pad = (64 - (total % 64)) % 64;
  header = header + ' '.repeat(pad) + '\n';
  const data = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  const out = new Uint8Array(10 + header.length + data.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(data, 10 + header.length);
  return out;
}
