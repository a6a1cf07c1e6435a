/**
 * nn.Conv2d on NCHW with explicit padding, stride, dilation and groups (depthwise when groups = in =
 * out). Parameters `weight` [out, in/groups, kh, kw] and, with `bias`, `bias` [out].
 *
 * Padding forms:
 *  - a number p or [ph, pw]: symmetric zero padding, as nn.Conv2d(padding=…);
 *  - [top, left, bottom, right]: explicit;
 *  - { kind: 'same' }: PyTorch padding='same' (stride 1 only): total d·(k−1), the odd extra on bottom/right;
 *  - { kind: 'staticSame', imageSize: [H, W] }: the TF-"SAME" padding EfficientNet-PyTorch 0.7.1
 *    (utils.Conv2dStaticSamePadding) computes once for a fixed image size and then applies whatever the
 *    real input size is (see `staticSamePads`).
 */
import type { GraphBuilder, Value } from '../ir/index.ts';
import { type InitSpec, biasUniformInit, kaimingUniformInit, resolveInit } from './init.ts';
import { type ModuleName, checkPositive, inScope, moduleError, pair } from './module.ts';
import { fmtShape } from '../util/index.ts';

export type Conv2dPadding =
  | number
  | readonly [number, number]
  | readonly [number, number, number, number]
  | { kind: 'same' }
  | { kind: 'staticSame'; imageSize: readonly [number, number] };

export interface Conv2dConfig {
  inChannels: number;
  outChannels: number;
  kernel: number | readonly [number, number];
  stride?: number | readonly [number, number];
  padding: Conv2dPadding;
  dilation?: number | readonly [number, number];
  groups?: number;
  bias: boolean;
  /** Overrides of PyTorch's default init; rules get fan-in = in/groups·kh·kw, fan-out = out/groups·kh·kw. */
  init?: { weight?: InitSpec; bias?: InitSpec };
}

/**
 * EfficientNet-PyTorch's static SAME pads for an image of size [H, W]:
 * o = ⌈i/s⌉, pad = max((o−1)·s + (k−1)·d + 1 − i, 0), split as ⌊pad/2⌋ before and the rest after.
 * Returns [top, left, bottom, right].
 */
export function staticSamePads(
  imageSize: readonly [number, number], kernel: readonly [number, number], stride: readonly [number, number], dilation: readonly [number, number],
): [number, number, number, number] {
  const p = [0, 1].map((a) => {
    const i = imageSize[a] as number;
    const s = stride[a] as number;
    const o = Math.ceil(i / s);
    return Math.max((o - 1) * s + ((kernel[a] as number) - 1) * (dilation[a] as number) + 1 - i, 0);
  }) as [number, number];
  return [Math.floor(p[0] / 2), Math.floor(p[1] / 2), p[0] - Math.floor(p[0] / 2), p[1] - Math.floor(p[1] / 2)];
}

/** Output extent of a static-SAME conv on the fixed image: ⌈i/s⌉ per axis (EfficientNet's calculate_output_image_size). */
export function staticSameOutputSize(imageSize: readonly [number, number], stride: number | readonly [number, number]): [number, number] {
  const s = pair(stride);
  return [Math.ceil(imageSize[0] / s[0]), Math.ceil(imageSize[1] / s[1])];
}

export function resolveConvPads(
  padding: Conv2dPadding, kernel: readonly [number, number], stride: readonly [number, number], dilation: readonly [number, number],
): [number, number, number, number] {
  if (typeof padding === 'number') return [padding, padding, padding, padding];
  if (Array.isArray(padding)) {
    const pd = padding as readonly number[];
    if (pd.length === 2) return [pd[0] as number, pd[1] as number, pd[0] as number, pd[1] as number];
    return [pd[0] as number, pd[1] as number, pd[2] as number, pd[3] as number];
  }
  const spec = padding as Exclude<Conv2dPadding, number | readonly number[]>;
  if (spec.kind === 'staticSame') return staticSamePads(spec.imageSize, kernel, stride, dilation);
  if (stride[0] !== 1 || stride[1] !== 1) throw new RangeError(`padding 'same' needs stride 1, got [${stride.join(',')}]`);
  const th = dilation[0] * (kernel[0] - 1);
  const tw = dilation[1] * (kernel[1] - 1);
  return [Math.floor(th / 2), Math.floor(tw / 2), th - Math.floor(th / 2), tw - Math.floor(tw / 2)];
}

export function conv2d(b: GraphBuilder, name: ModuleName, x: Value, cfg: Conv2dConfig): Value {
  return inScope(b, name, () => {
    const groups = cfg.groups ?? 1;
    const kernel = pair(cfg.kernel);
    const stride = pair(cfg.stride ?? 1);
    const dilation = pair(cfg.dilation ?? 1);
    checkPositive(b, 'conv2d', 'inChannels', cfg.inChannels);
    checkPositive(b, 'conv2d', 'outChannels', cfg.outChannels);
    checkPositive(b, 'conv2d', 'groups', groups);
    if (cfg.inChannels % groups !== 0 || cfg.outChannels % groups !== 0) {
      throw moduleError(b, 'conv2d', `groups ${groups} must divide inChannels ${cfg.inChannels} and outChannels ${cfg.outChannels}`);
    }
    if (x.rank !== 4 || x.shape[1] !== cfg.inChannels) throw moduleError(b, 'conv2d', `expects [N, ${cfg.inChannels}, H, W], got ${fmtShape(x.shape)}`);
    let pads: [number, number, number, number];
    try {
      pads = resolveConvPads(cfg.padding, kernel, stride, dilation);
    } catch (e) {
      throw moduleError(b, 'conv2d', (e as Error).message);
    }
    const fanIn = (cfg.inChannels / groups) * kernel[0] * kernel[1];
    const fanOut = (cfg.outChannels / groups) * kernel[0] * kernel[1];
    const w = b.param('weight', [cfg.outChannels, cfg.inChannels / groups, kernel[0], kernel[1]], { init: resolveInit(cfg.init?.weight ?? kaimingUniformInit(fanIn), fanIn, fanOut) });
    const bias = cfg.bias ? b.param('bias', [cfg.outChannels], { init: resolveInit(cfg.init?.bias ?? biasUniformInit(fanIn), fanIn, fanOut) }) : null;
    return b.conv(x, w, bias, { strides: stride, pads, dilations: dilation, group: groups });
  });
}
