/**
 * Spectrogram augmentations of OPERA's pretraining (evelyn0414/OPERA @ 3622310, src/util.py and
 * src/pretrain/{cola,mae}_training.py `AudioDataset.__getitem__`), on host tensors [T, F] (time rows,
 * frequency columns) with every draw taken from an explicit Rng. The augmented views are the step's batch
 * inputs, so the training graph itself sees no randomness from here.
 *
 *   rowMask (`random_mask(data, rate_start=0.1, rate_seq=0.2)`): m = mean of the whole input; for each row t
 *     in order, the row becomes m when `u₁ < rateStart or (prev and u₂ < rateChain)`, prev = whether row
 *     t − 1 was replaced. The second draw is taken only when the first fails and the previous row was
 *     replaced (Python's short-circuit `or`/`and`), so a row after a replaced one is replaced with
 *     probability 0.1 + 0.9·0.2 = 0.28, any other row with 0.1.
 *   cropStart (`random_crop`): start = int(u·(T − crop)) (u ∈ [0, 1), truncation), so start ∈ [0, T − crop − 1]
 *     when T > crop and 0 when T = crop; T < crop is an error (the corpus rules guarantee T ≥ crop).
 *   gain (`random_multiply`): x·g with g = 0.9 + 0.2·u ∈ [0.9, 1.1) (see drawGain for the top end).
 *   colaViews (COLA `__getitem__`): rowMask once on the whole spectrogram, two independent crops of it, a gain
 *     for each crop; draws in that order (mask rows, start₁, start₂, g₁, g₂).
 *   cropOrPad (MAE `__getitem__`): T > frames → random crop; T < frames → zeros appended at the end
 *     (`np.pad(((0, p), (0, 0)))`); T = frames → unchanged, no draw.
 * The mean is accumulated in float64 and rounded to float32 (numpy's float32 mean differs by at most a few ulp).
 */
import { type HostTensor, tensor } from '../tensor/index.ts';
import type { Rng } from '../util/index.ts';
import { SslConfigError } from './errors.ts';

export interface RowMaskSpec {
  /** Probability of replacing a row (OPERA 0.1). */
  readonly rateStart: number;
  /** Extra chance, after a replaced row, of replacing the next (OPERA 0.2). */
  readonly rateChain: number;
}

export interface GainSpec {
  readonly low: number;
  readonly high: number;
}

/** OPERA's COLA augmentation constants. */
export const OPERA_ROW_MASK: RowMaskSpec = { rateStart: 0.1, rateChain: 0.2 };
export const OPERA_GAIN: GainSpec = { low: 0.9, high: 1.1 };

export interface ColaAugment {
  /** null: no row masking. */
  readonly rowMask: RowMaskSpec | null;
  /** null: no gain. */
  readonly gain: GainSpec | null;
}

export const OPERA_COLA_AUGMENT: ColaAugment = { rowMask: OPERA_ROW_MASK, gain: OPERA_GAIN };

function dims(x: HostTensor<'float32'>, what: string): [number, number] {
  if (x.shape.length !== 2) throw new SslConfigError(`${what}: expects a spectrogram [T, F], got [${x.shape.join(',')}]`);
  return [x.shape[0] as number, x.shape[1] as number];
}

export function checkRowMask(spec: RowMaskSpec): void {
  for (const [k, v] of [['rateStart', spec.rateStart], ['rateChain', spec.rateChain]] as const) {
    if (!(v >= 0 && v <= 1)) throw new SslConfigError(`row mask: ${k} must be in [0, 1], got ${v}`);
  }
}

export function checkGain(spec: GainSpec): void {
  if (!(Number.isFinite(spec.low) && Number.isFinite(spec.high) && spec.low <= spec.high)) throw new SslConfigError(`gain: needs finite low ≤ high, got [${spec.low}, ${spec.high})`);
}

/** The rows replaced by OPERA's `random_mask` (1 = replaced), consuming the same draws. */
export function drawRowMask(frames: number, spec: RowMaskSpec, rng: Rng): Uint8Array {
  checkRowMask(spec);
  const masked = new Uint8Array(frames);
  let prev = false;
  for (let t = 0; t < frames; t++) {
    prev = rng.uniform() < spec.rateStart || (prev && rng.uniform() < spec.rateChain);
    masked[t] = prev ? 1 : 0;
  }
  return masked;
}

/** Mean of every element, in float64, rounded to float32. */
export function globalMean(data: Float32Array): number {
  let s = 0;
  for (let i = 0; i < data.length; i++) s += data[i] as number;
  return Math.fround(s / data.length);
}

