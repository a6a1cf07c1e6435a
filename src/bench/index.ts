// The benchmark: tasks as typed data, suites, split policies, metrics with intervals, the OPERA and HeAR
// probe protocols, the runner and its reports, and the handcrafted baseline.
// Tasks and suites.
export * from './task.ts';
export * from './tasks/index.ts';
export { TaskError, type ResolvedFold, type ResolveOptions } from './tasks/resolve.ts';
// protocols.ts's OPERA_SEEDS is the same list as probe-opera-optim.ts's (OPERA linear_eval.py seeds 0-4);
// the barrel exports the probe's.
export {
  OPERA_REGRESSION_SEEDS, OPERA_SPLIT_SEED, OPERA_SEED_42, HEAR_FOLD_SEED, VAL_FROM_SPLIT, HEAR_PROBE, HEAR_WINDOWS,
  valFromTrain, operaLinear, operaRegression, operaPathA,
} from './tasks/protocols.ts';
export { OPERA_METHODS, operaPublished, type OperaMethod, type OperaTaskId } from './tasks/opera-published.ts';
export * from './suites.ts';
export * from './published.ts';
export * from './device.ts';
// Splits, statistics and metrics.
export * from './splits.ts';
export * from './efficiency.ts';
export * from './eval-folds.ts';
export * from './stats.ts';
export * from './stats-matrix.ts';
export * from './roc.ts';
export * from './metrics-error.ts';
export * from './metrics.ts';
export * from './metrics-rank.ts';
// Probes.
export * from './probe-data.ts';
export * from './probe-lbfgs.ts';
export * from './probe-logistic.ts';
export * from './probe-ridge.ts';
export * from './probe-hear.ts';
export * from './probe-opera-optim.ts';
export * from './probe-opera.ts';
export * from './probe-opera-regression.ts';
export * from './evaluate.ts';
export * from './summarise.ts';
// The runner, its result rows and reports.
export * from './embedder.ts';
export * from './runner-types.ts';
export * from './memory-cache.ts';
export { UndeclaredLeakError } from './runner-prepare.ts';
export { EMBED_CACHE_FORMAT, cacheKey } from './runner-embed.ts';
export * from './runner.ts';
export * from './result-row.ts';
export * from './run-id.ts';
export * from './report/index.ts';
export * from './baselines/index.ts';
