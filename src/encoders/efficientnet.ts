/**
 * EfficientNet as EfficientNet-PyTorch 0.7.1 builds it (lukemelas/EfficientNet-PyTorch @ 7e8b0d3,
 * `efficientnet_pytorch/model.py` and `utils.py`), without the classification top (`include_top=False`):
 *
 *   stem   Conv k3 s2 (inChannels → round_filters(32)), BN, swish                        `_conv_stem`, `_bn0`
 *   blocks MBConv per expanded BlockArgs:                                                `_blocks.{i}`
 *            [expand 1×1 (if expand_ratio ≠ 1), BN, swish]                               `_expand_conv`, `_bn0`
 *            depthwise k×k stride s, BN, swish                                           `_depthwise_conv`, `_bn1`
 *            [SE: mean over H,W → 1×1 conv (bias) → swish → 1×1 conv (bias) → sigmoid · x] `_se_reduce`, `_se_expand`
 *              with max(1, ⌊input_filters·se_ratio⌋) squeezed channels (the block's *input* filters)
 *            project 1×1, BN                                                             `_project_conv`, `_bn2`
 *            + input, when id_skip and stride 1 and in = out (drop-connect before it in training)
 *   head   Conv 1×1 → round_filters(1280), BN, swish                                     `_conv_head`, `_bn1`
 *
 * Every convolution is bias-free except the SE pair. BatchNorm uses `batch_norm_epsilon` and PyTorch
 * momentum 1 − `batch_norm_momentum` (TF convention in the config). Swish is x·sigmoid(x).
 *
 * Padding: `from_name` sets `image_size`, so every conv is a `Conv2dStaticSamePadding`: TF-"SAME" pads
 * computed once for the configured image size at that layer (`calculate_output_image_size`: ⌈size/stride⌉
 * after each strided layer) and applied whatever the real input size is (see nn/conv.ts staticSamePads).
 *
 * Width/depth scaling (`round_filters`, `round_repeats`): filters·w rounded to a multiple of
 * `depth_divisor` (at least `min_depth` or the divisor, and not below 90 % of filters·w); repeats ⌈r·d⌉.
 * Drop-connect rate of block i (of n) = drop_connect_rate · i/n, training only (a per-sample drop path).
 */
import type { GraphBuilder, Value } from '../ir/index.ts';
import { batchNorm, conv2d, dropPath, globalAvgPool, inScope, silu, type Mode, type ModuleName } from '../nn/index.ts';
import { EncoderConfigError } from './errors.ts';

/** One row of EfficientNet's block table (BlockArgs), before width/depth scaling. */
export interface MBConvArgs {
  readonly numRepeat: number;
  readonly kernelSize: number;
  readonly stride: number;
  readonly expandRatio: number;
  readonly inputFilters: number;
  readonly outputFilters: number;
  /** Squeeze-excitation ratio of the block's input filters; null or 0 = no SE. */
  readonly seRatio: number | null;
  readonly idSkip: boolean;
}

export interface EfficientNetConfig {
  /** The block table before scaling (EfficientNet-B0's for every B-variant). */
  readonly blocks: readonly MBConvArgs[];
  /** Width multiplier; null leaves filter counts as they are (round_filters returns them unchanged). */
  readonly widthCoefficient: number | null;
  /** Depth multiplier; null leaves repeat counts as they are. */
  readonly depthCoefficient: number | null;
  readonly depthDivisor: number;
  readonly minDepth: number | null;
  /** Image size [H, W] the static SAME pads are computed for (224 for B0). */
  readonly imageSize: readonly [number, number];
  readonly batchNormEpsilon: number;
  /** TF-style BN decay (0.99); the PyTorch momentum is 1 − this. */
  readonly batchNormMomentum: number;
  readonly dropConnectRate: number;
  readonly inChannels: number;
  /** Stem output filters before rounding (32). */
  readonly stemFilters: number;
  /** Head output filters before rounding (1280). */
  readonly headFilters: number;
}

/** One MBConv block as the constructor instantiates it (after scaling and repeat expansion). */
export interface MBConvBlock {
  readonly index: number;
  readonly kernelSize: number;
  readonly stride: number;
  readonly expandRatio: number;
  readonly inputFilters: number;
  readonly outputFilters: number;
  readonly seRatio: number | null;
  readonly idSkip: boolean;
  /** Image size at the block input (its static pads are computed for it). */
  readonly imageSize: readonly [number, number];
  /** Drop-connect rate in training: dropConnectRate · index / blockCount. */
  readonly dropConnect: number;
}

const WHERE = 'EfficientNet';

