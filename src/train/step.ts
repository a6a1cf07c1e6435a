/**
 * Training and evaluation steps as single ONNX models.
 *
 * `buildTrainStep` builds, in one graph: the model in 'train' mode, the loss and metrics, the gradients
 * of the loss (src/autodiff), optional clipping by global norm, the scheduled learning rate and the
 * optimizer update. Parameters, buffers, optimizer state and the update counter are graph inputs; their
 * new values are outputs (names in step-io.ts), so a runtime session can be driven by feeding each
 * step's outputs back as the next step's inputs.
 *
 * Which parameters are updated: trainable parameters accepted by `trainable` (default all) that the loss
 * depends on. A trainable parameter the loss does not reach gets no update at all, as in torch.optim,
 * which skips parameters whose .grad is None (no weight decay, no state). Buffers with an update in the
 * graph (`GraphBuilder.setUpdate`, e.g. BatchNorm running statistics) are returned; the others are inputs
 * only and keep their value.
 *
 * `buildEvalStep` builds the model in 'eval' mode with parameters and buffers as inputs, so the same
 * weight tensors the trainer holds can be fed to it.
 */
import { type Graph, type Value, GraphBuilder } from '../ir/index.ts';
import { grad } from '../autodiff/index.ts';
import { toOnnx } from '../onnx/index.ts';
import type { Mode } from '../nn/index.ts';
import { f64 } from '../tensor/index.ts';
import { fmtShape } from '../util/index.ts';
import { TrainError } from './errors.ts';
import { type OptimizerSpec, optimizerSlots, optimizerUpdate } from './optim.ts';
import { type ScheduleSpec, scheduledLr } from './schedule.ts';
import { type ClipSpec, clipGradNorm } from './clip.ts';
import {
  type BufferSlot, type EvalStepIO, type RandomSlot, type StateSlot, type TensorSlot, type TrainStepIO, type UpdatedSlot,
  LOSS_OUTPUT, STEP_INPUT, isReservedName, metricName, newName, optimStateName,
} from './step-io.ts';

export interface LossOutput {
  /** A float32 scalar. */
  readonly loss: Value;
  /** Extra float32 scalars reported each step (names must not be 'lr' or 'grad_norm'). */
  readonly metrics?: Readonly<Record<string, Value>>;
}

export interface TrainStepSpec<O> {
  /** Declare the batch inputs and build the model in `mode`; returns what `loss` needs. */
  readonly build: (b: GraphBuilder, mode: Mode) => O;
  readonly loss: (b: GraphBuilder, out: O) => LossOutput;
  readonly optimizer: OptimizerSpec;
  /** Default: the optimizer's learning rate, constant. */
  readonly schedule?: ScheduleSpec;
  readonly clip?: ClipSpec;
  /** Which trainable parameters to update (default all); the others are fed but frozen. */
  readonly trainable?: (name: string) => boolean;
  /** Model name stored in the ONNX file. */
  readonly name?: string;
}

export interface EvalStepSpec<O> {
  readonly build: (b: GraphBuilder, mode: Mode) => O;
  /** The named outputs of the evaluation step. */
  readonly outputs: (b: GraphBuilder, out: O) => Readonly<Record<string, Value>>;
  readonly name?: string;
}

export interface TrainStep {
  /** ONNX model bytes (parameters as inputs). */
  readonly model: Uint8Array;
  /** The IR of the whole step (for the float64 interpreter and inspection). */
  readonly graph: Graph;
  readonly io: TrainStepIO;
}

export interface EvalStep {
  readonly model: Uint8Array;
  readonly graph: Graph;
  readonly io: EvalStepIO;
}

const RESERVED_METRICS = new Set(['lr', 'grad_norm']);

const slotOf = (v: Value, name: string): TensorSlot => ({ name, dtype: v.dtype, shape: [...v.shape] });

