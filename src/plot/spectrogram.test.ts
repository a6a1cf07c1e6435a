import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { spectrogramImage } from './spectrogram.ts';
import { colormapTable } from './colormap.ts';
import { PlotError } from './png.ts';
import { f32 } from '../tensor/index.ts';

/** RGB pixels of a PNG written by encodePng (single IDAT, filter 0). */
function pixels(png: Uint8Array): { width: number; height: number; rgb: (x: number, y: number) => number[] } {
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const width = dv.getUint32(16);
  const height = dv.getUint32(20);
  const idatLen = dv.getUint32(33);
  const raw = inflateSync(png.subarray(41, 41 + idatLen));
  return { width, height, rgb: (x, y) => Array.from(raw.subarray(y * (width * 3 + 1) + 1 + x * 3, y * (width * 3 + 1) + 4 + x * 3)) };
}

test('time runs left to right, frequency bottom to top, min → first and max → last colour', () => {
  // [T=4, F=3]: value = t + 10·f, so the maximum (t=3, f=2) must be the top-right pixel
  const t = f32([4, 3], Array.from({ length: 12 }, (_, i) => Math.floor(i / 3) + 10 * (i % 3)));
  const img = pixels(spectrogramImage(t, { layout: 'time-freq', colormap: 'viridis' }));
  assert.deepEqual([img.width, img.height], [4, 3]);
  const v = colormapTable('viridis');
  assert.deepEqual(img.rgb(3, 0), Array.from(v.subarray(765, 768)), 'top right = max');
  assert.deepEqual(img.rgb(0, 2), Array.from(v.subarray(0, 3)), 'bottom left = min');
  // the same data as [F, T] gives the same picture
  const ft = f32([3, 4], Array.from({ length: 12 }, (_, i) => (i % 4) + 10 * Math.floor(i / 4)));
  assert.deepEqual(spectrogramImage(ft, { layout: 'freq-time', colormap: 'viridis' }), spectrogramImage(t, { layout: 'time-freq', colormap: 'viridis' }));
});

test('explicit range clamps, pixel repetition scales the picture, grey map is the identity ramp', () => {
  const t = f32([2, 1], [0, 1]);
  const img = pixels(spectrogramImage(t, { layout: 'time-freq', colormap: 'grey', range: [0, 2], pixelsPerCell: { x: 2, y: 3 } }));
  assert.deepEqual([img.width, img.height], [4, 3]);
  assert.deepEqual(img.rgb(0, 0), [0, 0, 0]);
  assert.deepEqual(img.rgb(3, 2), [128, 128, 128]);
  assert.throws(() => spectrogramImage(f32([2, 2, 2]), { layout: 'time-freq', colormap: 'grey' }), PlotError);
});

test('viridis table: the published end points #440154 and #fde725', () => {
  const v = colormapTable('viridis');
  assert.equal(v.length, 768);
  assert.deepEqual(Array.from(v.subarray(0, 3)), [0x44, 0x01, 0x54]);
  assert.deepEqual(Array.from(v.subarray(765)), [0xfd, 0xe7, 0x25]);
});
