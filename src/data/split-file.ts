/**
 * Committed split files (src/data/splits/, see its README.md for provenance). They are read through
 * a DirReader rooted at that folder (`committedSplitsReader()` in src/platform/node/dir-reader.ts),
 * so the platform-neutral core never touches the file system itself.
 */
import { parseCsv, type CsvTable } from './csv.ts';
import type { DirReader } from './dir-reader.ts';

export const SPLIT_FILES = [
  'kauh_t10_train_test_split.csv',
  'kauh_t10_train_test.csv',
  'icbhi_t7_split.csv',
  'opera_t1_t2_ukcovid.csv',
  'opera_t5_t6_coughvid.csv',
  'opera_t8_t9_coswara.csv',
  'opera_t11_resptr.csv',
] as const;

export type SplitFileName = (typeof SPLIT_FILES)[number];

/** Read and parse one committed split file; `required` columns must exist. */
export async function readSplitFile(splits: DirReader, file: SplitFileName, required: readonly string[]): Promise<CsvTable> {
  return parseCsv(await splits.readText(file), `${splits.location}/${file}`, { required });
}
