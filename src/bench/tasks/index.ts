/**
 * Every benchmark task, keyed by its id. TaskId is derived from this table, so suites cannot name
 * a task that does not exist.
 */
import type { AnyTaskSpec } from '../task.ts';
import { T1, T2 } from './opera-ukcovid.ts';
import { T3, T4 } from './opera-covid19sounds.ts';
import { T5, T6 } from './opera-coughvid.ts';
import { T7 } from './opera-icbhi.ts';
import { T8, T9 } from './opera-coswara.ts';
import { T10 } from './opera-kauh.ts';
import { T11 } from './opera-resptr.ts';
import { T12 } from './opera-ssbpr.ts';
import { T13, T14, T15, T16, T17, T18 } from './opera-mmlung.ts';
import { T19 } from './opera-nosemic.ts';
import { hearKauhAge, hearKauhDiagnosis, hearKauhSex } from './hear-kauh.ts';
import { hearCovidCallCentre, hearCovidPooled, hearCovidTelegram } from './hear-covid19-cough.ts';
import { kauhObstructive } from './kauh-obstructive.ts';

export const tasks = {
  T1,
  T2,
  T3,
  T4,
  T5,
  T6,
  T7,
  T8,
  T9,
  T10,
  T11,
  T12,
  T13,
  T14,
  T15,
  T16,
  T17,
  T18,
  T19,
  'hear-kauh-sex': hearKauhSex,
  'hear-kauh-age': hearKauhAge,
  'hear-kauh-diagnosis': hearKauhDiagnosis,
  'kauh-obstructive': kauhObstructive,
  'hear-covid19-cough-callcentre': hearCovidCallCentre,
  'hear-covid19-cough-telegram': hearCovidTelegram,
  'hear-covid19-cough-pooled': hearCovidPooled,
} as const satisfies Record<string, AnyTaskSpec>;

export type TaskId = keyof typeof tasks;

export const TASK_IDS = Object.keys(tasks) as TaskId[];

export function isTaskId(x: string): x is TaskId {
  return Object.hasOwn(tasks, x);
}

export { resolveTask } from './resolve.ts';
export type { ResolvedTask, ResolvedRecord, ResolvedVariant, Assignment, LeakageResult } from './resolve.ts';
