/**
 * Microphone capture to mono float32 at a target rate. The device is opened with echo cancellation, noise
 * suppression and automatic gain control off (they reshape coughs and breath sounds), an `AudioContext` runs at
 * the device's own rate, and the PCM is taken raw: by an AudioWorklet where the page has one (secure
 * contexts), else by a ScriptProcessorNode. Blocks are mixed to mono by the mean over channels (`mixToMono`)
 * and resampled as they arrive by Pneuma's streaming resampler (src/audio/resample.ts), so what is recorded
 * is resampled exactly as a file at the device's rate would be by `loadMonoInBrowser`.
 */
import { AudioParamError } from '../../audio/errors.ts';
import { mixToMono } from '../../audio/mix.ts';
import { type ResampleQuality, type SincKernelSpec, Resampler } from '../../audio/resample.ts';
import { PneumaError } from '../../util/index.ts';

/** The microphone cannot be opened or captured from (no permission, no device, no Web Audio). */
export class MicrophoneError extends PneumaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('microphone', message, options);
  }
}

export type CaptureMethod = 'audio-worklet' | 'script-processor';

export interface MicrophoneOptions {
  /** Rate of the returned samples (the front end's rate). */
  readonly targetRate: number;
  /** Resampling kernel from the device's rate to `targetRate`. */
  readonly quality: ResampleQuality | SincKernelSpec;
  /** Stop keeping samples after this many seconds (the recording goes on until `stop()`). */
  readonly maxSeconds?: number;
  /** Force a capture method (default: the AudioWorklet when available). */
  readonly method?: CaptureMethod;
  /** Called per captured block with its RMS level (for a meter). */
  readonly onLevel?: (rms: number) => void;
}

export interface RecordedAudio {
  readonly samples: Float32Array;
  readonly sampleRate: number;
  /** The device's rate and channel count. */
  readonly deviceRate: number;
  readonly deviceChannels: number;
  readonly method: CaptureMethod;
  /** Whether `maxSeconds` cut the recording. */
  readonly truncated: boolean;
}

export interface MicrophoneRecording {
  readonly deviceRate: number;
  readonly method: CaptureMethod;
  /** Seconds captured so far (at the device's rate). */
  readonly seconds: number;
  /** Stop capturing, release the device and return the recording. */
  stop(): Promise<RecordedAudio>;
}

/** Frames the worklet gathers before posting a block to the page. */
const WORKLET_BLOCK = 4096;

const WORKLET_SOURCE = `
class PneumaCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.parts = [];
    this.frames = 0;
    this.port.onmessage = () => { this.post(); this.port.postMessage({ done: true }); };
  }
  post() {
    if (this.frames === 0) return;
    const n = this.parts[0].length;
    const out = [];
    for (let c = 0; c < n; c++) {
      const ch = new Float32Array(this.frames);
      let off = 0;
      for (const p of this.parts) { ch.set(p[c] ?? p[0], off); off += p[0].length; }
      out.push(ch);
    }
    this.parts = [];
    this.frames = 0;
    this.port.postMessage({ channels: out }, out.map((c) => c.buffer));
  }
  process(inputs) {
    const input = inputs[0];
    if (input && input.length > 0 && input[0].length > 0) {
      this.parts.push(input.map((c) => c.slice()));
      this.frames += input[0].length;
      if (this.frames >= ${WORKLET_BLOCK}) this.post();
    }
    return true;
  }
}
registerProcessor('pneuma-capture', PneumaCapture);
`;

function rms(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] as number) * (x[i] as number);
  return x.length === 0 ? 0 : Math.sqrt(s / x.length);
}

