/**
 * Errors raised by the DSP layer and the front ends: bad parameters (naming the function and the
 * parameter), a clip the front end cannot process (naming the front end and the reason), a wrong
 * sample rate (resampling is the caller's job).
 */
import { PneumaError } from '../util/index.ts';

export class FrontEndError extends PneumaError {
  /** The function or front end that refused, e.g. `'stft'`, `'frontend opera'`. */
  readonly where: string;
  constructor(where: string, reason: string) {
    super('frontend', `${where}: ${reason}`);
    this.where = where;
  }
}

/** Throws a FrontEndError unless `v` is an integer ≥ `min`. */
export function requireInt(where: string, name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new FrontEndError(where, `${name} must be an integer >= ${min}, got ${v}`);
}

/** Throws a FrontEndError unless `v` is a finite number (and > 0 when `positive`). */
export function requireFinite(where: string, name: string, v: number, positive: boolean): void {
  if (!Number.isFinite(v) || (positive && !(v > 0))) {
    throw new FrontEndError(where, `${name} must be a finite${positive ? ' positive' : ''} number, got ${v}`);
  }
}
