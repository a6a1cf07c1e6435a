/**
 * Band-limited resampling between integer rates by polyphase windowed-sinc interpolation, in the
 * formulation of torchaudio 0.13 `functional.resample` (`_get_sinc_resample_kernel`):
 *
 *   rates reduced by g = gcd(orig, new): o = orig/g, m = new/g; base = min(o, m)·rolloff;
 *   width = ceil(lpw·o/base);
 *   y[n] = Σ_i x[i]·h((i/o − n/m)·base),  h(t) = sinc(πt)·w(t)·base/o  for |t| < lpw, else 0,
 *   with the input index i restricted to [⌊n/m⌋·o − width, ⌊n/m⌋·o + width + o − 1] (torchaudio's
 *   kernel support), x[i] = 0 outside the signal, and the output length ceil(N·new/orig) exactly
 *   (torchaudio's `target_length`). Output n uses phase n mod m, so m phases of taps are precomputed.
 *
 * Cutoff is base/2 in reduced units, i.e. rolloff × the lower Nyquist frequency.
 *
 * Presets:
 * - 'hq' (Kaiser, lpw 48, rolloff 0.95, β 14.769656459379492, taps in float64): passband loss
 *   < 0.01 dB up to 0.875 × the lower Nyquist (7 kHz at 16 kHz), −35 dB at the Nyquist frequency,
 *   ≤ −100 dB from 1.04 × Nyquist and ≤ −140 dB from 1.0625 × Nyquist (8.5 kHz at 16 kHz), so aliases
 *   folding into the band below 7.5 kHz are suppressed by ≥ 140 dB. ≈ 2·48/0.95 taps per output sample
 *   at the lower rate (≈ 280 per output for 44.1 → 16 kHz).
 * - 'torchaudio' (Hann, lpw 6, rolloff 0.99): `torchaudio.functional.resample` defaults on a float32
 *   waveform; the kernel is evaluated with float32 rounding at every step as torch does. It aliases
 *   strongly near Nyquist (about −17 dB at 9 kHz for 48 → 16 kHz); use it only for parity with models
 *   trained on torchaudio-resampled audio (e.g. EfficientAT resamples 16 → 32 kHz with it).
 *
 * Taps whose argument is clamped to ±lpw (|t| ≥ lpw) are dropped: torchaudio keeps them, but their value
 * is sin(π·lpw)·cos²(π/2)-sized (< 1e-20) and below float32 resolution. Sums are accumulated in float64
 * and rounded to float32 once per output sample.
 *
 * `Resampler` is stateful: `process` accepts any split of the input and `flush` ends it; the output
 * is bit-identical to the one-shot `resample`; memory is the kernel table plus the current input block
 * and ~2·width samples of history.
 */
import { AudioParamError } from './errors.ts';

export type ResampleQuality = 'hq' | 'torchaudio';

export interface SincKernelSpec {
  window: 'hann' | 'kaiser';
  /** Zero crossings of the sinc kept on each side (torchaudio `lowpass_filter_width`). */
  lowpassFilterWidth: number;
  /** Cutoff as a fraction of the lower Nyquist frequency. */
  rolloff: number;
  /** Kaiser shape parameter (ignored for Hann). */
  beta: number;
  /** Arithmetic used to evaluate the taps. */
  precision: 'float32' | 'float64';
}

export const RESAMPLE_PRESETS: { readonly [Q in ResampleQuality]: Readonly<SincKernelSpec> } = {
  hq: { window: 'kaiser', lowpassFilterWidth: 48, rolloff: 0.95, beta: 14.769656459379492, precision: 'float64' },
  torchaudio: { window: 'hann', lowpassFilterWidth: 6, rolloff: 0.99, beta: 14.769656459379492, precision: 'float32' },
};

/** Above this many taps in total, phases are evaluated on the fly instead of tabulated. */
const MAX_TABLE_TAPS = 1 << 22;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Modified Bessel function of the first kind, order 0 (power series). */
function besselI0(x: number): number {
  const q = (x * x) / 4;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 500 && term > 1e-17 * sum; k++) {
    term *= q / (k * k);
    sum += term;
  }
  return sum;
}

interface Phase {
  start: number; // first input offset d relative to ⌊n/m⌋·o
  taps: Float64Array;
}

class PolyphaseKernel {
  readonly o: number;
  readonly m: number;
  readonly width: number;
  private readonly table: (Phase | undefined)[];
  private readonly cache: boolean;
  private readonly i0Beta: number;
  private readonly i0BetaF32: number;