/** Values the roots depend on (including the roots). */
function dependencies(roots: readonly Value[]): Set<Value> {
  const seen = new Set<Value>(roots);
  const stack = [...roots];
  while (stack.length > 0) {
    const v = stack.pop() as Value;
    for (const u of v.inputs) {
      if (!seen.has(u)) {
        seen.add(u);
        stack.push(u);
      }
    }
  }
  return seen;
}

function checkInputNames(graph: Graph, own: ReadonlySet<string>, what: string): void {
  for (const v of graph.inputs) {
    if (!own.has(v.params.name) && isReservedName(v.params.name)) {
      throw new TrainError(`${what}: input '${v.params.name}' uses a name the step reserves ('step', 'loss', 'new/…', 'optim/…', 'metric/…')`);
    }
  }
  for (const p of graph.params) {
    if (p.params.name.includes('/')) throw new TrainError(`${what}: parameter '${p.params.name}' contains '/', which the step reserves for its own names`);
  }
}

function declaredSlots(graph: Graph): TensorSlot[] {
  return graph.params.map((p) => slotOf(p, p.params.name));
}

function randomSlots(graph: Graph, used: ReadonlySet<Value>): RandomSlot[] {
  return graph.inputs.flatMap((v) => {
    const dist = graph.random.get(v.params.name);
    return dist && used.has(v) ? [{ ...slotOf(v, v.params.name), dist }] : [];
  });
}

export function buildTrainStep<O>(spec: TrainStepSpec<O>): TrainStep {
  const b = new GraphBuilder();
  const out = spec.build(b, 'train');
  const { loss, metrics = {} } = spec.loss(b, out);
  if (loss.dtype !== 'float32' || loss.rank !== 0) throw new TrainError(`buildTrainStep: the loss must be a float32 scalar, got ${loss.dtype} ${fmtShape(loss.shape)}`);
  for (const [name, m] of Object.entries(metrics)) {
    if (RESERVED_METRICS.has(name)) throw new TrainError(`buildTrainStep: metric name '${name}' is reserved`);
    if (m.dtype !== 'float32' || m.rank !== 0) throw new TrainError(`buildTrainStep: metric '${name}' must be a float32 scalar, got ${m.dtype} ${fmtShape(m.shape)}`);
  }

  const forward = b.build({ [LOSS_OUTPUT]: loss, ...Object.fromEntries(Object.entries(metrics).map(([k, v]) => [metricName(k), v])) });
  checkInputNames(forward, new Set(), 'buildTrainStep');
  const lossDeps = dependencies([loss]);
  const select = spec.trainable ?? (() => true);
  const trained = forward.params.filter((p) => p.params.trainable && select(p.params.name) && lossDeps.has(p));
  if (trained.length === 0) throw new TrainError('buildTrainStep: no parameter to train (none is trainable, selected and reached by the loss)');

  const step = b.input(STEP_INPUT, [], 'int64');
  const s = b.cast(step, 'float32');
  const scalars = {
    lr: spec.schedule ? scheduledLr(b, spec.schedule, spec.optimizer.lr, s) : b.const(f64([], [spec.optimizer.lr])),
    t: b.add(s, b.const(f64([], [1]))),
    first: b.equal(step, b.scalar(0, 'int64')),
  };
  const update = optimizerUpdate(b, spec.optimizer, scalars);
  let grads = grad(b, loss, trained);
  const outputs: Record<string, Value> = { [LOSS_OUTPUT]: loss };
  for (const [k, v] of Object.entries(metrics)) outputs[metricName(k)] = v;
  outputs[metricName('lr')] = scalars.lr;
  if (spec.clip) {
    const clipped = b.scope('clip', () => clipGradNorm(b, grads, spec.clip as ClipSpec));
    grads = clipped.grads;
    outputs[metricName('grad_norm')] = clipped.norm;
  }

  const slots = optimizerSlots(spec.optimizer);
  const stateInputs: { param: string; slot: string; value: Value }[] = [];
  b.scope('optim', () => {
    trained.forEach((p, i) => {
      const name = p.params.name;
      const current: Record<string, Value> = {};
      for (const slot of slots) {
        const v = b.input(optimStateName(slot, name), p.shape, 'float32');
        current[slot] = v;
        stateInputs.push({ param: name, slot, value: v });
      }
      const next = update({ name, param: p, grad: grads[i] as Value, slots: current });
      outputs[newName(name)] = next.param;
      for (const slot of slots) outputs[newName(optimStateName(slot, name))] = next.slots[slot] as Value;
    });
  });
  for (const [name, v] of forward.updates) outputs[newName(name)] = v;
  outputs[newName(STEP_INPUT)] = b.add(step, b.scalar(1, 'int64'));

  const graph = b.build(outputs);
  const own = new Set<string>([STEP_INPUT, ...stateInputs.map((x) => optimStateName(x.slot, x.param))]);
  const used = new Set(graph.nodes);
  const trainedNames = new Set(trained.map((p) => p.params.name));
  const params: UpdatedSlot[] = trained.map((p) => ({ ...slotOf(p, p.params.name), output: newName(p.params.name) }));
  const frozen: TensorSlot[] = [];
  const buffers: BufferSlot[] = [];
  for (const p of graph.params) {
    const name = p.params.name;
    if (!used.has(p) || trainedNames.has(name)) continue;
    if (p.params.trainable) frozen.push(slotOf(p, name));
    else buffers.push({ ...slotOf(p, name), output: graph.updates.has(name) ? newName(name) : null });
  }
  const state: StateSlot[] = stateInputs.map(({ param, slot, value }) => {
    const name = optimStateName(slot, param);
    return { ...slotOf(value, name), output: newName(name), param, slot };
  });
  const random = randomSlots(graph, used);
  const batch = graph.inputs.filter((v) => used.has(v) && !own.has(v.params.name) && !graph.random.has(v.params.name)).map((v) => slotOf(v, v.params.name));
  const metricList = Object.keys(outputs).filter((k) => k.startsWith('metric/')).map((k) => ({ name: k.slice('metric/'.length), output: k }));

  const io: TrainStepIO = {
    kind: 'train', batch, random, params, frozen, buffers, state,
    step: { input: STEP_INPUT, output: newName(STEP_INPUT) },
    loss: LOSS_OUTPUT, metrics: metricList, optimizer: spec.optimizer.kind, declared: declaredSlots(graph),
  };
  const model = toOnnx(graph, { paramsAs: 'inputs', name: spec.name ?? 'train_step' });
  return { model, graph, io };
}

