/**
 * A minimal ONNX reader for tests and tools: the graph's inputs and outputs with their shapes, the
 * nodes and op list, metadata, and initializers as host tensors (raw_data, the typed *_data fields,
 * or external data supplied as bytes by location).
 */
import { fromBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema, TensorProto_DataLocation, TensorProto_DataType, type TensorProto, type ValueInfoProto } from 'onnx-buf';
import { type HostTensor, type TensorDType, allocate, tensor, BYTES_PER_ELEMENT } from '../tensor/index.ts';
import { numel } from '../util/index.ts';
import { OnnxReadError } from './errors.ts';
import { type Dim, elemTypeName, hostDType } from './proto.ts';

/** A graph input or output: name, element type and dims (size, symbolic name, or null if unknown). */
export interface TensorSpec {
  readonly name: string;
  readonly dtype: TensorDType;
  readonly shape: readonly Dim[];
}

export interface ModelSignature {
  /** Inputs a caller feeds (graph inputs that are not initializers), in model order. */
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
}

export interface OnnxNodeInfo {
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

export interface OnnxModelInfo extends ModelSignature {
  readonly irVersion: number;
  readonly opsets: readonly { readonly domain: string; readonly version: number }[];
  readonly producer: string;
  readonly graphName: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly nodes: readonly OnnxNodeInfo[];
  /** Distinct op types in first-use order (`domain:Op` outside the default domain). */
  readonly ops: readonly string[];
  readonly initializers: ReadonlyMap<string, HostTensor>;
}

export interface ReadOptions {
  /** External data blobs by the `location` the model names. */
  externalData?: ReadonlyMap<string, Uint8Array>;
}

function parse(model: Uint8Array) {
  try {
    const m = fromBinary(ModelProtoSchema, model);
    if (!m.graph) throw new OnnxReadError('model has no graph');
    return { m, g: m.graph };
  } catch (e) {
    if (e instanceof OnnxReadError) throw e;
    throw new OnnxReadError(`not an ONNX ModelProto: ${(e as Error).message}`, { cause: e });
  }
}

function spec(v: ValueInfoProto, where: string): TensorSpec {
  if (v.type?.value.case !== 'tensorType') throw new OnnxReadError(`${where} '${v.name}' is not a tensor`);
  const t = v.type.value.value;
  const dtype = hostDType(t.elemType);
  if (!dtype) throw new OnnxReadError(`${where} '${v.name}' has unsupported element type ${elemTypeName(t.elemType)}`);
  const shape: Dim[] = (t.shape?.dim ?? []).map((d) =>
    d.value.case === 'dimValue' ? Number(d.value.value) : d.value.case === 'dimParam' ? d.value.value : null,
  );
  return { name: v.name, dtype, shape };
}

/** Inputs and outputs only, without decoding initializers. */
export function readSignature(model: Uint8Array): ModelSignature {
  const { g } = parse(model);
  const inits = new Set(g.initializer.map((t) => t.name));
  return {
    inputs: g.input.filter((v) => !inits.has(v.name)).map((v) => spec(v, 'input')),
    outputs: g.output.map((v) => spec(v, 'output')),
  };
}

export function readOnnx(model: Uint8Array, opts: ReadOptions = {}): OnnxModelInfo {
  const { m, g } = parse(model);
  const initializers = new Map<string, HostTensor>();
  for (const t of g.initializer) initializers.set(t.name, readTensor(t, opts.externalData));
  const ops: string[] = [];
  for (const n of g.node) {
    const op = n.domain && n.domain !== 'ai.onnx' ? `${n.domain}:${n.opType}` : n.opType;
    if (!ops.includes(op)) ops.push(op);
  }
  return {
    irVersion: Number(m.irVersion),
    opsets: m.opsetImport.map((o) => ({ domain: o.domain, version: Number(o.version) })),
    producer: m.producerName,
    graphName: g.name,
    metadata: Object.fromEntries(m.metadataProps.map((p) => [p.key, p.value])),
    inputs: g.input.filter((v) => !initializers.has(v.name)).map((v) => spec(v, 'input')),
    outputs: g.output.map((v) => spec(v, 'output')),
    nodes: g.node.map((n) => ({ name: n.name, opType: n.opType, domain: n.domain, inputs: [...n.input], outputs: [...n.output] })),
    ops,
    initializers,
  };
}

/** Decode one TensorProto into a host tensor (copied, so its TypedArray is aligned). */
export function readTensor(t: TensorProto, externalData?: ReadonlyMap<string, Uint8Array>): HostTensor {
  const dtype = hostDType(t.dataType);
  if (!dtype) throw new OnnxReadError(`initializer '${t.name}': unsupported element type ${elemTypeName(t.dataType)}`);
  const shape = t.dims.map((d) => Number(d));
  const n = numel(shape);
  const out = allocate(dtype, n);
  const expected = n * BYTES_PER_ELEMENT[dtype];
  const fromBytes = (b: Uint8Array, what: string): HostTensor => {
    if (b.length !== expected) throw new OnnxReadError(`initializer '${t.name}': ${what} has ${b.length} bytes, [${shape.join(',')}] ${dtype} needs ${expected}`);
    new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(b);
    return tensor(dtype, shape, out);
  };

  if (t.dataLocation === TensorProto_DataLocation.EXTERNAL) {
    const kv = new Map(t.externalData.map((e) => [e.key, e.value]));
    const location = kv.get('location');
    if (location === undefined) throw new OnnxReadError(`initializer '${t.name}': external data without a location`);
    const blob = externalData?.get(location);
    if (!blob) throw new OnnxReadError(`initializer '${t.name}': external data '${location}' was not supplied`);
    const offset = Number(kv.get('offset') ?? '0');
    const length = kv.has('length') ? Number(kv.get('length')) : expected;
    if (!(offset >= 0 && offset + length <= blob.length)) {
      throw new OnnxReadError(`initializer '${t.name}': bytes ${offset}..${offset + length} lie outside '${location}' (${blob.length} bytes)`);
    }
    return fromBytes(blob.subarray(offset, offset + length), `external data '${location}'`);
  }
  if (t.rawData.length > 0 || n === 0) return fromBytes(t.rawData, 'raw_data');

  const fill = (src: ArrayLike<number | bigint>, what: string): HostTensor => {
    if (src.length !== n) throw new OnnxReadError(`initializer '${t.name}': ${what} has ${src.length} values, [${shape.join(',')}] needs ${n}`);
    if (out instanceof BigInt64Array) for (let i = 0; i < n; i++) out[i] = BigInt(src[i] as number | bigint);
    else for (let i = 0; i < n; i++) (out as Float32Array)[i] = Number(src[i]);
    return tensor(dtype, shape, out);
  };
  switch (t.dataType) {
    case TensorProto_DataType.FLOAT: return fill(t.floatData, 'float_data');
    case TensorProto_DataType.DOUBLE: return fill(t.doubleData, 'double_data');
    case TensorProto_DataType.INT64: return fill(t.int64Data, 'int64_data');
    case TensorProto_DataType.INT32: case TensorProto_DataType.INT16: case TensorProto_DataType.INT8:
    case TensorProto_DataType.UINT8: case TensorProto_DataType.BOOL:
    case TensorProto_DataType.FLOAT16: case TensorProto_DataType.BFLOAT16:
      return fill(t.int32Data, 'int32_data');
    default:
      throw new OnnxReadError(`initializer '${t.name}': no data`);
  }
}
