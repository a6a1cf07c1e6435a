/**
 * Padding, splitting and windowing policies as pure functions on Float32Array with explicit lengths in
 * samples. Every function returns new arrays (callers may mutate them) and rejects empty input.
 *
 * OPERA (`evelyn0414/OPERA` @ 3622310, `src/util.py`):
 * - `operaRepeatPad` = `_duplicate_padding(x, x, L, 'repeat')`. Its `random.seed(7456); random.random()`
 *   is always 0.0618 < 0.5, so the clip sits at the end and the front is the clip's tail repeated:
 *   out[j] = x[(j − (L − n)) mod n].
 * - `operaZeroPad` = `_zero_padding(x, L)`: if n/L < 0.5, copies of x are tiled from 0 while
 *   cursor + n < L (strictly), the rest stays zero; otherwise x followed by zeros.
 * - `operaSplit` = `split_pad_sample([x,0,0], S, sr, 'repeat')` with L = int(S·sr): n ≤ L gives one
 *   repeat-padded chunk; otherwise chunks x[i·h, i·h + L) with h = ⌊L/2⌋ for i < 1 + ⌊(n − L)/h⌋
 *   (`librosa.util.frame`), plus always one final chunk: the remainder x[nf·h:] of length r, preceded by
 *   the clip's last L − r samples (`_duplicate_padding(x, rest, L)`).
 *
 * Generic windows (HeAR-style 2-s clips, `windowSegments`): windows of L samples starting at 0, hop,
 * 2·hop, … while start + L ≤ n, then a tail policy for the samples after the last full window:
 * 'drop' ignores them; 'pad-zero' adds the window at the next hop start, zero-padded at its end;
 * 'snap-to-end' adds the window [n − L, n) (it overlaps the previous one). A signal shorter than L gives
 * no window with 'drop' and one window zero-padded at the end with 'pad-zero' and 'snap-to-end'.
 *
 * Loudest window (`loudestWindow`): among starts s = 0, hop, 2·hop, … with s + L ≤ n, plus s = n − L,
 * the one maximising the energy E(s) = P[s + L] − P[s], where P[k] = Σ_{i<k} x_i² is a float64 running
 * sum; the earliest start wins ties. For n ≤ L it is [0, n) and `cropLoudest` zero-pads at the end.
 */
import { AudioParamError } from './errors.ts';

function checkSignal(op: string, x: Float32Array): void {
  if (x.length === 0) throw new AudioParamError(op, 'empty signal');
}

function checkLength(op: string, name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v <= 0) throw new AudioParamError(op, `${name} must be a positive integer, got ${v}`);
}

/** out[0, left) = sample's tail repeated, out[left, L) = source, left = L − source.length. */
function duplicatePad(sample: Float32Array, source: Float32Array, length: number): Float32Array {
  const out = new Float32Array(length);
  const left = length - source.length;
  out.set(source, left);
  const n = sample.length;
  for (let j = 0; j < left; j++) out[j] = sample[(((j - left) % n) + n) % n] as number;
  return out;
}

/** OPERA 'repeat' padding of x (n ≤ L) to L samples: out[j] = x[(j − (L − n)) mod n]. */
export function operaRepeatPad(x: Float32Array, length: number): Float32Array {
  const op = 'operaRepeatPad';
  checkSignal(op, x);
  checkLength(op, 'length', length);
  if (x.length > length) throw new AudioParamError(op, `signal of ${x.length} samples is longer than ${length}`);
  return duplicatePad(x, x, length);
}

/** OPERA 'zero' padding of x (n ≤ L) to L samples (tile forward if n/L < 0.5, else zeros after x). */
export function operaZeroPad(x: Float32Array, length: number): Float32Array {
  const op = 'operaZeroPad';
  checkSignal(op, x);
  checkLength(op, 'length', length);
  const n = x.length;
  if (n > length) throw new AudioParamError(op, `signal of ${n} samples is longer than ${length}`);
  const out = new Float32Array(length);
  if (n / length < 0.5) {
    for (let cursor = 0; cursor + n < length; cursor += n) out.set(x, cursor);
  } else {
    out.set(x);
  }
  return out;
}