export function buildEvalStep<O>(spec: EvalStepSpec<O>): EvalStep {
  const b = new GraphBuilder();
  const out = spec.build(b, 'eval');
  const named = spec.outputs(b, out);
  if (Object.keys(named).length === 0) throw new TrainError('buildEvalStep: no outputs');
  const graph = b.build(named);
  checkInputNames(graph, new Set(), 'buildEvalStep');
  const inputNames = new Set([...graph.inputs.map((v) => v.params.name), ...graph.params.map((p) => p.params.name)]);
  for (const o of graph.outputs) {
    if (inputNames.has(o.name)) throw new TrainError(`buildEvalStep: output '${o.name}' has the name of an input or parameter`);
  }
  const used = new Set(graph.nodes);
  const io: EvalStepIO = {
    kind: 'eval',
    batch: graph.inputs.filter((v) => used.has(v) && !graph.random.has(v.params.name)).map((v) => slotOf(v, v.params.name)),
    random: randomSlots(graph, used),
    weights: graph.params.filter((p) => used.has(p)).map((p) => slotOf(p, p.params.name)),
    outputs: graph.outputs.map((o) => slotOf(o.value, o.name)),
    declared: declaredSlots(graph),
  };
  const model = toOnnx(graph, { paramsAs: 'inputs', name: spec.name ?? 'eval_step' });
  return { model, graph, io };
}
