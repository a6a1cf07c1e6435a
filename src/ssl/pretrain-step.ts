/**
 * A pretraining step as `buildTrainStep` / `buildEvalStep` take it: the batch inputs, the encoder (from the
 * registry, at the config's architecture) and the objective's loss. Batch inputs, all time-major [B, T, F]
 * spectrograms (src/ssl/encoder-input.ts converts them to the encoder's layout inside the graph):
 *
 *   COLA  x1, x2                 the two views
 *   MAE   x                      the input; ids_keep int64 [B, K], ids_restore int64 [B, L], mask [B, L]
 *
 * Parameter names: COLA puts the encoder under its reference checkpoint prefix ('encoder.' for OPERA-CE,
 * 'encoder.encoder.htsat.' for OPERA-CT; 'encoder.' for encoders whose own checkpoints have none, as
 * OPERA's `Cola` wraps any encoder) next to the head's `g`, `layer_norm`, `linear`; MAE keeps the encoder's own
 * names (OPERA-GT's checkpoint is unprefixed and holds the decoder; HeAR's decoder is MAE's `mask_token`,
 * `decoder_*`).
 */
import type { GraphBuilder, Value } from '../ir/index.ts';
import type { Mode } from '../nn/index.ts';
import { type AnyEncoderDef, encoders } from '../encoders/registry.ts';
import { frontEndOutputShape } from '../audio/frontend.ts';
import { PneumaError } from '../util/index.ts';
import type { EncoderChoice, ObjectiveConfig } from './config.ts';
import { ENCODER_INPUT_LAYOUT, FRONTEND_TIME_MAJOR } from './encoder-input.ts';
import { colaObjective } from './cola.ts';
import { maeLoss, keptPatches } from './mae.ts';
import { type MaeModel, maeModel } from './mae-models.ts';
import { SslConfigError } from './errors.ts';

export const COLA_INPUTS = { x1: 'x1', x2: 'x2' } as const;
export const MAE_INPUTS = { x: 'x', idsKeep: 'ids_keep', idsRestore: 'ids_restore', mask: 'mask' } as const;

export interface PretrainModel {
  readonly def: AnyEncoderDef;
  /** The encoder's architecture config (full preset with the reference overrides). */
  readonly cfg: unknown;
  /** Where the encoder's parameters sit in the pretraining graph: '' or a dotted prefix ending in '.'. */
  readonly prefix: string;
  /** Width of the encoder's (default-pooled) embedding. */
  readonly dimFea: number;
  /** Frequency bins F of the time-major spectrograms. */
  readonly bins: number;
  /** The MAE path, for MAE objectives. */
  readonly mae: MaeModel | null;
}

/** The encoder of a pretraining config with its architecture resolved. */
export function resolvePretrainModel(choice: EncoderChoice, objective: ObjectiveConfig): PretrainModel {
  const def = (encoders as Record<string, AnyEncoderDef | undefined>)[choice.id];
  if (!def) throw new SslConfigError(`encoder '${choice.id}' is not available in this build`);
  let cfg: unknown;
  try {
    cfg = choice.reference === undefined ? def.presets.full : def.fromReferenceConfig(choice.reference, def.presets.full);
  } catch (e) {
    if (e instanceof PneumaError) throw new SslConfigError(`encoder '${choice.id}': ${e.message}`, { cause: e });
    throw e;
  }
  const fe = def.frontEnd;
  const shape = frontEndOutputShape(fe, fe.sampleRate);
  const bins = (FRONTEND_TIME_MAJOR[fe.kind] ? shape[1] : shape[0]) as number;
  const prefix = objective.kind === 'cola' ? (def.checkpoint.prefix === '' ? 'encoder.' : def.checkpoint.prefix) : def.checkpoint.prefix;
  if (prefix !== '' && !prefix.endsWith('.')) throw new SslConfigError(`encoder '${choice.id}': checkpoint prefix '${prefix}' must end with '.'`);
  const mae = objective.kind === 'mae' ? maeModel(def.id, cfg, objective.decoder) : null;
  return { def, cfg, prefix, dimFea: def.embeddingDim(cfg, 'default'), bins, mae };
}

/** Run `fn` inside the nested scopes of a dotted prefix ('encoder.encoder.htsat.' → encoder › encoder › htsat). */
export function inPrefix<T>(b: GraphBuilder, prefix: string, fn: () => T): T {
  const parts = prefix.split('.').filter((p) => p !== '');
  const go = (i: number): T => (i === parts.length ? fn() : b.scope(parts[i] as string, () => go(i + 1)));
  return go(0);
}

export interface StepShape {
  readonly batch: number;
  /** Time frames of each input (the source's crop length). */
  readonly frames: number;
}

/** Values a pretraining graph hands from `build` to `loss`. */
export interface PretrainOutputs {
  readonly loss: Value;
  readonly metrics: Readonly<Record<string, Value>>;
}

/** The batch input shapes of a step: name → [shape, dtype]. */
export function batchInputShapes(model: PretrainModel, objective: ObjectiveConfig, shape: StepShape): Record<string, { shape: number[]; dtype: 'float32' | 'int64' }> {
  const { batch: B, frames: T } = shape;
  const F = model.bins;
  if (objective.kind === 'cola') return { [COLA_INPUTS.x1]: { shape: [B, T, F], dtype: 'float32' }, [COLA_INPUTS.x2]: { shape: [B, T, F], dtype: 'float32' } };
  const L = (model.mae as MaeModel).patches(T);
  const K = keptPatches(L, objective.maskRatio);
  return {
    [MAE_INPUTS.x]: { shape: [B, T, F], dtype: 'float32' },
    [MAE_INPUTS.idsKeep]: { shape: [B, K], dtype: 'int64' },
    [MAE_INPUTS.idsRestore]: { shape: [B, L], dtype: 'int64' },
    [MAE_INPUTS.mask]: { shape: [B, L], dtype: 'float32' },
  };
}

/** Declare the batch inputs and build encoder + objective in `mode`; returns the loss and metrics. */
export function buildPretrainGraph(b: GraphBuilder, model: PretrainModel, objective: ObjectiveConfig, shape: StepShape, mode: Mode): PretrainOutputs {
  const inputs = Object.fromEntries(Object.entries(batchInputShapes(model, objective, shape)).map(([name, s]) => [name, b.input(name, s.shape, s.dtype)]));
  const layout = ENCODER_INPUT_LAYOUT[model.def.id];
  if (objective.kind === 'cola') {
    const out = colaObjective(b, {
      x1: inputs[COLA_INPUTS.x1] as Value,
      x2: inputs[COLA_INPUTS.x2] as Value,
      encode: (x) => inPrefix(b, model.prefix, () => model.def.build(b, model.cfg, layout(b, x), { mode, pooling: 'default' }).embedding),
      dimFea: model.dimFea,
      head: objective.head,
      mode,
    });
    return { loss: out.loss, metrics: { accuracy: out.accuracy } };
  }
  const mae = model.mae as MaeModel;
  const x = inputs[MAE_INPUTS.x] as Value;
  const f = inPrefix(b, model.prefix, () => mae.forward(b, layout(b, x), inputs[MAE_INPUTS.idsKeep] as Value, inputs[MAE_INPUTS.idsRestore] as Value, mode));
  return { loss: maeLoss(b, f.pred, f.target, inputs[MAE_INPUTS.mask] as Value, objective.normPixLoss), metrics: {} };
}
