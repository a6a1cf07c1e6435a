/**
 * Platform-neutral execution interfaces (after ONNX Runtime JS's common package: interfaces here,
 * implementations under src/platform/). A backend turns ONNX model bytes into sessions; a session
 * runs host tensors in and host tensors out. Nothing here imports a runtime.
 */
import type { HostTensor } from '../tensor/index.ts';
import type { ExecutionProvider } from '../onnx/opset.ts';
import type { TensorSpec } from '../onnx/read.ts';

export type OptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';

/** An external data blob, named by the `location` the model refers to. */
export interface ExternalDataFile {
  readonly path: string;
  readonly data: Uint8Array;
}

export interface SessionOptions {
  /** Intra-op threads; 0 or absent lets the runtime choose (all cores). */
  threads?: number;
  /** External data the model refers to (see `toOnnx({ externalData })`). */
  externalData?: readonly ExternalDataFile[];
  /**
   * Graph optimisation level. 'basic' keeps the graph in standard ONNX ops; 'extended' and 'all'
   * may fuse into runtime-specific kernels. Backends default to 'all'.
   */
  optimization?: OptimizationLevel;
  /**
   * Execution providers in order of preference. Providers after the first are explicit fallbacks:
   * if the first cannot start, the session is created on the next one and the reason is reported in
   * `Session.fallbacks`. Absent: the backend's default (CPU).
   */
  executionProviders?: readonly ExecutionProvider[];
}

/** A provider that could not start, and the provider used instead. */
export interface ProviderFallback {
  readonly from: ExecutionProvider;
  readonly to: ExecutionProvider;
  readonly reason: string;
}

export interface RunOptions {
  /** Only compute these outputs (default: all). */
  outputs?: readonly string[];
  /**
   * Output buffers to write into, by output name; the same tensor objects are returned. Their
   * dtype and shape must match the output.
   */
  preallocated?: Readonly<Record<string, HostTensor>>;
}

export interface Session {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Declared inputs and outputs (symbolic dims as names). */
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  /** The provider the session runs on. */
  readonly provider: ExecutionProvider;
  /** Providers tried before `provider`, with the reason each could not start. */
  readonly fallbacks: readonly ProviderFallback[];
  run(feeds: Readonly<Record<string, HostTensor>>, opts?: RunOptions): Promise<Record<string, HostTensor>>;
  /** Free the session's resources; using it afterwards is an error. */
  release(): Promise<void>;
}

export interface ExecutionBackend {
  readonly name: string;
  /** Whether the backend can create sessions here (its runtime loads). */
  available(): Promise<boolean>;
  createSession(model: Uint8Array, opts?: SessionOptions): Promise<Session>;
}
