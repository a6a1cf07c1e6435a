/**
 * HeAR (Google Health Acoustic Representations, Baur et al. 2024): a ViT-L/16 masked autoencoder on 2-s
 * mel-PCEN spectrograms, as released in PyTorch (`google/hear-pytorch`, a transformers `ViTModel`, keys
 * without prefix). Semantics of transformers' modeling_vit.py (ViTEmbeddings, ViTLayer, ViTPooler):
 *
 *   x [B, 1, 192, 128] → patch_embeddings.projection Conv2d(1 → 1024, k 16, s 16) → 12 × 8 tokens, row-major
 *   prepend cls_token, + position_embeddings [1, 97, 1024]
 *   24 pre-LN layers: separate query/key/value Linears with bias, softmax(q·kᵀ·64^-0.5), attention.output.dense;
 *                     intermediate.dense (4096) → gelu_fast (tanh GELU) → output.dense; LayerNorm eps 1e-6
 *   layernorm over all tokens → last_hidden_state [B, 97, 1024]          (head `lastHiddenState`)
 *   'default':         pooler.dense(last_hidden_state[:, 0]) with pooler_act 'linear' = identity → 512
 *   'freq-preserving': last_hidden_state without the CLS token, mean over the 12 time patches of each of the
 *                      8 frequency patches, concatenated frequency-major → 8 × 1024 = 8192
 *
 * Input policy: 2-s windows every 1.8 s (the 10 % overlap step, 28 800 samples, of Google's classifier and
 * event-detector notebooks, hear.md §7.1), the tail covered by one last window that ends at the recording's
 * end ('snap-to-end', as senselab), so that no window but a recording shorter than 2 s carries zero padding
 * (zero padding moves HeAR embeddings, hear.md §1.4); window embeddings are averaged.
 */
import type { GraphBuilder, Value } from '../ir/index.ts';
import { type HostTensor, tensor } from '../tensor/index.ts';
import { HEAR_FRONTEND } from '../audio/frontend-hear.ts';
import { dropout, layerNorm, linear, patchEmbed, truncNormalInit } from '../nn/index.ts';
import type { BuildOptions, EncoderDef } from './types.ts';
import { EncoderConfigError, EncoderInputError } from './errors.ts';
import { ReferenceConfigReader } from './reference-config.ts';
import { freqPreservingPool, patchTokensOf, prependClassSlot, vitBlock } from './vit.ts';

export interface HearConfig {
  /** image_size (time rows, mel columns). */
  readonly imageSize: readonly [number, number];
  /** patch_size (rows, columns); HF configs give one number for square patches. */
  readonly patchSize: readonly [number, number];
  readonly numChannels: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  readonly intermediateSize: number;
  /** hidden_act: 'gelu' (erf) or 'geluTanh' (gelu_fast, gelu_new, gelu_pytorch_tanh). */
  readonly hiddenAct: 'gelu' | 'geluTanh';
  readonly layerNormEps: number;
  readonly qkvBias: boolean;
  readonly poolerOutputSize: number;
  /** pooler_act: 'linear' (identity, HeAR) or 'tanh' (transformers' default). */
  readonly poolerAct: 'linear' | 'tanh';
  /** hidden_dropout_prob and attention_probs_dropout_prob (training only). */
  readonly hiddenDropout: number;
  readonly attentionDropout: number;
  /** initializer_range: std of the truncated-normal init of weights and embeddings. */
  readonly initializerRange: number;
}

const ID = 'hear';

const FULL: HearConfig = {
  imageSize: [192, 128], patchSize: [16, 16], numChannels: 1, hiddenSize: 1024, numLayers: 24, numHeads: 16, intermediateSize: 4096,
  hiddenAct: 'geluTanh', layerNormEps: 1e-6, qkvBias: true, poolerOutputSize: 512, poolerAct: 'linear', hiddenDropout: 0, attentionDropout: 0,
  initializerRange: 0.02,
};

const TINY: HearConfig = {
  ...FULL, patchSize: [96, 64], hiddenSize: 4, numLayers: 1, numHeads: 2, intermediateSize: 8, poolerOutputSize: 4,
};

export function hearGrid(cfg: HearConfig): { rows: number; cols: number } {
  return { rows: Math.floor(cfg.imageSize[0] / cfg.patchSize[0]), cols: Math.floor(cfg.imageSize[1] / cfg.patchSize[1]) };
}

