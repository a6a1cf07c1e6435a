/**
 * Named task suites. `opera` is OPERA's 19 tasks, `hear` the HeAR-style tasks on data Pneuma can
 * hold, `quick` a small set that runs on the development corpus (../shared/data) in minutes.
 * `example` runs on the recordings bundled under assets/examples (a KAUH and a covid19-cough subset).
 * `local` is not a fixed list: it is every task whose dataset is present under a data root.
 */
import { PneumaError } from '../util/index.ts';
import type { DatasetId } from '../data/dataset-id.ts';
import { tasks, type TaskId } from './tasks/index.ts';

export const SUITE_IDS = ['opera', 'hear', 'quick', 'example', 'local'] as const;
export type SuiteId = (typeof SUITE_IDS)[number];

export const suites = {
  opera: ['T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'T8', 'T9', 'T10', 'T11', 'T12', 'T13', 'T14', 'T15', 'T16', 'T17', 'T18', 'T19'],
  hear: [
    'hear-kauh-sex',
    'hear-kauh-age',
    'hear-kauh-diagnosis',
    'hear-covid19-cough-callcentre',
    'hear-covid19-cough-telegram',
    'hear-covid19-cough-pooled',
  ],
  quick: ['hear-kauh-sex', 'hear-covid19-cough-telegram'],
  example: ['kauh-obstructive', 'hear-covid19-cough-telegram'],
} as const satisfies Record<Exclude<SuiteId, 'local'>, readonly TaskId[]>;

export class SuiteError extends PneumaError {
  constructor(suite: string, reason: string) {
    super('suite', `suite '${suite}': ${reason}`);
  }
}

/** Every task whose dataset is in `present` (e.g. from presentDatasets(dataRoot)), in registry order. */
export function localSuite(present: ReadonlySet<DatasetId> | readonly DatasetId[]): TaskId[] {
  const have = new Set<DatasetId>(present);
  return (Object.keys(tasks) as TaskId[]).filter((id) => have.has(tasks[id].dataset));
}

/** The task ids of a suite; `local` needs the datasets present. */
export function suiteTasks(suite: SuiteId, present?: ReadonlySet<DatasetId> | readonly DatasetId[]): readonly TaskId[] {
  if (suite === 'local') {
    if (present === undefined) throw new SuiteError('local', 'needs the list of datasets present under the data root');
    return localSuite(present);
  }
  return suites[suite];
}
