/**
 * EfficientAT's MobileNetV3 (`MN`, fschmid56/EfficientAT @ a425fdc, `models/mn/model.py`,
 * `block_types.py`, `utils.py`; torchvision 0.14 `ConvNormActivation`), with the 'mlp' head:
 *
 *   features.0           ConvNormActivation(in → c₀, k, stride), Hardswish       `.0` conv (no bias), `.1` BN
 *   features.{1..n}      InvertedResidual per table row, layers in `.block.{k}`:
 *                          [expand 1×1 + BN + act, if expanded ≠ in]
 *                          depthwise k×k (stride 1 when dilated), pad (k−1)/2·dilation, BN, act
 *                          [ConcurrentSEBlock, if use_se]                          `.conc_se_layers.0.fc{1,2}`
 *                          project 1×1 + BN (no activation)
 *                        + input when stride 1 and in = out
 *   features.{n+1}       ConvNormActivation(1×1 → 6·out), Hardswish
 *   embedding            adaptive_avg_pool2d(·, 1) → [N, 6·out]
 *   classifier           AvgPool → Flatten → Linear(6·out → last) → Hardswish → Dropout → Linear(last → classes)
 *
 * act = ReLU for 'RE' rows, Hardswish for 'HS'. BN: eps 1e-3, momentum 0.01. Channels are scaled with
 * `make_divisible(c·width, 8)`. The SE squeeze width is make_divisible(C // se_r, 8) of the block's expanded
 * channels C; with se_dims 'c' (the only variant released) it is mean over (f, t) → Linear → ReLU →
 * Linear → sigmoid → scale, and the aggregation over one branch ('max', 'avg', …) is the identity.
 */
import type { GraphBuilder, Init, Value } from '../ir/index.ts';
import { batchNorm, conv2d, dropout, hardswish, inScope, linear, type Mode } from '../nn/index.ts';
import { EncoderConfigError } from './errors.ts';

/** One row of `_mobilenet_v3_conf`'s table, before width scaling. */
export interface InvertedResidualRow {
  readonly inputChannels: number;
  readonly kernel: number;
  readonly expandedChannels: number;
  readonly outChannels: number;
  readonly useSe: boolean;
  /** 'RE' = ReLU, 'HS' = Hardswish. */
  readonly activation: 'RE' | 'HS';
  readonly stride: number;
  readonly dilation: number;
}

export interface SqueezeExcitationConfig {
  /** 'c': channel SE (EfficientAT's se_dims='c'); 'none': no SE layers at all (se_dims='none'). */
  readonly dims: 'c' | 'none';
  readonly agg: 'max' | 'avg' | 'add' | 'min';
  readonly r: number;
}

export interface MobileNetV3Config {
  readonly widthMult: number;
  /** Table rows before scaling. */
  readonly blocks: readonly InvertedResidualRow[];
  /** Hidden width of the 'mlp' classifier before scaling (1280, or 640 with reduced_tail). */
  readonly lastChannel: number;
  readonly inChannels: number;
  readonly inConvKernel: number;
  readonly inConvStride: number;
  readonly numClasses: number;
  readonly se: SqueezeExcitationConfig;
  /** Classifier dropout (training only). */
  readonly dropout: number;
  readonly batchNormEps: number;
  readonly batchNormMomentum: number;
}

/** EfficientAT `make_divisible` (from the TF MobileNet code): nearest multiple, never 10 % below v. */
export function makeDivisible(v: number, divisor: number, minValue?: number): number {
  const min = minValue ?? divisor;
  let out = Math.max(min, Math.floor(Math.trunc(v + divisor / 2) / divisor) * divisor);
  if (out < 0.9 * v) out += divisor;
  return out;
}

/** `InvertedResidualConfig.adjust_channels`. */
export function adjustChannels(channels: number, widthMult: number): number {
  return makeDivisible(channels * widthMult, 8);
}

/** `_mobilenet_v3_conf`: the MobileNetV3-Large table with EfficientAT's configurable strides. */
export function mobileNetV3Table(strides: readonly [number, number, number, number], reducedTail: boolean, dilated: boolean): { blocks: InvertedResidualRow[]; lastChannel: number } {
  const rd = reducedTail ? 2 : 1;
  const dil = dilated ? 2 : 1;
  const row = (inputChannels: number, kernel: number, expandedChannels: number, outChannels: number, useSe: boolean, activation: 'RE' | 'HS', stride: number, dilation: number): InvertedResidualRow =>
    ({ inputChannels, kernel, expandedChannels, outChannels, useSe, activation, stride, dilation });
  const [s0, s1, s2, s3] = strides;
  const blocks = [
    row(16, 3, 16, 16, false, 'RE', 1, 1),
    row(16, 3, 64, 24, false, 'RE', s0, 1),
    row(24, 3, 72, 24, false, 'RE', 1, 1),
    row(24, 5, 72, 40, true, 'RE', s1, 1),
    row(40, 5, 120, 40, true, 'RE', 1, 1),
    row(40, 5, 120, 40, true, 'RE', 1, 1),
    row(40, 3, 240, 80, false, 'HS', s2, 1),
    row(80, 3, 200, 80, false, 'HS', 1, 1),
    row(80, 3, 184, 80, false, 'HS', 1, 1),
    row(80, 3, 184, 80, false, 'HS', 1, 1),
    row(80, 3, 480, 112, true, 'HS', 1, 1),
    row(112, 3, 672, 112, true, 'HS', 1, 1),
    row(112, 5, 672, Math.floor(160 / rd), true, 'HS', s3, dil),
    row(Math.floor(160 / rd), 5, Math.floor(960 / rd), Math.floor(160 / rd), true, 'HS', 1, dil),
    row(Math.floor(160 / rd), 5, Math.floor(960 / rd), Math.floor(160 / rd), true, 'HS', 1, dil),
  ];
  return { blocks, lastChannel: Math.floor(1280 / rd) };
}

