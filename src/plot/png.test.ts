import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 as zlibCrc32, inflateSync } from 'node:zlib';
import { encodePng, crc32, PlotError } from './png.ts';

/** Minimal PNG reader for the test: chunks with CRC check, IHDR fields, inflated scanlines. */
function readPng(png: Uint8Array): { width: number; height: number; colorType: number; bitDepth: number; raw: Uint8Array; types: string[] } {
  assert.deepEqual(Array.from(png.subarray(0, 8)), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let off = 8;
  const types: string[] = [];
  const idat: Uint8Array[] = [];
  let ihdr: Uint8Array | null = null;
  while (off < png.length) {
    const len = dv.getUint32(off);
    const type = String.fromCharCode(...png.subarray(off + 4, off + 8));
    const data = png.subarray(off + 8, off + 8 + len);
    assert.equal(dv.getUint32(off + 8 + len), zlibCrc32(png.subarray(off + 4, off + 8 + len)), `${type} CRC`);
    types.push(type);
    if (type === 'IHDR') ihdr = data;
    if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  assert.ok(ihdr);
  const h = new DataView(ihdr.buffer, ihdr.byteOffset, 13);
  return { width: h.getUint32(0), height: h.getUint32(4), bitDepth: ihdr[8] as number, colorType: ihdr[9] as number, raw: inflateSync(Buffer.concat(idat)), types };
}

test('crc32 matches zlib', () => {
  const b = new TextEncoder().encode('IEND');
  assert.equal(crc32(b), zlibCrc32(b));
  assert.equal(crc32(b), 0xae426082);
});

test('RGB and grey PNGs: header fields, chunk order and CRCs, filter-0 scanlines holding the pixels', () => {
  const rgb = Uint8Array.from({ length: 3 * 2 * 3 }, (_, i) => (i * 37) % 256);
  const p = readPng(encodePng({ width: 3, height: 2, channels: 3, data: rgb }));
  assert.deepEqual([p.width, p.height, p.bitDepth, p.colorType], [3, 2, 8, 2]);
  assert.deepEqual(p.types, ['IHDR', 'IDAT', 'IEND']);
  assert.deepEqual(Array.from(p.raw), [0, ...rgb.subarray(0, 9), 0, ...rgb.subarray(9, 18)]);
  const grey = new Uint8Array([0, 128, 255, 7]);
  const g = readPng(encodePng({ width: 2, height: 2, channels: 1, data: grey }));
  assert.deepEqual([g.width, g.height, g.colorType], [2, 2, 0]);
  assert.deepEqual(Array.from(g.raw), [0, 0, 128, 0, 255, 7]);
});

test('bad sizes are typed PlotErrors', () => {
  assert.throws(() => encodePng({ width: 2, height: 2, channels: 3, data: new Uint8Array(11) }), PlotError);
  assert.throws(() => encodePng({ width: 0, height: 2, channels: 1, data: new Uint8Array(0) }), PlotError);
});
