/**
 * Example model inputs for an encoder, derived from its front end's output layout alone (no audio is
 * processed): a spectrogram of the layout `spectrogramShape` gives, cut by the encoder's own
 * `modelInputs`. Used to build graphs when only the parameters matter (weight loading, parameter
 * counts) and by tests and benchmarks that need a valid input.
 */
import type { FrontEndConfig } from '../audio/frontend.ts';
import { tensor, type HostTensor } from '../tensor/index.ts';
import { type Rng, type Shape, unreachable } from '../util/index.ts';
import type { AnyEncoderDef } from './registry.ts';
import { EncoderInputError } from './errors.ts';

/** The [rows, columns] a front end returns for `frames` analysis frames (HeAR's is fixed). */
export function spectrogramShape(fe: FrontEndConfig, frames: number): [number, number] {
  switch (fe.kind) {
    case 'opera': return [frames, fe.mel.nMels];
    case 'kaldi': return [frames, fe.mel.nMels];
    case 'hear': return [fe.resizeFrames, fe.mel.nMels];
    case 'm2d': return [fe.mel.nMels, frames];
    case 'efficientat': return [fe.mel.nMels, frames];
    default: return unreachable(fe, 'front end');
  }
}

/** A spectrogram of `frames` frames in `fe`'s layout, values uniform in [0, 1) from `rng` (zeros without one). */
export function exampleSpectrogram(fe: FrontEndConfig, frames: number, rng: Rng | null): HostTensor<'float32'> {
  const shape = spectrogramShape(fe, frames);
  const data = new Float32Array(shape[0] * shape[1]);
  if (rng) for (let i = 0; i < data.length; i++) data[i] = rng.uniform();
  return tensor('float32', shape, data);
}

/** The first model input `def.modelInputs` makes of a `frames`-frame spectrogram. */
export function exampleModelInput<C>(def: AnyEncoderDef, cfg: C, frames: number, rng: Rng | null): HostTensor<'float32'> {
  const inputs = def.modelInputs(cfg, exampleSpectrogram(def.frontEnd, frames, rng));
  const first = inputs[0];
  if (!first) throw new EncoderInputError(def.id, `a ${frames}-frame spectrogram is too short for this encoder`);
  return first;
}

/** The shape of `exampleModelInput` (batch 1). */
export function exampleInputShape<C>(def: AnyEncoderDef, cfg: C, frames: number): Shape {
  return exampleModelInput(def, cfg, frames, null).shape;
}