  constructor(
    inRate: number,
    outRate: number,
    private readonly spec: SincKernelSpec,
  ) {
    const g = gcd(inRate, outRate);
    this.o = inRate / g;
    this.m = outRate / g;
    const base = Math.min(this.o, this.m) * spec.rolloff;
    this.width = Math.ceil((spec.lowpassFilterWidth * this.o) / base);
    const tapsPerPhase = (2 * spec.lowpassFilterWidth * this.o) / base + 2;
    this.cache = this.m * tapsPerPhase <= MAX_TABLE_TAPS;
    this.table = new Array<Phase | undefined>(this.cache ? this.m : 0);
    this.i0Beta = besselI0(spec.beta);
    this.i0BetaF32 = Math.fround(besselI0(Math.fround(spec.beta)));
  }

  phase(j: number): Phase {
    if (!this.cache) return this.build(j);
    const p = this.table[j];
    if (p !== undefined) return p;
    const built = this.build(j);
    this.table[j] = built;
    return built;
  }

  private build(j: number): Phase {
    const { o, width, spec } = this;
    const vals: number[] = [];
    let start = 0;
    for (let d = -width; d < width + o; d++) {
      const v = spec.precision === 'float32' ? this.tapF32(j, d) : this.tapF64(j, d);
      if (v === null) {
        if (vals.length > 0) break;
        continue;
      }
      if (vals.length === 0) start = d;
      vals.push(v);
    }
    return { start, taps: Float64Array.from(vals) };
  }

  /** Tap for phase j, input offset d, in float64; null where |t| ≥ lpw. */
  private tapF64(j: number, d: number): number | null {
    const { o, m, spec } = this;
    const lpw = spec.lowpassFilterWidth;
    const base = Math.min(o, m) * spec.rolloff;
    const t = (d / o - j / m) * base;
    if (Math.abs(t) >= lpw) return null;
    const w = spec.window === 'hann' ? Math.cos((t * Math.PI) / lpw / 2) ** 2 : besselI0(spec.beta * Math.sqrt(1 - (t / lpw) ** 2)) / this.i0Beta;
    const x = t * Math.PI;
    const sinc = x === 0 ? 1 : Math.sin(x) / x;
    return sinc * w * (base / o);
  }

  /** The same tap rounded to float32 after every operation, in torchaudio's order of operations. */
  private tapF32(j: number, d: number): number | null {
    const f = Math.fround;
    const { o, m, spec } = this;
    const lpw = spec.lowpassFilterWidth;
    const base = Math.min(o, m) * spec.rolloff;
    const pi = f(Math.PI);
    let t = f(f(-j / m) + f(d / o));
    t = f(t * f(base));
    if (Math.abs(t) >= lpw) return null;
    const w =
      spec.window === 'hann'
        ? f(f(Math.cos(f(f(f(t * pi) / lpw) / 2))) ** 2)
        : f(f(besselI0(f(f(spec.beta) * f(Math.sqrt(f(1 - f(f(t / lpw) ** 2))))))) / this.i0BetaF32);
    const x = f(t * pi);
    const sinc = x === 0 ? 1 : f(f(Math.sin(x)) / x);
    return f(sinc * f(w * f(base / o)));
  }
}

function resolveSpec(quality: ResampleQuality | SincKernelSpec): SincKernelSpec {
  const spec = typeof quality === 'string' ? RESAMPLE_PRESETS[quality] : quality;
  if (spec === undefined) throw new AudioParamError('resample', `unknown quality ${JSON.stringify(quality)}`);
  if (!(spec.lowpassFilterWidth > 0) || !(spec.rolloff > 0 && spec.rolloff <= 1)) {
    throw new AudioParamError('resample', `invalid kernel (lowpassFilterWidth ${spec.lowpassFilterWidth}, rolloff ${spec.rolloff})`);
  }
  return spec;
}

function checkRate(name: string, r: number): void {
  if (!Number.isSafeInteger(r) || r <= 0) throw new AudioParamError('resample', `${name} must be a positive integer, got ${r}`);
}

/** ceil(n·num/den) without losing precision for large n. */
function ceilRatio(n: number, num: number, den: number): number {
  const p = n * num;
  if (p <= Number.MAX_SAFE_INTEGER) return Math.ceil(p / den);
  const b = BigInt(n) * BigInt(num);
  return Number((b + BigInt(den) - 1n) / BigInt(den));
}

/** Streaming single-channel resampler. */
export class Resampler {
  readonly inRate: number;
  readonly outRate: number;
  private readonly kernel: PolyphaseKernel | null;
  private buf = new Float32Array(1024);
  private bufStart = 0; // absolute input index of buf[0]
  private nIn = 0;
  private nOut = 0;
  private finished = false;

