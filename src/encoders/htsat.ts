/**
 * HTS-AT (Chen et al. 2022), the Swin-Transformer audio encoder behind OPERA-CT, as OPERA builds it
 * (evelyn0414/OPERA @ 3622310, `src/model/htsat/htsat.py`, `htsat_util.py`, `config.py`), eval and train
 * mode, embedding path only:
 *
 *   x [B, T, F]  (T ≤ specSize·freqRatio frames, F = melBins)
 *   bn0          BatchNorm2d(F) over the mel axis (x.transpose(1, 3) → bn0 → transpose back)          `bn0`
 *   resize       T → specSize·freqRatio frames: bicubic, A = −0.75, align_corners=True (an exact
 *                identity when T is already the target)
 *   fold         [T', F] → image [freqRatio·F, T'/freqRatio]: image[c·F + f, t] = x[c·T'/freqRatio + t, f]
 *   patch_embed  Conv(1 → C, k = patch, stride, pad (patch − stride)/2), tokens row-major, LayerNorm   `patch_embed.{proj,norm}`
 *   layers.i     Swin stage i at grid (gh/2^i, gw/2^i), dim C·2^i, blocks alternating plain and
 *                shifted (window/2) windows, then PatchMerging except after the last stage            `layers.{i}.…`
 *   norm         LayerNorm(C·2^(n−1))                                                               `norm`
 *   latent       mean over all final tokens (tscam's `latent_output`)
 *
 * Swin block (pre-norm): x + Attn(LN1(x)), then x + MLP(LN2(x)), GELU exact, q scaled by head_dim^−½,
 * logits + relative-position bias (table[index]) + the −100 mask on shifted blocks; drop path (train)
 * on both branches with rates linspace(0, drop_path_rate, Σdepths). All LayerNorms use `layerNormEps`.
 *
 * Graph layout (see ./htsat-windows.ts): every block runs on its tokens in window order, [B, L, C] with
 * the windows of a sample contiguous, so window attention is one batched MatMul over (B·nW, heads, N, d);
 * tokens move between orders by a single Gather, and the relative-position bias (with the mask on shifted
 * blocks) is a function of stored buffers only, which ONNX Runtime folds into a constant once per session.
 *
 * Declared but unused by the embedding (they are part of the reference module and of its state dict):
 * torchlibrosa's frozen `spectrogram_extractor` / `logmel_extractor` (their forward calls are commented
 * out in HTS-AT), `tscam_conv` and `head` (the clip-level AudioSet branch, discarded by `latent_output`).
 */
import type { GraphBuilder, Init, Value } from '../ir/index.ts';
import { batchNorm, biasUniformInit, dropPath, kaimingUniformInit, layerNorm, linear, conv2d, type InitSpec, type Mode } from '../nn/index.ts';
import { librosaMelBank } from '../audio/mel.ts';
import { makeWindow } from '../audio/window.ts';
import { type HostTensor, tensor } from '../tensor/index.ts';
import {
  type TokenOrder, type WindowGeometry, mergeIndex, numWindows, relativePositionIndex, reorderIndex, rowMajorOrder, sameOrder,
  shiftedWindowMask, windowOrder,
} from './htsat-windows.ts';
import {
  type HtsatConfig, type HtsatStage, HtsatShapeError, frequencyBands, freqRatio, htsatStages, numFeatures, patchGrid, targetFrames,
  tscamKernelHeight,
} from './htsat-config.ts';

export * from './htsat-config.ts';

/** HTS-AT's `_init_weights`: Linear weights trunc_normal_(std=.02) (bounds ±2 absolute, i.e. a plain normal at this std), biases 0. */
const NORMAL_02: Init = { kind: 'normal', mean: 0, std: 0.02 };
const LINEAR_INIT: { weight: InitSpec; bias: InitSpec } = { weight: NORMAL_02, bias: { kind: 'zeros' } };

/** Values along the forward pass in the reference layout (row-major tokens), for parity checks. */
export interface HtsatTrace {
  /** [B, T, F] after bn0. */
  readonly afterBn0: Value;
  /** [B, 1, T', F] after the time resize, before the fold. */
  readonly resized: Value;
  /** [B, 1, S, S] folded image. */
  readonly image: Value;
  /** [B, gh·gw, C] after patch_embed (incl. its LayerNorm). */
  readonly patchEmbed: Value;
  /** Output of each BasicLayer including its PatchMerging. */
  readonly layers: readonly Value[];
  /** [B, L, C·2^(n−1)] after the final LayerNorm. */
  readonly finalNorm: Value;
}

export interface HtsatOutputs {
  /** Final-norm tokens [B, L, D] stored in `order` over the final `grid`. */
  readonly tokens: Value;
  readonly order: TokenOrder;
  readonly grid: readonly [number, number];
  readonly trace: HtsatTrace;
}

