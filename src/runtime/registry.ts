/**
 * Backend registry with priorities (ONNX Runtime JS's `registerBackend` / `resolveBackend` pattern,
 * js/common/lib/backend-impl.ts): platforms register factories under names; resolving tries the
 * requested names in order (or all names by descending priority) and returns the first backend that
 * initialises and reports itself available, collecting every failed candidate's reason otherwise.
 * Initialisation runs once per name; its result (backend or failure) is cached.
 */
import type { ExecutionBackend } from './backend.ts';
import { BackendRegistryError, BackendResolveError } from './errors.ts';

export type BackendFactory = () => ExecutionBackend | Promise<ExecutionBackend>;

interface Entry {
  readonly factory: BackendFactory;
  readonly priority: number;
  readonly order: number;
  init?: Promise<{ ok: true; backend: ExecutionBackend } | { ok: false; reason: string }>;
}

export class BackendRegistry {
  private readonly entries = new Map<string, Entry>();
  private counter = 0;

  /**
   * Register `factory` under `name`. A higher priority replaces an existing registration, a lower
   * one is ignored, and the same priority with a different factory is an error.
   */
  register(name: string, factory: BackendFactory, priority: number): void {
    if (!name) throw new BackendRegistryError('backend name must be non-empty');
    if (!Number.isFinite(priority)) throw new BackendRegistryError(`backend '${name}': priority must be a finite number, got ${priority}`);
    const prev = this.entries.get(name);
    if (prev) {
      if (prev.factory === factory && prev.priority === priority) return;
      if (prev.priority > priority) return;
      if (prev.priority === priority) throw new BackendRegistryError(`backend '${name}' is already registered with priority ${priority}`);
    }
    this.entries.set(name, { factory, priority, order: this.counter++ });
  }

  /** Registered names, highest priority first (ties in registration order). */
  names(): string[] {
    return [...this.entries].sort(([, a], [, b]) => b.priority - a.priority || a.order - b.order).map(([n]) => n);
  }

  /** The first usable backend among `names` (in that order) or among all registered ones. */
  async resolve(names?: readonly string[]): Promise<ExecutionBackend> {
    const candidates = names && names.length > 0 ? names : this.names();
    const failures: { name: string; reason: string }[] = [];
    for (const name of candidates) {
      const entry = this.entries.get(name);
      if (!entry) {
        failures.push({ name, reason: 'not registered' });
        continue;
      }
      entry.init ??= initialise(entry.factory);
      const r = await entry.init;
      if (r.ok) return r.backend;
      failures.push({ name, reason: r.reason });
    }
    throw new BackendResolveError(failures, names && names.length > 0 ? names : undefined);
  }
}

async function initialise(factory: BackendFactory): Promise<{ ok: true; backend: ExecutionBackend } | { ok: false; reason: string }> {
  try {
    const backend = await factory();
    if (!(await backend.available())) return { ok: false, reason: `backend '${backend.name}' is not available on this platform` };
    return { ok: true, backend };
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
}

/** The process-wide registry used by apps; tests create their own `BackendRegistry`. */
export const defaultRegistry = new BackendRegistry();

export function registerBackend(name: string, factory: BackendFactory, priority: number): void {
  defaultRegistry.register(name, factory, priority);
}

export function resolveBackend(names?: readonly string[]): Promise<ExecutionBackend> {
  return defaultRegistry.resolve(names);
}