/** EfficientNet-PyTorch `BlockDecoder._decode_block_string`: 'r1_k3_s11_e1_i32_o16_se0.25[_noskip]'. */
export function decodeBlockString(s: string): MBConvArgs {
  const opts = new Map<string, string>();
  for (const op of s.split('_')) {
    const m = /^([a-z]+)(\d.*)$/.exec(op);
    if (m) opts.set(m[1] as string, m[2] as string);
  }
  const int = (k: string): number => {
    const v = opts.get(k);
    if (v === undefined || !/^\d+$/.test(v)) throw new EncoderConfigError(WHERE, `block string '${s}': missing or bad '${k}'`);
    return Number(v);
  };
  const stride = opts.get('s');
  if (stride === undefined || !/^\d\d?$/.test(stride) || (stride.length === 2 && stride[0] !== stride[1])) {
    throw new EncoderConfigError(WHERE, `block string '${s}': stride must be one digit or two equal digits`);
  }
  const se = opts.get('se');
  if (se !== undefined && !Number.isFinite(Number(se))) throw new EncoderConfigError(WHERE, `block string '${s}': bad se ratio '${se}'`);
  return {
    numRepeat: int('r'),
    kernelSize: int('k'),
    stride: Number(stride[0]),
    expandRatio: int('e'),
    inputFilters: int('i'),
    outputFilters: int('o'),
    seRatio: se === undefined ? null : Number(se),
    idSkip: !s.includes('noskip'),
  };
}

/** EfficientNet-PyTorch `efficientnet()`'s block table (B0, scaled per variant by width/depth). */
export const EFFICIENTNET_B0_BLOCKS: readonly MBConvArgs[] = [
  'r1_k3_s11_e1_i32_o16_se0.25',
  'r2_k3_s22_e6_i16_o24_se0.25',
  'r2_k5_s22_e6_i24_o40_se0.25',
  'r3_k3_s22_e6_i40_o80_se0.25',
  'r3_k5_s11_e6_i80_o112_se0.25',
  'r4_k5_s22_e6_i112_o192_se0.25',
  'r1_k3_s11_e6_i192_o320_se0.25',
].map(decodeBlockString);

/** `efficientnet_params`: (width, depth, resolution) per model name. */
export const EFFICIENTNET_VARIANTS: Readonly<Record<string, readonly [number, number, number]>> = {
  'efficientnet-b0': [1.0, 1.0, 224],
  'efficientnet-b1': [1.0, 1.1, 240],
  'efficientnet-b2': [1.1, 1.2, 260],
  'efficientnet-b3': [1.2, 1.4, 300],
  'efficientnet-b4': [1.4, 1.8, 380],
  'efficientnet-b5': [1.6, 2.2, 456],
  'efficientnet-b6': [1.8, 2.6, 528],
  'efficientnet-b7': [2.0, 3.1, 600],
  'efficientnet-b8': [2.2, 3.6, 672],
  'efficientnet-l2': [4.3, 5.3, 800],
};

/** `EfficientNet.from_name('efficientnet-b0')` (drop_connect_rate as OPERA passes it: 0.1). */
export const EFFICIENTNET_B0: EfficientNetConfig = {
  blocks: EFFICIENTNET_B0_BLOCKS,
  widthCoefficient: 1.0,
  depthCoefficient: 1.0,
  depthDivisor: 8,
  minDepth: null,
  imageSize: [224, 224],
  batchNormEpsilon: 1e-3,
  batchNormMomentum: 0.99,
  dropConnectRate: 0.1,
  inChannels: 3,
  stemFilters: 32,
  headFilters: 1280,
};

/** `round_filters`. */
export function roundFilters(filters: number, cfg: EfficientNetConfig): number {
  const w = cfg.widthCoefficient;
  if (!w) return filters;
  const d = cfg.depthDivisor;
  const scaled = filters * w;
  const minDepth = cfg.minDepth || d;
  let out = Math.max(minDepth, Math.floor(Math.trunc(scaled + d / 2) / d) * d);
  if (out < 0.9 * scaled) out += d;
  return out;
}

/** `round_repeats`. */
export function roundRepeats(repeats: number, cfg: EfficientNetConfig): number {
  const m = cfg.depthCoefficient;
  return m ? Math.ceil(m * repeats) : repeats;
}

/** `calculate_output_image_size`: ⌈size/stride⌉ per axis. */
function outputImage(size: readonly [number, number], stride: number): [number, number] {
  return [Math.ceil(size[0] / stride), Math.ceil(size[1] / stride)];
}

