/**
 * Mel energies of every STFT frame: `PowerStft` (stft.ts) followed by `SparseMel.apply` (mel.ts), in
 * float64, delivered in blocks of consecutive rows.
 *
 * Two kernels compute the same numbers:
 * - 'js': the specification, PowerStft.run and SparseMel.apply one frame at a time;
 * - 'wasm': mel-stft-wasm.ts, two frames per f64x2 vector, bit-identical to 'js' (same IEEE operations
 *   in the same order). The signal is padded and transformed here, block by block, exactly as
 *   PowerStft reads it: sample i of the padded signal is the transformed sample i − offset for
 *   0 ≤ i − offset < N, the mirrored one for 'center-reflect', and 0 otherwise.
 * 'auto' uses 'wasm' where WebAssembly SIMD is available and the FFT length is supported (even, half
 * with prime factors 2, 3, 5), else 'js'.
 */
import { PowerStft, transformedSample, type SignalTransform, type StftSpec } from './stft.ts';
import { SparseMel, librosaMelBank, type LibrosaMelParams, type MelBank } from './mel.ts';
import { makeWindow, type WindowKind } from './window.ts';
import { buildMelKernel, type MelKernel } from './mel-stft-wasm.ts';
import { FrontEndError } from './frontend-errors.ts';
import type { KernelChoice } from './kernel-choice.ts';

/** Receives rows [t0, t0 + count) as `rows[r·nMels + m]`; the sink may overwrite `rows`, which is reused after it returns. */
export type MelRowsSink = (t0: number, rows: Float64Array, count: number) => void;

/** Frames per block. */
const BLOCK = 64;

export class MelStft {
  readonly stft: PowerStft;
  readonly mel: SparseMel;
  readonly nMels: number;
  /** The kernel in use. */
  readonly kernel: 'js' | 'wasm';
  private readonly wasm: MelKernel | null;
  private readonly rows: Float64Array;

  constructor(spec: StftSpec, bank: MelBank, kernels: KernelChoice) {
    this.stft = new PowerStft(spec);
    this.mel = new SparseMel(bank);
    if (this.mel.nBins !== this.stft.nBins) {
      throw new FrontEndError('MelStft', `filterbank has ${this.mel.nBins} bins, the STFT gives ${this.stft.nBins}`);
    }
    this.nMels = this.mel.nMels;
    this.wasm = kernels === 'js' ? null : tryKernel(this.stft, this.mel, kernels === 'wasm');
    this.kernel = this.wasm ? 'wasm' : 'js';
    this.rows = new Float64Array(this.wasm ? 0 : BLOCK * this.nMels);
  }

  numFrames(nInput: number): number {
    return this.stft.numFrames(nInput);
  }

  /**
   * Computes all frames of `x` and passes their mel energies to `sink` in order; returns the frame count.
   * `signal` replaces the spec's signal transform for this call (same kind, as in PowerStft.run).
   */
  run(x: ArrayLike<number>, sink: MelRowsSink, signal: SignalTransform = this.stft.spec.signal): number {
    const sig = this.stft.checkSignal(signal);
    return this.wasm ? this.runWasm(x, this.wasm, sink, sig) : this.runJs(x, sink, sig);
  }

  private runJs(x: ArrayLike<number>, sink: MelRowsSink, sig: SignalTransform): number {
    const { rows, mel } = this;
    const M = this.nMels;
    let t0 = 0;
    let filled = 0;
    const T = this.stft.run(x, (_t, p) => {
      mel.apply(p, rows, filled * M);
      if (++filled === BLOCK) {
        sink(t0, rows, filled);
        t0 += filled;
        filled = 0;
      }
    }, sig);
    if (filled > 0) sink(t0, rows, filled);
    return T;
  }

  private runWasm(x: ArrayLike<number>, k: MelKernel, sink: MelRowsSink, sig: SignalTransform): number {
    const st = this.stft;
    const T = st.numFrames(x.length);
    const H = st.spec.hop;
    const F = st.frameLength;
    const pad = st.spec.padding;
    const offset = pad === 'center-constant' || pad === 'center-reflect' ? F >> 1 : 0;
    for (let t0 = 0; t0 < T; t0 += BLOCK) {
      const count = Math.min(BLOCK, T - t0);
      const pairs = (count + 1) >> 1;
      fillPadded(st, x, sig, t0 * H - offset, (2 * pairs - 1) * H + F, k.signal);
      k.frames(pairs);
      sink(t0, k.out, count);
    }
    return T;
  }
}