/** Frozen torchlibrosa tensors: STFT conv kernels (DFT × periodic Hann) and the Slaney mel matrix. */
function declareExtractors(b: GraphBuilder, cfg: HtsatConfig): void {
  const { nFft, sampleRate, fmin, fmax } = cfg.extractor;
  const bins = Math.floor(nFft / 2) + 1;
  // torchlibrosa 0.1.0 STFT: W[n, k] = exp(−2πi·n·k/n_fft) times librosa's get_window('hann', n_fft, fftbins=True);
  // conv_real.weight[k, 0, n] = Re, conv_imag.weight[k, 0, n] = Im.
  const win = makeWindow('hann-periodic', nFft);
  const re = new Float32Array(bins * nFft);
  const im = new Float32Array(bins * nFft);
  for (let k = 0; k < bins; k++) {
    for (let n = 0; n < nFft; n++) {
      const phase = (2 * Math.PI * ((k * n) % nFft)) / nFft;
      re[k * nFft + n] = Math.cos(phase) * (win[n] as number);
      im[k * nFft + n] = -Math.sin(phase) * (win[n] as number);
    }
  }
  const frozen = (name: string, t: HostTensor) => b.param(name, t.shape, { init: { kind: 'tensor', value: t }, trainable: false });
  b.scope('spectrogram_extractor.stft', () => {
    frozen('conv_real.weight', tensor('float32', [bins, 1, nFft], re));
    frozen('conv_imag.weight', tensor('float32', [bins, 1, nFft], im));
  });
  // LogmelFilterBank: melW = librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax).T (Slaney scale and norm)
  const mel = librosaMelBank({ sampleRate, nFft, nMels: cfg.melBins, fmin, fmax, scale: 'slaney', norm: 'slaney' });
  const melW = new Float32Array(bins * cfg.melBins);
  for (let m = 0; m < cfg.melBins; m++) for (let k = 0; k < bins; k++) melW[k * cfg.melBins + m] = mel.weights[m * bins + k] as number;
  b.scope('logmel_extractor', () => frozen('melW', tensor('float32', [bins, cfg.melBins], melW)));
}

/** `tscam_conv` and `head`: the clip-level branch, declared for the state dict, frozen (no output reaches it). */
function declareTscam(b: GraphBuilder, cfg: HtsatConfig): void {
  const d = numFeatures(cfg);
  const sf = tscamKernelHeight(cfg);
  const nc = cfg.numClasses;
  const fanIn = d * sf * 3;
  b.scope('tscam_conv', () => {
    b.param('weight', [nc, d, sf, 3], { init: kaimingUniformInit(fanIn), trainable: false });
    b.param('bias', [nc], { init: biasUniformInit(fanIn), trainable: false });
  });
  b.scope('head', () => {
    b.param('weight', [nc, nc], { init: NORMAL_02, trainable: false });
    b.param('bias', [nc], { init: { kind: 'zeros' }, trainable: false });
  });
}

/** bn0 → bicubic time resize → fold: [B, T, F] → image [B, 1, S, S]. */
function spectrogramToImage(b: GraphBuilder, cfg: HtsatConfig, x: Value, mode: Mode): { afterBn0: Value; resized: Value; image: Value } {
  const F = cfg.melBins;
  const R = freqRatio(cfg);
  const target = targetFrames(cfg);
  const T = x.shape[1] as number;
  if (x.rank !== 3 || x.shape[2] !== F) throw new HtsatShapeError(`expects a spectrogram [B, T, ${F}], got [${x.shape.join(', ')}]`);
  if (T < 1 || T > target) throw new HtsatShapeError(`expects 1…${target} frames, got ${T} (longer inputs are cut into ${target}-frame windows first)`);
  const bn = batchNorm(b, 'bn0', b.transpose(x, [0, 2, 1]), { numFeatures: F, eps: cfg.bn0Eps, momentum: 0.1, affine: true, mode });
  const afterBn0 = b.transpose(bn, [0, 2, 1]);
  // F.interpolate(x, (target, F), mode='bicubic', align_corners=True) on [B, 1, T, F]: the mel axis maps onto
  // itself exactly; sizes 0 keep batch and channel, so the batch axis may stay dynamic in an exported model
  const resized = b.resize(b.reshape(afterBn0, [0, 1, -1, F]), { sizes: [0, 0, target, 0], mode: 'cubic', coordinate: 'align_corners', cubicA: -0.75 });
  // fold: image[b, 0, c·F + f, t] = resized[b, 0, c·chunk + t, f]
  const chunk = target / R;
  const image = b.reshape(b.transpose(b.reshape(resized, [0, R, chunk, F]), [0, 1, 3, 2]), [0, 1, R * F, chunk]);
  return { afterBn0, resized, image };
}

