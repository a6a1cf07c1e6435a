/**
 * Strict binding of checkpoint state dicts to graph parameters (the opposite of OPERA's
 * `load_state_dict(strict=False)`): every parameter must be present with its exact shape and a compatible
 * dtype, every checkpoint key must be used or explicitly ignored with a reason, and all problems are
 * reported together in one StateDictError.
 *
 * Key mapping: a checkpoint key k binds to the parameter named `prefix + k.slice(stripPrefix.length)`;
 * with `stripPrefix` set, keys that lack it are unexpected unless ignored.
 * dtypes: float32 parameters accept float32, float64, float16 and bfloat16 tensors (converted to float32);
 * int64 buffers need int64 tensors and stay int64; bool buffers need bool tensors.
 */
import type { Graph } from '../ir/index.ts';
import { type HostTensor, type TensorDType, asFloat32 } from '../tensor/index.ts';
import { fmtShape, PneumaError } from '../util/index.ts';

export interface IgnoreRule {
  /** Checkpoint keys (before prefix mapping) to drop: a RegExp, or a string matching the key or a `string.` prefix of it. */
  pattern: RegExp | string;
  /** Why these keys are not needed (kept in the code as documentation; required). */
  reason: string;
}

export interface BindOptions {
  /** Prepended to every (stripped) checkpoint key. */
  prefix?: string;
  /** Removed from the front of every checkpoint key (e.g. 'encoder.' for a Lightning module's submodule). */
  stripPrefix?: string;
  /** Keys the checkpoint stores that the graph does not use; every rule must match at least one key. */
  ignore?: readonly IgnoreRule[];
}

export class StateDictError extends PneumaError {
  constructor(
    readonly missing: readonly string[],
    readonly unexpected: readonly string[],
    readonly mismatched: readonly string[],
    readonly unusedIgnores: readonly string[],
  ) {
    const parts: string[] = [];
    const list = (xs: readonly string[]) => `${xs.slice(0, 30).join(', ')}${xs.length > 30 ? `, … (${xs.length} in all)` : ''}`;
    if (missing.length) parts.push(`${missing.length} missing: ${list(missing)}`);
    if (unexpected.length) parts.push(`${unexpected.length} unexpected: ${list(unexpected)}`);
    if (mismatched.length) parts.push(`${mismatched.length} mismatched: ${list(mismatched)}`);
    if (unusedIgnores.length) parts.push(`${unusedIgnores.length} ignore rule(s) matched no key: ${list(unusedIgnores)}`);
    super('state-dict', `state dict does not match the graph: ${parts.join('; ')}`);
  }
}

const FLOATS: ReadonlySet<TensorDType> = new Set(['float32', 'float64', 'float16', 'bfloat16']);

function matches(rule: IgnoreRule, key: string): boolean {
  return typeof rule.pattern === 'string' ? key === rule.pattern || key.startsWith(`${rule.pattern}.`) : rule.pattern.test(key);
}

/** Bind a state dict to `graph`'s parameters; returns name → tensor in parameter declaration order. */
export function bindStateDict(graph: Graph, stateDict: ReadonlyMap<string, HostTensor>, opts: BindOptions = {}): Map<string, HostTensor> {
  const prefix = opts.prefix ?? '';
  const strip = opts.stripPrefix ?? '';
  const ignore = opts.ignore ?? [];
  for (const r of ignore) if (!r.reason.trim()) throw new PneumaError('state-dict', `ignore rule ${String(r.pattern)} needs a reason`);
  const used = new Set<IgnoreRule>();
  const byName = new Map<string, { key: string; t: HostTensor }>();
  const unexpected: string[] = [];
  for (const [key, t] of stateDict) {
    const rule = ignore.find((r) => matches(r, key));
    if (rule) {
      used.add(rule);
      continue;
    }
    if (!key.startsWith(strip)) {
      unexpected.push(key);
      continue;
    }
    byName.set(prefix + key.slice(strip.length), { key, t });
  }
  const missing: string[] = [];
  const mismatched: string[] = [];
  const out = new Map<string, HostTensor>();
  const params = new Set<string>();
  for (const p of graph.params) {
    const name = p.params.name;
    params.add(name);
    const hit = byName.get(name);
    if (!hit) {
      missing.push(name);
      continue;
    }
    const { key, t } = hit;
    const label = key === name ? `'${name}'` : `'${name}' (checkpoint '${key}')`;
    if (t.shape.join() !== p.shape.join()) {
      mismatched.push(`${label} shape ${fmtShape(t.shape)}, graph ${fmtShape(p.shape)}`);
      continue;
    }
    const ok = p.dtype === 'float32' ? FLOATS.has(t.dtype) : t.dtype === p.dtype;
    if (!ok) {
      mismatched.push(`${label} dtype ${t.dtype}, graph ${p.dtype}`);
      continue;
    }
    out.set(name, p.dtype === 'float32' ? asFloat32(t) : t);
  }
  for (const [name, { key }] of byName) if (!params.has(name)) unexpected.push(key);
  const unusedIgnores = ignore.filter((r) => !used.has(r)).map((r) => String(r.pattern));
  if (missing.length || unexpected.length || mismatched.length || unusedIgnores.length) {
    throw new StateDictError(missing, unexpected, mismatched, unusedIgnores);
  }
  return out;
}

/**
 * The state dict to write for `graph` (parameter declaration order), checking that `weights` has exactly
 * the graph's parameters with their shapes and dtypes. `prefix` is prepended to every key.
 */
export function exportStateDict(graph: Graph, weights: ReadonlyMap<string, HostTensor>, opts: { prefix?: string } = {}): Map<string, HostTensor> {
  const prefix = opts.prefix ?? '';
  const missing: string[] = [];
  const mismatched: string[] = [];
  const out = new Map<string, HostTensor>();
  const params = new Set(graph.params.map((p) => p.params.name));
  for (const p of graph.params) {
    const name = p.params.name;
    const t = weights.get(name);
    if (!t) missing.push(name);
    else if (t.shape.join() !== p.shape.join()) mismatched.push(`'${name}' shape ${fmtShape(t.shape)}, graph ${fmtShape(p.shape)}`);
    else if (t.dtype !== p.dtype) mismatched.push(`'${name}' dtype ${t.dtype}, graph ${p.dtype}`);
    else out.set(prefix + name, t);
  }
  const unexpected = [...weights.keys()].filter((k) => !params.has(k));
  if (missing.length || unexpected.length || mismatched.length) throw new StateDictError(missing, unexpected, mismatched, []);
  return out;
}
