/**
 * Pretraining keeps every spectrogram time-major, [T, F] (time rows, frequency columns), so that crops,
 * row masks and padding work the same for every front end. These tables say how a front end's output
 * becomes that layout, and how a batch [B, T, F] becomes each encoder's graph input (the layout of its
 * `modelInputs`).
 */
import type { GraphBuilder, Value } from '../ir/index.ts';
import type { FrontEndKind } from '../audio/frontend.ts';
import type { EncoderId } from '../encoders/types.ts';
import { transpose } from '../audio/frontend-layout.ts';
import { type HostTensor, tensor } from '../tensor/index.ts';
import { SslConfigError } from './errors.ts';

/** Whether a front end's output rows are time frames ([T, F]) or frequency bins ([F, T]). */
export const FRONTEND_TIME_MAJOR: { readonly [K in FrontEndKind]: boolean } = {
  opera: true,
  hear: true,
  kaldi: true,
  m2d: false,
  efficientat: false,
};

/** A front end's output in the time-major layout (a transposed copy for frequency-major front ends). */
export function toTimeMajor(kind: FrontEndKind, spec: HostTensor<'float32'>): HostTensor<'float32'> {
  if (spec.shape.length !== 2) throw new SslConfigError(`front end '${kind}' output must be 2-D, got [${spec.shape.join(',')}]`);
  if (FRONTEND_TIME_MAJOR[kind]) return spec;
  const [F, T] = spec.shape as [number, number];
  return tensor('float32', [T, F], transpose(spec.data, F, T));
}

/** A batch of time-major spectrograms [B, T, F] as the encoder's graph input. */
export const ENCODER_INPUT_LAYOUT: { readonly [K in EncoderId]: (b: GraphBuilder, x: Value) => Value } = {
  'opera-ce': (_b, x) => x,
  'opera-ct': (_b, x) => x,
  'opera-gt': (_b, x) => x,
  // HeAR: [B, 1, 192 frames, 128 mels]
  hear: (b, x) => b.reshape(x, [0, 1, x.shape[1] as number, x.shape[2] as number]),
  // EfficientAT: [B, 1, 128 mels, T]
  'efficientat-mn04': (b, x) => b.reshape(b.transpose(x, [0, 2, 1]), [0, 1, x.shape[2] as number, x.shape[1] as number]),
};
