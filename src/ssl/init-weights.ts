/**
 * Initial weights of a pretraining run and the trained encoder as a standalone state dict.
 *
 * `initialWeights` binds a state dict strictly, in one of two ways:
 *   full     its keys are exactly the pretraining graph's parameters and buffers (a released COLA `.ckpt`
 *            with `encoder.*`, `g.*`, `layer_norm.*`, `linear.*`; a full OPERA-GT checkpoint; Pneuma's own
 *            weights.safetensors): every tensor is taken;
 *   encoder  its keys are the encoder's reference state dict (with or without the checkpoint prefix, the
 *            encoder's ignore rules apply: src/encoders/weights.ts): the encoder starts from it and the
 *            objective's own parameters (COLA head, an MAE decoder the encoder lacks) from their random init.
 * Anything else is an error that gives both reasons. Without a file, every parameter is drawn from its
 * initialiser with `seed`.
 *
 * The encoder's declared parameters that the pretraining graph does not hold (HeAR's pooler under MAE) keep
 * their initial value and are carried to the export.
 */
import type { Graph } from '../ir/index.ts';
import { bindStateDict, initWeights, StateDictError } from '../nn/index.ts';
import type { HostTensor } from '../tensor/index.ts';
import { bindEncoderWeights, parameterGraph } from '../encoders/weights.ts';
import { PneumaError, Rng } from '../util/index.ts';
import type { PretrainModel } from './pretrain-step.ts';
import { SslConfigError } from './errors.ts';

export interface InitialWeights {
  /** Every parameter and buffer of the pretraining graph. */
  readonly weights: Map<string, HostTensor>;
  /** Encoder parameters outside the pretraining graph, by their encoder name (no prefix). */
  readonly extras: Map<string, HostTensor>;
  readonly how: 'random' | 'full' | 'encoder';
  /** Pretraining-graph names that did not come from the file (random init). */
  readonly fromInit: readonly string[];
}

/** Random init of the graph and of the encoder's parameters it does not hold, both from `seed`. */
function randomInit(graph: Graph, model: PretrainModel, seed: number): { weights: Map<string, HostTensor>; extras: Map<string, HostTensor> } {
  const weights = initWeights(graph, Rng.seeded(seed));
  const enc = parameterGraph(model.def, model.cfg);
  // initWeights draws each parameter from its own stream (the run's draw and its name), so a graph holding
  // only the missing parameters gives them the values the whole encoder graph would
  const missing: Graph = { ...enc, params: enc.params.filter((p) => !weights.has(model.prefix + p.params.name)) };
  return { weights, extras: initWeights(missing, Rng.seeded(seed ^ 0x5bd1e995)) };
}

export function initialWeights(graph: Graph, model: PretrainModel, seed: number, init: { readonly stateDict: ReadonlyMap<string, HostTensor>; readonly file: string } | null): InitialWeights {
  const base = randomInit(graph, model, seed);
  if (init === null) return { ...base, how: 'random', fromInit: [...base.weights.keys()] };
  let fullError: string;
  try {
    const weights = bindStateDict(graph, init.stateDict);
    return { weights, extras: base.extras, how: 'full', fromInit: [] };
  } catch (e) {
    if (!(e instanceof StateDictError)) throw e;
    fullError = e.message;
  }
  let encoder: Map<string, HostTensor>;
  try {
    encoder = bindEncoderWeights(model.def, parameterGraph(model.def, model.cfg), init.stateDict, init.file);
  } catch (e) {
    if (!(e instanceof PneumaError)) throw e;
    throw new SslConfigError(`${init.file}: neither the full pretraining state dict (${fullError}) nor the ${model.def.id} encoder's (${e.message})`, { cause: e });
  }
  const weights = new Map(base.weights);
  const extras = new Map<string, HostTensor>();
  for (const [local, t] of encoder) {
    const name = model.prefix + local;
    if (weights.has(name)) weights.set(name, t);
    else extras.set(local, t);
  }
  const fromFile = new Set([...encoder.keys()].map((k) => model.prefix + k));
  return { weights, extras, how: 'encoder', fromInit: [...weights.keys()].filter((k) => !fromFile.has(k)) };
}

/**
 * The encoder's state dict in its reference layout (keys `checkpoint.prefix` + name, as its published
 * checkpoint has them) from the pretraining weights and the extras.
 */
export function encoderStateDict(model: PretrainModel, weights: ReadonlyMap<string, HostTensor>, extras: ReadonlyMap<string, HostTensor>): Map<string, HostTensor> {
  const out = new Map<string, HostTensor>();
  const missing: string[] = [];
  for (const p of parameterGraph(model.def, model.cfg).params) {
    const local = p.params.name;
    const t = weights.get(model.prefix + local) ?? extras.get(local);
    if (!t) missing.push(local);
    else out.set(model.def.checkpoint.prefix + local, t);
  }
  if (missing.length > 0) throw new SslConfigError(`encoder export: no value for ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}`);
  return out;
}
