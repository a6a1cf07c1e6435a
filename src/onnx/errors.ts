import { PneumaError } from '../util/index.ts';

/** Lowering or encoding a graph failed: names the node, parameter or option and the reason. */
export class OnnxExportError extends PneumaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('onnx-export', message, options);
  }
}

/** A model could not be read: names the tensor or field and the reason. */
export class OnnxReadError extends PneumaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('onnx-read', message, options);
  }
}
