/**
 * The 'windows' input policy on a recording that arrives in blocks, holding at most one window plus one
 * block of samples: the windows come out in the same order and with the same samples as
 * `applyInputPolicy` on the whole recording (./segment.ts), so a long recording can be embedded without
 * ever being held in memory.
 *
 * Full windows start at 0, hop, 2·hop, … and are emitted as soon as their last sample has arrived. At the
 * end (n samples in all): if no window was full (n < L), one window of the n samples zero-padded at its
 * end; otherwise, when the last full window ends before n, 'pad-zero' adds the window at the next start
 * zero-padded, 'snap-to-end' adds [n − L, n), 'drop' adds nothing (`windowPlacements`).
 */
import type { InputPolicy } from '../encoders/types.ts';
import { checkInputPolicy } from './segment.ts';

type WindowsPolicy = Extract<InputPolicy, { kind: 'windows' }>;

export class WindowStream {
  readonly length: number;
  readonly hop: number;
  private readonly tail: WindowsPolicy['tail'];
  /** Samples [base, base + used) of the recording. */
  private buf: Float32Array;
  private base = 0;
  private used = 0;
  /** Start of the next full window. */
  private next = 0;
  private emitted = 0;
  private ended = false;

  constructor(policy: WindowsPolicy, sampleRate: number, encoder: string) {
    checkInputPolicy(policy, sampleRate, encoder);
    this.length = Math.round(policy.seconds * sampleRate);
    this.hop = Math.round(policy.hopSeconds * sampleRate);
    this.tail = policy.tail;
    this.buf = new Float32Array(2 * this.length);
  }

  /** Samples received so far. */
  get received(): number {
    return this.base + this.used;
  }

  private window(start: number, valid: number): Float32Array {
    const out = new Float32Array(this.length);
    out.set(this.buf.subarray(start - this.base, start - this.base + valid));
    return out;
  }

  /** Append samples; returns the windows completed by them. */
  push(block: Float32Array): Float32Array[] {
    if (this.ended) throw new RangeError('WindowStream: push after end');
    const out: Float32Array[] = [];
    let off = 0;
    while (off < block.length) {
      // keep from the next window's start, but never less than the last L samples (for 'snap-to-end')
      const keepFrom = Math.min(this.next, Math.max(0, this.received - this.length));
      if (keepFrom > this.base) {
        const drop = Math.min(keepFrom - this.base, this.used);
        this.buf.copyWithin(0, drop, this.used);
        this.base += drop;
        this.used -= drop;
      }
      if (this.used === this.buf.length) {
        const grown = new Float32Array(2 * this.buf.length);
        grown.set(this.buf);
        this.buf = grown;
      }
      const n = Math.min(block.length - off, this.buf.length - this.used);
      this.buf.set(block.subarray(off, off + n), this.used);
      this.used += n;
      off += n;
      while (this.next + this.length <= this.received) {
        out.push(this.window(this.next, this.length));
        this.emitted++;
        this.next += this.hop;
      }
    }
    return out;
  }

  /** Ends the recording; returns the tail window, if the policy makes one. Throws if nothing was pushed. */
  end(): Float32Array[] {
    if (this.ended) throw new RangeError('WindowStream: end twice');
    this.ended = true;
    const n = this.received;
    if (n === 0) return [];
    if (this.emitted === 0) return [this.window(0, n)];
    const lastEnd = this.next - this.hop + this.length;
    if (lastEnd >= n) return [];
    if (this.tail === 'pad-zero') return [this.window(this.next, n - this.next)];
    if (this.tail === 'snap-to-end') return [this.window(n - this.length, this.length)];
    return [];
  }
}