function tryKernel(st: PowerStft, mel: SparseMel, required: boolean): MelKernel | null {
  const spec = st.spec;
  let kernel: MelKernel | null = null;
  let why = `FFT length ${spec.nFft} is odd or has a prime factor above 5 in its half`;
  try {
    kernel = buildMelKernel({
      window: spec.window,
      w0: st.w0,
      w1: st.w1,
      hop: spec.hop,
      nFft: spec.nFft,
      removeDc: spec.removeDc,
      framePreemphasis: spec.framePreemphasis,
      bandStart: mel.start,
      bandEnd: mel.end,
      bandOffset: mel.offset,
      weights: mel.w,
      maxPairs: BLOCK / 2,
    });
  } catch (e) {
    // no WebAssembly, no SIMD support, or a synchronous compile refused by the host
    why = e instanceof Error ? e.message : String(e);
  }
  if (!kernel && required) throw new FrontEndError('MelStft', `the wasm kernel is unavailable: ${why}`);
  return kernel;
}

/**
 * dst[i] = padded, transformed signal sample g0 + i for i < len (see the module comment); reads exactly
 * the values PowerStft.run reads for the same frames.
 */
function fillPadded(st: PowerStft, x: ArrayLike<number>, sig: SignalTransform, g0: number, len: number, dst: Float64Array): void {
  const n = st.signalLength(x.length);
  const reflect = st.spec.padding === 'center-reflect';
  const a = Math.min(Math.max(g0, 0), g0 + len);
  const b = Math.max(Math.min(g0 + len, n), a);
  const sampleAt = (i: number): number => {
    if (reflect) {
      if (i < 0) i = -i;
      else if (i >= n) i = 2 * (n - 1) - i;
    }
    return i >= 0 && i < n ? transformedSample(x, i, sig) : 0;
  };
  for (let i = g0; i < a; i++) dst[i - g0] = sampleAt(i);
  const o = a - g0;
  if (sig.kind === 'subtract-f32') {
    const sub = Math.fround(sig.value);
    for (let i = a; i < b; i++) dst[i - g0] = Math.fround((x[i] as number) - sub);
  } else if (sig.kind === 'preemphasis') {
    const c = sig.coefficient;
    for (let i = a; i < b; i++) dst[i - g0] = (x[i + 1] as number) - c * (x[i] as number);
  } else if (x instanceof Float32Array || x instanceof Float64Array) {
    dst.set(x.subarray(a, b), o);
  } else {
    for (let i = a; i < b; i++) dst[i - g0] = x[i] as number;
  }
  for (let i = b; i < g0 + len; i++) dst[i - g0] = sampleAt(i);
}

/** What `librosaMelStft` needs: a window by name, framing, and librosa's filterbank parameters. */
export interface LibrosaMelStftParams {
  readonly sampleRate: number;
  readonly window: WindowKind;
  readonly nFft: number;
  readonly hop: number;
  readonly padding: 'center-constant' | 'center-reflect';
  readonly mel: Omit<LibrosaMelParams, 'sampleRate' | 'nFft'>;
}

/**
 * librosa 0.10.1 `feature.melspectrogram`'s power mel STFT (centred frames, `filters.mel`), with no signal
 * transform, DC removal or pre-emphasis: the shared first stage of the OPERA and M2D front ends.
 */
export function librosaMelStft(p: LibrosaMelStftParams, kernels: KernelChoice): MelStft {
  return new MelStft(
    { window: makeWindow(p.window, p.nFft), hop: p.hop, nFft: p.nFft, padding: p.padding, signal: { kind: 'none' }, removeDc: false, framePreemphasis: 0 },
    librosaMelBank({ sampleRate: p.sampleRate, nFft: p.nFft, ...p.mel }),
    kernels,
  );
}
