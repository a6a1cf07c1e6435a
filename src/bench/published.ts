/**
 * Published numbers beside ours: a row gets the publication's mean ± std when the task has a published
 * table, the row is the split the publication evaluated on (`opera-as-used`), and the model is the same
 * method or a comparable one. Comparability is a stated judgement, carried in the row.
 */
import type { PublishedNumber } from './result-row.ts';
import type { AnyTaskSpec } from './task.ts';

/** The split variant OPERA's published numbers were computed on. */
export const PUBLISHED_SPLIT = 'opera-as-used';

const COMPARABLE: Readonly<Record<string, { readonly method: string; readonly comparable: string }>> = {
  'opera-ce': { method: 'opera-ce', comparable: 'the same encoder (OPERA-CE); same when run with the released encoder-operaCE.ckpt' },
  'opera-ct': { method: 'opera-ct', comparable: 'the same encoder (OPERA-CT); same when run with the released encoder-operaCT.ckpt' },
  'opera-gt': { method: 'opera-gt', comparable: 'the same encoder (OPERA-GT); same when run with the released encoder-operaGT.ckpt' },
  handcrafted: {
    method: 'opensmile',
    comparable: 'a handcrafted functionals baseline; OPERA used openSMILE emobase (988 functionals), Pneuma 429 MFCC and spectral functionals',
  },
};

/** The published number for `encoder` on this task and split, or null. */
export function publishedFor(spec: AnyTaskSpec, encoder: string, split: string): PublishedNumber | null {
  const p = spec.published;
  const c = COMPARABLE[encoder];
  if (p === null || c === undefined || split !== PUBLISHED_SPLIT || p.metric !== spec.metric) return null;
  const r = p.results[c.method];
  return r === undefined ? null : { source: p.source, method: c.method, mean: r.mean, std: r.std, comparable: c.comparable };
}
