/**
 * Re-chunks a native FLAC byte stream so that every piece handed to the FLAC decoder ends right before
 * a frame header. The chunked FLAC decoder in `@audio/decode-flac` 1.3.5 loses frames when a frame
 * header straddles two input chunks (its sync scan steps over a header it cannot yet read), so cutting
 * only at frame starts makes chunked decoding give the same samples as whole-file decoding.
 *
 * A frame start is a sync code 0xFFF8/0xFFF9 followed by a header that parses and whose CRC-8
 * (polynomial 0x07) matches (FLAC format specification, FRAME_HEADER). Pieces are at least
 * `minPiece` bytes; memory is bounded by `minPiece` plus one frame, and by `maxPending` for input in
 * which no frame header is found.
 */

const CRC8 = Uint8Array.from({ length: 256 }, (_, i) => {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff;
  return c;
});

/** Longest FLAC frame header: sync 2, codes 2, coded number 7, block size 2, rate 2, CRC 1. */
const MAX_HEADER = 16;

/** Length of a valid frame header at `p`, or −1 (not a header, or not complete within `b`). */
export function flacFrameHeaderLength(b: Uint8Array, p: number): number {
  if (p + 6 > b.length || b[p] !== 0xff || ((b[p + 1] as number) & 0xfe) !== 0xf8) return -1;
  const bs = (b[p + 2] as number) >> 4;
  const sr = (b[p + 2] as number) & 0x0f;
  const ch = (b[p + 3] as number) >> 4;
  const ss = ((b[p + 3] as number) >> 1) & 7;
  if (bs === 0 || sr === 15 || ch > 10 || ss === 3 || ((b[p + 3] as number) & 1) !== 0) return -1;
  let q = p + 4;
  const lead = b[q] as number;
  let extra = 0;
  if (lead < 0x80) extra = 0;
  else if (lead >= 0xc0 && lead < 0xe0) extra = 1;
  else if (lead >= 0xe0 && lead < 0xf0) extra = 2;
  else if (lead >= 0xf0 && lead < 0xf8) extra = 3;
  else if (lead >= 0xf8 && lead < 0xfc) extra = 4;
  else if (lead >= 0xfc && lead < 0xfe) extra = 5;
  else if (lead === 0xfe) extra = 6;
  else return -1;
  q += 1;
  for (let i = 0; i < extra; i++, q++) {
    if (q >= b.length || ((b[q] as number) & 0xc0) !== 0x80) return -1;
  }
  if (bs === 6) q += 1;
  else if (bs === 7) q += 2;
  if (sr === 12) q += 1;
  else if (sr === 13 || sr === 14) q += 2;
  if (q >= b.length) return -1;
  let crc = 0;
  for (let i = p; i < q; i++) crc = CRC8[crc ^ (b[i] as number)] as number;
  return crc === b[q] ? q + 1 - p : -1;
}

export class FlacChunker {
  private pending = new Uint8Array(0);
  /** Offsets below this in `pending` were already searched for a frame start. */
  private searched = 0;

  constructor(
    private readonly minPiece: number,
    private readonly maxPending: number,
  ) {}

  /** Accepts the next input bytes; returns the pieces that are safe to decode now. */
  push(chunk: Uint8Array): Uint8Array[] {
    if (chunk.length === 0) return [];
    const merged = new Uint8Array(this.pending.length + chunk.length);
    merged.set(this.pending);
    merged.set(chunk, this.pending.length);
    this.pending = merged;
    const out: Uint8Array[] = [];
    for (;;) {
      const buf = this.pending;
      if (buf.length < this.minPiece + MAX_HEADER) break;
      let cut = -1;
      let p = Math.max(this.minPiece, this.searched);
      for (; p + MAX_HEADER <= buf.length; p++) {
        if (buf[p] === 0xff && flacFrameHeaderLength(buf, p) > 0) {
          cut = p;
          break;
        }
      }
      if (cut < 0) {
        this.searched = p;
        if (buf.length <= this.maxPending) break;
        cut = buf.length;
      }
      out.push(buf.subarray(0, cut));
      this.pending = buf.subarray(cut);
      this.searched = 0;
    }
    return out;
  }

  /** The remaining bytes at the end of the input. */
  end(): Uint8Array {
    const rest = this.pending;
    this.pending = new Uint8Array(0);
    return rest;
  }
}
