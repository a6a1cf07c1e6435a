/**
 * The typed signature of training and evaluation steps: which ONNX input and output carries what.
 *
 * Naming (PyTorch state_dict names never contain '/', so the namespaces cannot collide with parameters):
 *   parameters and buffers     their state_dict names, as inputs
 *   optimizer state            `optim/<slot>/<param>` (slot: torch's state key, e.g. 'exp_avg')
 *   update counter             `step` (int64 scalar: updates done before this one)
 *   new values                 `new/<input name>` for every updated input (parameters, optimizer state,
 *                              buffers with an update, `step`)
 *   loss and metrics           `loss`, `metric/<name>` ('lr' always, 'grad_norm' when clipping)
 */
import type { DType, RandomDist } from '../ir/index.ts';
import type { Shape } from '../util/index.ts';
import type { OptimizerKind } from './optim.ts';

export const STEP_INPUT = 'step';
export const LOSS_OUTPUT = 'loss';

/** Output name carrying the new value of input `name`. */
export function newName(name: string): string {
  return `new/${name}`;
}

/** Input name of optimizer state `slot` of parameter `param`. */
export function optimStateName(slot: string, param: string): string {
  return `optim/${slot}/${param}`;
}

export function metricName(name: string): string {
  return `metric/${name}`;
}

/** Whether an input or output name lies in a namespace the step reserves. */
export function isReservedName(name: string): boolean {
  return name === STEP_INPUT || name === LOSS_OUTPUT || /^(new|optim|metric)\//.test(name);
}

export interface TensorSlot {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: Shape;
}

/** An input whose new value the step returns under `output`. */
export interface UpdatedSlot extends TensorSlot {
  readonly output: string;
}

/** A buffer; `output` is null when the step leaves it unchanged (the trainer keeps feeding its tensor). */
export interface BufferSlot extends TensorSlot {
  readonly output: string | null;
}

export interface StateSlot extends UpdatedSlot {
  readonly param: string;
  readonly slot: string;
}

export interface RandomSlot extends TensorSlot {
  readonly dist: RandomDist;
}

export interface TrainStepIO {
  readonly kind: 'train';
  /** Data inputs, fed by the caller each step. */
  readonly batch: readonly TensorSlot[];
  /** Random inputs, drawn by the trainer from its seeded Rng each step. */
  readonly random: readonly RandomSlot[];
  /** Parameters the optimizer updates. */
  readonly params: readonly UpdatedSlot[];
  /** Trainable-by-declaration parameters the step reads but does not update (frozen, or the loss does not depend on them). */
  readonly frozen: readonly TensorSlot[];
  readonly buffers: readonly BufferSlot[];
  readonly state: readonly StateSlot[];
  readonly step: { readonly input: string; readonly output: string };
  readonly loss: string;
  /** Named scalar metrics: the caller's plus 'lr' and, with clipping, 'grad_norm'. */
  readonly metrics: readonly { readonly name: string; readonly output: string }[];
  readonly optimizer: OptimizerKind;
  /** Every parameter and buffer the model declares (also those the step never reads), for state dicts and checkpoints. */
  readonly declared: readonly TensorSlot[];
}

export interface EvalStepIO {
  readonly kind: 'eval';
  readonly batch: readonly TensorSlot[];
  readonly random: readonly RandomSlot[];
  /** Parameters and buffers the model reads, fed from the trainer's current weights. */
  readonly weights: readonly TensorSlot[];
  readonly outputs: readonly TensorSlot[];
  readonly declared: readonly TensorSlot[];
}
