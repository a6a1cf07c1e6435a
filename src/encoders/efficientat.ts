/**
 * EfficientAT `mn04_as` (Schmid, Koutini & Widmer, ICASSP 2023; fschmid56/EfficientAT @ a425fdc): the
 * MobileNetV3 of src/encoders/mobilenetv3.ts at width 0.4 trained on AudioSet, as
 * `get_model(width_mult=0.4, pretrained_name="mn04_as", strides=[2,2,2,2], head_type="mlp")` builds it
 * (num_classes 527, se_dims 'c', se_agg 'max', se_r 4). Input: the `AugmentMelSTFT` eval front end's
 * [128, T] as [B, 1, 128, T]. Outputs as `MN._forward_impl`: the 384-d `features` (global average of the
 * last feature map) as the embedding, the 527 AudioSet logits, and the 512-d hidden layer of the MLP head.
 *
 * Default input policy: a recording of up to 10 s runs whole, as the reference applies the model to a
 * clip; a longer one is cut into 10-s windows every 10 s (the last one ending at the recording's end)
 * whose embeddings are averaged. The AudioSet clips the model was trained on last 10 s (the README's
 * figures assume 10-s inputs), and the whole-recording graph would hold about 65 MB of activations per
 * minute of audio.
 */
import type { HostTensor } from '../tensor/index.ts';
import { tensor } from '../tensor/index.ts';
import { EFFICIENTAT_FRONTEND } from '../audio/frontend-efficientat.ts';
import { fmtShape } from '../util/index.ts';
import type { EncoderDef } from './types.ts';
import { EncoderConfigError, EncoderInputError } from './errors.ts';
import {
  checkMobileNetV3Config, mobileNetV3, mobileNetV3FeatureChannels, mobileNetV3Table,
  type InvertedResidualRow, type MobileNetV3Config, type SqueezeExcitationConfig,
} from './mobilenetv3.ts';
import { ReferenceConfigReader } from './reference-config.ts';

const ID = 'efficientat-mn04';

const STANDARD = mobileNetV3Table([2, 2, 2, 2], false, false);

export const MN04_FULL: MobileNetV3Config = {
  widthMult: 0.4,
  blocks: STANDARD.blocks,
  lastChannel: STANDARD.lastChannel,
  inChannels: 1,
  inConvKernel: 3,
  inConvStride: 2,
  numClasses: 527,
  se: { dims: 'c', agg: 'max', r: 4 },
  dropout: 0.2,
  batchNormEps: 1e-3,
  batchNormMomentum: 0.01,
};

const row = (inputChannels: number, kernel: number, expandedChannels: number, outChannels: number, useSe: boolean, activation: 'RE' | 'HS', stride: number): InvertedResidualRow =>
  ({ inputChannels, kernel, expandedChannels, outChannels, useSe, activation, stride, dilation: 1 });

/**
 * A small variant for tests with every block kind: no expansion + residual, expansion + stride 2,
 * k5 + SE, Hardswish + SE + residual.
 */
export const MN04_TINY: MobileNetV3Config = {
  ...MN04_FULL,
  widthMult: 0.25,
  blocks: [
    row(16, 3, 16, 16, false, 'RE', 1),
    row(16, 3, 64, 24, false, 'RE', 2),
    row(24, 5, 72, 40, true, 'RE', 2),
    row(40, 3, 120, 40, true, 'HS', 1),
  ],
  lastChannel: 128,
  numClasses: 10,
};

const SE_AGG = ['max', 'avg', 'add', 'min'] as const;

