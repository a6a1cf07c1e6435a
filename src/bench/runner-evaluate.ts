/**
 * One evaluation of the runner's probe phase: a (task, split variant, model) on its main folds, or on the
 * folds of an extra evaluation (a data-efficiency fraction, a held-out device). Records without an
 * embedding are left out (`n_failed`), the probe job runs on the given executor, and the predictions are
 * summarised into a ResultRow with its run id and, for binary tasks, the ROC curve.
 */
import { PneumaError } from '../util/index.ts';
import { EFFICIENCY_FRACTIONS } from './efficiency.ts';
import { type EvalFold, efficiencyFolds, restrictFolds, unseenDeviceFolds, usedRecords } from './eval-folds.ts';
import { type ProbeExecutor, type ProbeSet, probeSpecOf } from './evaluate.ts';
import { publishedFor } from './published.ts';
import { RESULT_ROW_FORMAT, type ResultRow, type RowKind } from './result-row.ts';
import { dataDigest, runId, type RunIdParts } from './run-id.ts';
import type { EmbeddingPhase } from './runner-embed.ts';
import type { PreparedTask, PreparedVariant } from './runner-prepare.ts';
import type { BenchModel, CachedEmbedding, RocCurve, RunOptions } from './runner-types.ts';
import { summarise } from './summarise.ts';
import { matrix } from './stats-matrix.ts';

export interface Evaluation {
  readonly kind: RowKind;
  readonly split: string;
  /** Derived when the evaluation runs, so an impossible subset fails that evaluation only. */
  readonly folds: () => readonly EvalFold[];
  readonly fraction: number | null;
  readonly device: string | null;
}

function probeSet(t: PreparedTask, emb: readonly (CachedEmbedding | null)[], dim: number): ProbeSet {
  const x = matrix(t.resolved.records.length, dim);
  emb.forEach((e, i) => {
    if (e?.ok) x.data.set(e.vector, i * dim);
  });
  return { x, y: Float64Array.from(t.resolved.records, (r) => r.label), subjects: t.resolved.records.map((r) => r.record.subject) };
}

export function extraEvaluations(t: PreparedTask, pv: PreparedVariant, folds: readonly EvalFold[], o: RunOptions): Evaluation[] {
  const out: Evaluation[] = [];
  const name = pv.variant.name;
  if (o.efficiency) {
    const labels = t.spec.target.kind === 'regression' ? null : Float64Array.from(t.resolved.records, (r) => r.label);
    const subjects = t.resolved.records.map((r) => r.record.subject);
    for (const fraction of EFFICIENCY_FRACTIONS) {
      const f = fraction === 1 ? () => folds : () => efficiencyFolds(t.spec.id, folds, fraction, labels, subjects);
      out.push({ kind: 'efficiency', split: name, folds: f, fraction, device: null });
    }
  }
  if (o.unseenDevice) {
    const devices = [...new Set(usedRecords(folds).map((i) => t.devices[i]).filter((d): d is string => d !== null && d !== undefined))].sort();
    if (devices.length >= 2) {
      for (const d of devices) out.push({ kind: 'unseen-device', split: `${name}/unseen-device:${d}`, folds: () => unseenDeviceFolds(folds, t.devices, d), fraction: null, device: d });
    }
  }
  return out;
}

export interface Evaluated {
  readonly row: ResultRow;
  readonly roc: RocCurve | null;
  readonly id: RunIdParts;
  /** Probe fits that stopped before their tolerance. */
  readonly unconverged: number;
}

/** Probes one evaluation of a (task, variant, model) through `probes` and builds its row. */
export async function evaluate(
  t: PreparedTask,
  pv: PreparedVariant,
  ev: Evaluation,
  model: BenchModel,
  mi: number,
  ti: number,
  phase: EmbeddingPhase,
  seeds: readonly number[],
  probes: ProbeExecutor,
): Promise<Evaluated> {
  const emb = phase.embeddings[mi]?.[ti] ?? [];
  const ok = (i: number): boolean => emb[i]?.ok === true;
  const evFolds = ev.folds();
  const nFailed = usedRecords(evFolds).filter((i) => !ok(i)).length;
  const folds = restrictFolds(evFolds, ok).filter((f) => f.train.length > 0 && f.test.length > 0);
  if (folds.length === 0) throw new PneumaError('no-data', `task '${t.spec.id}' split '${ev.split}' model '${model.id}': no fold has both training and test records with embeddings`);
  const set = probeSet(t, emb, model.embedder.dim);
  const runs = await probes.run({ ctx: { spec: probeSpecOf(t.spec), split: ev.split, model: model.id, scaling: model.scaling }, set, folds, seeds });
  const s = summarise(t.spec.id, t.spec.metric, runs, set.y, seeds, pv.resolved.assignment.kind === 'folds');
  const hashes = phase.fileHashes[ti] ?? [];
  const digest = dataDigest(t.resolved.records.map((r, i) => ({ path: r.record.path, sha256: hashes[i] ?? '', label: r.label })), folds);
  const configHash = phase.configHashes[mi]?.[ti] ?? '';
  const idParts: RunIdParts = {
    spec: t.spec,
    variant: pv.variant,
    kind: ev.kind,
    fraction: ev.fraction,
    device: ev.device,
    model: { id: model.id, encoder: model.embedder.id, configHash, scaling: model.scaling },
    seeds,
    data: digest,
  };
  const id = runId(idParts);
  const leak = pv.resolved.leakage;
  const trainRecords = new Set(folds.flatMap((f) => [...f.train, ...f.val]));
  const row: ResultRow = {
    format: RESULT_ROW_FORMAT,
    run_id: id,
    kind: ev.kind,
    task: t.spec.id,
    title: t.spec.title,
    dataset: t.spec.dataset,
    model: model.id,
    encoder: model.embedder.id,
    model_config_hash: configHash,
    split: ev.split,
    leak: leak.status === 'declared-leak',
    leak_status: leak.status,
    leak_reason: leak.declaredReason,
    metric: t.spec.metric,
    mean: s.mean,
    std: s.std,
    ci95: s.ci95,
    ci95_method: s.ciMethod,
    pooled: s.pooled,
    auprc: s.auprc,
    seeds,
    values: s.values,
    folds: s.folds,
    n_train: trainRecords.size,
    n_test: s.nTest,
    n_missing: pv.resolved.missingFiles.length,
    n_failed: nFailed,
    probe: t.spec.probe.kind,
    scaling: model.scaling,
    fraction: ev.fraction,
    device: ev.device,
    published: ev.kind === 'main' ? publishedFor(t.spec, model.embedder.id, ev.split) : null,
    confounds: t.spec.confounds,
  };
  const unconverged = runs.reduce((n, r) => n + r.unconverged, 0);
  return { row, roc: s.roc === null ? null : { run_id: id, fpr: s.roc.fpr, tpr: s.roc.tpr }, id: idParts, unconverged };
}

/** The efficiency point at 100 % is the main evaluation, reported again under its own run id. */
export function fullData(main: Evaluated): Evaluated {
  const id: RunIdParts = { ...main.id, kind: 'efficiency', fraction: 1 };
  return { row: { ...main.row, run_id: runId(id), kind: 'efficiency', fraction: 1, published: null }, roc: null, id, unconverged: 0 };
}
