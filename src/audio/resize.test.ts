import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resizeRowsBilinear } from './resize.ts';

test('same-size resize is the identity', () => {
  const x = Float64Array.from({ length: 12 }, (_, i) => i * i);
  assert.deepEqual(Array.from(resizeRowsBilinear(x, 4, 3, 4, new Float64Array(12))), Array.from(x));
});

test('200 → 192 rows: half-pixel source index s = (i + 0.5)·200/192 − 0.5', () => {
  const rows = 200;
  const x = Float64Array.from({ length: rows * 2 }, (_, i) => (i % 2 === 0 ? Math.floor(i / 2) : -Math.floor(i / 2)));
  const y = resizeRowsBilinear(x, rows, 2, 192, new Float64Array(384));
  for (let i = 0; i < 192; i++) {
    // the value at row r is r, so bilinear interpolation returns the clamped source coordinate
    const s = Math.min(Math.max(0, ((i + 0.5) * 200) / 192 - 0.5), 199);
    assert.ok(Math.abs((y[2 * i] as number) - s) < 1e-12, `row ${i}`);
    assert.ok(Math.abs((y[2 * i + 1] as number) + s) < 1e-12, `row ${i}`);
  }
  assert.ok(Math.abs((y[0] as number) - 1 / 48) < 1e-12, 'row 0 reads 1/48 of the way to source row 1');
});

test('upsampling clamps the source index at both edges', () => {
  const y = resizeRowsBilinear(new Float64Array([0, 1]), 2, 1, 4, new Float64Array(4));
  assert.deepEqual(Array.from(y), [0, 0.25, 0.75, 1]);
});

test('a float32 output buffer receives the rounded values; a wrong-size buffer is refused', () => {
  const y = resizeRowsBilinear(new Float64Array([0, 1 / 3]), 2, 1, 4, new Float32Array(4));
  assert.deepEqual(Array.from(y), [0, Math.fround(1 / 12), Math.fround(0.25), Math.fround(1 / 3)]);
  assert.throws(() => resizeRowsBilinear(new Float64Array(2), 2, 1, 4, new Float32Array(3)), /output holds 3/);
});