/** `get_model`'s keyword arguments (plus `pretrained_name`, which only selects a download). */
function fromReferenceConfig(json: Readonly<Record<string, unknown>>, base: MobileNetV3Config): MobileNetV3Config {
  const r = new ReferenceConfigReader(ID, json);
  let cfg: MobileNetV3Config = base;
  const width = r.number('width_mult', { exclusiveMin: 0 });
  if (width !== undefined) cfg = { ...cfg, widthMult: width };
  const classes = r.int('num_classes', 1);
  if (classes !== undefined) cfg = { ...cfg, numClasses: classes };
  const strides = r.intList('strides', 1, 4);
  const reduced = r.bool('reduced_tail');
  const dilated = r.bool('dilated');
  if (strides !== undefined || reduced !== undefined || dilated !== undefined) {
    const t = mobileNetV3Table((strides ?? [2, 2, 2, 2]) as [number, number, number, number], reduced ?? false, dilated ?? false);
    cfg = { ...cfg, blocks: t.blocks, lastChannel: t.lastChannel };
  }
  const head = r.string('head_type', ['mlp', 'fully_convolutional', 'multihead_attention_pooling']);
  if (head !== undefined && head !== 'mlp') throw new EncoderConfigError(ID, `head_type '${head}' is not implemented (only 'mlp', the released AudioSet models' head)`);
  let se: SqueezeExcitationConfig = cfg.se;
  const dims = r.string('se_dims');
  if (dims !== undefined) {
    if (dims !== 'c' && dims !== 'none') {
      throw new EncoderConfigError(ID, `se_dims '${dims}' is not implemented (only 'c' and 'none'; frequency/time SE ties the model to one input size)`);
    }
    se = { ...se, dims };
  }
  const agg = r.string('se_agg', SE_AGG);
  if (agg !== undefined) se = { ...se, agg };
  const seR = r.int('se_r', 1);
  if (seR !== undefined) se = { ...se, r: seR };
  cfg = { ...cfg, se };
  // Read only by frequency/time SE and the attention-pooling head, neither of which is offered here.
  r.ignore('input_dim_f', (v) => typeof v === 'number' && Number.isInteger(v) && v >= 1, 'a positive integer');
  r.ignore('input_dim_t', (v) => typeof v === 'number' && Number.isInteger(v) && v >= 1, 'a positive integer');
  r.ignore('multihead_attention_heads', (v) => typeof v === 'number' && Number.isInteger(v) && v >= 1, 'a positive integer');
  // Selects a checkpoint to download in the reference; weights come from files here.
  r.ignore('pretrained_name', (v) => v === null || typeof v === 'string', 'a string or null');
  r.finish();
  checkMobileNetV3Config(cfg, ID);
  return cfg;
}

function modelInputs(cfg: MobileNetV3Config, spec: HostTensor<'float32'>): HostTensor<'float32'>[] {
  const mels = EFFICIENTAT_FRONTEND.mel.nMels;
  if (spec.shape.length !== 2 || spec.shape[0] !== mels) {
    throw new EncoderInputError(ID, `expects an EfficientAT mel spectrogram [${mels}, T], got ${fmtShape(spec.shape)}`);
  }
  if (cfg.inChannels !== 1) throw new EncoderInputError(ID, `a spectrogram is one channel, the config takes ${cfg.inChannels}`);
  return [tensor('float32', [1, 1, mels, spec.shape[1] as number], spec.data.slice())];
}

export const efficientAtMn04: EncoderDef<MobileNetV3Config> = {
  id: ID,
  title: 'EfficientAT mn04',
  description:
    'EfficientAT mn04_as (Schmid et al., ICASSP 2023): a width-0.4 MobileNetV3 trained on AudioSet by knowledge '
    + 'distillation from PaSST transformers (mAP 0.432). Weights: mn04_as_mAP_432.pt from the fschmid56/EfficientAT '
    + 'GitHub release v0.0.1 (MIT). Embedding: the 384-d global average of the last feature map of a recording '
    + 'of up to 10 s (the AudioSet clip length it was trained on); longer recordings are cut into 10-s windows '
    + "(the last one ending at the recording's end) whose embeddings are averaged. Heads: the 527 AudioSet logits "
    + 'and the 512-d hidden layer of the classifier.',
  frontEnd: EFFICIENTAT_FRONTEND,
  input: { kind: 'whole-or-windows', maxSeconds: 10, hopSeconds: 10, tail: 'snap-to-end' },
  presets: { full: MN04_FULL, tiny: MN04_TINY },
  poolings: ['default'],
  fromReferenceConfig,
  embeddingDim: (cfg) => mobileNetV3FeatureChannels(cfg),
  modelInputs,
  build(b, cfg, x, opts) {
    if (opts.pooling !== 'default') throw new EncoderConfigError(ID, `pooling '${opts.pooling}' is not offered (global average pooling only)`);
    if (x.rank !== 4 || x.shape[1] !== cfg.inChannels) throw new EncoderInputError(ID, `expects [B, ${cfg.inChannels}, F, T], got ${fmtShape(x.shape)}`);
    const out = mobileNetV3(b, x, cfg, opts.mode);
    return { embedding: out.embedding, heads: { logits: out.logits, hidden512: out.hidden } };
  },
  dynamicAxes: () => ({ 0: 'batch', 3: 'time' }),
  checkpoint: { prefix: '', ignore: [] },
};
