/**
 * One training batch from stored spectrograms, with every draw from the batch's own stream (sampler.ts),
 * item by item in batch order:
 *   segment  a recording with several segments (HeAR's 2-s clips) contributes one, int(u·n);
 *   COLA     the two views of `colaViewsInto` (row mask, two crops, two gains)    → x1, x2 [B, frames, F]
 *   MAE      `cropOrPadInto` to `frames` (random crop when longer, zeros appended when shorter) → x, then
 *            the per-sample patch masks of `drawMaeMasks` for the whole batch → ids_keep, ids_restore, mask.
 */
import { type HostTensor, tensor } from '../tensor/index.ts';
import type { Rng } from '../util/index.ts';
import { colaViewsInto, cropOrPadInto } from './augment.ts';
import type { ObjectiveConfig } from './config.ts';
import { drawMaeMasks } from './mae.ts';
import { COLA_INPUTS, MAE_INPUTS } from './pretrain-step.ts';
import type { StoredSegment } from './corpus.ts';
import { CorpusError } from './errors.ts';

export interface BatchRecipe {
  readonly objective: ObjectiveConfig;
  /** Crop (COLA) or crop/pad (MAE) length. */
  readonly frames: number;
  readonly bins: number;
  /** MAE patches L of a `frames`-frame input (ignored by COLA). */
  readonly patches: number;
}

/** Reads a stored segment's values [frames, bins]. */
export type SegmentReader = (segment: StoredSegment) => Float32Array;

export function assembleBatch(items: readonly (readonly StoredSegment[])[], read: SegmentReader, recipe: BatchRecipe, rng: Rng): Record<string, HostTensor> {
  const B = items.length;
  const { frames: T, bins: F, objective } = recipe;
  const pick = (segments: readonly StoredSegment[], i: number): HostTensor<'float32'> => {
    if (segments.length === 0) throw new CorpusError(`batch item ${i} has no spectrogram`);
    const s = segments.length === 1 ? (segments[0] as StoredSegment) : (segments[Math.trunc(rng.uniform() * segments.length)] as StoredSegment);
    return tensor('float32', [s.frames, F], read(s));
  };
  if (objective.kind === 'cola') {
    const x1 = new Float32Array(B * T * F);
    const x2 = new Float32Array(B * T * F);
    items.forEach((segs, i) => colaViewsInto(pick(segs, i), T, objective.augment, rng, x1, x2, i * T * F));
    return { [COLA_INPUTS.x1]: tensor('float32', [B, T, F], x1), [COLA_INPUTS.x2]: tensor('float32', [B, T, F], x2) };
  }
  const x = new Float32Array(B * T * F);
  items.forEach((segs, i) => cropOrPadInto(pick(segs, i), T, rng, x, i * T * F));
  const m = drawMaeMasks(B, recipe.patches, objective.maskRatio, rng);
  return {
    [MAE_INPUTS.x]: tensor('float32', [B, T, F], x),
    [MAE_INPUTS.idsKeep]: tensor('int64', [B, m.kept], m.idsKeep),
    [MAE_INPUTS.idsRestore]: tensor('int64', [B, m.patches], m.idsRestore),
    [MAE_INPUTS.mask]: tensor('float32', [B, m.patches], m.mask),
  };
}
