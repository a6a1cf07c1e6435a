/**
 * Reverse-mode differentiation of IR graphs. `vjp` walks the nodes between the `wrt` values and `y` in
 * reverse topological order, sums the cotangent contributions of every node once (so shared
 * subexpressions are differentiated once) and applies its rule from `vjpRules`. The result is more IR
 * in the same builder: a gradient graph lowers to ONNX and runs like any other.
 *
 * Only float32 values carry cotangents. A value needs one when it is in `wrt` or depends on one through
 * differentiable ops; `zeroGradient` ops stop the flow, and a cotangent reaching a `nonDifferentiable`
 * op on such a path is an error naming the node.
 */
import type { GraphBuilder, Value } from '../ir/index.ts';
import { formatNode } from '../ir/print.ts';
import { PneumaError, InvariantError, fmtShape, shapeEq } from '../util/index.ts';
import { vjpRules, type VjpFn } from './vjp.ts';
import { zeros } from './shape-grad.ts';
import type { Op } from '../ir/index.ts';

export class AutodiffError extends PneumaError {
  constructor(message: string) {
    super('autodiff', message);
  }
}

/** Nodes reachable from `root`, inputs before users (iterative post-order DFS). */
function topoOrder(root: Value): Value[] {
  const order: Value[] = [];
  const seen = new Set<Value>([root]);
  const stack: { v: Value; i: number }[] = [{ v: root, i: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as { v: Value; i: number };
    if (top.i < top.v.inputs.length) {
      const child = top.v.inputs[top.i++] as Value;
      if (!seen.has(child)) {
        seen.add(child);
        stack.push({ v: child, i: 0 });
      }
    } else {
      order.push(top.v);
      stack.pop();
    }
  }
  return order;
}

function scopeLabel(v: Value): string {
  return v.scope ? `grad.${v.scope}` : 'grad';
}

/**
 * Cotangents of `wrt` given the cotangent `dy` of `y` (the vector-Jacobian product). Returns one value per
 * `wrt` entry, with its shape; zeros where `y` does not depend on it.
 */
export function vjp(b: GraphBuilder, y: Value, dy: Value, wrt: readonly Value[]): Value[] {
  if (y.dtype !== 'float32') throw new AutodiffError(`cannot differentiate ${formatNode(y)}: not float32`);
  if (dy.dtype !== 'float32' || !shapeEq(dy.shape, y.shape)) {
    throw new AutodiffError(`cotangent ${fmtShape(dy.shape)} ${dy.dtype} does not match ${formatNode(y)}`);
  }
  for (const w of wrt) {
    if (w.dtype !== 'float32') throw new AutodiffError(`cannot differentiate with respect to ${formatNode(w)}: not float32`);
  }
  const targets = new Set<Value>(wrt);
  const order = topoOrder(y);
  const needs = new Set<Value>();
  for (const v of order) {
    if (targets.has(v)) {
      needs.add(v);
      continue;
    }
    const rule = vjpRules[v.op];
    if (v.dtype !== 'float32' || (typeof rule !== 'function' && rule.kind === 'zeroGradient')) continue;
    if (v.inputs.some((u) => needs.has(u))) needs.add(v);
  }
  const contributions = new Map<Value, Value[]>([[y, [dy]]]);
  const total = new Map<Value, Value>();
  for (let i = order.length - 1; i >= 0; i--) {
    const v = order[i] as Value;
    const parts = contributions.get(v);
    if (!parts || !needs.has(v)) continue;
    contributions.delete(v);
    const g = parts.slice(1).reduce<Value>((acc, p) => b.add(acc, p), parts[0] as Value);
    total.set(v, g);
    const need = v.inputs.map((u) => needs.has(u));
    if (!need.some(Boolean)) continue;
    const rule = vjpRules[v.op];
    if (typeof rule !== 'function') {
      if (rule.kind === 'zeroGradient') continue;
      throw new AutodiffError(`${formatNode(v)}: not differentiable (${rule.reason}), but a gradient must flow through it`);
    }
    const grads = b.scope(scopeLabel(v), () => (rule as VjpFn<Op>)(b, v, g, need));
    if (grads.length !== v.inputs.length) throw new InvariantError(`VJP of ${v.op} returned ${grads.length} cotangents for ${v.inputs.length} inputs`);
    v.inputs.forEach((u, k) => {
      const gk = grads[k];
      if (!need[k] || !gk) return;
      if (!shapeEq(gk.shape, u.shape) || gk.dtype !== 'float32') {
        throw new InvariantError(`VJP of ${formatNode(v)}: cotangent ${k} is ${fmtShape(gk.shape)} ${gk.dtype}, input is ${fmtShape(u.shape)} ${u.dtype}`);
      }
      const list = contributions.get(u);
      if (list) list.push(gk);
      else contributions.set(u, [gk]);
    });
  }
  return wrt.map((w) => total.get(w) ?? zeros(b, w.shape));
}

/** Gradients of a float32 scalar `loss` with respect to each of `wrt` (zeros where the loss does not depend on it). */
export function grad(b: GraphBuilder, loss: Value, wrt: readonly Value[]): Value[] {
  if (loss.dtype !== 'float32' || loss.rank !== 0) {
    throw new AutodiffError(`loss must be a float32 scalar, got ${formatNode(loss)}`);
  }
  return vjp(b, loss, b.scalar(1), wrt);
}

/** The loss together with its gradients. */
export function valueAndGrad(b: GraphBuilder, loss: Value, wrt: readonly Value[]): { value: Value; grads: Value[] } {
  return { value: loss, grads: grad(b, loss, wrt) };
}