/** patch_embed: conv, then tokens [B, gh·gw, C] row-major (x.flatten(2).transpose(1, 2)) and LayerNorm. */
function patchEmbed(b: GraphBuilder, cfg: HtsatConfig, image: Value): Value {
  const { pads } = patchGrid(cfg);
  const C = cfg.embedDim;
  return b.scope('patch_embed', () => {
    const y = conv2d(b, 'proj', image, { inChannels: 1, outChannels: C, kernel: cfg.patchSize, stride: cfg.patchStride, padding: pads, bias: true });
    return layerNorm(b, 'norm', b.transpose(b.reshape(y, [0, C, -1]), [0, 2, 1]), { shape: C, eps: cfg.layerNormEps });
  });
}

/**
 * Mlp (fc1 → GELU → fc2, dropout 0). GELU exact, written 0.5·x·(1 + erf(x/√2)): the Div form is the
 * pattern ONNX Runtime fuses into one Gelu kernel.
 */
function mlp(b: GraphBuilder, cfg: HtsatConfig, dim: number, x: Value): Value {
  const hidden = Math.floor(dim * cfg.mlpRatio);
  return b.scope('mlp', () => {
    const h = linear(b, 'fc1', x, { inFeatures: dim, outFeatures: hidden, bias: true, init: LINEAR_INIT });
    const act = b.mul(b.mul(h, 0.5), b.add(b.erf(b.div(h, Math.SQRT2)), 1));
    return linear(b, 'fc2', act, { inFeatures: hidden, outFeatures: dim, bias: true, init: LINEAR_INIT });
  });
}

/** Window attention over [B, L, C] tokens in the block's window order. */
function windowAttention(b: GraphBuilder, cfg: HtsatConfig, stage: HtsatStage, g: WindowGeometry, x: Value, mask: Value | null): Value {
  return b.scope('attn', () => {
    const C = stage.dim;
    const heads = stage.heads;
    const d = C / heads;
    const N = g.win * g.win;
    const L = g.h * g.w;
    const table = b.param('relative_position_bias_table', [(2 * g.win - 1) ** 2, heads], { init: NORMAL_02 });
    const index = b.buffer('relative_position_index', [N, N], { kind: 'tensor', value: relativePositionIndex(g.win) }, 'int64');
    // table[index.view(-1)].view(N, N, heads).permute(2, 0, 1) = gather along the table's rows of its transpose
    let bias: Value = b.gather(b.transpose(table, [1, 0]), index, 1);
    // qkv Linear(C, 3C) applied as three products with row blocks of its weight: q, k, v come out of
    // the reshape(B·nW, N, 3, heads, d).permute(2, 0, 3, 1, 4) of the reference without a split copy
    const { weight, bias: qkvBias } = b.scope('qkv', () => ({
      weight: b.param('weight', [3 * C, C], { init: NORMAL_02 }),
      bias: cfg.qkvBias ? b.param('bias', [3 * C], { init: { kind: 'zeros' } }) : null,
    }));
    const project = (i: number, perm: number[]) => {
      const y = b.matmul(x, b.transpose(b.slice(weight, 0, i * C, (i + 1) * C), [1, 0]));
      return b.transpose(b.reshape(qkvBias ? b.add(y, b.slice(qkvBias, 0, i * C, (i + 1) * C)) : y, [-1, N, heads, d]), perm);
    };
    const q = project(0, [0, 2, 1, 3]);
    const kT = project(1, [0, 2, 3, 1]);
    const v = project(2, [0, 2, 1, 3]);
    let logits: Value = b.matmul(b.mul(q, d ** -0.5), kT);
    if (mask) {
      const nW = numWindows(g);
      bias = b.add(b.reshape(bias, [1, heads, N, N]), b.reshape(mask, [nW, 1, N, N]));
      logits = b.reshape(b.add(b.reshape(logits, [-1, nW, heads, N, N]), bias), [-1, heads, N, N]);
    } else {
      logits = b.add(logits, bias);
    }
    const out = b.reshape(b.transpose(b.matmul(b.softmax(logits, -1), v), [0, 2, 1, 3]), [-1, L, C]);
    return linear(b, 'proj', out, { inFeatures: C, outFeatures: C, bias: true, init: LINEAR_INIT });
  });
}

function swinBlock(b: GraphBuilder, cfg: HtsatConfig, stage: HtsatStage, j: number, x: Value, mode: Mode): Value {
  const { geometry: g, dropPath: rate } = stage.blocks[j] as HtsatStage['blocks'][number];
  return b.scope(j, () => {
    const mask = g.shift > 0 ? b.buffer('attn_mask', [numWindows(g), g.win * g.win, g.win * g.win], { kind: 'tensor', value: shiftedWindowMask(g) }) : null;
    const C = stage.dim;
    const h = layerNorm(b, 'norm1', x, { shape: C, eps: cfg.layerNormEps });
    const a = windowAttention(b, cfg, stage, g, h, mask);
    const x1 = b.add(x, dropPath(b, 'drop_path_attn', a, { p: rate, mode }));
    const m = mlp(b, cfg, C, layerNorm(b, 'norm2', x1, { shape: C, eps: cfg.layerNormEps }));
    return b.add(x1, dropPath(b, 'drop_path_mlp', m, { p: rate, mode }));
  });
}