/** OPERA split into L-sample chunks with 50 % overlap plus the repeat-padded final chunk. */
export function operaSplit(x: Float32Array, length: number): Float32Array[] {
  const op = 'operaSplit';
  checkSignal(op, x);
  checkLength(op, 'length', length);
  const n = x.length;
  if (n <= length) return [duplicatePad(x, x, length)];
  const hop = Math.floor(length / 2);
  if (hop === 0) throw new AudioParamError(op, `length ${length} gives a hop of 0`);
  const nFrames = 1 + Math.floor((n - length) / hop);
  const chunks: Float32Array[] = [];
  for (let i = 0; i < nFrames; i++) chunks.push(x.slice(i * hop, i * hop + length));
  chunks.push(duplicatePad(x, x.subarray(nFrames * hop), length));
  return chunks;
}

export type TailPolicy = 'drop' | 'pad-zero' | 'snap-to-end';

export interface WindowSpec {
  /** Window length in samples (HeAR: 32000 = 2 s at 16 kHz). */
  length: number;
  /** Distance between window starts in samples (length − overlap). */
  hop: number;
  tail: TailPolicy;
}

export interface WindowPlacement {
  start: number;
  /** Samples of the window taken from the signal; the rest (length − valid) are zeros at the end. */
  valid: number;
}

/** Window placements for a signal of n samples (see the header for the tail policies). */
export function windowPlacements(n: number, spec: WindowSpec): WindowPlacement[] {
  const op = 'windowPlacements';
  checkLength(op, 'signal length', n);
  checkLength(op, 'length', spec.length);
  checkLength(op, 'hop', spec.hop);
  const { length: L, hop, tail } = spec;
  if (tail !== 'drop' && tail !== 'pad-zero' && tail !== 'snap-to-end') throw new AudioParamError(op, `unknown tail policy ${JSON.stringify(tail)}`);
  if (n < L) return tail === 'drop' ? [] : [{ start: 0, valid: n }];
  const out: WindowPlacement[] = [];
  let s = 0;
  for (; s + L <= n; s += hop) out.push({ start: s, valid: L });
  const lastEnd = s - hop + L;
  if (lastEnd < n) {
    if (tail === 'pad-zero') out.push({ start: s, valid: n - s });
    else if (tail === 'snap-to-end') out.push({ start: n - L, valid: L });
  }
  return out;
}

/** The windows themselves, each a new Float32Array of `spec.length` samples. */
export function windowSegments(x: Float32Array, spec: WindowSpec): Float32Array[] {
  checkSignal('windowSegments', x);
  return windowPlacements(x.length, spec).map((w) => {
    const out = new Float32Array(spec.length);
    out.set(x.subarray(w.start, w.start + w.valid));
    return out;
  });
}

/** Start and end of the highest-energy L-sample window (see the header). */
export function loudestWindow(x: Float32Array, length: number, hop: number): { start: number; end: number } {
  const op = 'loudestWindow';
  checkSignal(op, x);
  checkLength(op, 'length', length);
  checkLength(op, 'hop', hop);
  const n = x.length;
  if (n <= length) return { start: 0, end: n };
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = (prefix[i] as number) + (x[i] as number) * (x[i] as number);
  const energy = (s: number): number => (prefix[s + length] as number) - (prefix[s] as number);
  let best = 0;
  let bestE = -1;
  const consider = (s: number): void => {
    const e = energy(s);
    if (e > bestE) {
      bestE = e;
      best = s;
    }
  };
  for (let s = 0; s + length <= n; s += hop) consider(s);
  if ((n - length) % hop !== 0) consider(n - length);
  return { start: best, end: best + length };
}

/** The loudest L-sample window of x as a new array (zero-padded at the end when x is shorter). */
export function cropLoudest(x: Float32Array, length: number, hop: number): Float32Array {
  const w = loudestWindow(x, length, hop);
  const out = new Float32Array(length);
  out.set(x.subarray(w.start, w.end));
  return out;
}
