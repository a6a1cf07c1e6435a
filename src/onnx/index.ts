export * from './errors.ts';
export * from './opset.ts';
export { type Attr, type Attrs, type Dim, ONNX_DTYPE, hostDType } from './proto.ts';
export * from './dynamic.ts';
export type { LowerContext, LoweredNode, LoweredValue, LoweredInitializer } from './lower-context.ts';
export * from './lower.ts';
export { encodeModel, type LoweredParts, type ModelMeta } from './encode.ts';
export * from './read.ts';
