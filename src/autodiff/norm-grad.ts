/**
 * Cotangents of LayerNorm, inference BatchNorm and Resize, built from IR ops.
 *
 * LayerNorm over axes A = axis..r−1 (n elements), x̂ = (x − μ)·ρ with ρ = 1/√(σ² + eps), σ² biased:
 *   dscale = Σ_lead dy·x̂,  dbias = Σ_lead dy,  with g = dy·scale:
 *   dx = ρ·(g − mean_A(g) − x̂·mean_A(g·x̂)).
 * BatchNorm (inference, per channel c on axis 1), k = scale·ρ, ρ = 1/√(var + eps), sums over all axes but 1:
 *   dx = dy·k,  dbias = Σ dy,  dscale = ρ·Σ dy·(x − mean),  dmean = −k·Σ dy,
 *   dvar = −½·scale·ρ³·Σ dy·(x − mean).
 * Resize is linear and separable: per resized axis, dx = Mᵀ·dy along that axis (M the out×in
 * interpolation matrix of src/ir/resize-weights.ts, stored as a float64 constant).
 */
import type { GraphBuilder, Value, OpParams } from '../ir/index.ts';
import { resizeMatrix } from '../ir/resize-weights.ts';
import { normAxis } from '../util/index.ts';
import { tensor } from '../tensor/index.ts';
import { scalar64 } from './shape-grad.ts';

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

export function layerNormGrads(b: GraphBuilder, y: Value<'LayerNorm'>, dy: Value, needs: readonly boolean[]): (Value | null)[] {
  const [x, scale] = y.inputs as [Value, Value, Value];
  const ax = normAxis(y.params.axis, x.rank);
  const axes = range(ax, x.rank);
  const lead = range(0, ax);
  const xc = b.sub(x, b.mean(x, axes, true));
  const rstd = b.reciprocal(b.sqrt(b.add(b.mean(b.mul(xc, xc), axes, true), scalar64(b, y.params.eps))));
  const xhat = b.mul(xc, rstd);
  const sumLead = (v: Value): Value => (lead.length > 0 ? b.sum(v, lead, false) : v);
  let dx: Value | null = null;
  if (needs[0]) {
    const g = b.mul(dy, scale);
    const inner = b.sub(b.sub(g, b.mean(g, axes, true)), b.mul(xhat, b.mean(b.mul(g, xhat), axes, true)));
    dx = b.mul(rstd, inner);
  }
  return [dx, needs[1] ? sumLead(b.mul(dy, xhat)) : null, needs[2] ? sumLead(dy) : null];
}

export function batchNormGrads(b: GraphBuilder, y: Value<'BatchNorm'>, dy: Value, needs: readonly boolean[]): (Value | null)[] {
  const [x, scale, , mean, variance] = y.inputs as [Value, Value, Value, Value, Value];
  const c = x.shape[1] as number;
  const perChannel = x.shape.map((_, i) => (i === 1 ? c : 1));
  const bc = (v: Value): Value => b.reshape(v, perChannel);
  const red = [0, ...range(2, x.rank)];
  const rstd = b.reciprocal(b.sqrt(b.add(variance, scalar64(b, y.params.eps))));
  const k = b.mul(scale, rstd);
  const dbias = b.sum(dy, red, false);
  const needsCentred = needs[1] === true || needs[4] === true;
  const sdyxc = needsCentred ? b.sum(b.mul(dy, b.sub(x, bc(mean))), red, false) : null;
  return [
    needs[0] ? b.mul(dy, bc(k)) : null,
    needs[1] && sdyxc ? b.mul(sdyxc, rstd) : null,
    needs[2] ? dbias : null,
    needs[3] ? b.neg(b.mul(dbias, k)) : null,
    needs[4] && sdyxc ? b.mul(b.mul(sdyxc, scale), b.mul(scalar64(b, -0.5), b.mul(rstd, b.mul(rstd, rstd)))) : null,
  ];
}

export function resizeGrad(b: GraphBuilder, y: Value<'Resize'>, dy: Value): Value {
  const x = y.inputs[0] as Value;
  let g = dy;
  for (let ax = x.rank - 1; ax >= 0; ax--) {
    const inSize = x.shape[ax] as number;
    const outSize = y.shape[ax] as number;
    // sizes 0 (kept extent) and unchanged extents are the identity along the axis
    if (y.params.sizes[ax] === 0 || inSize === outSize) continue;
    const m = resizeMatrix(inSize, outSize, y.params);
    const mt = new Float64Array(inSize * outSize);
    for (let o = 0; o < outSize; o++) for (let i = 0; i < inSize; i++) mt[i * outSize + o] = m[o * inSize + i] as number;
    // leading axes are copied (Reshape 0) or broadcast by MatMul, so they may keep a dynamic extent
    const keep = new Array<number>(ax).fill(0);
    if (x.rank === 1) {
      g = b.reshape(b.matmul(b.reshape(g, [1, outSize]), b.const(tensor('float64', [outSize, inSize], m))), [inSize]);
    } else if (ax === x.rank - 1) {
      // [..., out] · M [out, in]
      g = b.matmul(g, b.const(tensor('float64', [outSize, inSize], m)));
    } else if (ax === x.rank - 2) {
      // Mᵀ [in, out] · [..., out, W]
      g = b.matmul(b.const(tensor('float64', [inSize, outSize], mt)), g);
    } else {
      const target = [...keep, inSize, ...g.shape.slice(ax + 1)];
      g = b.reshape(b.matmul(b.const(tensor('float64', [inSize, outSize], mt)), b.reshape(g, [...keep, outSize, -1])), target);
    }
  }
  return g;
}
