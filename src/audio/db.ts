/**
 * Power → decibels, librosa 0.10.1 `power_to_db` semantics:
 *   S_db = 10·log10(max(amin, S)) − 10·log10(max(amin, ref)),
 * with ref = max(S) ('max', librosa `ref=np.max`) or a fixed value, then, when topDb is a number,
 *   S_db = max(S_db, max(S_db) − topDb).
 */
import { FrontEndError, requireFinite } from './frontend-errors.ts';

export type DbReference = { readonly kind: 'max' } | { readonly kind: 'value'; readonly value: number };

export interface PowerToDbParams {
  readonly ref: DbReference;
  /** Floor applied to S and to the reference before the logarithm (librosa amin, > 0). */
  readonly amin: number;
  /** Dynamic range kept below the peak in dB, or null for no clipping. */
  readonly topDb: number | null;
}

/** Converts `s` to dB in place (length ≥ 1). */
export function powerToDbInPlace(s: Float64Array, p: PowerToDbParams): void {
  const where = 'powerToDb';
  requireFinite(where, 'amin', p.amin, true);
  if (p.topDb !== null && !(Number.isFinite(p.topDb) && p.topDb >= 0)) {
    throw new FrontEndError(where, `topDb must be a non-negative number or null, got ${p.topDb}`);
  }
  const n = s.length;
  if (n === 0) throw new FrontEndError(where, 'empty input');
  let ref: number;
  if (p.ref.kind === 'max') {
    ref = -Infinity;
    for (let i = 0; i < n; i++) if ((s[i] as number) > ref) ref = s[i] as number;
  } else {
    requireFinite(where, 'ref.value', p.ref.value, true);
    ref = p.ref.value;
  }
  const refDb = 10.0 * Math.log10(Math.max(p.amin, ref));
  let peak = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = 10.0 * Math.log10(Math.max(p.amin, s[i] as number)) - refDb;
    s[i] = v;
    if (v > peak) peak = v;
  }
  if (p.topDb !== null) {
    const lo = peak - p.topDb;
    for (let i = 0; i < n; i++) if ((s[i] as number) < lo) s[i] = lo;
  }
}
