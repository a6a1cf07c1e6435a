/** The encoder registry: one line per encoder file. */
import type { EncoderDef, EncoderId } from './types.ts';

/** An encoder of any config type: configs are opaque to code that only routes by id. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyEncoderDef = EncoderDef<any>;

export const encoders: { readonly [K in EncoderId]?: AnyEncoderDef } = {};

export function encoderIds(): EncoderId[] {
  return Object.keys(encoders) as EncoderId[];
}
