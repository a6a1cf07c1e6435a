/**
 * What the ONNX Runtime backends (onnxruntime-node, onnxruntime-web) share about tensors: the element types
 * Pneuma holds, whose ONNX Runtime names equal Pneuma's dtype names, and a session's input/output metadata as
 * a TensorSpec. Structural types only: nothing here imports a runtime package.
 */
import type { TensorSpec } from '../onnx/read.ts';
import type { TensorDType } from '../tensor/index.ts';
import { SessionCreateError } from './errors.ts';

const ELEMENT_TYPES: ReadonlySet<string> = new Set<TensorDType>(['float32', 'float64', 'float16', 'int64', 'int32', 'int16', 'int8', 'uint8', 'bool']);

/** The Pneuma dtype of an ONNX Runtime element type name, or undefined when Pneuma does not hold that type. */
export function hostDType(ortType: string): TensorDType | undefined {
  return ELEMENT_TYPES.has(ortType) ? (ortType as TensorDType) : undefined;
}

/** The ONNX Runtime element type name of a Pneuma dtype, or undefined when ONNX Runtime cannot take it. */
export function ortElementType(dtype: TensorDType): string | undefined {
  return ELEMENT_TYPES.has(dtype) ? dtype : undefined;
}

/** `InferenceSession.inputMetadata` / `outputMetadata` entries, as both runtime packages declare them. */
export type OrtValueMetadata = { readonly name: string } & (
  | { readonly isTensor: false }
  | { readonly isTensor: true; readonly type: string; readonly shape: ReadonlyArray<number | string> }
);

/** A metadata entry as a TensorSpec (symbolic '' dims → null); anything Pneuma cannot hold is a SessionCreateError. */
export function ortTensorSpec(backend: string, m: OrtValueMetadata, where: string): TensorSpec {
  if (!m.isTensor) throw new SessionCreateError(backend, `${where} '${m.name}' is not a tensor`);
  const dtype = hostDType(m.type);
  if (!dtype) throw new SessionCreateError(backend, `${where} '${m.name}' has element type ${m.type}, which Pneuma does not hold`);
  return { name: m.name, dtype, shape: m.shape.map((d) => (typeof d === 'number' ? d : d === '' ? null : d)) };
}
