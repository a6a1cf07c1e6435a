/**
 * The training loop over a runtime Session running a step from `buildTrainStep`.
 *
 * The trainer keeps one feed record for the session: parameters, buffers, optimizer state and the update
 * counter are the very tensors the session returned from the previous step (new values replace old ones
 * by reference, with no conversion or copy in JS). Random inputs are drawn from the trainer's seeded Rng
 * into buffers it owns and refills each step. A step whose loss is not finite is an error, and the
 * trainer keeps the state from before that step.
 *
 * Position: `fit` walks a `BatchSource` by (epoch, batch index); both are part of the state, together with
 * the Rng state, so `restore(state())` — or a checkpoint of it — continues with the same batches, the same
 * random draws and the same tensors.
 */
import type { Session } from '../runtime/index.ts';
import { type HostTensor, tensor, toFloat64 } from '../tensor/index.ts';
import { Rng, type RngState, fmtShape } from '../util/index.ts';
import { TrainError } from './errors.ts';
import { fillRandom } from './random.ts';
import type { EvalStepIO, TensorSlot, TrainStepIO } from './step-io.ts';

export interface TrainState {
  /** Every declared parameter and buffer, by state_dict name. */
  readonly weights: ReadonlyMap<string, HostTensor>;
  /** Optimizer state by input name (`optim/<slot>/<param>`). */
  readonly optimizer: ReadonlyMap<string, HostTensor>;
  /** Updates done. */
  readonly step: number;
  readonly epoch: number;
  /** Index of the next batch within `epoch`. */
  readonly batchIndex: number;
  /** State of the Rng that draws the random inputs. */
  readonly rng: RngState;
}

export interface StepReport {
  /** Updates done, including this one. */
  readonly step: number;
  readonly loss: number;
  /** The step's metrics by name ('lr', 'grad_norm', the caller's). */
  readonly metrics: Readonly<Record<string, number>>;
  /** Wall time of `Session.run`. */
  readonly seconds: number;
  readonly samplesPerSecond: number;
}

export interface TrainerOptions {
  /** Called after every step. */
  readonly onStep?: (r: StepReport) => void;
  /** Samples per step for throughput; default the leading dim of the first batch input. */
  readonly samplesPerStep?: number;
  /** Clock in milliseconds; default `performance.now`. */
  readonly now?: () => number;
}

/** Batches addressed by position, so that a resumed run sees the same data. */
export interface BatchSource {
  readonly batchesPerEpoch: number;
  /** Batch `index` of `epoch`; must depend on (epoch, index) only. */
  batch(epoch: number, index: number): Readonly<Record<string, HostTensor>> | Promise<Readonly<Record<string, HostTensor>>>;
}

export interface FitOptions {
  /** Stop when this many updates are done in total (counted from step 0, so resumed runs stop at the same step). */
  readonly steps: number;
  /** Call `onCheckpoint` whenever the update count is a multiple of this. */
  readonly checkpointEvery?: number;
  readonly onCheckpoint?: (state: TrainState) => void | Promise<void>;
}

/** Zero optimizer state, step 0, position (0, 0) and an Rng seeded with `seed`. */
export function initialTrainState(io: TrainStepIO, weights: ReadonlyMap<string, HostTensor>, seed: number): TrainState {
  const optimizer = new Map<string, HostTensor>();
  for (const s of io.state) optimizer.set(s.name, tensor('float32', s.shape, new Float32Array(s.shape.reduce((a, d) => a * d, 1))));
  const state: TrainState = { weights, optimizer, step: 0, epoch: 0, batchIndex: 0, rng: Rng.seeded(seed).state() };
  checkState(io, state);
  return state;
}

function checkTensor(slot: TensorSlot, t: HostTensor | undefined, what: string): void {
  if (!t) throw new TrainError(`${what}: missing '${slot.name}' (${slot.dtype} ${fmtShape(slot.shape)})`);
  if (t.dtype !== slot.dtype || t.shape.join() !== slot.shape.join()) {
    throw new TrainError(`${what}: '${slot.name}' is ${t.dtype} ${fmtShape(t.shape)}, the step takes ${slot.dtype} ${fmtShape(slot.shape)}`);
  }
}

