import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FRONTENDS, FRONTEND_KINDS, computeFrontEnd } from '../audio/frontend.ts';
import { Rng } from '../util/index.ts';
import { spectrogramShape } from './example-input.ts';

const noise = (n: number) => {
  const rng = Rng.seeded(3);
  return Float32Array.from({ length: n }, () => 0.1 * rng.normal());
};

test('spectrogramShape puts the time axis where each front end does (checked on real front-end output)', () => {
  for (const kind of FRONTEND_KINDS) {
    const fe = FRONTENDS[kind];
    const a = computeFrontEnd(fe, noise(fe.sampleRate), fe.sampleRate).shape;
    const b = computeFrontEnd(fe, noise(Math.round(1.5 * fe.sampleRate)), fe.sampleRate).shape;
    const timeAxis = [0, 1].filter((i) => a[i] !== b[i]);
    if (timeAxis.length === 0) {
      assert.deepEqual(spectrogramShape(fe, 7), [...a], `${kind}: fixed layout`);
      continue;
    }
    assert.equal(timeAxis.length, 1, `${kind}: one time axis`);
    const t = timeAxis[0] as number;
    assert.deepEqual(spectrogramShape(fe, a[t] as number), [...a], `${kind}: layout at 1 s`);
    assert.deepEqual(spectrogramShape(fe, b[t] as number), [...b], `${kind}: layout at 1.5 s`);
  }
});
