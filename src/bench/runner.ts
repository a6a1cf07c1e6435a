/**
 * The benchmark runner: tasks × models → result rows. Phases:
 *   1. prepare (runner-prepare.ts): datasets present under the data root are scanned, every task's split
 *      variants resolved, the leakage check run (an undeclared leak fails the variant), empty variants skipped;
 *   2. embed (runner-embed.ts): every needed recording once per model and input rules, through the cache;
 *   3. probe (runner-evaluate.ts): the task's protocol on every fold and seed, summarised with intervals into
 *      a `main` row per (task, variant, model); with `efficiency`, rows at 6.25 … 50 % of the training data
 *      (the 100 % point is the main row, repeated as an efficiency row); with `unseenDevice`, one row per
 *      held-out device where the records carry at least two devices. Up to `concurrency` probe jobs run at a
 *      time on the executor (in this thread by default, a worker pool on Node); rows come out in task,
 *      variant, model order whatever the concurrency, and with the same numbers.
 * A failing main evaluation (degenerate fold, probe error) is recorded as a failure naming task, split,
 * model, fold and seed, and the run goes on (`failFast` rethrows); a failing extra evaluation is recorded as
 * skipped. The summary ranks the models by mean reciprocal rank over the main rows every model scored.
 */
import { PneumaError } from '../util/index.ts';
import { localProbes } from './evaluate.ts';
import { meanReciprocalRank, type TaskScores } from './metrics-rank.ts';
import { type ResultRow, rowKey } from './result-row.ts';
import { embedTasks } from './runner-embed.ts';
import { type Evaluated, type Evaluation, evaluate, extraEvaluations, fullData } from './runner-evaluate.ts';
import { type PreparedTask, type PreparedVariant, prepareTasks } from './runner-prepare.ts';
import type { BenchModel, Failure, RocCurve, RunOptions, RunSummary, RunTiming, Skipped } from './runner-types.ts';

function rankModels(rows: readonly ResultRow[], models: readonly BenchModel[]): RunSummary['mrr'] {
  if (models.length < 2) return null;
  const byKey = new Map<string, ResultRow[]>();
  for (const r of rows) {
    if (r.kind !== 'main') continue;
    const k = rowKey(r);
    byKey.set(k, [...(byKey.get(k) ?? []), r]);
  }
  const scores: TaskScores[] = [];
  for (const [k, rs] of byKey) {
    if (rs.length !== models.length) continue;
    scores.push({ task: k, metric: (rs[0] as ResultRow).metric, values: Object.fromEntries(rs.map((r) => [r.model, r.mean])) });
  }
  return scores.length === 0 ? null : { ...meanReciprocalRank(scores), tasks: scores.map((s) => s.task) };
}

/** One probe job of the run, in output order. */
interface Unit {
  readonly t: PreparedTask;
  readonly ti: number;
  readonly pv: PreparedVariant;
  readonly model: BenchModel;
  readonly mi: number;
  readonly ev: Evaluation;
}

type Outcome = { readonly ok: true; readonly value: Evaluated; readonly seconds: number } | { readonly ok: false; readonly error: unknown; readonly seconds: number };

/** Runs `jobs` with at most `limit` in flight; after `stop()` returns true no new job starts. */
async function settleAll(jobs: readonly (() => Promise<Evaluated>)[], limit: number, stop: (k: number, o: Outcome) => boolean): Promise<(Outcome | null)[]> {
  const out: (Outcome | null)[] = jobs.map(() => null);
  let next = 0;
  let halted = false;
  const lane = async (): Promise<void> => {
    while (!halted && next < jobs.length) {
      const k = next++;
      const started = performance.now();
      let o: Outcome;
      try {
        o = { ok: true, value: await (jobs[k] as () => Promise<Evaluated>)(), seconds: (performance.now() - started) / 1000 };
      } catch (error) {
        o = { ok: false, error, seconds: (performance.now() - started) / 1000 };
      }
      out[k] = o;
      if (stop(k, o)) halted = true;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, jobs.length)) }, lane));
  return out;
}

