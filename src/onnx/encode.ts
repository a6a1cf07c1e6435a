/**
 * Encoding a lowered graph as ONNX ModelProto bytes. The small parts (nodes, value infos, tensor
 * headers) are encoded with @bufbuild/protobuf; tensor payloads are spliced in as raw_data fields so
 * each byte is copied exactly once into the output, which keeps models of hundreds of MB cheap.
 * Large initializers can instead live in an external data blob (ONNX external data: `location`,
 * `offset`, `length` entries, data_location = EXTERNAL); offsets of tensors of 1 MiB or more are
 * aligned to 64 KiB as the ONNX Python helpers do, others to 64 bytes.
 */
import { create, toBinary } from '@bufbuild/protobuf';
import {
  GraphProtoSchema, ModelProtoSchema, NodeProtoSchema, OperatorSetIdProtoSchema, StringStringEntryProtoSchema,
  TensorProtoSchema, TensorProto_DataLocation,
} from 'onnx-buf';
import { OnnxExportError } from './errors.ts';
import type { LoweredInitializer, LoweredNode, LoweredValue } from './lower-context.ts';
import { ONNX_IR_VERSION, ONNX_OPSET, ONNX_PRODUCER } from './opset.ts';
import { FIELD, ONNX_DTYPE, attributeProto, fieldHeader, tensorBytes, valueInfo } from './proto.ts';
import { irDType } from '../ir/index.ts';

export interface ExternalDataOptions {
  /** Initializers of at least this many bytes go to the external blob. */
  threshold: number;
  /** File name the model refers to (relative to the model file). Default 'model.onnx.data'. */
  location?: string;
}

export interface EncodedWithExternalData {
  readonly model: Uint8Array;
  readonly data: Uint8Array;
  /** The name the model uses for `data`; ORT needs it as the external-data path. */
  readonly location: string;
}

export interface LoweredParts {
  readonly nodes: readonly LoweredNode[];
  readonly initializers: readonly LoweredInitializer[];
  readonly inputs: readonly LoweredValue[];
  readonly outputs: readonly LoweredValue[];
}

export interface ModelMeta {
  readonly name: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/** protobuf messages are limited to 2 GiB − 1 bytes. */
const PROTOBUF_LIMIT = 2 ** 31 - 1;
const BIG_TENSOR = 1 << 20;

export function encodeModel(m: LoweredParts, meta: ModelMeta): Uint8Array;
export function encodeModel(m: LoweredParts, meta: ModelMeta, ext: ExternalDataOptions): EncodedWithExternalData;
export function encodeModel(m: LoweredParts, meta: ModelMeta, ext?: ExternalDataOptions): Uint8Array | EncodedWithExternalData {
  if (ext && !(Number.isFinite(ext.threshold) && ext.threshold >= 0)) throw new OnnxExportError(`externalData.threshold must be a non-negative number of bytes, got ${ext.threshold}`);
  const location = ext?.location ?? 'model.onnx.data';
  if (ext && (location.length === 0 || location.includes('..'))) throw new OnnxExportError(`externalData.location '${location}' must be a plain relative file name`);

  const graph = create(GraphProtoSchema, {
    name: meta.name,
    node: m.nodes.map((n) =>
      create(NodeProtoSchema, {
        name: n.name,
        opType: n.opType,
        input: [...n.inputs],
        output: [...n.outputs],
        attribute: Object.entries(n.attrs).map(([k, a]) => attributeProto(k, a)),
      }),
    ),
    input: m.inputs.map((v) => valueInfo(v.name, v.dtype, v.dims)),
    output: m.outputs.map((v) => valueInfo(v.name, v.dtype, v.dims)),
  });
  const model = create(ModelProtoSchema, {
    irVersion: BigInt(ONNX_IR_VERSION),
    opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: BigInt(ONNX_OPSET) })],
    producerName: ONNX_PRODUCER,
    metadataProps: Object.entries(meta.metadata).map(([key, value]) => create(StringStringEntryProtoSchema, { key, value })),
  });

  // Plan the initializers: spliced inline (header + raw bytes) or external (header only).
  interface Entry { head: Uint8Array; raw: Uint8Array | null; length: number; }
  const entries: Entry[] = [];
  const external: { bytes: Uint8Array; offset: number }[] = [];
  let dataSize = 0;
  for (const init of m.initializers) {
    const bytes = tensorBytes(init.tensor);
    const header = {
      name: init.name,
      dims: init.tensor.shape.map((d) => BigInt(d)),
      dataType: ONNX_DTYPE[irDType(init.tensor.dtype)],
    };
    if (ext && bytes.length >= ext.threshold) {
      const align = bytes.length >= BIG_TENSOR ? 65536 : 64;
      const offset = Math.ceil(dataSize / align) * align;
      dataSize = offset + bytes.length;
      external.push({ bytes, offset });
      const kv = (key: string, value: string) => create(StringStringEntryProtoSchema, { key, value });
      const head = toBinary(TensorProtoSchema, create(TensorProtoSchema, {
        ...header,
        dataLocation: TensorProto_DataLocation.EXTERNAL,
        externalData: [kv('location', location), kv('offset', String(offset)), kv('length', String(bytes.length))],
      }));
      entries.push({ head, raw: null, length: head.length });
    } else {
      const head = toBinary(TensorProtoSchema, create(TensorProtoSchema, header));
      const rawHead = fieldHeader(FIELD.tensorRawData, bytes.length);
      const joined = new Uint8Array(head.length + rawHead.length);
      joined.set(head);
      joined.set(rawHead, head.length);
      entries.push({ head: joined, raw: bytes, length: joined.length + bytes.length });
    }
  }

  const graphHead = toBinary(GraphProtoSchema, graph);
  const entryHeads = entries.map((e) => fieldHeader(FIELD.graphInitializer, e.length));
  const graphLength = graphHead.length + entries.reduce((s, e, i) => s + (entryHeads[i] as Uint8Array).length + e.length, 0);
  const modelHead = toBinary(ModelProtoSchema, model);
  const graphField = fieldHeader(FIELD.modelGraph, graphLength);
  const total = modelHead.length + graphField.length + graphLength;
  if (total > PROTOBUF_LIMIT) {
    throw new OnnxExportError(`model is ${total} bytes, over the 2 GiB protobuf limit; export with externalData to move large initializers out`);
  }

  const out = new Uint8Array(total);
  let at = 0;
  const put = (b: Uint8Array): void => {
    out.set(b, at);
    at += b.length;
  };
  put(modelHead);
  put(graphField);
  put(graphHead);
  entries.forEach((e, i) => {
    put(entryHeads[i] as Uint8Array);
    put(e.head);
    if (e.raw) put(e.raw);
  });
  if (at !== total) throw new OnnxExportError(`internal: encoded ${at} of ${total} bytes`);
  if (!ext) return out;

  const data = new Uint8Array(dataSize);
  for (const x of external) data.set(x.bytes, x.offset);
  return { model: out, data, location };
}
