import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mixToMono } from './mix.ts';
import { AudioParamError } from './errors.ts';

test('mono mixdown is the channel mean (not ffmpeg -ac 1 equal-power gains)', () => {
  const l = Float32Array.from([1, 0.5, -0.25, 0.1]);
  const r = Float32Array.from([1, -0.5, -0.75, 0.2]);
  assert.deepEqual(Array.from(mixToMono([l, r])), [1, 0, -0.5, Math.fround((Math.fround(0.1) + Math.fround(0.2)) / 2)]);
  assert.deepEqual(Array.from(mixToMono([l, r, Float32Array.from([1, 1, 1, 1])])), [1, Math.fround(1 / 3), 0, Math.fround((Math.fround(0.1) + Math.fround(0.2) + 1) / 3)]);
  assert.equal(mixToMono([l]), l);
  assert.throws(() => mixToMono([]), AudioParamError);
  assert.throws(() => mixToMono([l, new Float32Array(3)]), AudioParamError);
});
