/**
 * Typed errors of the checkpoint readers and writers (safetensors, npz, pickle, PyTorch zip). Every
 * message starts with the file (or entry) it is about, then says what is wrong with it.
 */
import { PneumaError } from '../util/index.ts';

/** A checkpoint file that cannot be read or written: malformed, truncated, unsupported or inconsistent. */
export class CheckpointError extends PneumaError {
  readonly file: string;
  constructor(file: string, message: string, options?: { cause?: unknown }, code = 'checkpoint') {
    super(code, `${file}: ${message}`, options);
    this.file = file;
  }
}

/** A pickle stream that is malformed or exceeds the unpickler's resource bounds. */
export class PickleError extends CheckpointError {
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(file, message, options, 'pickle');
  }
}

/** A pickle that references a global able to run code (os.system, builtins.eval, …): refused outright. */
export class UnsafePickleError extends CheckpointError {
  /** `module.name` of the refused global. */
  readonly global: string;
  constructor(file: string, global: string, offset: number) {
    super(
      file,
      `refusing to load: the pickle references the global '${global}' (at byte ${offset}), which can run code; ` +
        'only tensors, containers and plain data can be loaded',
      undefined,
      'pickle-unsafe',
    );
    this.global = global;
  }
}