export function checkMobileNetV3Config(cfg: MobileNetV3Config, encoder: string): void {
  const bad = (m: string) => new EncoderConfigError(encoder, `MobileNetV3 config: ${m}`);
  if (!(cfg.widthMult > 0)) throw bad(`widthMult must be > 0, got ${cfg.widthMult}`);
  if (cfg.blocks.length === 0) throw bad('the block table is empty');
  for (const [i, r] of cfg.blocks.entries()) {
    for (const k of ['inputChannels', 'kernel', 'expandedChannels', 'outChannels', 'dilation'] as const) {
      if (!Number.isInteger(r[k]) || r[k] < 1) throw bad(`row ${i}: ${k} must be a positive integer, got ${r[k]}`);
    }
    if (r.stride !== 1 && r.stride !== 2) throw bad(`row ${i}: stride must be 1 or 2 (EfficientAT: "illegal stride value"), got ${r.stride}`);
    if (i > 0 && adjustChannels(r.inputChannels, cfg.widthMult) !== adjustChannels((cfg.blocks[i - 1] as InvertedResidualRow).outChannels, cfg.widthMult)) {
      throw bad(`row ${i}: input channels do not match row ${i - 1}'s output channels`);
    }
  }
  for (const k of ['lastChannel', 'inChannels', 'inConvKernel', 'inConvStride', 'numClasses'] as const) {
    if (!Number.isInteger(cfg[k]) || cfg[k] < 1) throw bad(`${k} must be a positive integer, got ${cfg[k]}`);
  }
  if (!Number.isInteger(cfg.se.r) || cfg.se.r < 1) throw bad(`se.r must be a positive integer, got ${cfg.se.r}`);
  if (!(cfg.dropout >= 0 && cfg.dropout < 1)) throw bad(`dropout must be in [0, 1), got ${cfg.dropout}`);
  if (!(cfg.batchNormEps > 0)) throw bad(`batchNormEps must be > 0, got ${cfg.batchNormEps}`);
  if (!(cfg.batchNormMomentum >= 0 && cfg.batchNormMomentum <= 1)) throw bad(`batchNormMomentum must be in [0, 1], got ${cfg.batchNormMomentum}`);
}

/** Channels of the last feature map (= the embedding width): 6 · scaled output channels of the last row. */
export function mobileNetV3FeatureChannels(cfg: MobileNetV3Config): number {
  return 6 * adjustChannels((cfg.blocks[cfg.blocks.length - 1] as InvertedResidualRow).outChannels, cfg.widthMult);
}

export interface MobileNetV3Outputs {
  /** Output of every `features.{i}` module, stem first. */
  readonly stages: readonly Value[];
  /** Global average of the last feature map [N, 6·out]. */
  readonly embedding: Value;
  /** classifier[0:4]: Linear + Hardswish [N, last]. */
  readonly hidden: Value;
  /** classifier output [N, numClasses]. */
  readonly logits: Value;
}

/**
 * `MN.__init__`'s initialisation: convs kaiming_normal_(mode='fan_out') = N(0, 2/fan_out) with PyTorch's
 * fan_out = out_channels·kh·kw (not divided by groups); Linear N(0, 0.01²) with zero bias; BN ones/zeros.
 */
function kaimingNormalFanOut(fanOut: number): Init {
  return { kind: 'normal', mean: 0, std: Math.sqrt(2 / fanOut) };
}

const LINEAR_INIT: { weight: Init; bias: Init } = { weight: { kind: 'normal', mean: 0, std: 0.01 }, bias: { kind: 'zeros' } };

