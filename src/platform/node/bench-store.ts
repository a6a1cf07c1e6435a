/**
 * Recordings of a data root on disk for the benchmark runner: `<root>/<dataset>/<manifest path>`, paths
 * joined verbatim (dataset file names contain commas and trailing spaces). File hashes are sha256 of the
 * bytes, computed once per file and run; audio is decoded and resampled by `loadMono` with the given
 * resampler quality, in the main thread or, with a loader pool, in worker threads (the same samples), so
 * that decoding the next recording overlaps the inference of the current one.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordingStore } from '../../bench/runner-types.ts';
import { RESAMPLE_PRESETS, type ResampleQuality } from '../../audio/resample.ts';
import type { DatasetId } from '../../data/dataset-id.ts';
import { loadMono } from './audio-file.ts';
import type { MonoLoaderPool } from './mono-loader-pool.ts';
import { FileError } from './fs.ts';

export class NodeRecordingStore implements RecordingStore {
  readonly resample: { readonly quality: ResampleQuality; readonly kernel: unknown };
  private readonly hashes = new Map<string, string>();

  constructor(
    readonly root: string,
    readonly quality: ResampleQuality,
    private readonly pool: MonoLoaderPool | null = null,
  ) {
    this.resample = { quality, kernel: RESAMPLE_PRESETS[quality] };
  }

  pathOf(dataset: DatasetId, path: string): string {
    return join(this.root, dataset, ...path.split('/'));
  }

  async fileHash(dataset: DatasetId, path: string): Promise<string> {
    const full = this.pathOf(dataset, path);
    const known = this.hashes.get(full);
    if (known !== undefined) return known;
    let bytes;
    try {
      bytes = await readFile(full);
    } catch (e) {
      throw new FileError(full, 'cannot read', { cause: e });
    }
    const h = createHash('sha256').update(bytes).digest('hex');
    this.hashes.set(full, h);
    return h;
  }

  load(dataset: DatasetId, path: string, sampleRate: number): Promise<Float32Array> {
    const full = this.pathOf(dataset, path);
    return this.pool ? this.pool.load(full, sampleRate, this.quality) : loadMono(full, sampleRate, { quality: this.quality });
  }
}