export function checkEfficientNetConfig(cfg: EfficientNetConfig, encoder: string): void {
  const bad = (m: string) => new EncoderConfigError(encoder, `EfficientNet config: ${m}`);
  if (cfg.blocks.length === 0) throw bad('the block table is empty');
  for (const [i, a] of cfg.blocks.entries()) {
    for (const k of ['numRepeat', 'kernelSize', 'stride', 'expandRatio', 'inputFilters', 'outputFilters'] as const) {
      if (!Number.isInteger(a[k]) || a[k] < 1) throw bad(`block row ${i}: ${k} must be a positive integer, got ${a[k]}`);
    }
    if (a.seRatio !== null && !(a.seRatio >= 0 && a.seRatio <= 1)) throw bad(`block row ${i}: seRatio must be in [0, 1] or null, got ${a.seRatio}`);
  }
  for (const k of ['widthCoefficient', 'depthCoefficient'] as const) {
    const v = cfg[k];
    if (v !== null && !(v > 0)) throw bad(`${k} must be > 0 or null, got ${v}`);
  }
  if (!Number.isInteger(cfg.depthDivisor) || cfg.depthDivisor < 1) throw bad(`depthDivisor must be a positive integer, got ${cfg.depthDivisor}`);
  if (cfg.minDepth !== null && !(Number.isInteger(cfg.minDepth) && cfg.minDepth >= 1)) throw bad(`minDepth must be a positive integer or null, got ${cfg.minDepth}`);
  if (!cfg.imageSize.every((s) => Number.isInteger(s) && s >= 1)) throw bad(`imageSize must be two positive integers, got [${cfg.imageSize.join(', ')}]`);
  if (!(cfg.batchNormEpsilon > 0)) throw bad(`batchNormEpsilon must be > 0, got ${cfg.batchNormEpsilon}`);
  if (!(cfg.batchNormMomentum >= 0 && cfg.batchNormMomentum <= 1)) throw bad(`batchNormMomentum must be in [0, 1], got ${cfg.batchNormMomentum}`);
  if (!(cfg.dropConnectRate >= 0 && cfg.dropConnectRate < 1)) throw bad(`dropConnectRate must be in [0, 1), got ${cfg.dropConnectRate}`);
  for (const k of ['inChannels', 'stemFilters', 'headFilters'] as const) {
    if (!Number.isInteger(cfg[k]) || cfg[k] < 1) throw bad(`${k} must be a positive integer, got ${cfg[k]}`);
  }
}

/** The blocks the constructor instantiates, in `_blocks` order. */
export function expandBlocks(cfg: EfficientNetConfig): MBConvBlock[] {
  const rows: Omit<MBConvBlock, 'index' | 'dropConnect'>[] = [];
  let image = outputImage(cfg.imageSize, 2);
  for (const a of cfg.blocks) {
    const inputFilters = roundFilters(a.inputFilters, cfg);
    const outputFilters = roundFilters(a.outputFilters, cfg);
    const repeats = roundRepeats(a.numRepeat, cfg);
    const base = { kernelSize: a.kernelSize, expandRatio: a.expandRatio, seRatio: a.seRatio, idSkip: a.idSkip, outputFilters };
    rows.push({ ...base, stride: a.stride, inputFilters, imageSize: image });
    image = outputImage(image, a.stride);
    for (let r = 1; r < repeats; r++) rows.push({ ...base, stride: 1, inputFilters: outputFilters, imageSize: image });
  }
  return rows.map((r, index) => ({ ...r, index, dropConnect: cfg.dropConnectRate * index / rows.length }));
}

/** Channels of `extract_features`' output: round_filters(headFilters). */
export function efficientNetOutChannels(cfg: EfficientNetConfig): number {
  return roundFilters(cfg.headFilters, cfg);
}

/**
 * Spatial size after the network for an input of [h, w] (static pads: each stride-s layer with kernel k
 * maps n to ⌊(n + pad − k)/s⌋ + 1 with the pad fixed at construction), or null once an axis drops below 1.
 */
export function efficientNetOutputSize(cfg: EfficientNetConfig, size: readonly [number, number]): [number, number] | null {
  const layer = (n: [number, number], k: number, s: number, image: readonly [number, number]): [number, number] | null => {
    const out = [0, 1].map((a) => {
      const i = image[a] as number;
      const pad = Math.max((Math.ceil(i / s) - 1) * s + k - i, 0);
      return Math.floor(((n[a] as number) + pad - k) / s) + 1;
    }) as [number, number];
    return out[0] >= 1 && out[1] >= 1 ? out : null;
  };
  let n: [number, number] | null = layer([size[0], size[1]], 3, 2, cfg.imageSize);
  for (const blk of expandBlocks(cfg)) {
    if (!n) return null;
    n = layer(n, blk.kernelSize, blk.stride, blk.imageSize);
  }
  return n;
}

