/**
 * Host-side index tables of Swin / HTS-AT window attention (microsoft/Swin-Transformer as HTS-AT's
 * `htsat.py` uses it, OPERA @ 3622310): window partition, cyclic shift, relative-position index and the
 * shifted-window attention mask, all as plain integer maps computed once when a graph is built.
 *
 * Token orders. A grid of H×W tokens is stored row-major (token n = row·W + col). A *window order* is the
 * sequence in which `window_partition(torch.roll(x, (−s, −s), (1, 2)), win)` lists the tokens: position
 * p = ((wr·nWc + wc)·win + a)·win + b (window row wr, window column wc, row a and column b inside the
 * window) holds the token at row (wr·win + a + s) mod H, column (wc·win + b + s) mod W. `window_reverse`
 * followed by the opposite roll is the inverse permutation. Because LayerNorm, the MLP and the residual
 * adds act on each token alone, a block can run entirely in its window order; the graph only permutes
 * tokens (one Gather) when consecutive blocks use different orders, and PatchMerging gathers its 2×2
 * neighbourhoods straight from the previous order into the next stage's order.
 */
import { type HostTensor, tensor } from '../tensor/index.ts';
import { InvariantError, PneumaError } from '../util/index.ts';

/** An HTS-AT / Swin configuration whose geometry does not work out (the encoder wraps it in its own error). */
export class HtsatShapeError extends PneumaError {
  constructor(message: string) {
    super('htsat-shape', message);
  }
}

/** A permutation of row-major token indices: `order[p]` is the token stored at position p. */
export type TokenOrder = Int32Array;

/** Swin's geometry of one block: grid, effective window and shift. */
export interface WindowGeometry {
  readonly h: number;
  readonly w: number;
  readonly win: number;
  readonly shift: number;
}

/**
 * SwinTransformerBlock's rule: when min(H, W) ≤ window, the window becomes min(H, W) and the shift 0
 * (one window covers the grid). The grid must split into whole windows.
 */
export function blockGeometry(h: number, w: number, window: number, shift: number): WindowGeometry {
  const m = Math.min(h, w);
  const g = m <= window ? { h, w, win: m, shift: 0 } : { h, w, win: window, shift };
  if (g.h % g.win !== 0 || g.w % g.win !== 0) throw new HtsatShapeError(`a ${h}×${w} token grid does not split into ${g.win}×${g.win} windows`);
  if (g.shift < 0 || g.shift >= g.win) throw new HtsatShapeError(`shift ${g.shift} must be in [0, ${g.win})`);
  return g;
}

export function numWindows(g: WindowGeometry): number {
  return (g.h / g.win) * (g.w / g.win);
}

/** The window order of a (shifted) grid; see the file comment. */
export function windowOrder(g: WindowGeometry): TokenOrder {
  const { h, w, win, shift } = g;
  const nWc = w / win;
  const out = new Int32Array(h * w);
  let p = 0;
  for (let wr = 0; wr < h / win; wr++) {
    for (let wc = 0; wc < nWc; wc++) {
      for (let a = 0; a < win; a++) {
        for (let b = 0; b < win; b++) out[p++] = ((wr * win + a + shift) % h) * w + ((wc * win + b + shift) % w);
      }
    }
  }
  return out;
}

/** The row-major order of an H×W grid (the identity permutation). */
export function rowMajorOrder(n: number): TokenOrder {
  return Int32Array.from({ length: n }, (_, i) => i);
}

export function inverseOrder(order: TokenOrder): Int32Array {
  const inv = new Int32Array(order.length).fill(-1);
  order.forEach((t, p) => {
    inv[t] = p;
  });
  if (inv.some((v) => v < 0)) throw new InvariantError('token order is not a permutation');
  return inv;
}

