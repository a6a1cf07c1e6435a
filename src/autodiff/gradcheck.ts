/**
 * Finite-difference gradient checks on the float64 interpreter. For each element of each `wrt` leaf,
 * the central difference (L(v + eps) − L(v − eps)) / 2eps is compared with the gradient built by `grad`
 * and evaluated in the same interpreter; an element passes when |analytic − numeric| ≤ atol + rtol·|numeric|.
 * In float64, eps ≈ 1e-6 leaves a truncation error ≈ eps²·L‴ and a rounding error ≈ 1e-16/eps.
 */
import { GraphBuilder, type Value } from '../ir/index.ts';
import { evaluate } from '../ir/interp.ts';
import { formatNode } from '../ir/print.ts';
import { type HostTensor, tensor, toFloat64 } from '../tensor/index.ts';
import { Rng, type Shape, numel } from '../util/index.ts';
import { grad, AutodiffError } from './grad.ts';

export interface GradcheckOptions {
  readonly eps: number;
  readonly atol: number;
  readonly rtol: number;
  /** Check at most this many elements per `wrt` (a seeded random subset); all when absent. */
  readonly maxElements?: number;
  /** Seed of the element subset when `maxElements` applies. */
  readonly seed?: number;
}

export interface GradcheckEntry {
  /** The input or parameter name. */
  readonly name: string;
  readonly shape: Shape;
  readonly checked: number;
  readonly failures: number;
  readonly maxAbsError: number;
  /** max |a − n| / max(|n|, atol). */
  readonly maxRelError: number;
  /** The element with the largest excess over the tolerance (or the largest error when all pass). */
  readonly worst: { readonly index: number; readonly analytic: number; readonly numeric: number } | null;
}

export interface GradcheckResult {
  readonly ok: boolean;
  readonly loss: number;
  readonly entries: readonly GradcheckEntry[];
}

export interface GradcheckProblem {
  readonly loss: Value;
  /** Input or Param leaves (float32) to check. */
  readonly wrt: readonly Value[];
}

function leafName(v: Value): string {
  if (v.is('Input') || v.is('Param')) return v.params.name;
  throw new AutodiffError(`gradcheck perturbs leaves only; ${formatNode(v)} is not an Input or Param`);
}

function pickElements(n: number, opts: GradcheckOptions): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (opts.maxElements === undefined || n <= opts.maxElements) return all;
  return Rng.seeded(opts.seed ?? 0).shuffle(all).slice(0, opts.maxElements).sort((a, b) => a - b);
}

/**
 * Check the gradients of the scalar loss built by `build`. `values` holds the value of every Input and
 * Param the loss uses, by name; float values are used in float64.
 */
export function gradcheck(build: (b: GraphBuilder) => GradcheckProblem, values: Readonly<Record<string, HostTensor>>, opts: GradcheckOptions): GradcheckResult {
  const b = new GraphBuilder();
  const { loss, wrt } = build(b);
  const names = wrt.map(leafName);
  const grads = grad(b, loss, wrt);
  const outputs: Record<string, Value> = { loss };
  grads.forEach((g, i) => (outputs[`grad${i}`] = g));
  const full = b.build(outputs);
  const lossOnly = b.build({ loss });

  const inputNames = new Set(full.inputs.map((v) => v.params.name));
  const paramNames = new Set(full.params.map((v) => v.params.name));
  const current = new Map<string, HostTensor>();
  for (const [name, t] of Object.entries(values)) {
    if (inputNames.has(name) && paramNames.has(name)) throw new AutodiffError(`gradcheck: '${name}' names both an input and a parameter`);
    current.set(name, t.dtype === 'float32' || t.dtype === 'float64' ? tensor('float64', t.shape, toFloat64(t)) : t);
  }
  const run = (g: typeof full): Record<string, HostTensor> => {
    const feeds: Record<string, HostTensor> = {};
    const weights = new Map<string, HostTensor>();
    for (const [name, t] of current) {
      if (inputNames.has(name)) feeds[name] = t;
      else if (paramNames.has(name)) weights.set(name, t);
      else throw new AutodiffError(`gradcheck: '${name}' is neither an input nor a parameter of the loss graph`);
    }
    return evaluate(g, feeds, weights);
  };
  const lossValue = (): number => (run(lossOnly).loss as HostTensor<'float64'>).data[0] as number;

  const analytic = run(full);
  const entries: GradcheckEntry[] = names.map((name, wi) => {
    const base = current.get(name);
    if (!base) throw new AutodiffError(`gradcheck: no value given for '${name}'`);
    const data = base.data as Float64Array;
    const a = (analytic[`grad${wi}`] as HostTensor<'float64'>).data;
    const picked = pickElements(numel(base.shape), opts);
    let failures = 0;
    let maxAbs = 0;
    let maxRel = 0;
    let worstExcess = -Infinity;
    let worst: GradcheckEntry['worst'] = null;
    for (const j of picked) {
      const v = data[j] as number;
      data[j] = v + opts.eps;
      const fp = lossValue();
      data[j] = v - opts.eps;
      const fm = lossValue();
      data[j] = v;
      const num = (fp - fm) / (2 * opts.eps);
      const an = a[j] as number;
      const err = Math.abs(an - num);
      const excess = err - (opts.atol + opts.rtol * Math.abs(num));
      if (!(excess <= 0)) failures++;
      maxAbs = Math.max(maxAbs, Number.isNaN(err) ? Infinity : err);
      maxRel = Math.max(maxRel, Number.isNaN(err) ? Infinity : err / Math.max(Math.abs(num), opts.atol));
      const rank = Number.isNaN(excess) ? Infinity : excess;
      if (rank > worstExcess) {
        worstExcess = rank;
        worst = { index: j, analytic: an, numeric: num };
      }
    }
    return { name, shape: base.shape, checked: picked.length, failures, maxAbsError: maxAbs, maxRelError: maxRel, worst };
  });
  const lossAt = (analytic.loss as HostTensor<'float64'>).data[0] as number;
  return { ok: entries.every((e) => e.failures === 0), loss: lossAt, entries };
}

/** A one-line summary per entry, for assertion messages. */
export function formatGradcheck(r: GradcheckResult): string {
  return r.entries
    .map((e) => {
      const w = e.worst ? ` worst[${e.worst.index}] analytic ${e.worst.analytic} numeric ${e.worst.numeric}` : '';
      return `${e.name}: ${e.failures}/${e.checked} failed, max abs ${e.maxAbsError.toExponential(2)}, max rel ${e.maxRelError.toExponential(2)}${w}`;
    })
    .join('\n');
}