export function checkHearConfig(cfg: HearConfig): void {
  const bad = (msg: string): never => {
    throw new EncoderConfigError(ID, msg);
  };
  const posInt = (v: number) => Number.isInteger(v) && v >= 1;
  const ints = { numChannels: cfg.numChannels, hiddenSize: cfg.hiddenSize, numLayers: cfg.numLayers, numHeads: cfg.numHeads, intermediateSize: cfg.intermediateSize, poolerOutputSize: cfg.poolerOutputSize };
  for (const [k, v] of Object.entries(ints)) if (!posInt(v)) bad(`${k} must be a positive integer, got ${v}`);
  if (!cfg.imageSize.every(posInt) || !cfg.patchSize.every(posInt)) bad(`imageSize and patchSize must be positive integers, got ${cfg.imageSize.join('×')} and ${cfg.patchSize.join('×')}`);
  if (cfg.imageSize[0] % cfg.patchSize[0] !== 0 || cfg.imageSize[1] % cfg.patchSize[1] !== 0) bad(`imageSize ${cfg.imageSize.join('×')} is not a multiple of the patch ${cfg.patchSize.join('×')}`);
  if (cfg.hiddenSize % cfg.numHeads !== 0) bad(`hiddenSize ${cfg.hiddenSize} is not divisible by ${cfg.numHeads} heads`);
  if (!(cfg.layerNormEps > 0) || !(cfg.initializerRange > 0)) bad('layerNormEps and initializerRange must be positive');
  for (const [k, p] of [['hiddenDropout', cfg.hiddenDropout], ['attentionDropout', cfg.attentionDropout]] as const) if (!(p >= 0 && p < 1)) bad(`${k} must be in [0, 1), got ${p}`);
}

const ACTS = { gelu: 'gelu', gelu_fast: 'geluTanh', gelu_new: 'geluTanh', gelu_pytorch_tanh: 'geluTanh' } as const;

/** A HuggingFace ViT `config.json` (transformers ViTConfig names) over `base`; unknown keys are errors. */
function fromReferenceConfig(json: Readonly<Record<string, unknown>>, base: HearConfig): HearConfig {
  const r = new ReferenceConfigReader(ID, json);
  const pair = (key: string): [number, number] | undefined => {
    if (typeof json[key] === 'number') {
      const v = r.int(key, 1) as number;
      return [v, v];
    }
    const l = r.intList(key, 1, 2);
    return l ? [l[0] as number, l[1] as number] : undefined;
  };
  r.string('model_type', ['vit']);
  r.ignore('architectures', (v) => Array.isArray(v) && v.every((a) => typeof a === 'string'), 'a list of class names');
  r.ignore('torch_dtype', (v) => v === 'float32' || v === 'float16' || v === 'bfloat16', "'float32', 'float16' or 'bfloat16' (weights are converted to float32)");
  r.ignore('transformers_version', (v) => typeof v === 'string', 'a string');
  r.ignore('_name_or_path', (v) => typeof v === 'string', 'a string');
  // encoder_stride only configures ViTForMaskedImageModeling's decoder
  r.ignore('encoder_stride', (v) => typeof v === 'number' && Number.isInteger(v) && v > 0, 'a positive integer');
  const act = r.string('hidden_act', Object.keys(ACTS) as (keyof typeof ACTS)[]);
  const poolerAct = r.string('pooler_act', ['linear', 'tanh'] as const);
  const poolerSize = r.int('pooler_output_size', 1);
  // HeAR's config carries a non-standard `pooled_dim` equal to the pooler width
  const pooledDim = r.int('pooled_dim', 1);
  const cfg: HearConfig = {
    imageSize: pair('image_size') ?? base.imageSize,
    patchSize: pair('patch_size') ?? base.patchSize,
    numChannels: r.int('num_channels', 1) ?? base.numChannels,
    hiddenSize: r.int('hidden_size', 1) ?? base.hiddenSize,
    numLayers: r.int('num_hidden_layers', 1) ?? base.numLayers,
    numHeads: r.int('num_attention_heads', 1) ?? base.numHeads,
    intermediateSize: r.int('intermediate_size', 1) ?? base.intermediateSize,
    hiddenAct: act ? ACTS[act] : base.hiddenAct,
    layerNormEps: r.number('layer_norm_eps', { exclusiveMin: 0 }) ?? base.layerNormEps,
    qkvBias: r.bool('qkv_bias') ?? base.qkvBias,
    poolerOutputSize: poolerSize ?? base.poolerOutputSize,
    poolerAct: poolerAct ?? base.poolerAct,
    hiddenDropout: r.number('hidden_dropout_prob', { min: 0, max: 0.999999 }) ?? base.hiddenDropout,
    attentionDropout: r.number('attention_probs_dropout_prob', { min: 0, max: 0.999999 }) ?? base.attentionDropout,
    initializerRange: r.number('initializer_range', { exclusiveMin: 0 }) ?? base.initializerRange,
  };
  r.finish();
  if (pooledDim !== undefined && pooledDim !== cfg.poolerOutputSize) {
    throw new EncoderConfigError(ID, `reference config key 'pooled_dim' (${pooledDim}) differs from pooler_output_size (${cfg.poolerOutputSize})`);
  }
  checkHearConfig(cfg);
  return cfg;
}

