/**
 * The demo page's entry point: registers the onnxruntime-web backend (serving its files from ./ort/), loads the
 * exported model from ./model/, and turns a picked file or a microphone recording into a waveform, a
 * spectrogram, the embedding, the top classes and timings.
 *
 * `?provider=wasm|webgpu|auto` picks the execution providers (auto: WebGPU, falling back to wasm with the reason
 * shown); `?threads=N` the WebAssembly threads (0: ONNX Runtime's choice); `?capture=audio-worklet|script-processor`
 * the microphone capture method. The page reports its progress in `document.body.dataset.state` ('loading', 'ready', 'working',
 * 'recording', 'done', 'error') and its last result in `globalThis.pneumaDemo`, for automated checks.
 */
import type { ExecutionProvider } from '../../src/onnx/opset.ts';
import { resolveBackend } from '../../src/runtime/index.ts';
import {
  OrtWebBackend, loadMonoInBrowser, registerWebBackends, startMicrophone, type CaptureMethod, type MicrophoneRecording,
} from '../../src/platform/web/index.ts';
import { drawEmbedding, drawWaveform, spectrogramUrl } from './draw.ts';
import { parseDemoManifest } from './manifest.ts';
import { DemoPipeline, type ClassScore, type DemoResult } from './pipeline.ts';

const TOP_K = 5;
const MAX_RECORD_SECONDS = 30;

/** What automated checks read. */
interface DemoState {
  state: string;
  error: string | null;
  provider: ExecutionProvider | null;
  fallbacks: { from: string; to: string; reason: string }[];
  /** Seconds captured by the running microphone recording (0 when none runs). */
  recordedSeconds: number;
  result: {
    source: string;
    sampleRate: number;
    samples: number;
    decoder: string;
    embedding: number[];
    top: ClassScore[];
    timings: Record<string, number>;
  } | null;
}

const demo: DemoState = { state: 'loading', error: null, provider: null, fallbacks: [], recordedSeconds: 0, result: null };
(globalThis as { pneumaDemo?: DemoState }).pneumaDemo = demo;

function el<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`the page has no #${id}`);
  return e as T;
}

function setState(state: string, status: string): void {
  demo.state = state;
  document.body.dataset['state'] = state;
  el('status').textContent = status;
}

function fail(e: unknown): void {
  const msg = e instanceof Error ? e.message : String(e);
  demo.error = msg;
  setState('error', msg);
}

function providersFromQuery(): ExecutionProvider[] {
  const p = new URLSearchParams(location.search).get('provider') ?? 'auto';
  if (p === 'wasm') return ['wasm'];
  if (p === 'webgpu') return ['webgpu'];
  if (p === 'auto') return ['webgpu', 'wasm'];
  throw new Error(`?provider must be wasm, webgpu or auto, got '${p}'`);
}

/** `?threads=N` (0 or absent: ONNX Runtime's choice, half the cores up to 4). */
function threadsFromQuery(): number {
  const t = new URLSearchParams(location.search).get('threads') ?? '0';
  if (!/^\d+$/.test(t)) throw new Error(`?threads must be a non-negative integer, got '${t}'`);
  return Number(t);
}

/** `?capture=audio-worklet|script-processor` forces the microphone capture method (default: the worklet when available). */
function captureFromQuery(): CaptureMethod | undefined {
  const c = new URLSearchParams(location.search).get('capture');
  if (c === null) return undefined;
  if (c === 'audio-worklet' || c === 'script-processor') return c;
  throw new Error(`?capture must be audio-worklet or script-processor, got '${c}'`);
}

