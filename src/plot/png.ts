/**
 * PNG encoder (ISO/IEC 15948, W3C PNG 2nd ed.): 8-bit greyscale (colour type 0) or RGB (colour type 2),
 * no interlacing, every scanline with filter type 0 (None), one IDAT chunk compressed by fflate's zlib.
 * Chunk CRCs are CRC-32 (polynomial 0xEDB88320, reflected) over type and data.
 */
import { zlibSync } from 'fflate';
import { PneumaError } from '../util/index.ts';

export class PlotError extends PneumaError {
  constructor(message: string) {
    super('plot', message);
  }
}

export interface RasterImage {
  readonly width: number;
  readonly height: number;
  /** 1 = grey, 3 = RGB. */
  readonly channels: 1 | 3;
  /** Row-major pixels, top row first, `channels` bytes per pixel. */
  readonly data: Uint8Array;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = (CRC_TABLE[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  dv.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

const MAX_SIDE = 0x7fffffff;

export function encodePng(img: RasterImage): Uint8Array {
  const { width, height, channels, data } = img;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
    throw new PlotError(`png: bad image size ${width}×${height}`);
  }
  if (channels !== 1 && channels !== 3) throw new PlotError(`png: channels must be 1 or 3, got ${String(channels)}`);
  const stride = width * channels;
  if (data.length !== stride * height) throw new PlotError(`png: ${width}×${height}×${channels} needs ${stride * height} bytes, got ${data.length}`);
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) raw.set(data.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  ihdr[8] = 8;
  ihdr[9] = channels === 1 ? 0 : 2;
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlibSync(raw, { level: 6 })),
    chunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
