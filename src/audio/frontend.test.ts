import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FRONTENDS, FRONTEND_KINDS, computeFrontEnd, createFrontEnd, frontEndOutputShape, type FrontEndConfig } from './frontend.ts';
import { FrontEndError } from './frontend-errors.ts';
import { hzToMel, melToHz, numpyLinspace } from './mel.ts';
import { configHash, Rng } from '../util/index.ts';

function sine(hz: number, sr: number, n: number, amp: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / sr));
}

/** Index of the band whose centre (from the mel-scale formula, not the filterbank) is nearest to hz. */
function nearestBand(centres: ArrayLike<number>, hz: number): number {
  let best = 0;
  for (let m = 1; m < centres.length; m++) if (Math.abs((centres[m] as number) - hz) < Math.abs((centres[best] as number) - hz)) best = m;
  return best;
}

function bandCentres(lo: number, hi: number, n: number, toMel: (f: number) => number, toHz: (m: number) => number): number[] {
  return Array.from(numpyLinspace(toMel(lo), toMel(hi), n + 2).subarray(1, n + 1), toHz);
}

const kaldiMel = (f: number): number => 1127 * Math.log(1 + f / 700);
const kaldiHz = (m: number): number => 700 * (Math.exp(m / 1127) - 1);

test('a 1 kHz sine peaks in the mel band centred nearest 1 kHz, in every front end and its layout', () => {
  const cases: { cfg: FrontEndConfig; centres: number[]; timeMajor: boolean }[] = [
    { cfg: FRONTENDS.opera, centres: bandCentres(50, 8000, 64, (f) => hzToMel(f, 'slaney'), (m) => melToHz(m, 'slaney')), timeMajor: true },
    { cfg: FRONTENDS.m2d, centres: bandCentres(50, 8000, 80, (f) => hzToMel(f, 'slaney'), (m) => melToHz(m, 'slaney')), timeMajor: false },
    { cfg: FRONTENDS.hear, centres: bandCentres(0, 8000, 128, (f) => hzToMel(f, 'htk'), (m) => melToHz(m, 'htk')), timeMajor: true },
    { cfg: FRONTENDS.kaldi, centres: bandCentres(20, 8000, 128, kaldiMel, kaldiHz), timeMajor: true },
    { cfg: FRONTENDS.efficientat, centres: bandCentres(0, 15000, 128, kaldiMel, kaldiHz), timeMajor: false },
  ];
  for (const { cfg, centres, timeMajor } of cases) {
    const n = cfg.kind === 'hear' ? 32000 : cfg.sampleRate;
    const out = computeFrontEnd(cfg, sine(1000, cfg.sampleRate, n, 0.5), cfg.sampleRate);
    const M = centres.length;
    const T = timeMajor ? (out.shape[0] as number) : (out.shape[1] as number);
    assert.equal(timeMajor ? out.shape[1] : out.shape[0], M, `${cfg.kind}: mel axis`);
    const t = Math.floor(T / 2);
    let arg = 0;
    for (let m = 1; m < M; m++) {
      const v = (i: number): number => out.data[timeMajor ? t * M + i : i * T + t] as number;
      if (v(m) > v(arg)) arg = m;
    }
    assert.equal(arg, nearestBand(centres, 1000), `${cfg.kind}: peak band`);
  }
});

test('output shapes follow the reference frame counts, and frontEndOutputShape predicts them', () => {
  const x = sine(440, 16000, 16000 * 3 + 123, 0.1);
  assert.deepEqual(computeFrontEnd(FRONTENDS.opera, x, 16000).shape, [1 + Math.floor(x.length / 512), 64]);
  assert.deepEqual(computeFrontEnd(FRONTENDS.kaldi, x, 16000).shape, [1 + Math.floor((x.length - 400) / 160), 128]);
  assert.deepEqual(computeFrontEnd(FRONTENDS.m2d, x, 16000).shape, [80, 1 + Math.floor(x.length / 160)]);
  assert.deepEqual(computeFrontEnd(FRONTENDS.hear, x.subarray(0, 20000), 16000).shape, [192, 128]);
  const y = sine(440, 32000, 32000 * 2 + 7, 0.1);
  assert.deepEqual(computeFrontEnd(FRONTENDS.efficientat, y, 32000).shape, [128, 1 + Math.floor((y.length - 1) / 320)]);
  for (const kind of FRONTEND_KINDS) {
    const cfg = FRONTENDS[kind];
    for (const n of [600, 1023, 1024, 1025, 5000, 32000]) {
      const z = sine(300, cfg.sampleRate, n, 0.2);
      assert.deepEqual(frontEndOutputShape(cfg, n), [...computeFrontEnd(cfg, z, cfg.sampleRate).shape], `${kind} n=${n}`);
    }
  }
  assert.throws(() => frontEndOutputShape(FRONTENDS.kaldi, 399), /needs 400 samples/);
  assert.throws(() => frontEndOutputShape(FRONTENDS.hear, 32001), /at most 32000/);
});

