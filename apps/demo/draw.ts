/**
 * The demo's pictures: the waveform and the embedding drawn on canvases, the spectrogram as a PNG made by
 * src/plot (viridis, low frequencies at the bottom), shown in an <img>.
 */
import type { FrontEndKind } from '../../src/audio/frontend.ts';
import { spectrogramImage } from '../../src/plot/index.ts';
import type { HostTensor } from '../../src/tensor/index.ts';

/** Axis order of each front end's output (as `pneuma spectrogram` draws it). */
const LAYOUT: { readonly [K in FrontEndKind]: 'time-freq' | 'freq-time' } = {
  opera: 'time-freq',
  hear: 'time-freq',
  kaldi: 'time-freq',
  m2d: 'freq-time',
  efficientat: 'freq-time',
};

function context(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ratio = globalThis.devicePixelRatio || 1;
  const w = canvas.clientWidth || canvas.width;
  const h = canvas.clientHeight || canvas.height;
  canvas.width = Math.round(w * ratio);
  canvas.height = Math.round(h * ratio);
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('no 2-D canvas context');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, w, h);
  return ctx;
}

/** Min–max envelope of the samples, one vertical line per pixel column, with a centre line. */
export function drawWaveform(canvas: HTMLCanvasElement, samples: Float32Array): void {
  const ctx = context(canvas);
  const w = canvas.clientWidth || canvas.width;
  const h = canvas.clientHeight || canvas.height;
  let peak = 1e-9;
  for (let i = 0; i < samples.length; i++) peak = Math.max(peak, Math.abs(samples[i] as number));
  const mid = h / 2;
  const scale = (h / 2 - 2) / peak;
  ctx.strokeStyle = '#c8ccd4';
  ctx.beginPath();
  ctx.moveTo(0, mid);
  ctx.lineTo(w, mid);
  ctx.stroke();
  ctx.strokeStyle = '#2a6f97';
  ctx.beginPath();
  const per = samples.length / w;
  for (let x = 0; x < w; x++) {
    const a = Math.floor(x * per);
    const b = Math.max(a + 1, Math.floor((x + 1) * per));
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = a; i < b && i < samples.length; i++) {
      const v = samples[i] as number;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (lo > hi) continue;
    ctx.moveTo(x + 0.5, mid - hi * scale);
    ctx.lineTo(x + 0.5, mid - lo * scale + 1);
  }
  ctx.stroke();
}

/** One bar per embedding dimension from a zero line, positive up in blue, negative down in orange. */
export function drawEmbedding(canvas: HTMLCanvasElement, embedding: Float32Array): void {
  const ctx = context(canvas);
  const w = canvas.clientWidth || canvas.width;
  const h = canvas.clientHeight || canvas.height;
  let lo = 0;
  let hi = 0;
  for (const v of embedding) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const span = hi - lo || 1;
  const zero = (hi / span) * (h - 4) + 2;
  const bar = w / embedding.length;
  for (let i = 0; i < embedding.length; i++) {
    const v = embedding[i] as number;
    const y = zero - (v / span) * (h - 4);
    ctx.fillStyle = v >= 0 ? '#2a6f97' : '#e07a1f';
    ctx.fillRect(i * bar, Math.min(y, zero), Math.max(bar - 0.2, 0.5), Math.max(Math.abs(zero - y), 0.5));
  }
  ctx.strokeStyle = '#8a8f98';
  ctx.beginPath();
  ctx.moveTo(0, zero);
  ctx.lineTo(w, zero);
  ctx.stroke();
}

/** The spectrogram as an object URL of a PNG (revoke the previous one when replacing it). */
export function spectrogramUrl(spec: HostTensor<'float32'>, kind: FrontEndKind): string {
  const png = spectrogramImage(spec, { layout: LAYOUT[kind], colormap: 'viridis' });
  return URL.createObjectURL(new Blob([png as Uint8Array<ArrayBuffer>], { type: 'image/png' }));
}
