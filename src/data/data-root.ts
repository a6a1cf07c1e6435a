/**
 * A data root holds one folder per dataset, named by its DatasetId (as ../shared/data does).
 * These helpers find which datasets are present and scan them.
 */
import { isPresent } from './adapter.ts';
import { DATASET_IDS, type DatasetId } from './dataset-id.ts';
import { subDir, type DirReader } from './dir-reader.ts';
import type { Manifest } from './manifest.ts';
import { adapterFor, adapters } from './registry.ts';

/** Datasets whose folder exists under `dataRoot` with every required layout entry, in DATASET_IDS order. */
export async function presentDatasets(dataRoot: DirReader): Promise<DatasetId[]> {
  const out: DatasetId[] = [];
  for (const id of DATASET_IDS) {
    if (!(await dataRoot.exists(id))) continue;
    if (await isPresent(subDir(dataRoot, id), adapters[id])) out.push(id);
  }
  return out;
}

/** Scan `<dataRoot>/<id>/` with the dataset's adapter. */
export function scanDataset<D extends DatasetId>(dataRoot: DirReader, id: D): Promise<Manifest<D>> {
  return adapterFor(id).scan(subDir(dataRoot, id));
}
