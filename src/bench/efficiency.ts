/**
 * Data-efficiency training subsets (HeAR paper, appendix F: probes trained on 6.25, 12.5, 25, 50
 * and 100 % of the training data, "each label subsampled in the same way", all encoders on the
 * exact same subsets, always evaluated on the full test split).
 */
import type { Rng } from '../util/index.ts';
import { SplitError } from './splits.ts';

export const EFFICIENCY_FRACTIONS: readonly number[] = [0.0625, 0.125, 0.25, 0.5, 1];

export interface EfficiencySpec {
  /** Number of training rows. */
  readonly rows: number;
  /** Fractions in (0, 1]. */
  readonly fractions: readonly number[];
  /** Class label per row: subsample each label separately. Omit for regression (one stratum). */
  readonly labels?: ArrayLike<number>;
  /**
   * Participant per row: subsample whole participants (a participant's label is the last label
   * seen in row order), so grouped cross-validation inside a subset still sees whole participants.
   */
  readonly groups?: readonly string[];
}

export interface EfficiencySubset {
  readonly fraction: number;
  /** Training rows of the subset, ascending. */
  readonly rows: Int32Array;
}

/**
 * Nested, label-stratified subsets. The units (rows, or participants when `groups` is given) of
 * each stratum (ascending label value) are put in one Rng permutation; the subset at fraction f
 * keeps the first max(1, round(f·n_s)) units of every stratum of n_s units. The count grows with f,
 * so each smaller subset lies inside every larger one, and every label keeps at least one unit.
 */
export function efficiencySubsets(task: string, spec: EfficiencySpec, rng: Rng): EfficiencySubset[] {
  const { rows, fractions, labels, groups } = spec;
  if (!Number.isInteger(rows) || rows < 1) throw new SplitError(task, `efficiency subsets need at least one row, got ${rows}`);
  if (labels !== undefined && labels.length !== rows) throw new SplitError(task, `${labels.length} labels for ${rows} rows`);
  if (groups !== undefined && groups.length !== rows) throw new SplitError(task, `${groups.length} groups for ${rows} rows`);
  for (const f of fractions) {
    if (!(f > 0 && f <= 1)) throw new SplitError(task, `efficiency fraction must be in (0, 1], got ${f}`);
  }
  const unitRows: number[][] = [];
  const unitLabel: number[] = [];
  if (groups === undefined) {
    for (let r = 0; r < rows; r++) {
      unitRows.push([r]);
      unitLabel.push(labels === undefined ? 0 : (labels[r] as number));
    }
  } else {
    const index = new Map<string, number>();
    const ids = [...new Set(groups)].sort();
    ids.forEach((g, i) => {
      index.set(g, i);
      unitRows.push([]);
      unitLabel.push(0);
    });
    groups.forEach((g, r) => {
      const u = index.get(g) as number;
      (unitRows[u] as number[]).push(r);
      unitLabel[u] = labels === undefined ? 0 : (labels[r] as number);
    });
  }
  const strata = new Map<number, number[]>();
  unitLabel.forEach((y, u) => {
    const list = strata.get(y);
    if (list) list.push(u);
    else strata.set(y, [u]);
  });
  const ordered = [...strata.keys()].sort((a, b) => a - b).map((y) => rng.shuffle([...(strata.get(y) as number[])]));
  return fractions.map((fraction) => {
    const picked: number[] = [];
    for (const units of ordered) {
      const m = fraction === 1 ? units.length : Math.min(units.length, Math.max(1, Math.round(fraction * units.length)));
      for (let i = 0; i < m; i++) picked.push(...(unitRows[units[i] as number] as number[]));
    }
    return { fraction, rows: Int32Array.from(picked).sort() };
  });
}
