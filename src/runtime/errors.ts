import { PneumaError } from '../util/index.ts';
import type { ExecutionProvider } from '../onnx/opset.ts';

/** No backend could be resolved; `failures` holds each candidate's reason. */
export class BackendResolveError extends PneumaError {
  readonly failures: readonly { readonly name: string; readonly reason: string }[];
  constructor(failures: readonly { name: string; reason: string }[], requested: readonly string[] | undefined) {
    const what = requested ? `requested backends [${requested.join(', ')}]` : 'registered backends';
    const detail = failures.length === 0 ? 'none registered' : failures.map((f) => `${f.name}: ${f.reason}`).join('; ');
    super('backend-resolve', `no usable backend among ${what}: ${detail}`);
    this.failures = failures;
  }
}

/** Registering a backend conflicts with an existing registration. */
export class BackendRegistryError extends PneumaError {
  constructor(message: string) {
    super('backend-registry', message);
  }
}

/** A session could not be created (bad model, missing external data, provider failure). */
export class SessionCreateError extends PneumaError {
  constructor(backend: string, reason: string, options?: { cause?: unknown }) {
    super('session-create', `${backend}: cannot create session: ${reason}`, options);
  }
}

/** An execution provider could not start and no fallback was allowed. */
export class ProviderUnavailableError extends PneumaError {
  readonly provider: ExecutionProvider;
  readonly reason: string;
  constructor(provider: ExecutionProvider, reason: string, options?: { cause?: unknown }) {
    super('provider-unavailable', `execution provider '${provider}' is unavailable: ${reason}`, options);
    this.provider = provider;
    this.reason = reason;
  }
}

/** Feeds or requested outputs do not match the model: names the input/output and the reason. */
export class FeedError extends PneumaError {
  constructor(message: string) {
    super('feed', message);
  }
}

/** The runtime failed while running a session. */
export class SessionRunError extends PneumaError {
  constructor(backend: string, reason: string, options?: { cause?: unknown }) {
    super('session-run', `${backend}: run failed: ${reason}`, options);
  }
}