/** Open the microphone and start capturing; `stop()` ends it. */
export async function startMicrophone(opts: MicrophoneOptions): Promise<MicrophoneRecording> {
  if (!Number.isInteger(opts.targetRate) || opts.targetRate <= 0) throw new AudioParamError('startMicrophone', `targetRate must be a positive integer, got ${opts.targetRate}`);
  if (opts.maxSeconds !== undefined && !(opts.maxSeconds > 0)) throw new AudioParamError('startMicrophone', `maxSeconds must be positive, got ${opts.maxSeconds}`);
  const media = (globalThis as { navigator?: Navigator }).navigator?.mediaDevices;
  if (media?.getUserMedia === undefined) throw new MicrophoneError('navigator.mediaDevices.getUserMedia is unavailable (the page must be served over https or from localhost)');
  let stream: MediaStream;
  try {
    stream = await media.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false }, video: false });
  } catch (e) {
    throw new MicrophoneError(`cannot open the microphone: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, { cause: e });
  }
  const ctx = new AudioContext();
  const stopTracks = (): void => stream.getTracks().forEach((t) => t.stop());
  try {
    return await capture(ctx, stream, stopTracks, opts);
  } catch (e) {
    stopTracks();
    await ctx.close();
    if (e instanceof PneumaError) throw e;
    throw new MicrophoneError(`cannot capture from the microphone: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

async function capture(ctx: AudioContext, stream: MediaStream, stopTracks: () => void, opts: MicrophoneOptions): Promise<MicrophoneRecording> {
  const deviceRate = ctx.sampleRate;
  const resampler = deviceRate === opts.targetRate ? null : new Resampler(deviceRate, opts.targetRate, opts.quality);
  const maxFrames = opts.maxSeconds === undefined ? Infinity : Math.round(opts.maxSeconds * deviceRate);
  const parts: Float32Array[] = [];
  let frames = 0;
  let channels = 0;
  let truncated = false;
  const onBlock = (block: Float32Array[]): void => {
    if (block.length === 0 || (block[0] as Float32Array).length === 0) return;
    channels = Math.max(channels, block.length);
    let mono = mixToMono(block);
    opts.onLevel?.(rms(mono));
    if (frames + mono.length > maxFrames) {
      truncated = true;
      mono = mono.subarray(0, Math.max(0, maxFrames - frames));
      if (mono.length === 0) return;
    }
    frames += mono.length;
    parts.push(resampler ? resampler.process(mono) : mono);
  };

  const source = ctx.createMediaStreamSource(stream);
  const sink = ctx.createGain();
  sink.gain.value = 0;
  sink.connect(ctx.destination);
  const useWorklet = opts.method !== undefined ? opts.method === 'audio-worklet' : ctx.audioWorklet !== undefined;
  let finish: () => Promise<void>;
  let method: CaptureMethod;
  if (useWorklet) {
    if (ctx.audioWorklet === undefined) throw new MicrophoneError('this page has no AudioWorklet (not a secure context?)');
    const url = URL.createObjectURL(new Blob([WORKLET_SOURCE], { type: 'text/javascript' }));
    try {
      await ctx.audioWorklet.addModule(url);
    } finally {
      URL.revokeObjectURL(url);
    }
    const node = new AudioWorkletNode(ctx, 'pneuma-capture', { numberOfOutputs: 1, outputChannelCount: [1] });
    let flushed: (() => void) | null = null;
    node.port.onmessage = (ev: MessageEvent<{ channels?: Float32Array[]; done?: boolean }>) => {
      if (ev.data.channels) onBlock(ev.data.channels);
      if (ev.data.done) flushed?.();
    };
    source.connect(node);
    node.connect(sink);
    method = 'audio-worklet';
    finish = async () => {
      const done = new Promise<void>((resolve) => {
        flushed = resolve;
      });
      node.port.postMessage('flush');
      await done;
      source.disconnect();
      node.disconnect();
    };
  } else {
    const node = ctx.createScriptProcessor(WORKLET_BLOCK, 2, 1);
    node.onaudioprocess = (ev: AudioProcessingEvent) => {
      const b = ev.inputBuffer;
      onBlock(Array.from({ length: b.numberOfChannels }, (_, c) => b.getChannelData(c).slice()));
    };
    source.connect(node);
    node.connect(sink);
    method = 'script-processor';
    finish = async () => {
      source.disconnect();
      node.disconnect();
      node.onaudioprocess = null;
    };
  }
  if (ctx.state === 'suspended') await ctx.resume();

  let stopped = false;
  return {
    deviceRate,
    method,
    get seconds() {
      return frames / deviceRate;
    },
    async stop(): Promise<RecordedAudio> {
      if (stopped) throw new MicrophoneError('the recording was already stopped');
      stopped = true;
      try {
        await finish();
      } finally {
        stopTracks();
        await ctx.close();
      }
      if (resampler) parts.push(resampler.flush());
      let n = 0;
      for (const p of parts) n += p.length;
      const samples = new Float32Array(n);
      let off = 0;
      for (const p of parts) {
        samples.set(p, off);
        off += p.length;
      }
      return { samples, sampleRate: opts.targetRate, deviceRate, deviceChannels: channels, method, truncated };
    },
  };
}
