/**
 * Label types per dataset: one row of this table per DatasetId (checked below), each defined next
 * to its adapter. A manifest record of dataset D carries `DatasetLabels[D]`.
 */
import type { DatasetId } from './dataset-id.ts';
import type { KauhLabels } from './adapters/kauh/index.ts';
import type { IcbhiLabels } from './adapters/icbhi/index.ts';
import type { Covid19CoughLabels } from './adapters/covid19-cough/index.ts';
import type { CoswaraLabels } from './adapters/coswara/index.ts';
import type { CoughvidLabels } from './adapters/coughvid/index.ts';
import type { UkcovidLabels } from './adapters/ukcovid/index.ts';
import type { Covid19SoundsLabels } from './adapters/covid19sounds/index.ts';
import type { ResptrLabels } from './adapters/resptr/index.ts';
import type { SsbprLabels } from './adapters/ssbpr/index.ts';
import type { MmlungLabels } from './adapters/mmlung/index.ts';
import type { NosemicLabels } from './adapters/nosemic/index.ts';
import type { HflungLabels } from './adapters/hflung/index.ts';
import type { FlusenseLabels } from './adapters/flusense/index.ts';
import type { Fsd50kLabels } from './adapters/fsd50k/index.ts';

export type DatasetLabels = {
  kauh: KauhLabels;
  icbhi: IcbhiLabels;
  'covid19-cough': Covid19CoughLabels;
  coswara: CoswaraLabels;
  coughvid: CoughvidLabels;
  ukcovid: UkcovidLabels;
  covid19sounds: Covid19SoundsLabels;
  resptr: ResptrLabels;
  ssbpr: SsbprLabels;
  mmlung: MmlungLabels;
  nosemic: NosemicLabels;
  hflung: HflungLabels;
  flusense: FlusenseLabels;
  fsd50k: Fsd50kLabels;
};

type SameKeys<A, B> = [Exclude<A, B>, Exclude<B, A>] extends [never, never] ? true : false;
/** Compile-time check: the table has exactly one row per DatasetId. */
export const LABEL_TABLE_COVERS_ALL_DATASETS: SameKeys<keyof DatasetLabels, DatasetId> = true;
