/**
 * Typed errors. Every error Pneuma raises on purpose is a PneumaError with a stable `code`,
 * so callers (CLI batch commands, the benchmark runner) can report and continue.
 */
export class PneumaError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A broken internal invariant: a bug in Pneuma, never a user error. */
export class InvariantError extends PneumaError {
  constructor(message: string) {
    super('invariant', message);
  }
}

export function assert(cond: unknown, message: string | (() => string)): asserts cond {
  if (!cond) throw new InvariantError(typeof message === 'function' ? message() : message);
}

/** Exhaustiveness helper for switches over closed unions. */
export function unreachable(x: never, what = 'value'): never {
  throw new InvariantError(`unexpected ${what}: ${String(x)}`);
}
