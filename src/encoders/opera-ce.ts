/**
 * OPERA-CE (evelyn0414/OPERA @ 3622310, `src/model/models_cola.py::Encoder` inside `Cola(encoder="efficientnet")`):
 *
 *   x [B, T, 64] → unsqueeze(1) → cnn1 = Conv2d(1, 3, k3, no padding, bias) → [B, 3, T−2, 62]
 *     → EfficientNet.from_name("efficientnet-b0", include_top=False, drop_connect_rate=0.1).extract_features
 *     → AdaptiveAvgPool2d(1) → [B, 1280]
 *
 * which is `Cola.extract_feature(x, dim=1280)` (dim = dim_fea returns the encoder output). The EfficientNet
 * uses static TF-SAME padding computed for 224×224 whatever the spectrogram size (src/encoders/efficientnet.ts).
 * Checkpoint keys sit under `encoder.`; the COLA projection head (`g`, `layer_norm`, `linear`) is stored
 * next to them and is not part of the embedding.
 */
import type { GraphBuilder, Value } from '../ir/index.ts';
import { conv2d, globalAvgPool, type Mode } from '../nn/index.ts';
import { tensor, type HostTensor } from '../tensor/index.ts';
import { OPERA_FRONTEND } from '../audio/frontend-opera.ts';
import { OPERA_TRIM } from '../audio/trim.ts';
import { fmtShape } from '../util/index.ts';
import type { EncoderDef } from './types.ts';
import {
  EFFICIENTNET_B0, EFFICIENTNET_VARIANTS, checkEfficientNetConfig, decodeBlockString, efficientNet,
  efficientNetOutChannels, efficientNetOutputSize, type EfficientNetConfig,
} from './efficientnet.ts';
import { EncoderConfigError, EncoderInputError } from './errors.ts';
import { ReferenceConfigReader } from './reference-config.ts';

const ID = 'opera-ce';

export interface OperaCeConfig {
  /** Output channels of `cnn1` (Conv2d(1, 3, 3)), which are the EfficientNet's input channels. */
  readonly cnn1Channels: number;
  readonly efficientnet: EfficientNetConfig;
}

export const OPERA_CE_FULL: OperaCeConfig = { cnn1Channels: 3, efficientnet: EFFICIENTNET_B0 };

/**
 * A few-thousand-parameter variant for tests that still takes every code path: a block without expansion
 * (no `_expand_conv`), SE and no-SE blocks, a repeated stride-2 k3 block (static pads 0/1) followed by a
 * skip connection, a stride-2 k5 block (pads 1/2), drop-connect in training.
 */
export const OPERA_CE_TINY: OperaCeConfig = {
  cnn1Channels: 3,
  efficientnet: {
    ...EFFICIENTNET_B0,
    blocks: ['r1_k3_s11_e1_i8_o8_se0.25', 'r2_k3_s22_e2_i8_o16_se0.25', 'r1_k5_s22_e2_i16_o16'].map(decodeBlockString),
    stemFilters: 8,
    headFilters: 32,
  },
};

export interface OperaCeOutputs {
  /** `cnn1` output [B, cnn1Channels, T − 2, F − 2]. */
  readonly cnn1: Value;
  /** `extract_features` output before pooling. */
  readonly features: Value;
  readonly stem: Value;
  readonly blocks: readonly Value[];
  /** Pooled embedding [B, 1280]. */
  readonly embedding: Value;
}

/** The encoder forward on x [B, T, F] with every intermediate value (for layer-by-layer checks). */
export function operaCeForward(b: GraphBuilder, cfg: OperaCeConfig, x: Value, mode: Mode): OperaCeOutputs {
  if (x.rank !== 3) throw new EncoderInputError(ID, `expects spectrograms [B, T, F], got ${fmtShape(x.shape)}`);
  if (cfg.efficientnet.inChannels !== cfg.cnn1Channels) {
    throw new EncoderConfigError(ID, `cnn1 has ${cfg.cnn1Channels} output channels but the EfficientNet takes ${cfg.efficientnet.inChannels}`);
  }
  const x4 = b.reshape(x, [0, 1, -1, x.shape[2] as number]);
  const cnn1 = conv2d(b, 'cnn1', x4, { inChannels: 1, outChannels: cfg.cnn1Channels, kernel: 3, padding: 0, bias: true });
  const net = efficientNet(b, 'efficientnet', cnn1, cfg.efficientnet, mode);
  return { cnn1, features: net.features, stem: net.stem, blocks: net.blocks, embedding: globalAvgPool(b, net.features) };
}

/** Fewest frames T for which a [T, melBins] spectrogram keeps every feature map non-empty (34 for B0 at 64 mels); null if none does. */
export function operaCeMinFrames(cfg: OperaCeConfig, melBins: number): number | null {
  const limit = 1 << 16;
  const fits = (t: number) => efficientNetOutputSize(cfg.efficientnet, [t - 2, melBins - 2]) !== null;
  if (melBins < 3 || !fits(limit)) return null;
  let t = 3;
  while (!fits(t)) t++;
  return t;
}

