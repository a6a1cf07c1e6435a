/**
 * Limited-memory BFGS for smooth convex objectives (Nocedal & Wright, Numerical Optimization, 2nd
 * ed., Alg. 7.4 two-loop recursion with H₀ = (sᵀy / yᵀy)·I) and a backtracking Armijo line search
 * (c₁ = 1e-4; each trial step is the minimiser of the quadratic interpolant of f along the search
 * direction, clamped to [step/10, step/2]). Near the optimum, where decreases of f fall below its
 * rounding, a step is also accepted under Hager & Zhang's approximate Wolfe conditions (SIAM J.
 * Optim. 16, 2005): f(x + αp) ≤ f(x) + 1e-12·|f(x)| and (2c₁ − 1)·φ'(0) ≥ φ'(α) ≥ 0.9·φ'(0).
 * Pairs with sᵀy ≤ 1e-12·‖s‖‖y‖ are skipped, which keeps the inverse-Hessian model positive
 * definite. If no trial step is accepted the search stops ('line-search').
 */

export interface LbfgsOptions {
  /** Number of stored (s, y) pairs. */
  readonly memory: number;
  /** Converged when the largest absolute gradient component is ≤ gtol. */
  readonly gtol: number;
  readonly maxIterations: number;
}

export type LbfgsStop = 'gradient' | 'max-iterations' | 'line-search';

export interface LbfgsResult {
  readonly x: Float64Array;
  readonly f: number;
  readonly iterations: number;
  readonly gradInfNorm: number;
  /** gradInfNorm ≤ gtol. */
  readonly converged: boolean;
  readonly stop: LbfgsStop;
}

/** `fg(x, g)` returns f(x) and writes ∇f(x) into g. x0 is not modified. */
export function minimizeLbfgs(fg: (x: Float64Array, g: Float64Array) => number, x0: Float64Array, opts: LbfgsOptions): LbfgsResult {
  const n = x0.length;
  const m = opts.memory;
  const x = x0.slice();
  const g = new Float64Array(n);
  let f = fg(x, g);
  if (!Number.isFinite(f)) throw new RangeError(`L-BFGS: objective is ${f} at the starting point`);
  const sHist: Float64Array[] = [];
  const yHist: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(m);
  const p = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  let gInf = infNorm(g);
  let it = 0;
  let stop: LbfgsStop = 'max-iterations';
  while (it < opts.maxIterations) {
    if (gInf <= opts.gtol) {
      stop = 'gradient';
      break;
    }
    for (let i = 0; i < n; i++) p[i] = -(g[i] as number);
    const k = sHist.length;
    for (let j = k - 1; j >= 0; j--) {
      const a = (rho[j] as number) * dot(sHist[j] as Float64Array, p);
      alpha[j] = a;
      axpy(-a, yHist[j] as Float64Array, p);
    }
    if (k > 0) {
      const yl = yHist[k - 1] as Float64Array;
      scale(p, dot(sHist[k - 1] as Float64Array, yl) / dot(yl, yl));
    }
    for (let j = 0; j < k; j++) {
      const b = (rho[j] as number) * dot(yHist[j] as Float64Array, p);
      axpy((alpha[j] as number) - b, sHist[j] as Float64Array, p);
    }
    let slope = dot(g, p);
    if (!(slope < 0)) {
      for (let i = 0; i < n; i++) p[i] = -(g[i] as number);
      slope = dot(g, p);
      sHist.length = 0;
      yHist.length = 0;
      rho.length = 0;
    }
    let step = k === 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
    let fNew = NaN;
    let accepted = false;
    for (let ls = 0; ls < 60; ls++) {
      for (let i = 0; i < n; i++) xNew[i] = (x[i] as number) + step * (p[i] as number);
      fNew = fg(xNew, gNew);
      if (Number.isFinite(fNew) && fNew < f && fNew <= f + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      if (Number.isFinite(fNew) && fNew <= f + 1e-12 * Math.abs(f)) {
        const dNew = dot(gNew, p);
        if (dNew <= (1 - 2e-4) * -slope && dNew >= 0.9 * slope) {
          accepted = true;
          break;
        }
      }
      const quad = Number.isFinite(fNew) ? (-slope * step * step) / (2 * (fNew - f - slope * step)) : step / 2;
      step = Math.min(step / 2, Math.max(step / 10, quad));
    }
    if (!accepted) {
      stop = 'line-search';
      break;
    }
    const s = new Float64Array(n);
    const yv = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = (xNew[i] as number) - (x[i] as number);
      yv[i] = (gNew[i] as number) - (g[i] as number);
    }
    const sy = dot(s, yv);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(yv, yv))) {
      if (sHist.length === m) {
        sHist.shift();
        yHist.shift();
        rho.shift();
      }
      sHist.push(s);
      yHist.push(yv);
      rho.push(1 / sy);
    }
    x.set(xNew);
    g.set(gNew);
    f = fNew;
    gInf = infNorm(g);
    it++;
  }
  if (stop === 'max-iterations' && gInf <= opts.gtol) stop = 'gradient';
  return { x, f, iterations: it, gradInfNorm: gInf, converged: gInf <= opts.gtol, stop };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] = (y[i] as number) + a * (x[i] as number);
}

function scale(x: Float64Array, a: number): void {
  for (let i = 0; i < x.length; i++) x[i] = (x[i] as number) * a;
}

function infNorm(g: Float64Array): number {
  let m = 0;
  for (let i = 0; i < g.length; i++) m = Math.max(m, Math.abs(g[i] as number));
  return m;
}