/** One [192, 128] front-end spectrogram → [1, 1, 192, 128]. */
function modelInputs(cfg: HearConfig, spec: HostTensor<'float32'>): HostTensor<'float32'>[] {
  const [H, W] = cfg.imageSize;
  if (cfg.numChannels !== 1 || spec.shape.length !== 2 || spec.shape[0] !== H || spec.shape[1] !== W) {
    throw new EncoderInputError(ID, `expects one [${H}, ${W}] spectrogram per 2-s window (the HeAR front end's output), got [${spec.shape.join(',')}]`);
  }
  return [tensor('float32', [1, 1, H, W], spec.data.slice())];
}

/** The final-LayerNorm tokens [B, 1 + rows·cols, hidden] (CLS first); declares every parameter but the pooler. */
export function hearLastHiddenState(b: GraphBuilder, cfg: HearConfig, x: Value, mode: BuildOptions['mode']): Value {
  checkHearConfig(cfg);
  const [H, W] = cfg.imageSize;
  const D = cfg.hiddenSize;
  const C = cfg.numChannels;
  if (x.rank !== 4 || x.shape[1] !== C || x.shape[2] !== H || x.shape[3] !== W) throw new EncoderInputError(ID, `expects [B, ${C}, ${H}, ${W}] input, got [${x.shape.join(',')}]`);
  const { rows, cols } = hearGrid(cfg);
  const std = truncNormalInit(cfg.initializerRange);
  const init = { weight: std, bias: { kind: 'zeros' } } as const;
  let h = b.scope('embeddings', () => {
    const cls = b.param('cls_token', [1, 1, D], { init: std });
    const pos = b.param('position_embeddings', [1, rows * cols + 1, D], { init: std });
    const tokens = patchEmbed(b, 'patch_embeddings', x, { inChannels: C, embedDim: D, patch: cfg.patchSize, convName: 'projection', init });
    const table = b.add(b.pad(cls, [0, 0, 0, 0, rows * cols, 0]), pos);
    return dropout(b, 'dropout', prependClassSlot(b, tokens, table), { p: cfg.hiddenDropout, mode });
  });
  const block = {
    layout: 'hf', dim: D, numHeads: cfg.numHeads, mlpHidden: cfg.intermediateSize, qkvBias: cfg.qkvBias, eps: cfg.layerNormEps,
    act: cfg.hiddenAct, attnDrop: cfg.attentionDropout, drop: cfg.hiddenDropout, mode, init,
  } as const;
  h = b.scope('encoder', () => b.scope('layer', () => Array.from({ length: cfg.numLayers }, (_, i) => i).reduce((t, i) => vitBlock(b, i, t, block), h)));
  return layerNorm(b, 'layernorm', h, { shape: D, eps: cfg.layerNormEps });
}

function build(b: GraphBuilder, cfg: HearConfig, x: Value, opts: BuildOptions) {
  const last = hearLastHiddenState(b, cfg, x, opts.mode);
  const D = cfg.hiddenSize;
  const pooled = b.scope('pooler', () => {
    const y = linear(b, 'dense', b.reshape(b.slice(last, 1, 0, 1), [0, D]), {
      inFeatures: D, outFeatures: cfg.poolerOutputSize, bias: true, init: { weight: truncNormalInit(cfg.initializerRange), bias: { kind: 'zeros' } },
    });
    return cfg.poolerAct === 'tanh' ? b.tanh(y) : y;
  });
  const embedding = opts.pooling === 'default' ? pooled : freqPreservingPool(b, patchTokensOf(b, last), hearGrid(cfg).cols);
  return { embedding, heads: { lastHiddenState: last } };
}

export const hear: EncoderDef<HearConfig> = {
  id: ID,
  title: 'HeAR (ViT-L/16 masked autoencoder)',
  description:
    'Google\'s Health Acoustic Representations (Baur et al. 2024): a ViT-L/16 masked autoencoder pretrained on 313 M two-second '
    + 'health-sound clips, weights from the gated Hugging Face repository google/hear-pytorch (transformers ViTModel). The embedding is '
    + 'the 512-d pooler output (Linear on the final CLS token) per 2-s window, averaged over windows; frequency-preserving pooling '
    + 'gives 8 × 1024 from the final-layernorm patch tokens.',
  frontEnd: HEAR_FRONTEND,
  input: { kind: 'windows', seconds: 2, hopSeconds: 1.8, tail: 'snap-to-end' },
  presets: { full: FULL, tiny: TINY },
  poolings: ['default', 'freq-preserving'],
  fromReferenceConfig,
  embeddingDim: (cfg, pooling) => (pooling === 'default' ? cfg.poolerOutputSize : cfg.hiddenSize * hearGrid(cfg).cols),
  modelInputs,
  build,
  dynamicAxes: () => ({ 0: 'batch' }),
  checkpoint: { prefix: '', ignore: [] },
};