/** The state must hold exactly the step's declared weights and optimizer state, with their shapes and dtypes. */
export function checkState(io: TrainStepIO, state: TrainState): void {
  const declared = new Set(io.declared.map((s) => s.name));
  const extraW = [...state.weights.keys()].filter((k) => !declared.has(k));
  if (extraW.length > 0) throw new TrainError(`train state: weights ${extraW.slice(0, 10).map((k) => `'${k}'`).join(', ')} are not parameters of the step`);
  for (const s of io.declared) checkTensor(s, state.weights.get(s.name), 'train state weights');
  const names = new Set(io.state.map((s) => s.name));
  const extraO = [...state.optimizer.keys()].filter((k) => !names.has(k));
  if (extraO.length > 0) throw new TrainError(`train state: optimizer state ${extraO.slice(0, 10).map((k) => `'${k}'`).join(', ')} is not used by the step`);
  for (const s of io.state) checkTensor(s, state.optimizer.get(s.name), 'train state optimizer');
  for (const [field, v] of [['step', state.step], ['epoch', state.epoch], ['batchIndex', state.batchIndex]] as const) {
    if (!(Number.isSafeInteger(v) && v >= 0)) throw new TrainError(`train state: ${field} must be a non-negative integer, got ${v}`);
  }
}

function scalarOf(t: HostTensor | undefined, name: string): number {
  if (!t || t.data.length !== 1) throw new TrainError(`step output '${name}' is missing or not a scalar`);
  return toFloat64(t)[0] as number;
}

export class Trainer {
  private readonly feeds: Record<string, HostTensor> = {};
  private readonly weights = new Map<string, HostTensor>();
  private readonly randomBuffers: { name: string; data: Float32Array; slot: TrainStepIO['random'][number] }[];
  private readonly samples: number;
  private readonly now: () => number;
  private rng: Rng;
  private stepCount = 0;
  private epoch = 0;
  private batchIndex = 0;

  constructor(
    private readonly session: Session,
    readonly io: TrainStepIO,
    state: TrainState,
    private readonly opts: TrainerOptions = {},
  ) {
    const inputs = new Set(session.inputNames);
    const expected = [...io.batch, ...io.random, ...io.params, ...io.frozen, ...io.buffers, ...io.state].map((s) => s.name).concat(io.step.input);
    const missing = expected.filter((n) => !inputs.has(n));
    const extra = [...inputs].filter((n) => !expected.includes(n));
    if (missing.length > 0 || extra.length > 0) {
      throw new TrainError(`trainer: session inputs do not match the step (missing ${missing.join(', ') || 'none'}; unexpected ${extra.join(', ') || 'none'})`);
    }
    this.randomBuffers = io.random.map((slot) => ({ name: slot.name, slot, data: new Float32Array(slot.shape.reduce((a, d) => a * d, 1)) }));
    for (const r of this.randomBuffers) this.feeds[r.name] = tensor('float32', r.slot.shape, r.data);
    const first = io.batch[0];
    this.samples = opts.samplesPerStep ?? (first && first.shape.length > 0 ? (first.shape[0] as number) : 1);
    this.now = opts.now ?? (() => performance.now());
    this.rng = Rng.seeded(0);
    this.restore(state);
  }

  /** Replace the whole training state (after `checkState`). */
  restore(state: TrainState): void {
    checkState(this.io, state);
    this.weights.clear();
    for (const [k, v] of state.weights) this.weights.set(k, v);
    for (const s of [...this.io.params, ...this.io.frozen, ...this.io.buffers]) this.feeds[s.name] = state.weights.get(s.name) as HostTensor;
    for (const s of this.io.state) this.feeds[s.name] = state.optimizer.get(s.name) as HostTensor;
    this.feeds[this.io.step.input] = tensor('int64', [], BigInt64Array.of(BigInt(state.step)));
    this.stepCount = state.step;
    this.epoch = state.epoch;
    this.batchIndex = state.batchIndex;
    this.rng = Rng.fromState(state.rng);
  }

  /** The current state: the live tensors (never modified by the trainer), not copies. */
  state(): TrainState {
    for (const s of [...this.io.params, ...this.io.buffers]) this.weights.set(s.name, this.feeds[s.name] as HostTensor);
    return {
      weights: new Map(this.weights),
      optimizer: new Map(this.io.state.map((s) => [s.name, this.feeds[s.name] as HostTensor])),
      step: this.stepCount,
      epoch: this.epoch,
      batchIndex: this.batchIndex,
      rng: this.rng.state(),
    };
  }

  get step(): number {
    return this.stepCount;
  }

