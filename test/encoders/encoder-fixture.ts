/**
 * Helpers for encoder tests: reading a model fixture folder under ../shared/fixtures/models, comparing
 * tensors by their largest absolute difference, and running an encoder graph through onnxruntime-node.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Graph } from '../../src/ir/index.ts';
import { toOnnx, type DynamicAxes } from '../../src/onnx/index.ts';
import { createOrtNodeBackend } from '../../src/platform/node/index.ts';
import type { Session } from '../../src/runtime/index.ts';
import { type HostTensor, parseNpy, toFloat64 } from '../../src/tensor/index.ts';
import { fmtShape } from '../../src/util/index.ts';

export const MODEL_FIXTURES = fileURLToPath(new URL('../../../shared/fixtures/models/', import.meta.url));

/** A file of one model fixture folder. */
export function fixtureBytes(folder: string, file: string): Uint8Array {
  return new Uint8Array(readFileSync(`${MODEL_FIXTURES}${folder}/${file}`));
}

export function fixtureNpy(folder: string, file: string): HostTensor {
  return parseNpy(fixtureBytes(folder, file), `${folder}/${file}`);
}

export function fixtureJson<T>(folder: string, file: string): T {
  return JSON.parse(readFileSync(`${MODEL_FIXTURES}${folder}/${file}`, 'utf8')) as T;
}

/** One entry of a fixture's params.json. */
export interface FixtureParam {
  readonly key: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly numel: number;
}

/** max |a − e| over all elements, after checking the shapes agree. */
export function maxAbsDiff(actual: HostTensor, expected: HostTensor, what: string): number {
  assert.deepEqual([...actual.shape], [...expected.shape], `${what}: shape ${fmtShape(actual.shape)} vs ${fmtShape(expected.shape)}`);
  const a = toFloat64(actual);
  const e = toFloat64(expected);
  let worst = 0;
  for (let i = 0; i < e.length; i++) {
    const d = Math.abs((a[i] as number) - (e[i] as number));
    if (!(d <= worst)) worst = Number.isNaN(d) ? Infinity : d;
  }
  return worst;
}

/** Assert max |a − e| ≤ tol and return it. */
export function assertMaxAbs(actual: HostTensor, expected: HostTensor, tol: number, what: string): number {
  const d = maxAbsDiff(actual, expected, what);
  assert.ok(d <= tol, `${what}: max abs error ${d} > ${tol}`);
  return d;
}

/** A CPU session of `graph` with `weights` stored as initializers. */
export async function ortSession(graph: Graph, weights: ReadonlyMap<string, HostTensor>, opts: { dynamicAxes?: DynamicAxes; threads?: number } = {}): Promise<Session> {
  const model = opts.dynamicAxes ? toOnnx(graph, { weights, dynamicAxes: opts.dynamicAxes }) : toOnnx(graph, { weights });
  const backend = await createOrtNodeBackend();
  return backend.createSession(model, { threads: opts.threads ?? 1 });
}

/** A reshaped view of a tensor (same data). */
export function reshaped<T extends HostTensor>(t: T, shape: readonly number[]): T {
  assert.equal(shape.reduce((a, b) => a * b, 1), t.data.length, `reshape ${fmtShape(t.shape)} to ${fmtShape(shape)}`);
  return { ...t, shape: [...shape] };
}
