/**
 * The corpus store: pretraining spectrograms computed once and reused by later runs. One folder per
 * front-end configuration (`<root>/<key>/`, key = hash of the front end, the segmentation and the
 * resampler), holding
 *   spectrograms.f32   append-only float32 data: every segment's time-major [T, F] values, back to back;
 *   index.json         the commit record: the number of float32 values committed and, per entry
 *                      (`<record key>|trim=<0|1>`), the file stamp it was computed from (size and mtime, or the
 *                      generator's parameters), the duration after trimming and each segment's (offset, frames),
 *                      or the reason it failed.
 * New data are appended, flushed (fsync), then the index is replaced atomically (writeFileAtomic), every
 * few seconds and at the end. On opening, data past the committed length (a crash between the two) are cut
 * off; a data file shorter than its index is an error. A stamp that differs (the file changed) recomputes
 * the entry. Decoding, resampling and the front end run in worker threads (corpus-store-worker.ts).
 * Writing happens under a `lock` file holding the writer's pid (a lock whose process is gone is taken over),
 * so two processes never append at once; readers need no lock, since committed data never change.
 */
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FrontEndConfig } from '../../audio/frontend.ts';
import type { ResampleQuality } from '../../audio/resample.ts';
import type { Modality } from '../../data/dataset-id.ts';
import type { CorpusSegmentation } from '../../ssl/corpus-audio.ts';
import type { CorpusRecord, StoredRecord } from '../../ssl/corpus.ts';
import { CorpusError } from '../../ssl/errors.ts';
import { configHash } from '../../util/index.ts';
import { writeFileAtomic } from './fs.ts';
import type { StoreReply, StoreRequest, StoreWorkerData } from './corpus-store-worker.ts';

export const STORE_FORMAT = 'pneuma-corpus-store/1';

export interface StoreSpec {
  readonly frontEnd: FrontEndConfig;
  readonly segmentation: CorpusSegmentation;
  readonly quality: ResampleQuality;
}

/** What to compute for one recording. */
export type StoreJob =
  | { readonly record: CorpusRecord; readonly trim: boolean; readonly file: string }
  | { readonly record: CorpusRecord; readonly trim: boolean; readonly synthetic: { readonly modality: Modality; readonly seconds: number; readonly seed: number } };

export type StoreResult = { readonly ok: true; readonly stored: StoredRecord } | { readonly ok: false; readonly record: CorpusRecord; readonly reason: string };

type Entry = [stamp: string, seconds: number, segments: [number, number][]] | [stamp: string, seconds: null, reason: string];

interface IndexFile {
  format: typeof STORE_FORMAT;
  key: string;
  spec: StoreSpec;
  bins: number;
  committed: number;
  entries: Record<string, Entry>;
}

export interface BuildOptions {
  readonly workers: number;
  readonly onProgress?: (done: number, total: number) => void;
  /** Commit interval in milliseconds (default 3000). */
  readonly commitEveryMs?: number;
}

export function storeKey(spec: StoreSpec): string {
  return configHash({ format: STORE_FORMAT, ...spec });
}

const entryId = (job: StoreJob): string => `${job.record.key}|trim=${job.trim ? 1 : 0}`;