  /** One update on `batch` (exactly the step's batch inputs). */
  async trainStep(batch: Readonly<Record<string, HostTensor>>): Promise<StepReport> {
    const names = new Set(this.io.batch.map((s) => s.name));
    const extra = Object.keys(batch).filter((k) => !names.has(k));
    if (extra.length > 0) throw new TrainError(`step ${this.stepCount + 1}: batch has inputs ${extra.map((k) => `'${k}'`).join(', ')} the step does not take`);
    for (const s of this.io.batch) {
      checkTensor(s, batch[s.name], `step ${this.stepCount + 1} batch`);
      this.feeds[s.name] = batch[s.name] as HostTensor;
    }
    const before = this.rng.state();
    for (const r of this.randomBuffers) fillRandom(r.data, r.slot.dist, this.rng);
    const t0 = this.now();
    let out: Record<string, HostTensor>;
    try {
      out = await this.session.run(this.feeds);
    } catch (e) {
      this.rng = Rng.fromState(before);
      throw e;
    }
    const seconds = (this.now() - t0) / 1000;
    const loss = scalarOf(out[this.io.loss], this.io.loss);
    const metrics: Record<string, number> = {};
    for (const m of this.io.metrics) metrics[m.name] = scalarOf(out[m.output], m.output);
    if (!Number.isFinite(loss)) {
      this.rng = Rng.fromState(before);
      throw new TrainError(`step ${this.stepCount + 1}: loss is ${loss}; the state is kept from step ${this.stepCount}`);
    }
    for (const s of [...this.io.params, ...this.io.state]) this.feeds[s.name] = out[s.output] as HostTensor;
    for (const s of this.io.buffers) if (s.output !== null) this.feeds[s.name] = out[s.output] as HostTensor;
    this.feeds[this.io.step.input] = out[this.io.step.output] as HostTensor;
    this.stepCount++;
    const report: StepReport = { step: this.stepCount, loss, metrics, seconds, samplesPerSecond: seconds > 0 ? this.samples / seconds : Infinity };
    this.opts.onStep?.(report);
    return report;
  }

  /** Train on `source` from the current position until `opts.steps` updates are done. */
  async fit(source: BatchSource, opts: FitOptions): Promise<StepReport[]> {
    if (!(Number.isInteger(source.batchesPerEpoch) && source.batchesPerEpoch >= 1)) throw new TrainError(`fit: batchesPerEpoch must be a positive integer, got ${source.batchesPerEpoch}`);
    if (opts.checkpointEvery !== undefined && !(Number.isInteger(opts.checkpointEvery) && opts.checkpointEvery >= 1)) {
      throw new TrainError(`fit: checkpointEvery must be a positive integer, got ${opts.checkpointEvery}`);
    }
    const reports: StepReport[] = [];
    while (this.stepCount < opts.steps) {
      if (this.batchIndex >= source.batchesPerEpoch) throw new TrainError(`fit: batch index ${this.batchIndex} is past the ${source.batchesPerEpoch} batches of an epoch`);
      const batch = await source.batch(this.epoch, this.batchIndex);
      reports.push(await this.trainStep(batch));
      this.batchIndex++;
      if (this.batchIndex === source.batchesPerEpoch) {
        this.epoch++;
        this.batchIndex = 0;
      }
      if (opts.checkpointEvery !== undefined && this.stepCount % opts.checkpointEvery === 0) await opts.onCheckpoint?.(this.state());
    }
    return reports;
  }

  /**
   * Run an evaluation step (from `buildEvalStep` of the same model) with the current weights. Its random
   * inputs, if any, are drawn from `rng` (never from the training stream).
   */
  async evaluate(session: Session, io: EvalStepIO, batch: Readonly<Record<string, HostTensor>>, rng?: Rng): Promise<Record<string, HostTensor>> {
    const feeds: Record<string, HostTensor> = {};
    const state = this.state();
    for (const s of io.weights) {
      const t = state.weights.get(s.name);
      checkTensor(s, t, 'evaluate weights');
      feeds[s.name] = t as HostTensor;
    }
    const names = new Set(io.batch.map((s) => s.name));
    const extra = Object.keys(batch).filter((k) => !names.has(k));
    if (extra.length > 0) throw new TrainError(`evaluate: batch has inputs ${extra.map((k) => `'${k}'`).join(', ')} the evaluation step does not take`);
    for (const s of io.batch) {
      checkTensor(s, batch[s.name], 'evaluate batch');
      feeds[s.name] = batch[s.name] as HostTensor;
    }
    if (io.random.length > 0 && !rng) throw new TrainError(`evaluate: the evaluation step has random inputs (${io.random.map((r) => r.name).join(', ')}); pass an Rng`);
    for (const r of io.random) {
      const data = new Float32Array(r.shape.reduce((a, d) => a * d, 1));
      fillRandom(data, r.dist, rng as Rng);
      feeds[r.name] = tensor('float32', r.shape, data);
    }
    return session.run(feeds);
  }
}