export interface EfficientNetOutputs {
  /** `extract_features`: the head's swish output [N, round_filters(headFilters), H', W']. */
  readonly features: Value;
  /** Stem output and every block's output (for layer-by-layer checks). */
  readonly stem: Value;
  readonly blocks: readonly Value[];
}

function convBnSwish(b: GraphBuilder, x: Value, conv: string, bn: string, cfg: EfficientNetConfig, mode: Mode, c: {
  inChannels: number; outChannels: number; kernel: number; stride: number; groups: number; imageSize: readonly [number, number]; swish: boolean;
}): Value {
  const y = conv2d(b, conv, x, {
    inChannels: c.inChannels, outChannels: c.outChannels, kernel: c.kernel, stride: c.stride, groups: c.groups,
    padding: { kind: 'staticSame', imageSize: c.imageSize }, bias: false,
  });
  const z = batchNorm(b, bn, y, { numFeatures: c.outChannels, eps: cfg.batchNormEpsilon, momentum: 1 - cfg.batchNormMomentum, affine: true, mode });
  return c.swish ? silu(b, z) : z;
}

function mbConv(b: GraphBuilder, x: Value, blk: MBConvBlock, cfg: EfficientNetConfig, mode: Mode): Value {
  const inp = blk.inputFilters;
  const oup = inp * blk.expandRatio;
  let h = x;
  if (blk.expandRatio !== 1) {
    h = convBnSwish(b, h, '_expand_conv', '_bn0', cfg, mode, { inChannels: inp, outChannels: oup, kernel: 1, stride: 1, groups: 1, imageSize: blk.imageSize, swish: true });
  }
  h = convBnSwish(b, h, '_depthwise_conv', '_bn1', cfg, mode, { inChannels: oup, outChannels: oup, kernel: blk.kernelSize, stride: blk.stride, groups: oup, imageSize: blk.imageSize, swish: true });
  if (blk.seRatio !== null && blk.seRatio > 0) {
    const squeezed = Math.max(1, Math.floor(inp * blk.seRatio));
    let s: Value = b.mean(h, [2, 3], true);
    s = conv2d(b, '_se_reduce', s, { inChannels: oup, outChannels: squeezed, kernel: 1, padding: 0, bias: true });
    s = silu(b, s);
    s = conv2d(b, '_se_expand', s, { inChannels: squeezed, outChannels: oup, kernel: 1, padding: 0, bias: true });
    h = b.mul(b.sigmoid(s), h);
  }
  h = convBnSwish(b, h, '_project_conv', '_bn2', cfg, mode, { inChannels: oup, outChannels: blk.outputFilters, kernel: 1, stride: 1, groups: 1, imageSize: outputImage(blk.imageSize, blk.stride), swish: false });
  if (blk.idSkip && blk.stride === 1 && inp === blk.outputFilters) {
    if (blk.dropConnect > 0) h = dropPath(b, 'drop_connect', h, { p: blk.dropConnect, mode });
    h = b.add(h, x);
  }
  return h;
}

/** `EfficientNet.extract_features` on x [N, inChannels, H, W], parameters under `name`. */
export function efficientNet(b: GraphBuilder, name: ModuleName, x: Value, cfg: EfficientNetConfig, mode: Mode): EfficientNetOutputs {
  checkEfficientNetConfig(cfg, WHERE);
  return inScope(b, name, () => {
    const stemFilters = roundFilters(cfg.stemFilters, cfg);
    const stem = convBnSwish(b, x, '_conv_stem', '_bn0', cfg, mode, {
      inChannels: cfg.inChannels, outChannels: stemFilters, kernel: 3, stride: 2, groups: 1, imageSize: cfg.imageSize, swish: true,
    });
    const blocks: Value[] = [];
    let h = stem;
    const list = expandBlocks(cfg);
    b.scope('_blocks', () => {
      for (const blk of list) {
        h = b.scope(blk.index, () => mbConv(b, h, blk, cfg, mode));
        blocks.push(h);
      }
    });
    const last = list[list.length - 1] as MBConvBlock;
    const finalImage = outputImage(last.imageSize, last.stride);
    const features = convBnSwish(b, h, '_conv_head', '_bn1', cfg, mode, {
      inChannels: last.outputFilters, outChannels: efficientNetOutChannels(cfg), kernel: 1, stride: 1, groups: 1, imageSize: finalImage, swish: true,
    });
    return { features, stem, blocks };
  });
}

/** `EfficientNet.forward` without the top: features → AdaptiveAvgPool2d(1) → [N, C]. */
export function efficientNetPooled(b: GraphBuilder, name: ModuleName, x: Value, cfg: EfficientNetConfig, mode: Mode): Value {
  return globalAvgPool(b, efficientNet(b, name, x, cfg, mode).features);
}
