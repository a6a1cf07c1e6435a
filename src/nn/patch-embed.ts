/**
 * Patch embedding (timm PatchEmbed, HF ViTPatchEmbeddings, HTS-AT PatchEmbed): a Conv2d with kernel =
 * patch (stride = patch unless given), flattened row-major over the patch grid to tokens
 * [B, gh·gw, embedDim] (x.flatten(2).transpose(1, 2)), then an optional LayerNorm `norm`.
 */
import type { GraphBuilder, Value } from '../ir/index.ts';
import type { InitSpec } from './init.ts';
import { conv2d } from './conv.ts';
import { layerNorm } from './layer-norm.ts';
import { type ModuleName, inScope } from './module.ts';

export interface PatchEmbedConfig {
  inChannels: number;
  embedDim: number;
  patch: number | readonly [number, number];
  stride?: number | readonly [number, number];
  /** Zero padding of the conv (HTS-AT pads (patch − stride)/2 when they differ); default 0. */
  padding?: number | readonly [number, number];
  /** Name of the conv: 'proj' (timm, default) or 'projection' (HF). */
  convName?: string;
  /** LayerNorm `norm` after flattening (HTS-AT), with this eps. */
  norm?: { eps: number };
  init?: { weight?: InitSpec; bias?: InitSpec };
}

export function patchEmbed(b: GraphBuilder, name: ModuleName, x: Value, cfg: PatchEmbedConfig): Value {
  return inScope(b, name, () => {
    const y = conv2d(b, cfg.convName ?? 'proj', x, {
      inChannels: cfg.inChannels, outChannels: cfg.embedDim, kernel: cfg.patch, stride: cfg.stride ?? cfg.patch,
      padding: cfg.padding ?? 0, bias: true, ...(cfg.init ? { init: cfg.init } : {}),
    });
    const tokens = b.transpose(b.reshape(y, [0, 0, -1]), [0, 2, 1]);
    return cfg.norm ? layerNorm(b, 'norm', tokens, { shape: cfg.embedDim, eps: cfg.norm.eps }) : tokens;
  });
}
