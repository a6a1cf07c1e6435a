/**
 * Typed reading of a reference implementation's own config object (a fixture's `model_config.json`, a
 * HuggingFace `config.json`, the keyword arguments of a model constructor) for `fromReferenceConfig`.
 * Each accessor returns `undefined` for an absent key and throws an `EncoderConfigError` naming the key
 * for a value of the wrong type or range; `finish()` rejects every key no accessor asked for.
 */
import { EncoderConfigError } from './errors.ts';

export class ReferenceConfigReader {
  private readonly seen = new Set<string>();

  constructor(
    private readonly encoder: string,
    private readonly json: Readonly<Record<string, unknown>>,
  ) {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new EncoderConfigError(encoder, 'a reference config must be a JSON object');
    }
  }

  private raw(key: string): unknown {
    this.seen.add(key);
    return Object.prototype.hasOwnProperty.call(this.json, key) ? this.json[key] : undefined;
  }

  private fail(key: string, want: string, v: unknown): never {
    throw new EncoderConfigError(this.encoder, `reference config key '${key}' must be ${want}, got ${JSON.stringify(v)}`);
  }

  /** Whether the key is present (marks it as known). */
  has(key: string): boolean {
    return this.raw(key) !== undefined;
  }

  /** A finite number, optionally bounded (inclusive). */
  number(key: string, range: { min?: number; max?: number; exclusiveMin?: number } = {}): number | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    const ok = typeof v === 'number' && Number.isFinite(v)
      && (range.min === undefined || v >= range.min)
      && (range.max === undefined || v <= range.max)
      && (range.exclusiveMin === undefined || v > range.exclusiveMin);
    if (!ok) {
      const bounds = [range.min !== undefined ? `≥ ${range.min}` : '', range.exclusiveMin !== undefined ? `> ${range.exclusiveMin}` : '', range.max !== undefined ? `≤ ${range.max}` : ''].filter(Boolean).join(' and ');
      this.fail(key, `a finite number${bounds ? ` ${bounds}` : ''}`, v);
    }
    return v;
  }

  /** A finite number (bounded as `number`), or null. */
  numberOrNull(key: string, range: { min?: number; max?: number; exclusiveMin?: number } = {}): number | null | undefined {
    const v = this.raw(key);
    if (v === null) return null;
    return this.number(key, range);
  }

  /** An integer ≥ `min`. */
  int(key: string, min: number): number | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) this.fail(key, `an integer ≥ ${min}`, v);
    return v;
  }

  /** An integer ≥ `min`, or null. */
  intOrNull(key: string, min: number): number | null | undefined {
    const v = this.raw(key);
    if (v === null) return null;
    return this.int(key, min);
  }

  bool(key: string): boolean | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') this.fail(key, 'true or false', v);
    return v;
  }

  /** A string, one of `allowed` when given. */
  string<S extends string>(key: string, allowed?: readonly S[]): S | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || (allowed && !(allowed as readonly string[]).includes(v))) {
      this.fail(key, allowed ? `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}` : 'a string', v);
    }
    return v as S;
  }

  /** A list of integers ≥ `min`, of exactly `length` entries when given. */
  intList(key: string, min: number, length?: number): number[] | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    const ok = Array.isArray(v) && (length === undefined || v.length === length) && v.every((e) => typeof e === 'number' && Number.isInteger(e) && e >= min);
    if (!ok) this.fail(key, `a list of${length !== undefined ? ` ${length}` : ''} integers ≥ ${min}`, v);
    return [...(v as number[])];
  }

  /** An integer ≥ `min` or a pair of them (PyTorch's `int or tuple` sizes), as a pair. */
  intOrPair(key: string, min: number): [number, number] | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    const isInt = (e: unknown) => typeof e === 'number' && Number.isInteger(e) && e >= min;
    if (isInt(v)) return [v as number, v as number];
    if (Array.isArray(v) && v.length === 2 && v.every(isInt)) return [v[0] as number, v[1] as number];
    return this.fail(key, `an integer ≥ ${min} or a pair of them`, v);
  }

  /** A list of strings. */
  stringList(key: string): string[] | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || !v.every((e) => typeof e === 'string')) this.fail(key, 'a list of strings', v);
    return [...(v as string[])];
  }

  /** Accept a key whose value has no effect on this encoder, after checking its type. */
  ignore(key: string, check: (v: unknown) => boolean, want: string): void {
    const v = this.raw(key);
    if (v !== undefined && !check(v)) this.fail(key, want, v);
  }

  /** Throw if the object has keys no accessor asked for. */
  finish(): void {
    const unknown = Object.keys(this.json).filter((k) => !this.seen.has(k));
    if (unknown.length > 0) {
      throw new EncoderConfigError(this.encoder, `unknown reference config key(s) ${unknown.map((k) => `'${k}'`).join(', ')}; known keys: ${[...this.seen].sort().join(', ')}`);
    }
  }
}
