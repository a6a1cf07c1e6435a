/**
 * HeAR's mel-PCEN front end (google-health/hear @ 36bbb90, `python/data_processing/audio_utils.py`,
 * `preprocess_audio` → `_mel_pcen` → bilinear resize), for one clip of at most `clipSamples` samples:
 *   1. zero-pad at the end to clipSamples (before normalisation, so the padded tail becomes the constant
 *      −2·min/(max−min) − 1 after step 2);
 *   2. x ← x − min x;  x ← x/(max x + eps);  x ← 2x − 1, in float32 like the reference;
 *   3. power STFT: frame 400, hop 160, n_fft 400, periodic Hann, TF `pad_end` (T = ceil(N/hop) = 200);
 *   4. mel: TF `linear_to_mel_weight_matrix` (HTK mel, 0–8000 Hz, 128 bands, DC row zero), float32-built;
 *   5. PCEN (α 0.8, EMA 0.04 seeded with frame 0, δ 2, r 2, floor 1e-8);
 *   6. half-pixel bilinear resize of the time axis 200 → 192.
 * Output float32 [192, 128] (rows = time, columns = mel bands low → high).
 *
 * Deliberate difference: the reference takes min and max over the whole [B, 32000] batch, so a clip's
 * features depend on the other clips in its batch. Here the min–max runs per clip, which equals the
 * reference called with a batch of one. Longer audio must be cut into clips by the caller.
 *
 * With kernels 'auto' or 'wasm', steps 2–5 run on WebAssembly SIMD kernels (frontend-hear-wasm.ts,
 * mel-stft.ts, pcen.ts) that give the JavaScript path's results bit for bit.
 */
import { MelStft } from './mel-stft.ts';
import type { KernelChoice } from './kernel-choice.ts';
import { tfMelBank } from './mel.ts';
import { Pcen, type PcenParams } from './pcen.ts';
import { buildHearNormaliseKernel, type HearNormaliseKernel } from './frontend-hear-wasm.ts';
import { resizeRowsBilinear } from './resize.ts';
import { makeWindow, type WindowKind } from './window.ts';
import { FrontEndError } from './frontend-errors.ts';
import { tensor, type HostTensor } from '../tensor/index.ts';

export interface HearFrontEnd {
  readonly kind: 'hear';
  readonly sampleRate: number;
  /** Clip length the model sees; shorter clips are zero-padded at the end, longer ones are refused. */
  readonly clipSamples: number;
  /** Per-clip min–max to [−1, 1]: x ← 2·(x − min)/(max − min + eps) − 1. */
  readonly normalise: { readonly kind: 'min-max-per-clip'; readonly eps: number };
  readonly frameLength: number;
  readonly hop: number;
  readonly nFft: number;
  readonly window: WindowKind;
  readonly padding: 'pad-end';
  readonly mel: { readonly nMels: number; readonly fmin: number; readonly fmax: number };
  readonly pcen: PcenParams;
  /** Number of time rows after the bilinear resize. */
  readonly resizeFrames: number;
}

export const HEAR_FRONTEND: HearFrontEnd = {
  kind: 'hear',
  sampleRate: 16000,
  clipSamples: 32000,
  normalise: { kind: 'min-max-per-clip', eps: 1e-8 },
  frameLength: 400,
  hop: 160,
  nFft: 400,
  window: 'hann-periodic',
  padding: 'pad-end',
  mel: { nMels: 128, fmin: 0, fmax: 8000 },
  pcen: { alpha: 0.8, smooth: 0.04, delta: 2.0, root: 2.0, floor: 1e-8 },
  resizeFrames: 192,
};

/**
 * The compiled HeAR pipeline. `pcenFrames` is the [T, nMels] PCEN output before the resize;
 * `fromNormalised` runs steps 3–6 on an already padded and normalised clip of clipSamples samples (for
 * reproducing the reference's batch-global normalisation, which this module does not do itself).
 */
export interface HearPipeline {
  (x: Float32Array): HostTensor<'float32'>;
  pcenFrames(x: Float32Array): HostTensor<'float32'>;
  fromNormalised(y: Float32Array): HostTensor<'float32'>;
}

function checkClip(cfg: HearFrontEnd, x: Float32Array): void {
  const where = 'frontend hear';
  if (x.length === 0) throw new FrontEndError(where, 'empty clip');
  if (x.length > cfg.clipSamples) {
    throw new FrontEndError(where, `a clip holds at most ${cfg.clipSamples} samples, got ${x.length}; cut longer audio into clips first`);
  }
}

