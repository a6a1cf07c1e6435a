/**
 * Run ids: `configHash` of the resolved configuration of one result row, so the same question asked of
 * the same data with the same model and protocol gets the same id on every machine, and any change that
 * can move the number changes it. Hashed: the task spec's data (every field but the selection and label
 * functions, whose effect enters through the data digest), the split variant, the row kind (efficiency
 * fraction, held-out device), the model (id, embedder config hash under the task's input rules, feature
 * scaling), the probe protocol, the seeds, the interval settings, and the data digest: sha256 over every
 * record the evaluation uses with its file hash, label and fold membership.
 */
import { canonicalJson, configHash, sha256Hex } from '../util/index.ts';
import type { EvalFold } from './eval-folds.ts';
import type { FeatureScaling, RowKind } from './result-row.ts';
import { BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, CI_CONFIDENCE } from './summarise.ts';
import type { AnyTaskSpec, SplitVariant } from './task.ts';

export const RUN_FORMAT = 'pneuma-bench-run/1';

/** Everything of a TaskSpec that is data. */
export function taskIdentity(spec: AnyTaskSpec): unknown {
  const t = spec.target;
  const target = t.kind === 'binary' ? { kind: t.kind, positive: t.positive, negative: t.negative } : t.kind === 'multiclass' ? { kind: t.kind, classes: t.classes } : { kind: t.kind, unit: t.unit };
  return { id: spec.id, dataset: spec.dataset, modalities: spec.modalities, target, inputs: spec.inputs, metric: spec.metric, probe: spec.probe };
}

export interface DigestRecord {
  readonly path: string;
  readonly sha256: string;
  readonly label: number;
}

/** sha256 of the records the folds use (path, content hash, label) and of the folds themselves. */
export function dataDigest(records: readonly DigestRecord[], folds: readonly EvalFold[]): string {
  const used = folds.map((f) => ({ name: f.name, train: f.train, val: f.val, test: f.test }));
  const recs = [...new Set(folds.flatMap((f) => [...f.train, ...f.val, ...f.test]))].sort((a, b) => a - b).map((i) => {
    const r = records[i] as DigestRecord;
    return [i, r.path, r.sha256, r.label];
  });
  return sha256Hex(canonicalJson({ records: recs, folds: used }));
}

export interface RunIdParts {
  readonly spec: AnyTaskSpec;
  readonly variant: SplitVariant;
  readonly kind: RowKind;
  readonly fraction: number | null;
  readonly device: string | null;
  readonly model: { readonly id: string; readonly encoder: string; readonly configHash: string; readonly scaling: FeatureScaling };
  readonly seeds: readonly number[];
  readonly data: string;
}

export function runId(p: RunIdParts): string {
  return configHash({
    format: RUN_FORMAT,
    task: taskIdentity(p.spec),
    variant: { name: p.variant.name, policy: p.variant.policy, leak: p.variant.leak },
    kind: p.kind,
    fraction: p.fraction,
    device: p.device,
    model: p.model,
    seeds: p.seeds,
    intervals: { confidence: CI_CONFIDENCE, resamples: BOOTSTRAP_RESAMPLES, seed: BOOTSTRAP_SEED },
    data: p.data,
  });
}
