/**
 * Host tensors: a dtype, a shape and a row-major TypedArray. The exchange type between file
 * formats (npy, safetensors, PyTorch checkpoints), the audio front ends and the runtimes.
 */
import { type Shape, numel, fmtShape, PneumaError } from '../util/index.ts';

export type TensorDType = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

export interface DataOf {
  float32: Float32Array;
  float64: Float64Array;
  float16: Uint16Array;
  bfloat16: Uint16Array;
  int64: BigInt64Array;
  int32: Int32Array;
  int16: Int16Array;
  int8: Int8Array;
  uint8: Uint8Array;
  bool: Uint8Array;
}

export type TensorData = DataOf[TensorDType];

export interface HostTensor<D extends TensorDType = TensorDType> {
  readonly dtype: D;
  readonly shape: Shape;
  readonly data: DataOf[D];
}

export const BYTES_PER_ELEMENT: { readonly [D in TensorDType]: number } = {
  float32: 4, float64: 8, float16: 2, bfloat16: 2, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1,
};

export class TensorError extends PneumaError {
  constructor(message: string) {
    super('tensor', message);
  }
}

export function tensor<D extends TensorDType>(dtype: D, shape: Shape, data: DataOf[D]): HostTensor<D> {
  if (data.length !== numel(shape)) {
    throw new TensorError(`tensor of shape ${fmtShape(shape)} needs ${numel(shape)} elements, got ${data.length}`);
  }
  return { dtype, shape: [...shape], data };
}

export function zeros<D extends TensorDType>(dtype: D, shape: Shape): HostTensor<D> {
  return tensor(dtype, shape, allocate(dtype, numel(shape)));
}

export function allocate<D extends TensorDType>(dtype: D, n: number): DataOf[D] {
  switch (dtype) {
    case 'float32': return new Float32Array(n) as DataOf[D];
    case 'float64': return new Float64Array(n) as DataOf[D];
    case 'float16': case 'bfloat16': return new Uint16Array(n) as DataOf[D];
    case 'int64': return new BigInt64Array(n) as DataOf[D];
    case 'int32': return new Int32Array(n) as DataOf[D];
    case 'int16': return new Int16Array(n) as DataOf[D];
    case 'int8': return new Int8Array(n) as DataOf[D];
    case 'uint8': case 'bool': return new Uint8Array(n) as DataOf[D];
  }
  throw new TensorError(`unknown dtype ${String(dtype)}`);
}

export function f32(shape: Shape, data?: ArrayLike<number>): HostTensor<'float32'> {
  return tensor('float32', shape, data ? Float32Array.from(data) : new Float32Array(numel(shape)));
}

export function f64(shape: Shape, data?: ArrayLike<number>): HostTensor<'float64'> {
  return tensor('float64', shape, data ? Float64Array.from(data) : new Float64Array(numel(shape)));
}

export function i64(shape: Shape, data: ArrayLike<number | bigint>): HostTensor<'int64'> {
  const out = new BigInt64Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = BigInt(data[i] as number | bigint);
  return tensor('int64', shape, out);
}

/** IEEE half → number. */
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Any tensor's values as numbers (float16/bfloat16 decoded, int64 converted exactly up to 2^53). */
export function toFloat64(t: HostTensor): Float64Array {
  const n = t.data.length;
  const out = new Float64Array(n);
  switch (t.dtype) {
    case 'float16': {
      const d = t.data as Uint16Array;
      for (let i = 0; i < n; i++) out[i] = halfToFloat(d[i] as number);
      return out;
    }
    case 'bfloat16': {
      const d = t.data as Uint16Array;
      const tmp = new Float32Array(1);
      const u = new Uint32Array(tmp.buffer);
      for (let i = 0; i < n; i++) {
        u[0] = (d[i] as number) << 16;
        out[i] = tmp[0] as number;
      }
      return out;
    }
    case 'int64': {
      const d = t.data as BigInt64Array;
      for (let i = 0; i < n; i++) out[i] = Number(d[i]);
      return out;
    }
    default: {
      const d = t.data as Float32Array;
      for (let i = 0; i < n; i++) out[i] = d[i] as number;
      return out;
    }
  }
}

export function toFloat32(t: HostTensor): Float32Array {
  if (t.dtype === 'float32') return t.data as Float32Array;
  return Float32Array.from(toFloat64(t));
}

export function asFloat32(t: HostTensor): HostTensor<'float32'> {
  return t.dtype === 'float32' ? (t as HostTensor<'float32'>) : tensor('float32', t.shape, toFloat32(t));
}