  constructor(inRate: number, outRate: number, quality: ResampleQuality | SincKernelSpec) {
    checkRate('input rate', inRate);
    checkRate('output rate', outRate);
    const spec = resolveSpec(quality);
    this.inRate = inRate;
    this.outRate = outRate;
    this.kernel = inRate === outRate ? null : new PolyphaseKernel(inRate, outRate, spec);
  }

  /** Output length for an input of n samples: ceil(n·outRate/inRate). */
  outputLength(n: number): number {
    return this.kernel === null ? n : ceilRatio(n, this.kernel.m, this.kernel.o);
  }

  /** Feeds input samples; returns the output samples that are now fully determined. */
  process(x: Float32Array): Float32Array {
    if (this.finished) throw new AudioParamError('Resampler.process', 'called after flush()');
    if (this.kernel === null) {
      this.nIn += x.length;
      return x.slice();
    }
    this.append(x);
    const out = this.produce(false);
    this.compact();
    return out;
  }

  /** Ends the input; returns the remaining output (zero padding past the end, as torchaudio). */
  flush(): Float32Array {
    if (this.finished) throw new AudioParamError('Resampler.flush', 'called twice');
    this.finished = true;
    if (this.kernel === null) return new Float32Array(0);
    const out = this.produce(true);
    this.buf = new Float32Array(0);
    return out;
  }

  private append(x: Float32Array): void {
    const used = this.nIn - this.bufStart;
    if (used + x.length > this.buf.length) {
      const grown = new Float32Array(Math.max(2 * this.buf.length, used + x.length));
      grown.set(this.buf.subarray(0, used));
      this.buf = grown;
    }
    this.buf.set(x, used);
    this.nIn += x.length;
  }

  private compact(): void {
    const k = this.kernel as PolyphaseKernel;
    const keepFrom = Math.max(0, Math.floor(this.nOut / k.m) * k.o - k.width);
    const drop = keepFrom - this.bufStart;
    if (drop <= 0) return;
    const used = this.nIn - this.bufStart;
    this.buf.copyWithin(0, drop, used);
    this.bufStart = keepFrom;
  }

  private produce(final: boolean): Float32Array {
    const k = this.kernel as PolyphaseKernel;
    const limit = ceilRatio(this.nIn, k.m, k.o);
    const out = new Float32Array(Math.max(0, limit - this.nOut));
    const { buf, bufStart, nIn } = this;
    let o = 0;
    let n = this.nOut;
    let j = n % k.m;
    let blockStart = ((n - j) / k.m) * k.o;
    while (n < limit) {
      const ph = k.phase(j);
      const taps = ph.taps;
      const lo = blockStart + ph.start;
      const hi = lo + taps.length;
      if (!final && hi > nIn) break;
      let acc = 0;
      if (lo >= 0 && hi <= nIn) {
        // Four interleaved partial sums (a fixed order, so results do not depend on block boundaries).
        const b = lo - bufStart;
        const len = taps.length;
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        let t = 0;
        for (; t + 3 < len; t += 4) {
          a0 += (taps[t] as number) * (buf[b + t] as number);
          a1 += (taps[t + 1] as number) * (buf[b + t + 1] as number);
          a2 += (taps[t + 2] as number) * (buf[b + t + 2] as number);
          a3 += (taps[t + 3] as number) * (buf[b + t + 3] as number);
        }
        for (; t < len; t++) a0 += (taps[t] as number) * (buf[b + t] as number);
        acc = a0 + a1 + (a2 + a3);
      } else {
        for (let t = 0; t < taps.length; t++) {
          const i = lo + t;
          if (i >= 0 && i < nIn) acc += (taps[t] as number) * (buf[i - bufStart] as number);
        }
      }
      out[o++] = acc;
      n++;
      if (++j === k.m) {
        j = 0;
        blockStart += k.o;
      }
    }
    this.nOut = n;
    return o === out.length ? out : out.slice(0, o);
  }
}

/** One-shot resampling of one channel; output length ceil(x.length·outRate/inRate). */
export function resample(x: Float32Array, inRate: number, outRate: number, quality: ResampleQuality | SincKernelSpec): Float32Array {
  const r = new Resampler(inRate, outRate, quality);
  const a = r.process(x);
  const b = r.flush();
  if (b.length === 0) return a;
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Resamples every channel of a multi-channel signal (each channel independently). */
export function resampleChannels(
  channels: readonly Float32Array[],
  inRate: number,
  outRate: number,
  quality: ResampleQuality | SincKernelSpec,
): Float32Array[] {
  return channels.map((ch) => resample(ch, inRate, outRate, quality));
}
