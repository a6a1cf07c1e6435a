/**
 * Conventions shared by the nn modules. A module is a plain function `(b, name, x, cfg) → Value` that
 * declares its parameters under `<current scope>.<name>` (the PyTorch state_dict key of the submodule;
 * `null` declares them directly in the current scope) and whose mode is explicit: 'eval' (inference:
 * running statistics, no dropout) or 'train' (batch statistics with running-stat updates, random masks).
 */
import { type GraphBuilder, type Value, GraphBuildError } from '../ir/index.ts';
import { fmtShape } from '../util/index.ts';

export type Mode = 'eval' | 'train';

/** A submodule's attribute name or Sequential index; null declares into the current scope. */
export type ModuleName = string | number | null;

/** Run `fn` inside the scope `name` (or the current scope when `name` is null). */
export function inScope<T>(b: GraphBuilder, name: ModuleName, fn: () => T): T {
  return name === null ? fn() : b.scope(name, fn);
}

/** A build error naming the module's scope. */
export function moduleError(b: GraphBuilder, what: string, message: string): GraphBuildError {
  return new GraphBuildError(`${what} '${b.scopePath || '<root>'}': ${message}`);
}

/** Check the last dimension of `x`. */
export function expectLastDim(b: GraphBuilder, what: string, x: Value, dim: number): void {
  if (x.rank < 1 || x.shape[x.rank - 1] !== dim) throw moduleError(b, what, `expects last dimension ${dim}, got input ${fmtShape(x.shape)}`);
}

/** A positive integer config field. */
export function checkPositive(b: GraphBuilder, what: string, field: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw moduleError(b, what, `${field} must be a positive integer, got ${v}`);
}

/** A probability in [0, 1) (dropout rates). */
export function checkRate(b: GraphBuilder, what: string, field: string, p: number): void {
  if (!(p >= 0 && p < 1)) throw moduleError(b, what, `${field} must be in [0, 1), got ${p}`);
}

/** [a, a] for a number, the pair itself otherwise. */
export function pair(v: number | readonly [number, number]): [number, number] {
  return typeof v === 'number' ? [v, v] : [v[0], v[1]];
}