export function sameOrder(a: TokenOrder, b: TokenOrder): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Gather indices that turn a sequence stored in order `from` into order `to`: g[p] = from⁻¹[to[p]]. */
export function reorderIndex(from: TokenOrder, to: TokenOrder): HostTensor<'int64'> {
  if (from.length !== to.length) throw new InvariantError(`reorder between ${from.length} and ${to.length} tokens`);
  const inv = inverseOrder(from);
  return tensor('int64', [to.length], BigInt64Array.from(to, (t) => BigInt(inv[t] as number)));
}

/**
 * PatchMerging as one gather: from a sequence over an H×W grid stored in order `from`, the tokens for
 * output position q (order `to` over the H/2 × W/2 grid, token (i, j)) and slot k are the inputs
 * x[2i+dy, 2j+dx] with (dy, dx) = (0,0), (1,0), (0,1), (1,1) — the `cat([x0, x1, x2, x3], −1)` order of
 * `x[:, 0::2, 0::2]`, `x[:, 1::2, 0::2]`, `x[:, 0::2, 1::2]`, `x[:, 1::2, 1::2]`. Index shape [H·W],
 * position q·4 + k, so gathering then reshaping to [B, H·W/4, 4C] gives the concatenated features.
 */
export function mergeIndex(h: number, w: number, from: TokenOrder, to: TokenOrder): HostTensor<'int64'> {
  if (h % 2 !== 0 || w % 2 !== 0) throw new HtsatShapeError(`PatchMerging needs an even grid, got ${h}×${w}`);
  const w2 = w / 2;
  if (from.length !== h * w || to.length !== (h / 2) * w2) throw new InvariantError('merge orders do not match the grid');
  const inv = inverseOrder(from);
  const offsets = [[0, 0], [1, 0], [0, 1], [1, 1]] as const;
  const out = new BigInt64Array(h * w);
  to.forEach((t, q) => {
    const i = Math.floor(t / w2);
    const j = t % w2;
    offsets.forEach(([dy, dx], k) => {
      out[q * 4 + k] = BigInt(inv[(2 * i + dy) * w + (2 * j + dx)] as number);
    });
  });
  return tensor('int64', [h * w], out);
}

/**
 * WindowAttention's `relative_position_index` [win², win²]: for tokens i = (ai, bi) and j = (aj, bj) of a
 * window, (ai − aj + win − 1)·(2·win − 1) + (bi − bj + win − 1), an index into the (2·win − 1)² rows of
 * `relative_position_bias_table`.
 */
export function relativePositionIndex(win: number): HostTensor<'int64'> {
  const n = win * win;
  const out = new BigInt64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const dr = Math.floor(i / win) - Math.floor(j / win) + win - 1;
      const dc = (i % win) - (j % win) + win - 1;
      out[i * n + j] = BigInt(dr * (2 * win - 1) + dc);
    }
  }
  return tensor('int64', [n, n], out);
}

/**
 * SwinTransformerBlock's `attn_mask` [nW, win², win²] for a shifted block: the H×W grid (in shifted
 * coordinates) is cut into the regions rows [0, H−win), [H−win, H−s), [H−s, H) × the same for columns,
 * labelled 0…8 row-major; within each window, a pair of tokens from different regions gets −100, a pair
 * from the same region 0.
 */
export function shiftedWindowMask(g: WindowGeometry): HostTensor<'float32'> {
  const { h, w, win, shift } = g;
  if (shift === 0) throw new InvariantError('an unshifted block has no attention mask');
  const band = (x: number, size: number) => (x < size - win ? 0 : x < size - shift ? 1 : 2);
  const n = win * win;
  const nW = numWindows(g);
  const nWc = w / win;
  const out = new Float32Array(nW * n * n);
  const label = new Int32Array(n);
  for (let wi = 0; wi < nW; wi++) {
    const r0 = Math.floor(wi / nWc) * win;
    const c0 = (wi % nWc) * win;
    for (let p = 0; p < n; p++) label[p] = band(r0 + Math.floor(p / win), h) * 3 + band(c0 + (p % win), w);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) out[(wi * n + i) * n + j] = label[i] === label[j] ? 0 : -100;
    }
  }
  return tensor('float32', [nW, n, n], out);
}
