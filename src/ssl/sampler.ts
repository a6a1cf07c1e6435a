/**
 * Multi-source batching as OPERA's pretraining does it (src/pretrain/{cola,mae}_training.py, src/model/
 * models_cola.py `ColaMD.training_step`): one DataLoader per source with shuffling, combined by Lightning's
 * `CombinedLoader(loaders, 'max_size_cycle')`, which yields one batch of every source per step (shorter
 * sources restart with a new shuffle); the step keeps one of them, drawn by
 * `random.choices(sources, weights=num_batch)`, so every batch holds one source's recordings and a source is
 * drawn with probability proportional to its number of batches. An epoch is the longest source's number of
 * batches.
 *
 * Here every batch is a pure function of the run seed and its position (epoch e, index i), so a resumed run
 * sees exactly the batches and augmentations it would have seen:
 *   source     s = bisect_right(cumsum(n), u·Σn) with u from the stream ('source', e, i) (random.choices' rule);
 *   cycle      c = ⌊i / n_s⌋, slot i mod n_s;
 *   order      a permutation of the source's training items from the stream ('order', e, s, c);
 *   items      order[slot·B, (slot + 1)·B) (drop_last: n_s = ⌊items/B⌋, as OPERA's MAE loaders; COLA's keep
 *              the last partial batch, which a static-shape step cannot take, so it is dropped here too and
 *              its items are seen in other epochs);
 *   augment    the stream ('augment', e, i) draws every crop, mask, gain and MAE mask of the batch.
 * Streams are `Rng.seeded` from the first 32 bits of SHA-256 over the stream's name, the seed and the integers.
 */
import { Rng, sha256Hex } from '../util/index.ts';
import { CorpusError } from './errors.ts';

/** A seeded stream named by (name, seed, integers): independent of every other name and position. */
export function streamRng(name: string, seed: number, ...at: readonly number[]): Rng {
  return Rng.seeded(Number.parseInt(sha256Hex(`${name}/${seed}/${at.join('/')}`).slice(0, 8), 16));
}

/** `random.choices(range(n), weights)[0]` for one uniform u: bisect_right(cum_weights, u·total). */
export function chooseWeighted(weights: readonly number[], u: number): number {
  let total = 0;
  for (const w of weights) total += w;
  const x = u * total;
  let acc = 0;
  for (let i = 0; i < weights.length; i++) {
    acc += weights[i] as number;
    if (x < acc) return i;
  }
  return weights.length - 1;
}

export interface SamplerSource {
  readonly name: string;
  /** Training items of the source (indices the caller resolves). */
  readonly items: number;
}

export interface BatchPlan {
  readonly epoch: number;
  readonly index: number;
  readonly source: number;
  /** Pass over the source within the epoch (0 for the longest source). */
  readonly cycle: number;
  /** Batch of the source within the cycle. */
  readonly slot: number;
  /** Item indices (0 … items − 1 of the source), in batch order. */
  readonly items: readonly number[];
}

export class SourceSampler {
  /** ⌊items/B⌋ per source (OPERA's num_batch). */
  readonly batchesPerSource: readonly number[];
  /** max over sources: the length of an epoch in steps. */
  readonly batchesPerEpoch: number;
  private readonly orders = new Map<string, Int32Array>();

  constructor(
    readonly sources: readonly SamplerSource[],
    readonly batchSize: number,
    readonly seed: number,
  ) {
    if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new CorpusError(`batch size must be a positive integer, got ${batchSize}`);
    if (sources.length === 0) throw new CorpusError('no source to sample from');
    this.batchesPerSource = sources.map((s) => Math.floor(s.items / batchSize));
    const empty = sources.filter((_, k) => this.batchesPerSource[k] === 0);
    if (empty.length > 0) {
      throw new CorpusError(`source(s) ${empty.map((s) => `'${s.name}' (${s.items} training recordings)`).join(', ')} hold fewer training recordings than one batch of ${batchSize}`);
    }
    this.batchesPerEpoch = Math.max(...this.batchesPerSource);
  }

  /** The source of batch (epoch, index). */
  sourceOf(epoch: number, index: number): number {
    return chooseWeighted(this.batchesPerSource, streamRng('source', this.seed, epoch, index).uniform());
  }

  private order(epoch: number, source: number, cycle: number): Int32Array {
    const key = `${epoch}/${source}/${cycle}`;
    let o = this.orders.get(key);
    if (!o) {
      o = Int32Array.from(streamRng('order', this.seed, epoch, source, cycle).permutation((this.sources[source] as SamplerSource).items));
      if (this.orders.size > 64) this.orders.clear();
      this.orders.set(key, o);
    }
    return o;
  }

  plan(epoch: number, index: number): BatchPlan {
    if (!(Number.isInteger(epoch) && epoch >= 0 && Number.isInteger(index) && index >= 0 && index < this.batchesPerEpoch)) {
      throw new CorpusError(`batch (${epoch}, ${index}) is outside an epoch of ${this.batchesPerEpoch} batches`);
    }
    const source = this.sourceOf(epoch, index);
    const n = this.batchesPerSource[source] as number;
    const cycle = Math.floor(index / n);
    const slot = index % n;
    const order = this.order(epoch, source, cycle);
    const items = Array.from(order.subarray(slot * this.batchSize, (slot + 1) * this.batchSize));
    return { epoch, index, source, cycle, slot, items };
  }

  /** The augmentation stream of batch (epoch, index). */
  augmentRng(epoch: number, index: number): Rng {
    return streamRng('augment', this.seed, epoch, index);
  }
}

/**
 * Validation batches of a source with `items` held-out recordings: batches of min(batchSize, items) (the last
 * partial batch dropped); none when that is below `minBatch` (COLA needs 2: the other items are the negatives).
 * Each validation batch draws its augmentation from the stream ('validation-batch', seed, source, k), so the
 * validation loss is a function of the weights only.
 */
export function validationBatching(items: number, batchSize: number, minBatch: number): { size: number; batches: number } {
  const size = Math.min(batchSize, items);
  if (size < minBatch || size < 1) return { size: 0, batches: 0 };
  return { size, batches: Math.floor(items / size) };
}
