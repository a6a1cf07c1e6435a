/**
 * Global pooling helpers: spatial pooling of [N, C, …] feature maps (AdaptiveAvgPool2d(1) + flatten) and
 * token pooling of [B, N, C] sequences (class token, mean of tokens).
 */
import type { GraphBuilder, Value } from '../ir/index.ts';
import { GraphBuildError } from '../ir/index.ts';
import { fmtShape } from '../util/index.ts';

function spatialAxes(x: Value, what: string): number[] {
  if (x.rank < 3) throw new GraphBuildError(`${what}: expects [N, C, …spatial], got ${fmtShape(x.shape)}`);
  return x.shape.map((_, i) => i).slice(2);
}

/** Mean over every axis after the channel axis: [N, C, …] → [N, C]. */
export function globalAvgPool(b: GraphBuilder, x: Value): Value {
  return b.mean(x, spatialAxes(x, 'globalAvgPool'));
}

/** Max over every axis after the channel axis: [N, C, …] → [N, C]. */
export function globalMaxPool(b: GraphBuilder, x: Value): Value {
  return b.reduceMax(x, spatialAxes(x, 'globalMaxPool'));
}

/** The first token: [B, N, C] → [B, C]. */
export function clsToken(b: GraphBuilder, x: Value): Value {
  if (x.rank !== 3) throw new GraphBuildError(`clsToken: expects [B, N, C], got ${fmtShape(x.shape)}`);
  return b.reshape(b.slice(x, 1, 0, 1), [0, -1]);
}

/** Mean over tokens [from, N): [B, N, C] → [B, C] (from = 1 skips a class token). */
export function meanTokens(b: GraphBuilder, x: Value, from = 0): Value {
  if (x.rank !== 3) throw new GraphBuildError(`meanTokens: expects [B, N, C], got ${fmtShape(x.shape)}`);
  if (!Number.isInteger(from) || from < 0 || from >= (x.shape[1] as number)) throw new GraphBuildError(`meanTokens: start ${from} outside ${x.shape[1]} tokens`);
  return b.mean(from === 0 ? x : b.slice(x, 1, from, x.shape[1] as number), [1]);
}