function stampOf(job: StoreJob): string {
  if ('synthetic' in job) return `synthetic:${configHash(job.synthetic)}`;
  let st;
  try {
    st = statSync(job.file);
  } catch (e) {
    throw new CorpusError(`${job.file}: cannot stat (${(e as Error).message})`, { cause: e });
  }
  return `${st.size}:${Math.round(st.mtimeMs)}`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class CorpusStore {
  readonly key: string;
  readonly dir: string;
  private readonly dataPath: string;
  private readonly indexPath: string;
  private readonly lockPath: string;
  private index: IndexFile;
  /** Open while writing (under the lock), or for reading. */
  private fd: number | null = null;

  private constructor(root: string, readonly spec: StoreSpec) {
    this.key = storeKey(spec);
    this.dir = join(root, this.key);
    this.dataPath = join(this.dir, 'spectrograms.f32');
    this.indexPath = join(this.dir, 'index.json');
    this.lockPath = join(this.dir, 'lock');
    mkdirSync(this.dir, { recursive: true });
    this.index = this.loadIndex();
  }

  private loadIndex(): IndexFile {
    return existsSync(this.indexPath) ? this.readIndex() : { format: STORE_FORMAT, key: this.key, spec: this.spec, bins: 0, committed: 0, entries: {} };
  }

  /** Take the lock, reread the index and open the data file for appending, cutting off uncommitted bytes. */
  private beginWrite(): number {
    this.lock();
    try {
      this.index = this.loadIndex();
      const fd = openSync(this.dataPath, existsSync(this.dataPath) ? 'r+' : 'w+');
      const bytes = fstatSync(fd).size;
      const want = this.index.committed * 4;
      if (bytes < want) {
        closeSync(fd);
        throw new CorpusError(`${this.dataPath}: ${bytes} bytes, but ${this.indexPath} commits ${want}; the store is damaged (delete ${this.dir} to rebuild it)`);
      }
      if (bytes > want) ftruncateSync(fd, want);
      return fd;
    } catch (e) {
      this.unlock();
      throw e;
    }
  }

  /** Open (or create) the store for `spec` under `root`. */
  static open(root: string, spec: StoreSpec): CorpusStore {
    return new CorpusStore(root, spec);
  }

  private lock(): void {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(this.lockPath, String(process.pid), { flag: 'wx' });
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const pid = Number(readFileSync(this.lockPath, 'utf8').trim());
        if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
          throw new CorpusError(`${this.dir}: the corpus store is in use by process ${pid}`);
        }
        rmSync(this.lockPath, { force: true });
      }
    }
    throw new CorpusError(`${this.lockPath}: cannot take the store lock`);
  }

  private unlock(): void {
    rmSync(this.lockPath, { force: true });
  }

  private readIndex(): IndexFile {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.indexPath, 'utf8'));
    } catch (e) {
      throw new CorpusError(`${this.indexPath}: not readable JSON (${(e as Error).message})`, { cause: e });
    }
    const o = raw as Partial<IndexFile>;
    if (o.format !== STORE_FORMAT || o.key !== this.key || typeof o.committed !== 'number' || typeof o.entries !== 'object' || o.entries === null) {
      throw new CorpusError(`${this.indexPath}: not a ${STORE_FORMAT} index for store ${this.key}`);
    }
    return o as IndexFile;
  }

  get bins(): number {
    return this.index.bins;
  }

  private commit(fd: number): void {
    fsyncSync(fd);
    writeFileAtomic(this.indexPath, JSON.stringify(this.index));
  }

  private append(fd: number, segments: readonly Float32Array[], frames: readonly number[], bins: number): [number, number][] {
    if (segments.length > 0) {
      if (this.index.bins === 0) this.index.bins = bins;
      else if (bins !== this.index.bins) throw new CorpusError(`${this.dir}: a spectrogram has ${bins} bins, the store holds ${this.index.bins}`);
    }
    const out: [number, number][] = [];
    for (let k = 0; k < segments.length; k++) {
      const d = segments[k] as Float32Array;
      const offset = this.index.committed;
      const bytes = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
      let done = 0;
      while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, offset * 4 + done);
      this.index.committed += d.length;
      out.push([offset, frames[k] as number]);
    }
    return out;
  }

  private result(job: StoreJob, e: Entry): StoreResult {
    if (e[1] === null) return { ok: false, record: job.record, reason: e[2] };
    return { ok: true, stored: { record: job.record, seconds: e[1], segments: e[2].map(([offset, frames]) => ({ offset, frames })) } };
  }

  /** Compute what is missing (in worker threads) and return every job's spectrograms or failure, in job order. */
  async build(jobs: readonly StoreJob[], opts: BuildOptions): Promise<StoreResult[]> {
    const stamps = jobs.map(stampOf);
    const pending = jobs.map((_, i) => i).filter((i) => {
      const e = this.index.entries[entryId(jobs[i] as StoreJob)];
      return !e || e[0] !== stamps[i];
    });
    let done = jobs.length - pending.length;
    opts.onProgress?.(done, jobs.length);
    if (pending.length > 0) {
      const fd = this.beginWrite();
      try {
        // another process may have computed some entries since the index was read
        const still = pending.filter((i) => {
          const e = this.index.entries[entryId(jobs[i] as StoreJob)];
          return !e || e[0] !== stamps[i];
        });
        done += pending.length - still.length;
        await this.compute(fd, jobs, stamps, still, opts, () => opts.onProgress?.(++done, jobs.length));
      } finally {
        closeSync(fd);
        this.unlock();
      }
    }
    return jobs.map((job) => this.result(job, this.index.entries[entryId(job)] as Entry));
  }

  private async compute(fd: number, jobs: readonly StoreJob[], stamps: readonly string[], pending: readonly number[], opts: BuildOptions, tick: () => void): Promise<void> {
    if (pending.length === 0) return;
    const n = Math.max(1, Math.min(opts.workers, pending.length));
    const script = new URL('./corpus-store-worker.ts', import.meta.url).href;
    const tsx = import.meta.resolve('tsx/esm/api');
    const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(script)}); });`;
    const data: StoreWorkerData = { frontEnd: this.spec.frontEnd, segmentation: this.spec.segmentation, quality: this.spec.quality };
    const workers = Array.from({ length: n }, () => new Worker(bootstrap, { eval: true, workerData: data }));
    const every = opts.commitEveryMs ?? 3000;
    let last = Date.now();
    try {
      await new Promise<void>((resolve, reject) => {
        let next = 0;
        let finished = 0;
        const send = (w: Worker) => {
          if (next >= pending.length) return;
          const i = pending[next++] as number;
          const job = jobs[i] as StoreJob;
          const req: StoreRequest = 'synthetic' in job
            ? { id: i, kind: 'synthetic', modality: job.synthetic.modality, seconds: job.synthetic.seconds, seed: job.synthetic.seed, trim: job.trim }
            : { id: i, kind: 'file', path: job.file, trim: job.trim };
          w.postMessage(req);
        };
        for (const w of workers) {
          w.on('message', (r: StoreReply) => {
            try {
              const job = jobs[r.id] as StoreJob;
              const stamp = stamps[r.id] as string;
              this.index.entries[entryId(job)] = r.ok ? [stamp, r.seconds, this.append(fd, r.data, r.frames, r.bins)] : [stamp, null, r.reason];
              tick();
              if (Date.now() - last > every) {
                this.commit(fd);
                last = Date.now();
              }
              if (++finished === pending.length) resolve();
              else send(w);
            } catch (e) {
              reject(e);
            }
          });
          w.on('error', (e) => reject(new CorpusError(`corpus store worker failed: ${e.message}`, { cause: e })));
          send(w);
          send(w);
        }
      });
    } finally {
      this.commit(fd);
      await Promise.all(workers.map((w) => w.terminate()));
    }
  }

  /** The float32 values of a segment [frames, bins] (a fresh array). */
  read(offset: number, frames: number): Float32Array {
    this.fd ??= openSync(this.dataPath, 'r');
    const out = new Float32Array(frames * this.index.bins);
    const bytes = new Uint8Array(out.buffer);
    let done = 0;
    while (done < bytes.length) {
      const r = readSync(this.fd, bytes, done, bytes.length - done, offset * 4 + done);
      if (r === 0) throw new CorpusError(`${this.dataPath}: segment at ${offset} (${frames} frames) runs past the end of the file`);
      done += r;
    }
    return out;
  }

  /** Path of the data file (read by batch workers, which open it themselves). */
  get dataFile(): string {
    return this.dataPath;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
