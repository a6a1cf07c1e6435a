import { test } from 'node:test';
import assert from 'node:assert/strict';
import { powerToDbInPlace } from './db.ts';
import { FrontEndError } from './frontend-errors.ts';

test('powerToDb with ref = max: peak at 0 dB, decades at −10 dB, amin floor and top_db clipping', () => {
  const s = new Float64Array([1, 0.1, 0.01, 1e-12, 0]);
  powerToDbInPlace(s, { ref: { kind: 'max' }, amin: 1e-10, topDb: null });
  const want = [0, -10, -20, -100, -100];
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs((s[i] as number) - (want[i] as number)) < 1e-12, `i=${i}: ${s[i]}`);
  const t = new Float64Array([4, 0.4, 4e-12]);
  powerToDbInPlace(t, { ref: { kind: 'max' }, amin: 1e-10, topDb: 80 });
  assert.ok(Math.abs((t[1] as number) + 10) < 1e-12);
  assert.ok(Math.abs((t[2] as number) + 80) < 1e-12, 'clipped to peak − top_db');
});

test('powerToDb with a fixed reference value', () => {
  const s = new Float64Array([2, 20]);
  powerToDbInPlace(s, { ref: { kind: 'value', value: 2 }, amin: 1e-10, topDb: null });
  assert.ok(Math.abs(s[0] as number) < 1e-12);
  assert.ok(Math.abs((s[1] as number) - 10) < 1e-12);
  assert.throws(() => powerToDbInPlace(new Float64Array([1]), { ref: { kind: 'max' }, amin: 0, topDb: null }), FrontEndError);
  assert.throws(() => powerToDbInPlace(new Float64Array([1]), { ref: { kind: 'max' }, amin: 1e-10, topDb: -1 }), FrontEndError);
});