export async function runBenchmark(o: RunOptions): Promise<RunSummary> {
  const log = o.log ?? (() => {});
  const ids = o.models.map((m) => m.id);
  if (new Set(ids).size !== ids.length) throw new PneumaError('bench-config', `model ids must be distinct, got ${ids.join(', ')}`);
  const concurrency = o.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new PneumaError('bench-config', `concurrency must be a positive integer, got ${concurrency}`);
  const probes = o.probes ?? localProbes;
  const t0 = performance.now();
  const prep = await prepareTasks(o.tasks, o.data, o.splits, o.failFast === true, o.excludeSubjects ?? []);
  const prepare = (performance.now() - t0) / 1000;
  for (const s of prep.skipped) log(`skipped ${s.task}${s.split ? ` / ${s.split}` : ''}: ${s.reason}`);
  for (const f of prep.failures) log(`failed ${f.task} / ${f.split}: ${f.message}`);
  const phase = await embedTasks(prep.tasks, o.models, o.recordings, o.cache, o.progress, log);

  const units: Unit[] = [];
  for (const [ti, t] of prep.tasks.entries()) {
    for (const pv of t.variants) {
      for (const [mi, model] of o.models.entries()) {
        units.push({ t, ti, pv, model, mi, ev: { kind: 'main', split: pv.variant.name, folds: () => pv.folds, fraction: null, device: null } });
        for (const ev of extraEvaluations(t, pv, pv.folds, o)) if (!(ev.kind === 'efficiency' && ev.fraction === 1)) units.push({ t, ti, pv, model, mi, ev });
      }
    }
  }
  const bar = o.progress?.('probe', units.length);
  let outcomes: (Outcome | null)[];
  try {
    outcomes = await settleAll(
      units.map((u) => () => evaluate(u.t, u.pv, u.ev, u.model, u.mi, u.ti, phase, o.seeds ?? u.t.spec.seeds, probes)),
      concurrency,
      (k, out) => {
        bar?.tick(1, { task: (units[k] as Unit).t.spec.id });
        return !out.ok && (o.failFast === true || !(out.error instanceof PneumaError)) && (units[k] as Unit).ev.kind === 'main';
      },
    );
  } finally {
    bar?.stop();
  }

  const rows: ResultRow[] = [];
  const roc: RocCurve[] = [];
  const skipped: Skipped[] = [...prep.skipped];
  const failures: Failure[] = [...prep.failures];
  const warnings: string[] = [...prep.warnings];
  const seconds = new Map<string, RunTiming['probe'][number]>();
  let mainRun: Evaluated | null = null;
  for (const [k, u] of units.entries()) {
    const out = outcomes[k];
    const { t, pv, model, ev } = u;
    if (out === null || out === undefined) continue;
    if (!out.ok && (!(out.error instanceof PneumaError) || o.failFast)) throw out.error;
    const key = `${t.spec.id}\u0000${pv.variant.name}\u0000${model.id}`;
    const time = seconds.get(key);
    seconds.set(key, { task: t.spec.id, split: pv.variant.name, model: model.id, seconds: (time?.seconds ?? 0) + out.seconds });
    if (ev.kind === 'main') {
      mainRun = out.ok ? out.value : null;
      if (!out.ok) {
        const e = out.error as PneumaError;
        failures.push({ task: t.spec.id, split: pv.variant.name, model: model.id, code: e.code, message: e.message });
        log(`failed ${t.spec.id} / ${pv.variant.name} / ${model.id}: ${e.message}`);
        continue;
      }
      rows.push(out.value.row);
      if (out.value.roc) roc.push(out.value.roc);
      if (out.value.unconverged > 0) warnings.push(`task '${t.spec.id}' split '${pv.variant.name}' model '${model.id}': ${out.value.unconverged} probe fit(s) stopped before the solver tolerance`);
      if (o.efficiency) rows.push(fullData(out.value).row);
      continue;
    }
    if (mainRun === null) continue;
    if (out.ok) rows.push(out.value.row);
    else skipped.push({ task: t.spec.id, split: ev.split, model: model.id, kind: ev.kind, reason: `${ev.fraction !== null ? `fraction ${ev.fraction}: ` : ''}${(out.error as PneumaError).message}` });
  }
  return {
    tasks: o.tasks.map((t) => ({ id: t.id, title: t.title, dataset: t.dataset, metric: t.metric, published: t.published, confounds: t.confounds })),
    rows: orderEfficiency(rows),
    roc,
    skipped,
    failures,
    mrr: rankModels(rows, o.models),
    datasets: prep.datasets,
    excludedSubjects: prep.excludedSubjects,
    embeddings: { computed: phase.computed, cached: phase.cached, failed: phase.failed },
    warnings,
    timing: { prepare, embed: phase.seconds, probe: [...seconds.values()] },
  };
}

/** Efficiency rows of one (task, split, model) in increasing fraction (the 100 % row is emitted with the main row). */
function orderEfficiency(rows: readonly ResultRow[]): ResultRow[] {
  const out: ResultRow[] = [];
  let k = 0;
  while (k < rows.length) {
    const r = rows[k] as ResultRow;
    if (r.kind !== 'efficiency') {
      out.push(r);
      k++;
      continue;
    }
    let j = k;
    while (j < rows.length && (rows[j] as ResultRow).kind === 'efficiency') j++;
    out.push(...rows.slice(k, j).sort((a, b) => (a.fraction as number) - (b.fraction as number)));
    k = j;
  }
  return out;
}