async function fetchBytes(url: URL): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`GET ${url.pathname}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

async function fetchText(url: URL): Promise<string> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`GET ${url.pathname}: HTTP ${r.status}`);
  return r.text();
}

function row(table: HTMLTableElement, cells: readonly string[]): void {
  const tr = document.createElement('tr');
  for (const c of cells) {
    const td = document.createElement('td');
    td.textContent = c;
    tr.append(td);
  }
  (table.tBodies[0] as HTMLTableSectionElement).append(tr);
}

let spectrogramObjectUrl: string | null = null;

function show(p: DemoPipeline, samples: Float32Array, r: DemoResult, source: string, decoder: string, loadMs: Record<string, number>): void {
  el('pictures').hidden = false;
  el('results').hidden = false;
  drawWaveform(el<HTMLCanvasElement>('waveform'), samples);
  if (spectrogramObjectUrl !== null) URL.revokeObjectURL(spectrogramObjectUrl);
  spectrogramObjectUrl = spectrogramUrl(r.spectrogram, p.embedder.model.spec.def.frontEnd.kind);
  el<HTMLImageElement>('spectrogram').src = spectrogramObjectUrl;
  el('spectrogram-line').textContent = `${r.spectrogram.shape.join(' × ')} (${p.embedder.model.spec.def.frontEnd.kind} front end)`;
  drawEmbedding(el<HTMLCanvasElement>('embedding'), r.embedding);
  el('embedding-line').textContent = `${r.embedding.length} dimensions, ${r.segments} segment(s), ${r.modelInputs} model input(s)`;
  const classes = el<HTMLTableElement>('classes');
  (classes.tBodies[0] as HTMLTableSectionElement).replaceChildren();
  for (const c of r.top) row(classes, [c.label, c.probability.toFixed(3)]);
  const timings = el<HTMLTableElement>('timings');
  (timings.tBodies[0] as HTMLTableSectionElement).replaceChildren();
  const all = { ...loadMs, ...r.timings };
  for (const [k, v] of Object.entries(all)) row(timings, [k, v.toFixed(1)]);
  demo.result = {
    source,
    sampleRate: p.sampleRate,
    samples: samples.length,
    decoder,
    embedding: Array.from(r.embedding),
    top: [...r.top],
    timings: all,
  };
}

async function analyse(p: DemoPipeline, samples: Float32Array, source: string, decoder: string, loadMs: Record<string, number>): Promise<void> {
  setState('working', `Analysing ${source}…`);
  const r = await p.analyse(samples, p.sampleRate, TOP_K);
  show(p, samples, r, source, decoder, loadMs);
  const top = r.top[0];
  setState('done', `${source}: ${(samples.length / p.sampleRate).toFixed(2)} s${top ? `, top class ${top.label} (${top.probability.toFixed(2)})` : ''}`);
}

async function main(): Promise<void> {
  const base = new URL('./', document.baseURI);
  registerWebBackends({ wasmPaths: new URL('ort/', base).href, threads: threadsFromQuery() });
  const backend = await resolveBackend(['onnxruntime-web']);
  const providers = providersFromQuery();
  const capture = captureFromQuery();

  let t = performance.now();
  const manifestUrl = new URL('model/model.json', base);
  const manifest = parseDemoManifest(await fetchText(manifestUrl));
  const onnx = await fetchBytes(new URL(manifest.onnx, manifestUrl));
  const labels = manifest.classes ? await fetchText(new URL(manifest.classes.labels, manifestUrl)) : null;
  const fetchMs = performance.now() - t;
  t = performance.now();
  const p = await DemoPipeline.load(manifest, onnx, labels, { backend, providers });
  const sessionMs = performance.now() - t;
  setState('loading', 'Warming up…');
  const warmMs = await p.warmUp();

  demo.provider = p.provider;
  demo.fallbacks = p.fallbacks.map((f) => ({ ...f }));
  const def = p.embedder.model.spec.def;
  el('model-line').textContent = `${def.title} (${def.id}), ${(manifest.onnxBytes / 1e6).toFixed(1)} MB ONNX, config hash ${manifest.configHash}; `
    + `weights ${manifest.weights.file} (sha256 ${manifest.weights.sha256.slice(0, 12)}…). Fetched in ${fetchMs.toFixed(0)} ms, session ready in ${sessionMs.toFixed(0)} ms.`;
  const info = backend instanceof OrtWebBackend ? await backend.runtimeInfo() : null;
  const fallbacks = p.fallbacks.map((f) => ` ${f.from} → ${f.to}: ${f.reason}.`).join('');
  el('runtime-line').textContent = `ONNX Runtime Web ${info?.version ?? ''} on ${p.provider}`
    + `${info ? `, ${info.threads} thread(s)${info.crossOriginIsolated ? '' : ' (page not cross-origin isolated)'}` : ''}.${fallbacks}`;

  const loadMs = { 'model fetch': fetchMs, 'session create': sessionMs, 'warm-up run': warmMs };
  const file = el<HTMLInputElement>('file');
  const record = el<HTMLButtonElement>('record');
  file.disabled = false;
  record.disabled = false;
  setState('ready', 'Choose an audio file or record from the microphone.');

  file.addEventListener('change', () => {
    const f = file.files?.[0];
    if (f === undefined) return;
    void (async () => {
      demo.result = null;
      demo.error = null;
      setState('working', `Decoding ${f.name}…`);
      const t0 = performance.now();
      const mono = await loadMonoInBrowser(f, p.sampleRate, manifest.resample.quality);
      const decodeMs = performance.now() - t0;
      el('audio-line').textContent = mono.decoder === 'pneuma'
        ? `${f.name}: ${mono.sourceChannels} channel(s) at ${mono.sourceRate} Hz, decoded by Pneuma's decoders; mono at ${mono.sampleRate} Hz.`
        : `${f.name}: ${mono.sourceChannels} channel(s), decoded and resampled to ${mono.sourceRate} Hz by the browser (${mono.fallbackReason ?? ''}); mono.`;
      await analyse(p, mono.samples, f.name, mono.decoder, { ...loadMs, 'decode + resample': decodeMs });
    })().catch(fail);
  });

  let recording: MicrophoneRecording | null = null;
  const level = el('level').firstElementChild as HTMLElement;
  record.addEventListener('click', () => {
    void (async () => {
      if (recording === null) {
        recording = await startMicrophone({
          targetRate: p.sampleRate,
          quality: manifest.resample.quality,
          maxSeconds: MAX_RECORD_SECONDS,
          ...(capture !== undefined ? { method: capture } : {}),
          onLevel: (rms) => {
            level.style.width = `${Math.min(100, Math.sqrt(rms) * 200).toFixed(0)}%`;
            demo.recordedSeconds = recording?.seconds ?? 0;
          },
        });
        record.textContent = 'Stop';
        record.classList.add('recording');
        setState('recording', `Recording at ${recording.deviceRate} Hz (${recording.method}); at most ${MAX_RECORD_SECONDS} s.`);
        return;
      }
      demo.result = null;
      demo.error = null;
      const r = await recording.stop();
      recording = null;
      demo.recordedSeconds = 0;
      record.textContent = 'Record';
      record.classList.remove('recording');
      level.style.width = '0';
      el('audio-line').textContent = `Microphone: ${r.deviceChannels} channel(s) at ${r.deviceRate} Hz via ${r.method}${r.truncated ? `, cut at ${MAX_RECORD_SECONDS} s` : ''}; mono at ${r.sampleRate} Hz.`;
      if (r.samples.length === 0) throw new Error('the recording is empty');
      await analyse(p, r.samples, 'microphone', r.method, loadMs);
    })().catch(fail);
  });
}

main().catch(fail);
