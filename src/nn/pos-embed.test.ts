import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadStateDict, type HostTensor } from '../tensor/index.ts';
import { sinCos2dPosEmbed } from './pos-embed.ts';

test('sin-cos table equals the OPERA-GT checkpoint pos_embed (float32 arithmetic, flexible grid 16×64, cls row)', () => {
  const f = '../shared/fixtures/models/opera_gt/opera_gt_reduced_random.ckpt';
  const stored = loadStateDict(new Uint8Array(readFileSync(f)), f).get('pos_embed') as HostTensor<'float32'>;
  const ours = sinCos2dPosEmbed(96, [16, 64], { clsToken: true, arithmetic: 'float32' });
  assert.deepEqual(ours.shape, stored.shape);
  let worst = 0;
  let exact = 0;
  for (let i = 0; i < ours.data.length; i++) {
    const d = Math.abs((ours.data[i] as number) - (stored.data[i] as number));
    worst = Math.max(worst, d);
    if (d === 0) exact++;
  }
  // numpy's float32 sin/cos/pow are not correctly rounded: 94% of the values are bit-identical, the rest one ulp off
  assert.ok(worst <= 6e-8, `max abs difference ${worst} (one float32 ulp near 1)`);
  assert.ok(exact / ours.data.length > 0.9, `${exact} of ${ours.data.length} values bit-identical`);
  const f64 = sinCos2dPosEmbed(96, [16, 64], { clsToken: true, arithmetic: 'float64' });
  assert.ok(f64.data.some((v, i) => Math.abs(v - (stored.data[i] as number)) > 1e-6), 'float64 arithmetic (MAE) gives a different table');
});

test('closed form: first rows of a 2×3 grid, dim 8', () => {
  const t = sinCos2dPosEmbed(8, [2, 3], { clsToken: false, arithmetic: 'float64' });
  assert.deepEqual(t.shape, [1, 6, 8]);
  const row = (m: number) => [...t.data.subarray(m * 8, m * 8 + 8)];
  const w = [1, 0.01]; // ω_k = 10000^(−k/2)
  const expect = (i: number, j: number) => [...w.map((x) => Math.sin(j * x)), ...w.map((x) => Math.cos(j * x)), ...w.map((x) => Math.sin(i * x)), ...w.map((x) => Math.cos(i * x))].map(Math.fround);
  assert.deepEqual(row(0), expect(0, 0));
  assert.deepEqual(row(2), expect(0, 2), 'token 2 = row 0, column 2: the first half follows the column');
  assert.deepEqual(row(4), expect(1, 1));
  assert.throws(() => sinCos2dPosEmbed(6, [2, 2], { clsToken: false, arithmetic: 'float64' }), /multiple of 4/);
});
