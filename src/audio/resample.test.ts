import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RESAMPLE_PRESETS, Resampler, resample, resampleChannels, type ResampleQuality } from './resample.ts';
import { AudioParamError } from './errors.ts';
import { parseNpy } from '../tensor/index.ts';
import { Rng } from '../util/index.ts';

function sine(f: number, sr: number, n: number, amp: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * f * i) / sr));
}

/** SNR of y against the ideal amp·sin(2πf n/sr), skipping `edge` samples at both ends (zero-padding transients). */
function snrVsIdeal(y: Float32Array, f: number, sr: number, amp: number, edge: number): number {
  let s = 0;
  let e = 0;
  for (let i = edge; i < y.length - edge; i++) {
    const r = amp * Math.sin((2 * Math.PI * f * i) / sr);
    s += r * r;
    e += ((y[i] as number) - r) ** 2;
  }
  return 10 * Math.log10(s / e);
}

/** Output RMS relative to the input sine's RMS, in dB, skipping the edges. */
function gainDb(y: Float32Array, amp: number, edge: number): number {
  let s = 0;
  for (let i = edge; i < y.length - edge; i++) s += (y[i] as number) ** 2;
  return 20 * Math.log10(Math.sqrt(s / (y.length - 2 * edge)) / (amp / Math.SQRT2));
}

test("'hq' meets the acceptance numbers: SNR ≥ 90 dB at 1 kHz, flat to 0.1 dB up to 7 kHz, aliases ≤ −100 dB", () => {
  for (const inRate of [44100, 48000]) {
    const snr = snrVsIdeal(resample(sine(1000, inRate, inRate, 0.5), inRate, 16000, 'hq'), 1000, 16000, 0.5, 300);
    assert.ok(snr >= 90, `${inRate}→16k 1 kHz SNR ${snr.toFixed(1)} dB`); // measured 152–153 dB
    for (const f of [100, 3000, 6000, 7000]) {
      const g = gainDb(resample(sine(f, inRate, inRate / 2, 0.5), inRate, 16000, 'hq'), 0.5, 300);
      assert.ok(Math.abs(g) <= 0.1, `${inRate}→16k gain at ${f} Hz: ${g.toFixed(4)} dB`); // measured −0.0025 dB at 7 kHz
    }
    for (const f of [8600, 9000, 12000, 20000]) {
      const g = gainDb(resample(sine(f, inRate, inRate / 2, 0.5), inRate, 16000, 'hq'), 0.5, 300);
      assert.ok(g <= -100, `${inRate}→16k alias of ${f} Hz: ${g.toFixed(1)} dB`); // measured ≤ −144 dB
    }
  }
  for (const [inRate, outRate] of [[8000, 16000], [16000, 32000], [4000, 16000], [22050, 16000]] as const) {
    const snr = snrVsIdeal(resample(sine(1000, inRate, inRate, 0.5), inRate, outRate, 'hq'), 1000, outRate, 0.5, 300);
    assert.ok(snr >= 90, `${inRate}→${outRate} SNR ${snr.toFixed(1)} dB`);
  }
});

test('output length is ceil(n·new/orig) (torchaudio target_length), also for tiny and empty inputs', () => {
  for (const [a, b] of [[44100, 16000], [16000, 44100], [48000, 16000], [8000, 16000], [16000, 32000], [7, 3]] as const) {
    for (const n of [0, 1, 2, 3, 159, 441, 1000, 4411]) {
      const y = resample(new Float32Array(n).fill(0.25), a, b, 'torchaudio');
      assert.equal(y.length, Math.ceil((n * b) / a), `${a}→${b}, n=${n}`);
      assert.equal(new Resampler(a, b, 'hq').outputLength(n), y.length);
    }
  }
});

test('streaming in random block sizes is bit-identical to one-shot', () => {
  const rng = Rng.seeded(11);
  const x = Float32Array.from({ length: 30011 }, () => rng.normal() * 0.2);
  for (const quality of ['hq', 'torchaudio'] as ResampleQuality[]) {
    for (const [a, b] of [[44100, 16000], [16000, 32000], [48000, 16000], [8000, 16000], [22050, 16000], [16000, 16000]] as const) {
      const one = resample(x, a, b, quality);
      const r = new Resampler(a, b, quality);
      const parts: Float32Array[] = [];
      for (let off = 0; off < x.length; ) {
        const len = Math.min(x.length - off, rng.int(2500));
        parts.push(r.process(x.subarray(off, off + len)));
        off += len;
      }
      parts.push(r.flush());
      const streamed = Float32Array.from(parts.flatMap((p) => Array.from(p)));
      assert.equal(streamed.length, one.length);
      assert.ok(streamed.every((v, i) => Object.is(v, one[i])), `${quality} ${a}→${b}`);
    }
  }
});

test("'torchaudio' reproduces torchaudio.functional.resample defaults (golden from torchaudio 0.13.1)", () => {
  const dir = fileURLToPath(new URL('../../test/fixtures/golden/resample-torchaudio/', import.meta.url));
  const index = JSON.parse(readFileSync(dir + 'index.json', 'utf8')) as { cases: { name: string; sr_in: number; sr_out: number }[] };
  assert.equal(index.cases.length, 6);
  for (const c of index.cases) {
    const x = parseNpy(readFileSync(`${dir}${c.name}_in.npy`)).data as Float32Array;
    const ref = parseNpy(readFileSync(`${dir}${c.name}_out.npy`)).data as Float32Array;
    const y = resample(x, c.sr_in, c.sr_out, 'torchaudio');
    assert.equal(y.length, ref.length, c.name);
    let max = 0;
    for (let i = 0; i < y.length; i++) max = Math.max(max, Math.abs((y[i] as number) - (ref[i] as number)));
    // Tolerance: 2 float32 ulps at |y| < 1 (torch's conv1d sums in float32 in its own order; measured 1.19e-7).
    assert.ok(max <= 2.4e-7, `${c.name}: max |Δ| ${max.toExponential(2)}`);
  }
});

test('equal rates copy; multi-channel resampling is per channel; bad arguments are AudioParamErrors', () => {
  const x = Float32Array.from([0.1, -0.2, 0.3]);
  const same = resample(x, 16000, 16000, 'hq');
  assert.deepEqual(same, x);
  assert.notEqual(same, x);
  const chans = resampleChannels([x, x.map((v) => -v)], 8000, 16000, 'hq');
  assert.deepEqual(chans[1], (chans[0] as Float32Array).map((v) => -v));
  assert.throws(() => resample(x, 0, 16000, 'hq'), AudioParamError);
  assert.throws(() => resample(x, 44100.5, 16000, 'hq'), AudioParamError);
  assert.throws(() => resample(x, 8000, 16000, { ...RESAMPLE_PRESETS.hq, rolloff: 0 }), AudioParamError);
  const r = new Resampler(8000, 16000, 'hq');
  r.flush();
  assert.throws(() => r.process(x), AudioParamError);
});

test('DC passes with unit gain away from the edges (kernel normalisation)', () => {
  for (const quality of ['hq', 'torchaudio'] as ResampleQuality[]) {
    const y = resample(new Float32Array(8000).fill(0.5), 8000, 16000, quality);
    for (let i = 2000; i < 14000; i += 101) assert.ok(Math.abs((y[i] as number) - 0.5) < (quality === 'hq' ? 1e-6 : 2e-3), `${quality} y[${i}]=${y[i]}`);
  }
});
