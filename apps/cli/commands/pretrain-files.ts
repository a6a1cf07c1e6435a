/**
 * The files of a pretraining run under --out:
 *   config.json                 the resolved config, its hash and the command line
 *   corpus.json                 the corpus report (sources, exclusions, counts)
 *   metrics.jsonl               one JSON object per step ({"step", "loss", …}) and per validation ({"step", "val_loss", …})
 *   checkpoints/step-NNNNNNNN.{safetensors,json}   parameters, buffers and optimizer state; meta with step,
 *                               epoch, batch index, the random-input Rng state and the config hash
 *   checkpoints/step-NNNNNNNN.data.json            the data position (the next batch's source, cycle and slot)
 *   checkpoints/latest.json     the commit record: names the newest complete checkpoint; written last
 *   loss.svg, loss.png, weights.safetensors, encoder.safetensors, model_config.json, summary.json (at the end)
 * A checkpoint is written in full (tensors, meta, data position) before latest.json names it, each file
 * atomically, so a crash at any moment leaves the previous checkpoint named and intact; older ones are
 * removed after, keeping the newest `keep`.
 */
import { existsSync, readFileSync, readdirSync, rmSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CheckpointMeta, type TrainState, TrainCheckpointError, parseCheckpointMeta } from '../../../src/train/index.ts';
import { checkpointPaths, loadCheckpoint, saveCheckpoint } from '../../../src/platform/node/checkpoint-files.ts';
import { writeFileAtomic } from '../../../src/platform/node/index.ts';

export interface DataPosition {
  readonly step: number;
  readonly epoch: number;
  readonly batchIndex: number;
  /** The next batch: its source and where in the source's shuffled order it is. */
  readonly next: { readonly source: string; readonly cycle: number; readonly slot: number } | null;
  readonly corpus: string;
}

export type MetricLine = Record<string, number | string | null>;

const NAME = /^step-(\d{8})$/;

export class RunFiles {
  readonly checkpoints: string;
  readonly metricsPath: string;
  private readonly latestPath: string;

  constructor(readonly out: string) {
    this.checkpoints = join(out, 'checkpoints');
    this.metricsPath = join(out, 'metrics.jsonl');
    this.latestPath = join(this.checkpoints, 'latest.json');
  }

  /** The newest committed checkpoint, or null when the run has none. */
  latest(): { step: number; name: string } | null {
    if (!existsSync(this.latestPath)) return null;
    let o: { step?: unknown; checkpoint?: unknown };
    try {
      o = JSON.parse(readFileSync(this.latestPath, 'utf8')) as typeof o;
    } catch (e) {
      throw new TrainCheckpointError(this.latestPath, `not readable JSON (${(e as Error).message})`, { cause: e });
    }
    if (typeof o.checkpoint !== 'string' || !NAME.test(o.checkpoint) || typeof o.step !== 'number') throw new TrainCheckpointError(this.latestPath, 'malformed (needs "step" and "checkpoint": "step-NNNNNNNN")');
    return { step: o.step, name: o.checkpoint };
  }

  /** The config hash the newest checkpoint belongs to (its meta file), or null without a checkpoint. */
  latestConfigHash(): string | null {
    const l = this.latest();
    if (l === null) return null;
    const meta = checkpointPaths(join(this.checkpoints, l.name)).meta;
    let text: string;
    try {
      text = readFileSync(meta, 'utf8');
    } catch (e) {
      throw new TrainCheckpointError(meta, `cannot read (${(e as Error).message})`, { cause: e });
    }
    return parseCheckpointMeta(text, meta).configHash;
  }

  save(state: TrainState, configHash: string, optimizer: CheckpointMeta['optimizer'], position: DataPosition, keep: number): void {
    const name = `step-${String(state.step).padStart(8, '0')}`;
    const base = join(this.checkpoints, name);
    saveCheckpoint(base, state, { configHash, optimizer });
    writeFileAtomic(`${base}.data.json`, `${JSON.stringify(position, null, 2)}\n`);
    writeFileAtomic(this.latestPath, `${JSON.stringify({ step: state.step, checkpoint: name })}\n`);
    const names = readdirSync(this.checkpoints).map((f) => /^(step-\d{8})\.json$/.exec(f)?.[1]).filter((n): n is string => n !== undefined).sort();
    for (const old of names.slice(0, Math.max(0, names.length - keep))) {
      const p = checkpointPaths(join(this.checkpoints, old));
      for (const f of [p.tensors, p.meta, join(this.checkpoints, `${old}.data.json`)]) rmSync(f, { force: true });
    }
  }

  load(configHash: string): { state: TrainState; meta: CheckpointMeta; position: DataPosition } {
    const l = this.latest();
    if (l === null) throw new TrainCheckpointError(this.latestPath, 'no checkpoint to resume from');
    const base = join(this.checkpoints, l.name);
    const { state, meta } = loadCheckpoint(base, { configHash });
    const dataPath = `${base}.data.json`;
    let position: DataPosition;
    try {
      position = JSON.parse(readFileSync(dataPath, 'utf8')) as DataPosition;
    } catch (e) {
      throw new TrainCheckpointError(dataPath, `cannot read the data position (${(e as Error).message})`, { cause: e });
    }
    if (position.step !== meta.step || position.epoch !== meta.epoch || position.batchIndex !== meta.batchIndex) {
      throw new TrainCheckpointError(dataPath, `data position (step ${position.step}, epoch ${position.epoch}, batch ${position.batchIndex}) does not match the checkpoint (step ${meta.step}, epoch ${meta.epoch}, batch ${meta.batchIndex})`);
    }
    return { state, meta, position };
  }

  appendMetric(line: MetricLine): void {
    appendFileSync(this.metricsPath, `${JSON.stringify(line)}\n`);
  }

  /** The metric lines with step ≤ `step` (a torn last line of a killed run is dropped). */
  readMetrics(upTo = Infinity): MetricLine[] {
    if (!existsSync(this.metricsPath)) return [];
    const out: MetricLine[] = [];
    for (const text of readFileSync(this.metricsPath, 'utf8').split('\n')) {
      if (text.trim() === '') continue;
      let o: MetricLine;
      try {
        o = JSON.parse(text) as MetricLine;
      } catch {
        continue;
      }
      if (typeof o['step'] === 'number' && o['step'] <= upTo) out.push(o);
    }
    return out;
  }

  /** Rewrite metrics.jsonl with the lines up to `step` (resuming from the checkpoint at `step`). */
  truncateMetrics(step: number): MetricLine[] {
    const keep = this.readMetrics(step);
    writeFileAtomic(this.metricsPath, keep.map((o) => `${JSON.stringify(o)}\n`).join(''));
    return keep;
  }
}
