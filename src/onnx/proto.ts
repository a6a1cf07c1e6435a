/**
 * Small helpers over the ONNX protobuf schema (onnx-buf, ONNX 1.20): element types, attributes,
 * value infos, and the protobuf wire format pieces needed to splice large tensors into a model
 * without re-encoding them (proto3 wire format: a length-delimited field is `tag varint(len) bytes`,
 * tag = field_number << 3 | 2; repeated fields may appear in any order and are concatenated).
 */
import { create } from '@bufbuild/protobuf';
import {
  AttributeProtoSchema, AttributeProto_AttributeType, type AttributeProto,
  TensorProto_DataType, TensorShapeProtoSchema, TensorShapeProto_DimensionSchema,
  TypeProtoSchema, TypeProto_TensorSchema, ValueInfoProtoSchema, type ValueInfoProto,
} from 'onnx-buf';
import type { DType } from '../ir/index.ts';
import type { HostTensor, TensorDType } from '../tensor/index.ts';

/** ONNX element type of an IR dtype. */
export const ONNX_DTYPE: { readonly [D in DType]: TensorProto_DataType } = {
  float32: TensorProto_DataType.FLOAT,
  int64: TensorProto_DataType.INT64,
  bool: TensorProto_DataType.BOOL,
};

/** Host dtype of an ONNX element type, or undefined for types Pneuma does not hold. */
export function hostDType(elemType: number): TensorDType | undefined {
  switch (elemType) {
    case TensorProto_DataType.FLOAT: return 'float32';
    case TensorProto_DataType.DOUBLE: return 'float64';
    case TensorProto_DataType.FLOAT16: return 'float16';
    case TensorProto_DataType.BFLOAT16: return 'bfloat16';
    case TensorProto_DataType.INT64: return 'int64';
    case TensorProto_DataType.INT32: return 'int32';
    case TensorProto_DataType.INT16: return 'int16';
    case TensorProto_DataType.INT8: return 'int8';
    case TensorProto_DataType.UINT8: return 'uint8';
    case TensorProto_DataType.BOOL: return 'bool';
    default: return undefined;
  }
}

/** ONNX element type name for messages. */
export function elemTypeName(elemType: number): string {
  return TensorProto_DataType[elemType] ?? `type ${elemType}`;
}

// ------------------------------------------------------------------ attributes

export type Attr =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string };

export type Attrs = Readonly<Record<string, Attr>>;

export const int = (value: number): Attr => ({ kind: 'int', value });
export const ints = (value: readonly number[]): Attr => ({ kind: 'ints', value: [...value] });
export const float = (value: number): Attr => ({ kind: 'float', value });
export const str = (value: string): Attr => ({ kind: 'string', value });

/** A JS number as int64, saturating ±Infinity and out-of-range values (ONNX Slice ends use this). */
export function toInt64(v: number): bigint {
  if (Number.isNaN(v)) throw new RangeError('NaN is not an integer');
  if (v >= 2 ** 63) return 2n ** 63n - 1n;
  if (v <= -(2 ** 63)) return -(2n ** 63n);
  if (!Number.isInteger(v)) throw new RangeError(`${v} is not an integer`);
  return BigInt(v);
}

export function attributeProto(name: string, a: Attr): AttributeProto {
  switch (a.kind) {
    case 'int': return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.INT, i: toInt64(a.value) });
    case 'ints': return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.INTS, ints: a.value.map(toInt64) });
    case 'float': return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.FLOAT, f: a.value });
    case 'string': return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.STRING, s: new TextEncoder().encode(a.value) });
  }
}

// ------------------------------------------------------------------ value infos

/** A dimension: a size, a named symbolic size, or unknown (null). */
export type Dim = number | string | null;

export function valueInfo(name: string, dtype: DType, dims: readonly Dim[]): ValueInfoProto {
  const dim = dims.map((d) =>
    create(TensorShapeProto_DimensionSchema, {
      value: typeof d === 'number' ? { case: 'dimValue', value: BigInt(d) } : typeof d === 'string' ? { case: 'dimParam', value: d } : { case: undefined },
    }),
  );
  return create(ValueInfoProtoSchema, {
    name,
    type: create(TypeProtoSchema, {
      value: { case: 'tensorType', value: create(TypeProto_TensorSchema, { elemType: ONNX_DTYPE[dtype], shape: create(TensorShapeProtoSchema, { dim }) }) },
    }),
  });
}

// ------------------------------------------------------------------ raw bytes

let littleEndian: boolean | undefined;

/** The little-endian bytes of a tensor's data (a view, no copy); ONNX raw_data is little-endian. */
export function tensorBytes(t: HostTensor): Uint8Array {
  littleEndian ??= new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
  if (!littleEndian) throw new RangeError('ONNX raw_data needs a little-endian host');
  const d = t.data;
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

// ------------------------------------------------------------------ wire format

/** Bytes of a protobuf varint (values up to 2^53). */
export function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

/** Header (tag + length) of a length-delimited field. */
export function fieldHeader(fieldNumber: number, length: number): Uint8Array {
  return Uint8Array.from([...varint(fieldNumber * 8 + 2), ...varint(length)]);
}

/** Field numbers from onnx.proto used when splicing. */
export const FIELD = { modelGraph: 7, graphInitializer: 5, tensorRawData: 9 } as const;
