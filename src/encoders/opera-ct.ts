/**
 * OPERA-CT: OPERA's contrastive (COLA) encoder with the HTS-AT Swin transformer (Zhang et al., NeurIPS
 * 2024 D&B; evelyn0414/OPERA @ 3622310, `models_cola.py` `EncoderHTSAT` → `HTSATWrapper` →
 * `HTSAT_Swin_Transformer`; architecture in ./htsat.ts). Weights: `encoder-operaCT.ckpt` on the Hugging
 * Face repo evelyn0414/OPERA, keys under `encoder.encoder.htsat.`.
 *
 * Inputs (`modelInputs`), from OPERA's eval-mode forward:
 *   T ≤ 1024 frames: one input [1, T, 64]; the graph resizes it to 1024 frames (an exact identity at 1024).
 *   T > 1024: the windows x[p : p + 1024] for p in range(0, T − 1024 − 1, 512), each its own input, with
 *   the embeddings averaged by the caller; frames after the last window are ignored, as in OPERA. For
 *   T = 1025 that range is empty and OPERA crashes (`output_dicts[0]` of an empty list); here the window
 *   list is then [0], the value the rule gives for every T in 1026…1537.
 * The exported graph's time and batch axes are dynamic: every window and every shorter input runs through
 * one model (the time resize keeps the batch extent and resizes any input length to 1024 frames), and
 * model inputs of equal length can be batched.
 *
 * Embedding: 'default' = `latent_output`, the mean of the 8×8 final tokens after the final LayerNorm
 * (768-d). 'freq-preserving' = the final tokens averaged over time per frequency band and concatenated:
 * HTS-AT's own token-semantic module reads the final grid as (4 fold chunks × 2 frequency bands) rows ×
 * 8 time columns, so each token has a definite band (lower or upper 32 mel bins) and time span; the
 * readout has 2 × 768 = 1536 dims.
 */
import type { EncoderDef, Pooling } from './types.ts';
import type { GraphBuilder, Value } from '../ir/index.ts';
import { OPERA_FRONTEND } from '../audio/frontend-opera.ts';
import { OPERA_TRIM } from '../audio/trim.ts';
import { type HostTensor, tensor } from '../tensor/index.ts';
import { EncoderConfigError, EncoderInputError } from './errors.ts';
import { ReferenceConfigReader } from './reference-config.ts';
import {
  type HtsatConfig, HtsatShapeError, frequencyBands, freqRatio, htsatForward, htsatFrequencyPreserving, htsatLatent, htsatStages,
  numFeatures, targetFrames, tscamKernelHeight,
} from './htsat.ts';

const ID = 'opera-ct';

/** HTS-AT as OPERA constructs it: constructor defaults plus config.py (mel_bins 64, tscam on, 527 classes). */
const FULL: HtsatConfig = {
  melBins: 64,
  specSize: 256,
  patchSize: 4,
  patchStride: [4, 4],
  embedDim: 96,
  depths: [2, 2, 6, 2],
  numHeads: [4, 8, 16, 32],
  windowSize: 8,
  mlpRatio: 4,
  qkvBias: true,
  dropPathRate: 0.1,
  layerNormEps: 1e-5,
  bn0Eps: 1e-5,
  numClasses: 527,
  extractor: { nFft: 1024, sampleRate: 32000, fmin: 50, fmax: 14000 },
};

/**
 * Test-sized, same code paths as FULL: 64 mel bins, 1024 frames and the 4-chunk fold, shifted windows with
 * masks in both stages, PatchMerging, two frequency bands; about five thousand parameters.
 */
const TINY: HtsatConfig = {
  ...FULL,
  patchSize: 16,
  patchStride: [16, 16],
  embedDim: 4,
  depths: [2, 2],
  numHeads: [1, 2],
  windowSize: 4,
  numClasses: 3,
  extractor: { nFft: 8, sampleRate: 32000, fmin: 50, fmax: 14000 },
};

