/**
 * Every dataset adapter, keyed by DatasetId. The `satisfies` clause makes the table exhaustive:
 * adding an id to DATASET_IDS without an adapter (or the reverse) does not compile.
 */
import type { DatasetAdapter } from './adapter.ts';
import type { DatasetId } from './dataset-id.ts';
import type { AnyLabelSchema } from './manifest.ts';
import { kauh } from './adapters/kauh/index.ts';
import { icbhi } from './adapters/icbhi/index.ts';
import { covid19Cough } from './adapters/covid19-cough/index.ts';
import { coswara } from './adapters/coswara/index.ts';
import { coughvid } from './adapters/coughvid/index.ts';
import { ukcovid } from './adapters/ukcovid/index.ts';
import { covid19sounds } from './adapters/covid19sounds/index.ts';
import { resptr } from './adapters/resptr/index.ts';
import { ssbpr } from './adapters/ssbpr/index.ts';
import { mmlung } from './adapters/mmlung/index.ts';
import { nosemic } from './adapters/nosemic/index.ts';
import { hflung } from './adapters/hflung/index.ts';
import { flusense } from './adapters/flusense/index.ts';
import { fsd50k } from './adapters/fsd50k/index.ts';

export const adapters = {
  kauh,
  icbhi,
  'covid19-cough': covid19Cough,
  coswara,
  coughvid,
  ukcovid,
  covid19sounds,
  resptr,
  ssbpr,
  mmlung,
  nosemic,
  hflung,
  flusense,
  fsd50k,
} as const satisfies { readonly [D in DatasetId]: DatasetAdapter<D> };

const table: { readonly [D in DatasetId]: DatasetAdapter<D> } = adapters;

export function adapterFor<D extends DatasetId>(id: D): DatasetAdapter<D> {
  return table[id];
}

/** The label schema of a dataset, for validating manifests read from files. */
export function labelSchemaOf(id: DatasetId): AnyLabelSchema {
  return adapters[id].labels as unknown as AnyLabelSchema;
}
