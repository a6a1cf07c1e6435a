/** The encoder registry: one line per encoder file. */
import type { EncoderDef, EncoderId } from './types.ts';
import { operaCe } from './opera-ce.ts';
import { operaCt } from './opera-ct.ts';
import { efficientAtMn04 } from './efficientat.ts';
import { operaGt } from './opera-gt.ts';
import { hear } from './hear.ts';

/** An encoder of any config type: configs are opaque to code that only routes by id. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyEncoderDef = EncoderDef<any>;

export const encoders: { readonly [K in EncoderId]: AnyEncoderDef } = {
  'opera-ce': operaCe,
  'opera-ct': operaCt,
  'efficientat-mn04': efficientAtMn04,
  'opera-gt': operaGt,
  hear,
};

export function encoderIds(): EncoderId[] {
  return Object.keys(encoders) as EncoderId[];
}
