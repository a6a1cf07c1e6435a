/** The pretraining presets by name (`pneuma pretrain --config <name>`). */
import type { PretrainConfig } from '../../src/ssl/config.ts';
import { smoke } from './smoke.ts';
import { colaOperaCe } from './cola-opera-ce.ts';
import { colaOperaCt } from './cola-opera-ct.ts';
import { maeOperaGt } from './mae-opera-gt.ts';
import { maeHear } from './mae-hear.ts';
import { colaMn04 } from './cola-mn04.ts';
import { pneumaResp } from './pneuma-resp.ts';

export const PRETRAIN_PRESETS = {
  smoke,
  'cola-opera-ce': colaOperaCe,
  'cola-opera-ct': colaOperaCt,
  'mae-opera-gt': maeOperaGt,
  'mae-hear': maeHear,
  'cola-mn04': colaMn04,
  'pneuma-resp': pneumaResp,
} as const satisfies Record<string, PretrainConfig>;

export type PretrainPresetName = keyof typeof PRETRAIN_PRESETS;
