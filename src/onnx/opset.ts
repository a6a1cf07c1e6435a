/**
 * The pinned ONNX target and what each execution provider can run of it.
 *
 * Opset 18 is the lowest default-domain opset that has everything the lowering emits in its final
 * form: LayerNormalization (17), ScatterElements with reduction='add' (16), Pad with a `pads` input
 * (11), ReduceSum/ReduceMean/ReduceMax with an `axes` input (13 for ReduceSum, 18 for the others) and
 * Resize with an `axes` attribute (18). IR version 8 is the one ONNX 1.13 pairs with opset 18;
 * onnxruntime-node 1.30 reads up to IR 13.
 *
 * Only the standard domain is emitted (no com.microsoft contrib ops), so every exported model also
 * runs in onnxruntime-web.
 */
import type { DType } from '../ir/index.ts';

export const ONNX_OPSET = 18;
export const ONNX_IR_VERSION = 8;
export const ONNX_PRODUCER = 'pneuma';

/** Every ONNX operator the lowering may emit (default domain). */
export const ONNX_OPS = [
  'Neg', 'Exp', 'Log', 'Sqrt', 'Reciprocal', 'Tanh', 'Erf', 'Sigmoid', 'Abs', 'Relu', 'Sin', 'Cos', 'Floor', 'Sign', 'Clip',
  'HardSigmoid', 'HardSwish',
  'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min',
  'Equal', 'Less', 'Greater', 'Where', 'Cast',
  'MatMul', 'Conv', 'ConvTranspose', 'AveragePool', 'MaxPool',
  'Reshape', 'Transpose', 'Slice', 'Concat', 'Gather', 'GatherElements', 'ScatterElements', 'Pad', 'Expand',
  'ReduceSum', 'ReduceMean', 'ReduceMax', 'Softmax', 'LogSoftmax', 'LayerNormalization', 'BatchNormalization',
  'Resize', 'Identity', 'Shape', 'ConstantOfShape',
] as const;

export type OnnxOp = (typeof ONNX_OPS)[number];

/** Execution providers Pneuma targets: ORT's CPU EP (Node), its WebAssembly build (web) and WebGPU (both). */
export const EXECUTION_PROVIDERS = ['cpu', 'wasm', 'webgpu'] as const;
export type ExecutionProvider = (typeof EXECUTION_PROVIDERS)[number];

/** An emitted node as the support check sees it. */
export interface EmittedNode {
  readonly name: string;
  readonly opType: OnnxOp;
  /** String attributes by name (e.g. Resize `coordinate_transformation_mode`). */
  readonly strings: Readonly<Record<string, string>>;
  /** Whether the node makes its tensor smaller along some axis (Resize only; false otherwise). */
  readonly downsamples: boolean;
}

export interface ProviderSupport {
  /**
   * Whether ORT places nodes this provider has no kernel for on its CPU EP within the same session
   * (true for every ORT provider: unsupported nodes run, at the cost of device↔host copies).
   */
  readonly placesMissingOnCpu: boolean;
  /** Operators without a kernel on this provider, with the reason. */
  readonly missingOps: Readonly<Partial<Record<OnnxOp, string>>>;
  /** Element types the provider cannot hold, with the reason. */
  readonly missingDTypes: Readonly<Partial<Record<DType, string>>>;
  /** Attribute-level limits of supported kernels: a reason when `node` cannot run on the provider. */
  readonly nodeLimit: (node: EmittedNode) => string | null;
}

const noLimit = (): null => null;

/**
 * Source for 'webgpu': onnxruntime `js/web/docs/webgpu-operators.md` (generated from the WebGPU
 * kernel definitions). Not measured here: the development machine has no WebGPU adapter.
 */
const WEBGPU_TABLE = 'no kernel in ORT WebGPU operator table (js/web/docs/webgpu-operators.md)';

export const PROVIDER_SUPPORT: { readonly [P in ExecutionProvider]: ProviderSupport } = {
  cpu: { placesMissingOnCpu: true, missingOps: {}, missingDTypes: {}, nodeLimit: noLimit },
  wasm: { placesMissingOnCpu: true, missingOps: {}, missingDTypes: {}, nodeLimit: noLimit },
  webgpu: {
    placesMissingOnCpu: true,
    missingOps: {
      Sign: WEBGPU_TABLE,
      Max: WEBGPU_TABLE,
      Min: WEBGPU_TABLE,
      LogSoftmax: WEBGPU_TABLE,
      ScatterElements: WEBGPU_TABLE,
      ConstantOfShape: WEBGPU_TABLE,
      Identity: WEBGPU_TABLE,
    },
    missingDTypes: {},
    nodeLimit: (node) =>
      node.opType === 'Resize' && node.strings['coordinate_transformation_mode'] === 'align_corners' && node.downsamples
        ? 'ORT WebGPU Resize does not support align_corners with downsampling'
        : null,
  },
};

export interface SupportIssue {
  /** The emitted node, or null for a graph-wide issue (an element type). */
  readonly node: string | null;
  readonly opType: OnnxOp | null;
  readonly reason: string;
}

/** The emitted nodes a provider has no kernel for (empty when everything runs on it). */
export function providerIssues(provider: ExecutionProvider, nodes: readonly EmittedNode[], dtypes: ReadonlySet<DType>): SupportIssue[] {
  const s = PROVIDER_SUPPORT[provider];
  const issues: SupportIssue[] = [];
  for (const n of nodes) {
    const missing = s.missingOps[n.opType];
    if (missing !== undefined) {
      issues.push({ node: n.name, opType: n.opType, reason: missing });
      continue;
    }
    const limit = s.nodeLimit(n);
    if (limit !== null) issues.push({ node: n.name, opType: n.opType, reason: limit });
  }
  for (const d of dtypes) {
    const missing = s.missingDTypes[d];
    if (missing !== undefined) issues.push({ node: null, opType: null, reason: `dtype ${d}: ${missing}` });
  }
  return issues;
}