test('configs are plain JSON: a config read back from JSON gives the same output; a front end is reusable', () => {
  const x = sine(700, 16000, 9000, 0.3);
  x[100] = 0.9;
  for (const kind of FRONTEND_KINDS) {
    const cfg = FRONTENDS[kind];
    const copy = JSON.parse(JSON.stringify(cfg)) as FrontEndConfig;
    assert.deepEqual(copy, cfg);
    const sr = cfg.sampleRate;
    const fe = createFrontEnd(copy);
    const a = fe.compute(x, sr);
    const b = fe.compute(sine(1300, 16000, 9000, 0.3), sr);
    const c = fe.compute(x, sr);
    assert.deepEqual(c.data, a.data, `${kind}: second call on the same input is identical`);
    assert.notDeepEqual(b.data, a.data);
    assert.deepEqual(computeFrontEnd(cfg, x, sr).data, a.data);
  }
  // cache keys: one hash per config, unchanged by a JSON round trip, changed by any parameter
  const hashes = FRONTEND_KINDS.map((k) => configHash(FRONTENDS[k]));
  assert.equal(new Set(hashes).size, FRONTEND_KINDS.length);
  assert.equal(configHash(JSON.parse(JSON.stringify(FRONTENDS.hear))), configHash(FRONTENDS.hear));
  assert.notEqual(configHash({ ...FRONTENDS.opera, hop: 256 }), configHash(FRONTENDS.opera));
});

test('refusals are typed FrontEndErrors naming the front end and the reason', () => {
  const x = sine(440, 16000, 16000, 0.1);
  assert.throws(() => computeFrontEnd(FRONTENDS.opera, x, 44100), (e: unknown) => e instanceof FrontEndError && /frontend opera: expects 16000 Hz audio, got 44100 Hz/.test(e.message));
  assert.throws(() => computeFrontEnd(FRONTENDS.efficientat, x, 16000), (e: unknown) => e instanceof FrontEndError && /32000 Hz/.test(e.message));
  const bad = x.slice();
  bad[77] = NaN;
  assert.throws(() => computeFrontEnd(FRONTENDS.m2d, bad, 16000), /frontend m2d: sample 77 is NaN/);
  assert.throws(() => computeFrontEnd(FRONTENDS.kaldi, x.subarray(0, 399), 16000), /needs 400 samples/);
  assert.throws(() => computeFrontEnd(FRONTENDS.opera, new Float32Array(0), 16000), /no samples/);
  assert.throws(() => computeFrontEnd({ ...FRONTENDS.opera, mel: { ...FRONTENDS.opera.mel, fmax: 9000 } }, x, 16000), FrontEndError);
});

test('OPERA: a constant-power spectrogram (max = min) is returned unnormalised, like the reference', () => {
  // all-zero input: every cell is 10·log10(amin) − 10·log10(amin) = 0 dB
  const out = computeFrontEnd(FRONTENDS.opera, new Float32Array(4096), 16000);
  assert.ok(out.data.every((v) => v === 0));
});

test("every front end gives bit-identical outputs with the 'js' and 'wasm' kernels", () => {
  const rng = Rng.seeded(11);
  const noisy = (sr: number, n: number): Float32Array => {
    const x = sine(523, sr, n, 0.3);
    for (let i = 0; i < n; i++) x[i] = Math.fround((x[i] as number) + 0.05 * (rng.uniform() - 0.5));
    return x;
  };
  for (const kind of FRONTEND_KINDS) {
    const cfg = FRONTENDS[kind];
    const sr = cfg.sampleRate;
    const js = createFrontEnd(cfg, 'js');
    const wasm = createFrontEnd(cfg, 'wasm');
    for (const n of kind === 'hear' ? [32000, 6401] : [sr * 3 + 17, 1000]) {
      const x = noisy(sr, n);
      const a = js.compute(x, sr);
      const b = wasm.compute(x, sr);
      assert.deepEqual(b.shape, a.shape);
      for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) assert.fail(`${kind} n=${n}: cell ${i}: js ${a.data[i]} wasm ${b.data[i]}`);
    }
  }
});
