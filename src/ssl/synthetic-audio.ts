/**
 * Generated respiratory-like recordings, so that pretraining runs (the `smoke` preset, tests) work on a
 * machine without any dataset. Each recording is a deterministic function of (source name, index, seed):
 *
 *   cough   1–4 bursts of low-passed white noise with a 5–15 ms linear attack and an exponential decay
 *           (time constant 40–160 ms), burst gain 0.3–1, over background noise at −40 dB;
 *   other   breathing: noise low-passed at 300–1500 Hz, amplitude-modulated by sin²(π·t/period) with a
 *           period of 1.5–4.5 s, plus, in half of the recordings, a wheeze: a tone of 200–900 Hz with a 5 Hz
 *           ±3 % vibrato present during the louder half of each cycle.
 * The one-pole low-pass is y[n] = y[n−1] + α·(x[n] − y[n−1]) with α = 1 − exp(−2π·fc/sr). Peak amplitude is
 * scaled to 0.5.
 */
import type { Modality } from '../data/dataset-id.ts';
import type { Rng } from '../util/index.ts';
import { SslConfigError } from './errors.ts';

function lowPass(x: Float32Array, cutoff: number, sampleRate: number): void {
  const a = 1 - Math.exp((-2 * Math.PI * cutoff) / sampleRate);
  let y = 0;
  for (let i = 0; i < x.length; i++) {
    y += a * ((x[i] as number) - y);
    x[i] = y;
  }
}

function noise(n: number, rng: Rng): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = 2 * rng.uniform() - 1;
  return x;
}

function cough(n: number, sr: number, rng: Rng): Float32Array {
  const out = noise(n, rng).map((v) => v * 0.01);
  const bursts = 1 + rng.int(4);
  for (let k = 0; k < bursts; k++) {
    const start = rng.int(Math.max(1, n - Math.floor(0.2 * sr)));
    const attack = Math.max(1, Math.floor((0.005 + 0.01 * rng.uniform()) * sr));
    const tau = (0.04 + 0.12 * rng.uniform()) * sr;
    const gain = 0.3 + 0.7 * rng.uniform();
    const len = Math.min(n - start, attack + Math.floor(5 * tau));
    const burst = noise(len, rng);
    lowPass(burst, 500 + 2500 * rng.uniform(), sr);
    for (let i = 0; i < len; i++) {
      const env = i < attack ? i / attack : Math.exp(-(i - attack) / tau);
      out[start + i] = (out[start + i] as number) + gain * env * (burst[i] as number);
    }
  }
  return out;
}

function breathing(n: number, sr: number, rng: Rng): Float32Array {
  const out = noise(n, rng);
  lowPass(out, 300 + 1200 * rng.uniform(), sr);
  const period = 1.5 + 3 * rng.uniform();
  const phase = rng.uniform();
  const wheeze = rng.uniform() < 0.5 ? 200 + 700 * rng.uniform() : 0;
  let theta = 0;
  for (let i = 0; i < n; i++) {
    const t = i / sr;
    const env = Math.sin(Math.PI * (t / period + phase)) ** 2;
    let v = (out[i] as number) * env;
    if (wheeze > 0) {
      theta += (2 * Math.PI * wheeze * (1 + 0.03 * Math.sin(2 * Math.PI * 5 * t))) / sr;
      if (env > 0.5) v += 0.2 * (env - 0.5) * Math.sin(theta);
    }
    out[i] = v;
  }
  return out;
}

/** One generated recording of `seconds` at `sampleRate`, drawn from `rng`. */
export function syntheticRecording(modality: Modality, seconds: number, sampleRate: number, rng: Rng): Float32Array {
  const n = Math.round(seconds * sampleRate);
  if (!(n >= 1)) throw new SslConfigError(`synthetic recording: ${seconds} s at ${sampleRate} Hz has no samples`);
  const x = modality === 'cough' ? cough(n, sampleRate, rng) : breathing(n, sampleRate, rng);
  let peak = 0;
  for (let i = 0; i < n; i++) peak = Math.max(peak, Math.abs(x[i] as number));
  if (peak > 0) for (let i = 0; i < n; i++) x[i] = ((x[i] as number) / peak) * 0.5;
  return x;
}