/** Check that a config builds (geometry, heads, fold, tscam kernel); errors name the encoder. */
export function checkOperaCtConfig(cfg: HtsatConfig): HtsatConfig {
  try {
    htsatStages(cfg);
    freqRatio(cfg);
    tscamKernelHeight(cfg);
  } catch (e) {
    if (e instanceof HtsatShapeError) throw new EncoderConfigError(ID, e.message);
    throw e;
  }
  if (!(cfg.mlpRatio > 0) || !(cfg.layerNormEps > 0) || !(cfg.bn0Eps > 0)) throw new EncoderConfigError(ID, 'mlp_ratio, layernorm_eps and bn0_eps must be positive');
  if (!(cfg.dropPathRate >= 0 && cfg.dropPathRate < 1)) throw new EncoderConfigError(ID, `drop_path_rate must be in [0, 1), got ${cfg.dropPathRate}`);
  return cfg;
}

/** Start frames of the 1024-frame windows of a T-frame spectrogram (T > window); see the file comment. */
export function operaCtWindowStarts(frames: number, window: number): number[] {
  const hop = window / 2;
  const starts: number[] = [];
  for (let p = 0; p < frames - window - 1; p += hop) starts.push(p);
  return starts.length > 0 ? starts : [0];
}

function fromReferenceConfig(json: Readonly<Record<string, unknown>>, base: HtsatConfig): HtsatConfig {
  const r = new ReferenceConfigReader(ID, json);
  const depths = r.intList('depths', 1);
  const numHeads = r.intList('num_heads', 1);
  // patch_stride goes through to_2tuple: a number or a (frequency, time) pair
  const s = typeof json.patch_stride === 'number' ? r.int('patch_stride', 1) : r.intList('patch_stride', 1, 2);
  const patchStride: readonly [number, number] | undefined = s === undefined ? undefined : typeof s === 'number' ? [s, s] : [s[0] as number, s[1] as number];
  const cfg: HtsatConfig = {
    melBins: r.int('mel_bins', 1) ?? base.melBins,
    specSize: r.int('spec_size', 1) ?? base.specSize,
    patchSize: r.int('patch_size', 1) ?? base.patchSize,
    patchStride: patchStride ?? base.patchStride,
    embedDim: r.int('embed_dim', 1) ?? base.embedDim,
    depths: depths ?? base.depths,
    numHeads: numHeads ?? base.numHeads,
    windowSize: r.int('window_size', 1) ?? base.windowSize,
    mlpRatio: r.number('mlp_ratio', { exclusiveMin: 0 }) ?? base.mlpRatio,
    qkvBias: r.bool('qkv_bias') ?? base.qkvBias,
    dropPathRate: r.number('drop_path_rate', { min: 0 }) ?? base.dropPathRate,
    layerNormEps: r.number('layernorm_eps', { exclusiveMin: 0 }) ?? base.layerNormEps,
    bn0Eps: r.number('bn0_eps', { exclusiveMin: 0 }) ?? base.bn0Eps,
    numClasses: r.int('num_classes', 1) ?? base.numClasses,
    extractor: base.extractor,
  };
  // Switches OPERA never changes; the other settings do not build a model whose latent_output OPERA reads.
  const fixed: [string, boolean, string][] = [
    ['ape', false, 'absolute position embeddings are not part of OPERA-CT'],
    ['patch_norm', true, 'HTS-AT also uses norm_layer for the final norm, which fails without it'],
    ['enable_tscam', true, "without tscam HTS-AT returns no 'latent_output', which is OPERA's embedding"],
  ];
  for (const [key, want, why] of fixed) {
    const v = r.bool(key);
    if (v !== undefined && v !== want) throw new EncoderConfigError(ID, `reference config key '${key}' must be ${want}: ${why}`);
  }
  const ratio = r.int('freq_ratio', 1);
  const features = r.int('num_features', 1);
  r.finish();
  checkOperaCtConfig(cfg);
  if (ratio !== undefined && ratio !== freqRatio(cfg)) throw new EncoderConfigError(ID, `freq_ratio ${ratio} disagrees with spec_size / mel_bins = ${freqRatio(cfg)}`);
  if (features !== undefined && features !== numFeatures(cfg)) throw new EncoderConfigError(ID, `num_features ${features} disagrees with embed_dim·2^(stages−1) = ${numFeatures(cfg)}`);
  return cfg;
}