function refuseNonFinite(x: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i] as number)) throw new FrontEndError('frontend hear', `sample ${i} is ${x[i]}`);
  }
}

/** The float32 divisor of step 2 for a clip with minimum lo and maximum top. */
const denominator = (cfg: HearFrontEnd, lo: number, top: number): number => Math.fround(Math.fround(top - lo) + cfg.normalise.eps);

/** Step 1–2: padded, per-clip min–max normalised clip, float32 arithmetic as torch does it. */
export function hearNormalise(cfg: HearFrontEnd, x: Float32Array): Float32Array {
  checkClip(cfg, x);
  refuseNonFinite(x);
  const f32 = Math.fround;
  const n = cfg.clipSamples;
  const y = new Float32Array(n);
  y.set(x);
  let lo = y[0] as number;
  let top = lo;
  for (let i = 1; i < n; i++) {
    const v = y[i] as number;
    if (v < lo) lo = v;
    if (v > top) top = v;
  }
  // max(f32(y − lo)) = f32(max y − lo): rounding is monotonic
  const denom = denominator(cfg, lo, top);
  for (let i = 0; i < n; i++) y[i] = f32(f32(f32(f32((y[i] as number) - lo) / denom) * 2) - 1);
  return y;
}

export function buildHear(cfg: HearFrontEnd, kernels: KernelChoice = 'auto'): HearPipeline {
  if (cfg.normalise.kind !== 'min-max-per-clip') throw new FrontEndError('frontend hear', `unknown normalisation ${JSON.stringify(cfg.normalise)}`);
  const melStft = new MelStft(
    {
      window: makeWindow(cfg.window, cfg.frameLength),
      hop: cfg.hop,
      nFft: cfg.nFft,
      padding: cfg.padding,
      signal: { kind: 'none' },
      removeDc: false,
      framePreemphasis: 0,
    },
    tfMelBank({ sampleRate: cfg.sampleRate, nBins: Math.floor(cfg.nFft / 2) + 1, ...cfg.mel }),
    kernels,
  );
  const M = melStft.nMels;
  const pcenStream = new Pcen(M, cfg.pcen, kernels);
  const fast = kernels === 'js' ? null : normaliseKernel(cfg.clipSamples, kernels === 'wasm');
  // steps 1–2 into the kernel's clip area (bit-identical to hearNormalise), valid until the next call
  const normalise = (x: Float32Array): Float32Array => {
    if (!fast) return hearNormalise(cfg, x);
    checkClip(cfg, x);
    fast.clip.set(x);
    fast.clip.fill(0, x.length);
    const [lo, top] = fast.range();
    if (!(Number.isFinite(lo) && Number.isFinite(top))) refuseNonFinite(x);
    fast.scale(lo, denominator(cfg, lo, top));
    return fast.clip;
  };
  const e = new Float64Array(melStft.numFrames(cfg.clipSamples) * M);
  const pcen = (y: Float32Array): number => {
    if (y.length !== cfg.clipSamples) throw new FrontEndError('frontend hear', `a normalised clip must hold ${cfg.clipSamples} samples, got ${y.length}`);
    pcenStream.reset();
    return melStft.run(y, (t0, rows, count) => {
      pcenStream.apply(rows, 0, count);
      e.set(rows.subarray(0, count * M), t0 * M);
    });
  };
  const fromNormalised = (y: Float32Array): HostTensor<'float32'> => {
    const T = pcen(y);
    const out = resizeRowsBilinear(e, T, M, cfg.resizeFrames, new Float32Array(cfg.resizeFrames * M));
    return tensor('float32', [cfg.resizeFrames, M], out);
  };
  return Object.assign((x: Float32Array) => fromNormalised(normalise(x)), {
    fromNormalised,
    pcenFrames(x: Float32Array): HostTensor<'float32'> {
      const T = pcen(normalise(x));
      return tensor('float32', [T, M], Float32Array.from(e));
    },
  });
}

function normaliseKernel(n: number, required: boolean): HearNormaliseKernel | null {
  let kernel: HearNormaliseKernel | null = null;
  let why = `clip length ${n} is not a multiple of 4`;
  try {
    kernel = buildHearNormaliseKernel(n);
  } catch (e) {
    // no WebAssembly, no SIMD support, or a synchronous compile refused by the host
    why = e instanceof Error ? e.message : String(e);
  }
  if (!kernel && required) throw new FrontEndError('frontend hear', `the wasm normalisation kernel is unavailable: ${why}`);
  return kernel;
}
