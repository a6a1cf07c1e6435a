/**
 * Masked-autoencoder pieces (He et al. 2022, facebookresearch/mae `models_mae.py`; AudioMAE and OPERA's
 * `MaskedAutoencoderViTMD` use the same `random_masking` and `forward_loss`).
 *
 * Masking is drawn on the host from an explicit Rng and fed to the step as int64 inputs:
 *   per sample: noise_i ~ U[0, 1) for the L patches; ids_shuffle = argsort(noise) (ascending, stable);
 *   ids_restore = argsort(ids_shuffle); K = int(L·(1 − ratio)); ids_keep = ids_shuffle[:K] (in that order);
 *   mask_i = 1 when patch i is not kept (rank of noise_i ≥ K), else 0.
 * Loss (`forward_loss`):
 *   target = patchify(x) [B, L, P]; with norm_pix_loss, per patch (t − mean)/√(var + 1e-6) where var is
 *   torch's default unbiased variance Σ(t − mean)²/(P − 1);
 *   loss = Σ_{b,i} mask_bi · mean_p (pred − target)² / Σ mask                 (masked patches only)
 * OPERA-GT: ratio 0.7, no norm_pix_loss; HeAR (Baur et al. 2024): ratio 0.75, "normalized masked patches".
 */
import type { GraphBuilder, Value } from '../ir/index.ts';
import type { Rng } from '../util/index.ts';
import { SslConfigError } from './errors.ts';

export interface MaeMaskSpec {
  /** Fraction of patches hidden from the encoder. */
  readonly ratio: number;
}

export const OPERA_MAE_RATIO = 0.7;
export const HEAR_MAE_RATIO = 0.75;
/** MAE's norm_pix_loss guard. */
export const NORM_PIX_EPS = 1e-6;

/** Patches the encoder sees: int(L·(1 − ratio)), as Python's int() of the float product. */
export function keptPatches(patches: number, ratio: number): number {
  if (!(ratio >= 0 && ratio < 1)) throw new SslConfigError(`MAE mask ratio must be in [0, 1), got ${ratio}`);
  if (!(Number.isInteger(patches) && patches >= 1)) throw new SslConfigError(`MAE needs a positive number of patches, got ${patches}`);
  const k = Math.trunc(patches * (1 - ratio));
  if (k < 1) throw new SslConfigError(`MAE mask ratio ${ratio} keeps no patch of ${patches}`);
  return k;
}

export interface MaeMasks {
  readonly batch: number;
  readonly patches: number;
  readonly kept: number;
  /** [B, K] patch indices the encoder sees, in shuffle order. */
  readonly idsKeep: BigInt64Array;
  /** [B, L] position of each patch in the shuffled order. */
  readonly idsRestore: BigInt64Array;
  /** [B, L] 1 for hidden patches, 0 for kept ones. */
  readonly mask: Float32Array;
}

/** Draw per-sample random masks for `batch` samples of `patches` patches; L uniform draws per sample, in order. */
export function drawMaeMasks(batch: number, patches: number, ratio: number, rng: Rng): MaeMasks {
  const K = keptPatches(patches, ratio);
  const L = patches;
  const idsKeep = new BigInt64Array(batch * K);
  const idsRestore = new BigInt64Array(batch * L);
  const mask = new Float32Array(batch * L);
  const noise = new Float64Array(L);
  const order = new Int32Array(L);
  for (let s = 0; s < batch; s++) {
    for (let i = 0; i < L; i++) {
      noise[i] = rng.uniform();
      order[i] = i;
    }
    // ids_shuffle: ascending noise, ties by index (a stable argsort)
    order.sort((a, c) => (noise[a] as number) - (noise[c] as number) || a - c);
    for (let r = 0; r < L; r++) {
      const i = order[r] as number;
      idsRestore[s * L + i] = BigInt(r);
      mask[s * L + i] = r < K ? 0 : 1;
      if (r < K) idsKeep[s * K + r] = BigInt(i);
    }
  }
  return { batch, patches: L, kept: K, idsKeep, idsRestore, mask };
}

/**
 * MAE's `forward_loss`: `pred` and `target` [B, L, P], `mask` [B, L] (1 = hidden). Returns the mean over
 * hidden patches of the per-patch mean squared error, optionally against per-patch normalised targets.
 */
export function maeLoss(b: GraphBuilder, pred: Value, target: Value, mask: Value, normPixLoss: boolean): Value {
  if (pred.rank !== 3 || pred.shape.join() !== target.shape.join()) {
    throw new SslConfigError(`MAE loss: pred [${pred.shape.join(',')}] and target [${target.shape.join(',')}] must both be [B, L, P]`);
  }
  if (mask.rank !== 2 || mask.shape[0] !== pred.shape[0] || mask.shape[1] !== pred.shape[1]) {
    throw new SslConfigError(`MAE loss: mask must be [${pred.shape[0]}, ${pred.shape[1]}], got [${mask.shape.join(',')}]`);
  }
  const P = pred.shape[2] as number;
  let t = target;
  if (normPixLoss) {
    if (P < 2) throw new SslConfigError('MAE loss: per-patch normalisation needs at least 2 values per patch');
    const mean = b.mean(t, [2], true);
    const centred = b.sub(t, mean);
    const variance = b.div(b.sum(b.mul(centred, centred), [2], true), P - 1);
    t = b.div(centred, b.sqrt(b.add(variance, NORM_PIX_EPS)));
  }
  const d = b.sub(pred, t);
  const perPatch = b.mean(b.mul(d, d), [2]);
  return b.div(b.sumAll(b.mul(perPatch, mask)), b.sumAll(mask));
}