function poolings(cfg: HtsatConfig): Pooling[] {
  return frequencyBands(cfg) === null ? ['default'] : ['default', 'freq-preserving'];
}

function embeddingDim(cfg: HtsatConfig, pooling: Pooling): number {
  if (pooling === 'default') return numFeatures(cfg);
  const bands = frequencyBands(cfg);
  if (bands === null) throw new EncoderConfigError(ID, "'freq-preserving' pooling needs a final token grid whose rows split into whole frequency bands");
  return bands * numFeatures(cfg);
}

function modelInputs(cfg: HtsatConfig, spectrogram: HostTensor<'float32'>): HostTensor<'float32'>[] {
  const F = cfg.melBins;
  if (spectrogram.shape.length !== 2 || spectrogram.shape[1] !== F) {
    throw new EncoderInputError(ID, `expects a spectrogram [T, ${F}] (time rows, mel columns), got [${spectrogram.shape.join(', ')}]`);
  }
  const T = spectrogram.shape[0] as number;
  if (T === 0) return [];
  const target = targetFrames(cfg);
  if (T <= target) return [tensor('float32', [1, T, F], spectrogram.data.slice())];
  return operaCtWindowStarts(T, target).map((p) => tensor('float32', [1, target, F], spectrogram.data.slice(p * F, (p + target) * F)));
}

function build(b: GraphBuilder, cfg: HtsatConfig, x: Value, opts: { mode: 'eval' | 'train'; pooling: Pooling }): { embedding: Value } {
  checkOperaCtConfig(cfg);
  const target = targetFrames(cfg);
  const T = x.shape[1] as number;
  if (x.rank !== 3 || x.shape[2] !== cfg.melBins || T < 1 || T > target) {
    throw new EncoderInputError(ID, `the graph input must be [B, T, ${cfg.melBins}] with 1 ≤ T ≤ ${target}, got [${x.shape.join(', ')}]`);
  }
  embeddingDim(cfg, opts.pooling);
  const out = htsatForward(b, cfg, x, opts.mode);
  return { embedding: opts.pooling === 'default' ? htsatLatent(b, out) : htsatFrequencyPreserving(b, cfg, out) };
}

export const operaCt: EncoderDef<HtsatConfig> = {
  id: ID,
  title: 'OPERA-CT (HTS-AT)',
  description:
    'OPERA-CT: the HTS-AT Swin transformer (31.3 M parameters in the checkpoint module, 27.5 M on the embedding path) '
    + 'pretrained by OPERA with COLA contrastive learning on about 136 K respiratory recordings (cough, breath, lung sounds). '
    + "Weights: encoder-operaCT.ckpt (Hugging Face evelyn0414/OPERA). Input: OPERA's 16 kHz librosa mel spectrogram [T, 64] "
    + 'min-max normalised; up to 1024 frames are resized to 1024, longer ones are cut into 1024-frame windows (hop 512). '
    + 'Embedding: the 768-d mean of the final tokens after the last LayerNorm, averaged over windows.',
  frontEnd: OPERA_FRONTEND,
  input: { kind: 'opera-entire', trim: OPERA_TRIM, minSeconds: 8, pad: 'repeat' },
  presets: { full: FULL, tiny: TINY },
  poolings: poolings(FULL),
  fromReferenceConfig,
  embeddingDim,
  modelInputs,
  build,
  dynamicAxes: () => ({ 0: 'batch', 1: 'time' }),
  checkpoint: {
    prefix: 'encoder.encoder.htsat.',
    ignore: [
      { pattern: 'g\\.(weight|bias)', reason: "COLA projection head g (pretraining only; OPERA's embedding is the encoder output)" },
      { pattern: 'layer_norm\\.(weight|bias)', reason: 'COLA head LayerNorm (pretraining only)' },
      { pattern: 'linear\\.weight', reason: 'COLA bilinear similarity matrix (pretraining only)' },
    ],
  },
};