/** PatchMerging: gather 2×2 neighbourhoods (into the next order) → LayerNorm(4C) → Linear(4C → 2C, no bias). */
function patchMerging(b: GraphBuilder, cfg: HtsatConfig, stage: HtsatStage, x: Value, from: TokenOrder, to: TokenOrder): Value {
  return b.scope('downsample', () => {
    const C = stage.dim;
    const w = b.scope('reduction', () => b.param('weight', [2 * C, 4 * C], { init: NORMAL_02 }));
    const merged = b.reshape(b.gather(x, b.const(mergeIndex(stage.h, stage.w, from, to)), 1), [0, (stage.h * stage.w) / 4, 4 * C]);
    return b.matmul(layerNorm(b, 'norm', merged, { shape: 4 * C, eps: cfg.layerNormEps }), b.transpose(w, [1, 0]));
  });
}

/** Tokens stored in `order` → row-major order. */
function toRowMajor(b: GraphBuilder, x: Value, order: TokenOrder): Value {
  const natural = rowMajorOrder(order.length);
  return sameOrder(order, natural) ? x : b.gather(x, b.const(reorderIndex(order, natural)), 1);
}

/**
 * The HTS-AT forward pass (declaring every reference parameter in state-dict order) up to the final
 * LayerNorm. `x` is [B, T, F] with T ≤ targetFrames(cfg).
 */
export function htsatForward(b: GraphBuilder, cfg: HtsatConfig, x: Value, mode: Mode): HtsatOutputs {
  const stages = htsatStages(cfg);
  declareExtractors(b, cfg);
  const { afterBn0, resized, image } = spectrogramToImage(b, cfg, x, mode);
  let t = patchEmbed(b, cfg, image);
  const patchTokens = t;
  let order = rowMajorOrder(t.shape[1] as number);
  const layers: Value[] = [];
  b.scope('layers', () => {
    for (const stage of stages) {
      b.scope(stage.index, () => {
        b.scope('blocks', () => {
          stage.blocks.forEach((blk, j) => {
            const next = windowOrder(blk.geometry);
            if (!sameOrder(order, next)) t = b.gather(t, b.const(reorderIndex(order, next)), 1);
            order = next;
            t = swinBlock(b, cfg, stage, j, t, mode);
          });
        });
        if (stage.downsample) {
          const nextStage = stages[stage.index + 1] as HtsatStage;
          const next = windowOrder((nextStage.blocks[0] as HtsatStage['blocks'][number]).geometry);
          t = patchMerging(b, cfg, stage, t, order, next);
          order = next;
        }
      });
      layers.push(toRowMajor(b, t, order));
    }
  });
  const last = stages[stages.length - 1] as HtsatStage;
  t = layerNorm(b, 'norm', t, { shape: last.dim, eps: cfg.layerNormEps });
  declareTscam(b, cfg);
  return {
    tokens: t,
    order,
    grid: [last.h, last.w],
    trace: { afterBn0, resized, image, patchEmbed: patchTokens, layers, finalNorm: toRowMajor(b, t, order) },
  };
}

/** `latent_output`: the mean of all final tokens, [B, D]. */
export function htsatLatent(b: GraphBuilder, out: HtsatOutputs): Value {
  return b.mean(out.tokens, [1]);
}

/**
 * Frequency-preserving readout: per band, the mean over every token of that band (all chunks and
 * columns, i.e. over time), bands concatenated low → high: [B, bands·D].
 */
export function htsatFrequencyPreserving(b: GraphBuilder, cfg: HtsatConfig, out: HtsatOutputs): Value {
  const bands = frequencyBands(cfg);
  if (bands === null) throw new HtsatShapeError(`the final ${out.grid[0]}-row grid does not split into whole frequency bands of freq_ratio ${freqRatio(cfg)} chunks`);
  const [h, w] = out.grid;
  const R = h / bands;
  const byBand: number[] = [];
  for (let band = 0; band < bands; band++) for (let c = 0; c < R; c++) for (let col = 0; col < w; col++) byBand.push((c * bands + band) * w + col);
  const D = out.tokens.shape[2] as number;
  const grouped = b.gather(out.tokens, b.const(reorderIndex(out.order, Int32Array.from(byBand))), 1);
  return b.reshape(b.mean(b.reshape(grouped, [0, bands, R * w, D]), [2]), [0, bands * D]);
}