/** `random_mask`: a copy of x with the drawn rows replaced by x's global mean. */
export function rowMask(x: HostTensor<'float32'>, spec: RowMaskSpec, rng: Rng): { out: HostTensor<'float32'>; masked: Uint8Array } {
  const [T, F] = dims(x, 'rowMask');
  const mean = globalMean(x.data);
  const masked = drawRowMask(T, spec, rng);
  const out = x.data.slice();
  for (let t = 0; t < T; t++) if (masked[t] === 1) out.fill(mean, t * F, (t + 1) * F);
  return { out: tensor('float32', [T, F], out), masked };
}

/** `random_crop`'s start: int(u·(frames − crop)). */
export function cropStart(frames: number, crop: number, rng: Rng): number {
  if (!(Number.isInteger(crop) && crop >= 1)) throw new SslConfigError(`crop length must be a positive integer, got ${crop}`);
  if (frames < crop) throw new SslConfigError(`cannot crop ${crop} frames from a ${frames}-frame spectrogram`);
  return Math.trunc(rng.uniform() * (frames - crop));
}

/**
 * The gain of `random_multiply`: low + (high − low)·u, kept below `high` (for u within 2⁻⁵² of 1 the sum
 * rounds up to `high`; the largest double below it is returned instead, so the range is half-open).
 */
export function drawGain(spec: GainSpec, rng: Rng): number {
  checkGain(spec);
  const g = spec.low + (spec.high - spec.low) * rng.uniform();
  return g < spec.high || spec.low === spec.high ? g : previousDouble(spec.high);
}

function previousDouble(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  const b = new Float64Array([x]);
  const u = new BigInt64Array(b.buffer);
  u[0] = (u[0] as bigint) + (x > 0 ? -1n : 1n);
  return b[0] as number;
}

/**
 * The two COLA views of one spectrogram, written into `out1` and `out2` at `offset` (crop·F values each).
 * Returns what was drawn.
 */
export function colaViewsInto(
  x: HostTensor<'float32'>, crop: number, aug: ColaAugment, rng: Rng, out1: Float32Array, out2: Float32Array, offset: number,
): { starts: [number, number]; gains: [number, number]; masked: Uint8Array | null } {
  const [T, F] = dims(x, 'colaViews');
  let src = x.data;
  let masked: Uint8Array | null = null;
  if (aug.rowMask !== null) {
    const m = rowMask(x, aug.rowMask, rng);
    src = m.out.data;
    masked = m.masked;
  }
  const s1 = cropStart(T, crop, rng);
  const s2 = cropStart(T, crop, rng);
  const g1 = aug.gain !== null ? drawGain(aug.gain, rng) : 1;
  const g2 = aug.gain !== null ? drawGain(aug.gain, rng) : 1;
  const n = crop * F;
  for (let i = 0; i < n; i++) {
    out1[offset + i] = (src[s1 * F + i] as number) * g1;
    out2[offset + i] = (src[s2 * F + i] as number) * g2;
  }
  return { starts: [s1, s2], gains: [g1, g2], masked };
}

/** The two COLA views of one spectrogram as [crop, F] tensors. */
export function colaViews(x: HostTensor<'float32'>, crop: number, aug: ColaAugment, rng: Rng): [HostTensor<'float32'>, HostTensor<'float32'>] {
  const F = dims(x, 'colaViews')[1];
  const a = new Float32Array(crop * F);
  const b = new Float32Array(crop * F);
  colaViewsInto(x, crop, aug, rng, a, b, 0);
  return [tensor('float32', [crop, F], a), tensor('float32', [crop, F], b)];
}

/** MAE's cut-and-pad to exactly `frames` rows, written into `out` at `offset`; returns the crop start (0 when padded). */
export function cropOrPadInto(x: HostTensor<'float32'>, frames: number, rng: Rng, out: Float32Array, offset: number): number {
  const [T, F] = dims(x, 'cropOrPad');
  if (!(Number.isInteger(frames) && frames >= 1)) throw new SslConfigError(`frames must be a positive integer, got ${frames}`);
  if (T > frames) {
    const s = cropStart(T, frames, rng);
    out.set(x.data.subarray(s * F, (s + frames) * F), offset);
    return s;
  }
  out.set(x.data, offset);
  out.fill(0, offset + T * F, offset + frames * F);
  return 0;
}

export function cropOrPad(x: HostTensor<'float32'>, frames: number, rng: Rng): HostTensor<'float32'> {
  const F = dims(x, 'cropOrPad')[1];
  const out = new Float32Array(frames * F);
  cropOrPadInto(x, frames, rng, out, 0);
  return tensor('float32', [frames, F], out);
}
