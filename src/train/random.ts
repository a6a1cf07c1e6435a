/**
 * Drawing the random inputs of a step (GraphBuilder.randomInput) from a seeded Rng, element by element
 * in row-major order, one 32-bit draw per element (two per pair of normals):
 *   bernoulli  u < p ? scale : 0,          u = nextUint32()·2⁻³²
 *   uniform    low + (high − low)·u
 *   normal     Box–Muller on pairs: r = √(−2 ln u₁), u₁ = (nextUint32() + ½)·2⁻³², θ = 2π·u₂, both r·cos θ and
 *              r·sin θ are used; an odd count discards the last sine.
 * Every tensor consumes a whole number of draws and nothing is carried over, so the Rng's state alone
 * (`Rng.state()`) determines all later draws — what makes checkpoint/resume exact.
 */
import type { RandomDist } from '../ir/index.ts';
import type { Rng } from '../util/index.ts';

const INV_2_32 = 2 ** -32;

/** Fill `out` with draws of `dist`. */
export function fillRandom(out: Float32Array, dist: RandomDist, rng: Rng): void {
  const n = out.length;
  switch (dist.kind) {
    case 'bernoulli': {
      const threshold = dist.p * 2 ** 32;
      for (let i = 0; i < n; i++) out[i] = rng.nextUint32() < threshold ? dist.scale : 0;
      return;
    }
    case 'uniform': {
      const width = dist.high - dist.low;
      for (let i = 0; i < n; i++) out[i] = dist.low + width * rng.nextUint32() * INV_2_32;
      return;
    }
    case 'normal': {
      for (let i = 0; i < n; i += 2) {
        const r = Math.sqrt(-2 * Math.log((rng.nextUint32() + 0.5) * INV_2_32));
        const theta = 2 * Math.PI * rng.nextUint32() * INV_2_32;
        out[i] = r * Math.cos(theta);
        if (i + 1 < n) out[i + 1] = r * Math.sin(theta);
      }
      return;
    }
    default:
      dist satisfies never;
  }
}