function fromReferenceConfig(json: Readonly<Record<string, unknown>>, base: OperaCeConfig): OperaCeConfig {
  const r = new ReferenceConfigReader(ID, json);
  let net: EfficientNetConfig = base.efficientnet;
  let cnn1Channels = base.cnn1Channels;
  const name = r.string('model_name', Object.keys(EFFICIENTNET_VARIANTS));
  if (name !== undefined) {
    const [w, d, res] = EFFICIENTNET_VARIANTS[name] as readonly [number, number, number];
    // `from_name`: the B0 table, stem and head with the variant's coefficients (OPERA's drop_connect_rate 0.1)
    net = { ...EFFICIENTNET_B0, widthCoefficient: w, depthCoefficient: d, imageSize: [res, res] };
  }
  const blocks = r.stringList('blocks_args');
  if (blocks !== undefined) net = { ...net, blocks: blocks.map(decodeBlockString) };
  const width = r.numberOrNull('width_coefficient', { exclusiveMin: 0 });
  if (width !== undefined) net = { ...net, widthCoefficient: width };
  const depth = r.numberOrNull('depth_coefficient', { exclusiveMin: 0 });
  if (depth !== undefined) net = { ...net, depthCoefficient: depth };
  const image = r.intOrPair('image_size', 1);
  if (image !== undefined) net = { ...net, imageSize: image };
  const eps = r.number('batch_norm_epsilon', { exclusiveMin: 0 });
  if (eps !== undefined) net = { ...net, batchNormEpsilon: eps };
  const mom = r.number('batch_norm_momentum', { min: 0, max: 1 });
  if (mom !== undefined) net = { ...net, batchNormMomentum: mom };
  const dc = r.number('drop_connect_rate', { min: 0, max: 0.999999 });
  if (dc !== undefined) net = { ...net, dropConnectRate: dc };
  const div = r.int('depth_divisor', 1);
  if (div !== undefined) net = { ...net, depthDivisor: div };
  const minDepth = r.intOrNull('min_depth', 1);
  if (minDepth !== undefined) net = { ...net, minDepth };
  const inCh = r.int('in_channels', 1);
  if (inCh !== undefined) {
    cnn1Channels = inCh;
    net = { ...net, inChannels: inCh };
  }
  if (r.bool('include_top') === true) throw new EncoderConfigError(ID, "include_top must be false: OPERA builds the EfficientNet without its classification top");
  // Only the classification top reads these; with include_top=False they change nothing.
  r.ignore('dropout_rate', (v) => typeof v === 'number' && v >= 0 && v < 1, 'a number in [0, 1)');
  r.ignore('num_classes', (v) => typeof v === 'number' && Number.isInteger(v) && v >= 1, 'a positive integer');
  r.finish();
  checkEfficientNetConfig(net, ID);
  return { cnn1Channels, efficientnet: net };
}

function modelInputs(cfg: OperaCeConfig, spec: HostTensor<'float32'>): HostTensor<'float32'>[] {
  const mels = OPERA_FRONTEND.mel.nMels;
  if (spec.shape.length !== 2 || spec.shape[1] !== mels) {
    throw new EncoderInputError(ID, `expects an OPERA spectrogram [T, ${mels}], got ${fmtShape(spec.shape)}`);
  }
  const t = spec.shape[0] as number;
  const min = operaCeMinFrames(cfg, mels);
  if (min === null || t < min) return [];
  return [tensor('float32', [1, t, mels], spec.data.slice())];
}

export const operaCe: EncoderDef<OperaCeConfig> = {
  id: ID,
  title: 'OPERA-CE',
  description:
    'OPERA-CE (Zhang et al., NeurIPS 2024 D&B): EfficientNet-B0 with a 1→3-channel input convolution, pretrained '
    + 'contrastively (COLA) on ~136k respiratory recordings. Weights: encoder-operaCE.ckpt from the Hugging Face repo '
    + 'evelyn0414/OPERA (code MIT). Embedding: the 1280-d global average of the last feature map, on the whole '
    + 'trimmed recording (padded to 8 s when shorter).',
  frontEnd: OPERA_FRONTEND,
  input: { kind: 'opera-entire', trim: OPERA_TRIM, minSeconds: 8, pad: 'repeat' },
  presets: { full: OPERA_CE_FULL, tiny: OPERA_CE_TINY },
  poolings: ['default'],
  fromReferenceConfig,
  embeddingDim: (cfg) => efficientNetOutChannels(cfg.efficientnet),
  modelInputs,
  build(b, cfg, x, opts) {
    if (opts.pooling !== 'default') throw new EncoderConfigError(ID, `pooling '${opts.pooling}' is not offered (global average pooling only)`);
    return { embedding: operaCeForward(b, cfg, x, opts.mode).embedding };
  },
  dynamicAxes: () => ({ 0: 'batch', 1: 'time' }),
  checkpoint: {
    prefix: 'encoder.',
    ignore: [
      { pattern: 'g\\..+', reason: 'COLA projection head Linear(1280→512): contrastive pretraining only' },
      { pattern: 'layer_norm\\..+', reason: 'COLA projection head LayerNorm(512): contrastive pretraining only' },
      { pattern: 'linear\\..+', reason: 'COLA bilinear similarity Linear(512→512): contrastive pretraining only' },
    ],
  },
};