function convNormAct(b: GraphBuilder, name: string | number, x: Value, cfg: MobileNetV3Config, mode: Mode, c: {
  inChannels: number; outChannels: number; kernel: number; stride: number; dilation: number; groups: number; act: 'relu' | 'hardswish' | null;
}): Value {
  return b.scope(name, () => {
    const y = conv2d(b, 0, x, {
      inChannels: c.inChannels, outChannels: c.outChannels, kernel: c.kernel, stride: c.stride, dilation: c.dilation, groups: c.groups,
      padding: Math.floor((c.kernel - 1) / 2) * c.dilation, bias: false,
      init: { weight: kaimingNormalFanOut(c.outChannels * c.kernel * c.kernel) },
    });
    const z = batchNorm(b, 1, y, { numFeatures: c.outChannels, eps: cfg.batchNormEps, momentum: cfg.batchNormMomentum, affine: true, mode });
    return c.act === 'relu' ? b.relu(z) : c.act === 'hardswish' ? hardswish(b, z) : z;
  });
}

function squeezeExcitation(b: GraphBuilder, name: number, x: Value, channels: number, cfg: MobileNetV3Config): Value {
  const squeeze = makeDivisible(Math.floor(channels / cfg.se.r), 8);
  return b.scope(name, () => b.scope('conc_se_layers', () => b.scope(0, () => {
    let s: Value = b.mean(x, [2, 3]);
    s = b.relu(linear(b, 'fc1', s, { inFeatures: channels, outFeatures: squeeze, bias: true, init: LINEAR_INIT }));
    s = b.sigmoid(linear(b, 'fc2', s, { inFeatures: squeeze, outFeatures: channels, bias: true, init: LINEAR_INIT }));
    return b.mul(b.reshape(s, [0, channels, 1, 1]), x);
  })));
}

function invertedResidual(b: GraphBuilder, x: Value, row: InvertedResidualRow, cfg: MobileNetV3Config, mode: Mode): Value {
  const w = cfg.widthMult;
  const cin = adjustChannels(row.inputChannels, w);
  const cexp = adjustChannels(row.expandedChannels, w);
  const cout = adjustChannels(row.outChannels, w);
  const act = row.activation === 'HS' ? 'hardswish' : 'relu';
  return b.scope('block', () => {
    let k = 0;
    let h = x;
    if (cexp !== cin) h = convNormAct(b, k++, h, cfg, mode, { inChannels: cin, outChannels: cexp, kernel: 1, stride: 1, dilation: 1, groups: 1, act });
    h = convNormAct(b, k++, h, cfg, mode, {
      inChannels: cexp, outChannels: cexp, kernel: row.kernel, stride: row.dilation > 1 ? 1 : row.stride, dilation: row.dilation, groups: cexp, act,
    });
    if (row.useSe && cfg.se.dims !== 'none') h = squeezeExcitation(b, k++, h, cexp, cfg);
    h = convNormAct(b, k++, h, cfg, mode, { inChannels: cexp, outChannels: cout, kernel: 1, stride: 1, dilation: 1, groups: 1, act: null });
    return row.stride === 1 && cin === cout ? b.add(h, x) : h;
  });
}

/** The whole `MN` forward on x [N, inChannels, F, T]; parameters at the current scope (`features.*`, `classifier.*`). */
export function mobileNetV3(b: GraphBuilder, x: Value, cfg: MobileNetV3Config, mode: Mode): MobileNetV3Outputs {
  checkMobileNetV3Config(cfg, 'MobileNetV3');
  const w = cfg.widthMult;
  const stages: Value[] = [];
  let h = x;
  b.scope('features', () => {
    const first = adjustChannels((cfg.blocks[0] as InvertedResidualRow).inputChannels, w);
    h = convNormAct(b, 0, h, cfg, mode, { inChannels: cfg.inChannels, outChannels: first, kernel: cfg.inConvKernel, stride: cfg.inConvStride, dilation: 1, groups: 1, act: 'hardswish' });
    stages.push(h);
    cfg.blocks.forEach((row, i) => {
      h = b.scope(i + 1, () => invertedResidual(b, h, row, cfg, mode));
      stages.push(h);
    });
    const lastIn = adjustChannels((cfg.blocks[cfg.blocks.length - 1] as InvertedResidualRow).outChannels, w);
    h = convNormAct(b, cfg.blocks.length + 1, h, cfg, mode, { inChannels: lastIn, outChannels: 6 * lastIn, kernel: 1, stride: 1, dilation: 1, groups: 1, act: 'hardswish' });
    stages.push(h);
  });
  const channels = mobileNetV3FeatureChannels(cfg);
  const last = adjustChannels(cfg.lastChannel, w);
  const embedding = b.mean(h, [2, 3]);
  const { hidden, logits } = inScope(b, 'classifier', () => {
    const hid = hardswish(b, linear(b, 2, embedding, { inFeatures: channels, outFeatures: last, bias: true, init: LINEAR_INIT }));
    const dropped = dropout(b, 4, hid, { p: cfg.dropout, mode });
    return { hidden: hid, logits: linear(b, 5, dropped, { inFeatures: last, outFeatures: cfg.numClasses, bias: true, init: LINEAR_INIT }) };
  });
  return { stages, embedding, hidden, logits };
}
