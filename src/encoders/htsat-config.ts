/**
 * HTS-AT configuration and the geometry OPERA's constructor derives from it (evelyn0414/OPERA @ 3622310,
 * `src/model/htsat/htsat.py`): fold ratio, patch grid, Swin stages with SwinTransformerBlock's window rule
 * and drop-path schedule, the tscam kernel, and the frequency bands of the final token grid.
 */
import { type WindowGeometry, HtsatShapeError, blockGeometry } from './htsat-windows.ts';

export { HtsatShapeError };

export interface HtsatConfig {
  /** `config.mel_bins`: F, the spectrogram's frequency bins. */
  readonly melBins: number;
  /** `spec_size`: the square image side; freq_ratio = spec_size / mel_bins, target frames = spec_size·freq_ratio. */
  readonly specSize: number;
  readonly patchSize: number;
  /** `patch_stride` (frequency, time). */
  readonly patchStride: readonly [number, number];
  readonly embedDim: number;
  readonly depths: readonly number[];
  readonly numHeads: readonly number[];
  readonly windowSize: number;
  readonly mlpRatio: number;
  readonly qkvBias: boolean;
  /** Stochastic depth, linear over all blocks (training only). */
  readonly dropPathRate: number;
  /** eps of every LayerNorm (nn.LayerNorm default 1e-5). */
  readonly layerNormEps: number;
  /** eps of bn0 (nn.BatchNorm2d default 1e-5). */
  readonly bn0Eps: number;
  /** AudioSet classes of the unused tscam branch (`tscam_conv`, `head`). */
  readonly numClasses: number;
  /** torchlibrosa extractors built (frozen, unused) from HTS-AT's config.py: window_size, sample_rate, fmin, fmax. */
  readonly extractor: { readonly nFft: number; readonly sampleRate: number; readonly fmin: number; readonly fmax: number };
}

/** One Swin stage as HTS-AT instantiates it. */
export interface HtsatStage {
  readonly index: number;
  readonly dim: number;
  readonly heads: number;
  /** Token grid (rows = image rows / stride / 2^i). */
  readonly h: number;
  readonly w: number;
  readonly blocks: readonly { readonly geometry: WindowGeometry; readonly dropPath: number }[];
  readonly downsample: boolean;
}


export function freqRatio(cfg: HtsatConfig): number {
  if (cfg.specSize % cfg.melBins !== 0) throw new HtsatShapeError(`spec_size ${cfg.specSize} must be a multiple of mel_bins ${cfg.melBins}`);
  return cfg.specSize / cfg.melBins;
}

/** Frames the Swin input is resized to (and the window length for longer inputs): spec_size·freq_ratio. */
export function targetFrames(cfg: HtsatConfig): number {
  return cfg.specSize * freqRatio(cfg);
}

export function numFeatures(cfg: HtsatConfig): number {
  return cfg.embedDim * 2 ** (cfg.depths.length - 1);
}

/** Patch grid and conv padding; the conv output must be the grid HTS-AT's PatchEmbed assumes (img // stride). */
export function patchGrid(cfg: HtsatConfig): { gh: number; gw: number; pads: [number, number] } {
  const [sf, st] = cfg.patchStride;
  const pads: [number, number] = [Math.floor((cfg.patchSize - sf) / 2), Math.floor((cfg.patchSize - st) / 2)];
  const gh = Math.floor(cfg.specSize / sf);
  const gw = Math.floor(cfg.specSize / st);
  const convH = Math.floor((cfg.specSize + 2 * pads[0] - cfg.patchSize) / sf) + 1;
  const convW = Math.floor((cfg.specSize + 2 * pads[1] - cfg.patchSize) / st) + 1;
  if (cfg.patchSize < sf || cfg.patchSize < st || convH !== gh || convW !== gw) {
    throw new HtsatShapeError(`patch_size ${cfg.patchSize} with patch_stride [${sf}, ${st}] gives a ${convH}×${convW} conv output, not the ${gh}×${gw} grid of a ${cfg.specSize}² image`);
  }
  return { gh, gw, pads };
}

/** Stage geometry, window rule and drop-path rates (torch.linspace(0, rate, Σdepths)). */
export function htsatStages(cfg: HtsatConfig): HtsatStage[] {
  const n = cfg.depths.length;
  if (n < 1 || cfg.numHeads.length !== n) throw new HtsatShapeError(`depths [${cfg.depths.join(', ')}] and num_heads [${cfg.numHeads.join(', ')}] need the same non-zero length`);
  const total = cfg.depths.reduce((a, d) => a + d, 0);
  const { gh, gw } = patchGrid(cfg);
  const stages: HtsatStage[] = [];
  let k = 0;
  for (let i = 0; i < n; i++) {
    const dim = cfg.embedDim * 2 ** i;
    const heads = cfg.numHeads[i] as number;
    const depth = cfg.depths[i] as number;
    if (depth < 1) throw new HtsatShapeError(`stage ${i} has depth ${depth}`);
    if (dim % heads !== 0) throw new HtsatShapeError(`stage ${i}: dim ${dim} is not divisible by ${heads} heads`);
    const h = Math.floor(gh / 2 ** i);
    const w = Math.floor(gw / 2 ** i);
    if (h < 1 || w < 1) throw new HtsatShapeError(`stage ${i} has an empty ${h}×${w} grid`);
    const downsample = i < n - 1;
    if (downsample && (h % 2 !== 0 || w % 2 !== 0)) throw new HtsatShapeError(`PatchMerging after stage ${i} needs an even grid, got ${h}×${w}`);
    const blocks = Array.from({ length: depth }, (_, j) => {
      let geometry: WindowGeometry;
      try {
        geometry = blockGeometry(h, w, cfg.windowSize, j % 2 === 0 ? 0 : Math.floor(cfg.windowSize / 2));
      } catch (e) {
        if (!(e instanceof HtsatShapeError)) throw e;
        throw new HtsatShapeError(`stage ${i} block ${j}: ${e.message}`);
      }
      const rate = total === 1 ? 0 : (cfg.dropPathRate * k) / (total - 1);
      k++;
      return { geometry, dropPath: rate };
    });
    stages.push({ index: i, dim, heads, h, w, blocks, downsample });
  }
  return stages;
}

/** Kernel height of `tscam_conv`: spec_size // 2^(n−1) // patch_stride[0] // freq_ratio. */
export function tscamKernelHeight(cfg: HtsatConfig): number {
  const sf = Math.floor(Math.floor(Math.floor(cfg.specSize / 2 ** (cfg.depths.length - 1)) / cfg.patchStride[0]) / freqRatio(cfg));
  if (sf < 1) throw new HtsatShapeError(`the tscam_conv kernel height spec_size // 2^(n−1) // patch_stride[0] // freq_ratio is ${sf}`);
  return sf;
}

/**
 * Frequency bands of the final grid. tscam regroups the final H×W grid as (freq_ratio chunks × c bands)
 * rows, c = H / freq_ratio: token row r belongs to fold chunk ⌊r/c⌋ (a quarter of the 1024 frames for
 * OPERA-CT) and frequency band r mod c (band 0 = the lowest mel bins). null when H is not a multiple of
 * freq_ratio (the bands are then not whole token rows).
 */
export function frequencyBands(cfg: HtsatConfig): number | null {
  const stages = htsatStages(cfg);
  const h = (stages[stages.length - 1] as HtsatStage).h;
  const r = freqRatio(cfg);
  return h % r === 0 ? h / r : null;
}

