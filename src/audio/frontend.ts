/**
 * Audio front ends: waveform → the time–frequency input a reference encoder expects.
 *
 * `FrontEndConfig` is a discriminated union of plain JSON objects that spell out every parameter, so a
 * config can be hashed into cache keys and written into result rows. `kind` selects the pipeline
 * (each documented in its own file with its reference code and version); the fields parameterise it.
 *
 * | kind          | reference                                 | rate   | output layout            |
 * | ------------- | ----------------------------------------- | ------ | ------------------------ |
 * | `opera`       | OPERA `pre_process_audio_mel_t` (librosa) | 16 kHz | [T, 64], min–max [0, 1]  |
 * | `hear`        | HeAR `preprocess_audio` (batch of one)    | 16 kHz | [192, 128] per ≤ 2-s clip |
 * | `kaldi`       | AudioMAE `_wav2fbank` (torchaudio fbank)  | 16 kHz | [T, 128] log-mel         |
 * | `m2d`         | M2D / nnAudio `MelSpectrogram` + log      | 16 kHz | [80, T] log-mel          |
 * | `efficientat` | EfficientAT `AugmentMelSTFT` (eval)       | 32 kHz | [128, T]                 |
 *
 * The input is mono float32 at the config's sample rate; resampling is the caller's job.
 */
import { OPERA_FRONTEND, buildOpera, type OperaFrontEnd } from './frontend-opera.ts';
import { HEAR_FRONTEND, buildHear, type HearFrontEnd } from './frontend-hear.ts';
import { KALDI_FRONTEND, buildKaldi, type KaldiFrontEnd } from './frontend-kaldi.ts';
import { M2D_FRONTEND, buildM2d, type M2dFrontEnd } from './frontend-m2d.ts';
import { EFFICIENTAT_FRONTEND, buildEfficientAt, type EfficientAtFrontEnd } from './frontend-efficientat.ts';
import { FrontEndError } from './frontend-errors.ts';
import type { KernelChoice } from './kernel-choice.ts';
import type { HostTensor } from '../tensor/index.ts';

export type { OperaFrontEnd, HearFrontEnd, KaldiFrontEnd, M2dFrontEnd, EfficientAtFrontEnd };

export type FrontEndConfig = OperaFrontEnd | HearFrontEnd | KaldiFrontEnd | M2dFrontEnd | EfficientAtFrontEnd;
export type FrontEndKind = FrontEndConfig['kind'];

/** The reference front ends, exactly as their published code runs them. */
export const FRONTENDS: { readonly [K in FrontEndKind]: Extract<FrontEndConfig, { kind: K }> } = {
  opera: OPERA_FRONTEND,
  hear: HEAR_FRONTEND,
  kaldi: KALDI_FRONTEND,
  m2d: M2D_FRONTEND,
  efficientat: EFFICIENTAT_FRONTEND,
};

export const FRONTEND_KINDS: readonly FrontEndKind[] = Object.keys(FRONTENDS) as FrontEndKind[];

type Builder<K extends FrontEndKind> = (cfg: Extract<FrontEndConfig, { kind: K }>, kernels: KernelChoice) => (x: Float32Array) => HostTensor<'float32'>;

const BUILDERS: { readonly [K in FrontEndKind]: Builder<K> } = {
  opera: buildOpera,
  hear: buildHear,
  kaldi: buildKaldi,
  m2d: buildM2d,
  efficientat: buildEfficientAt,
};

/** A front end with its FFT plans, windows and filterbanks built once; `compute` is not re-entrant. */
export interface FrontEnd {
  readonly config: FrontEndConfig;
  compute(samples: Float32Array, sampleRate: number): HostTensor<'float32'>;
}

/**
 * `kernels` picks the spectrogram kernel (mel-stft.ts): 'auto' (WebAssembly SIMD where available),
 * 'js' (the specification) or 'wasm'; all give bit-identical results.
 */
export function createFrontEnd(cfg: FrontEndConfig, kernels: KernelChoice = 'auto'): FrontEnd {
  const builder = BUILDERS[cfg.kind] as Builder<FrontEndKind> | undefined;
  if (!builder) throw new FrontEndError('frontend', `unknown front end kind ${JSON.stringify((cfg as { kind: unknown }).kind)}`);
  const run = builder(cfg as never, kernels);
  const where = `frontend ${cfg.kind}`;
  return {
    config: cfg,
    compute(samples, sampleRate) {
      if (sampleRate !== cfg.sampleRate) {
        throw new FrontEndError(where, `expects ${cfg.sampleRate} Hz audio, got ${sampleRate} Hz (resample first)`);
      }
      if (samples.length === 0) throw new FrontEndError(where, 'no samples');
      for (let i = 0; i < samples.length; i++) {
        if (!Number.isFinite(samples[i] as number)) throw new FrontEndError(where, `sample ${i} is ${samples[i]}`);
      }
      return run(samples);
    },
  };
}

/** One-shot `createFrontEnd(cfg).compute(samples, sampleRate)`: float32 in the reference layout. */
export function computeFrontEnd(cfg: FrontEndConfig, samples: Float32Array, sampleRate: number): HostTensor<'float32'> {
  return createFrontEnd(cfg).compute(samples, sampleRate);
}

/**
 * Output shape for n input samples without computing it (centre framing T = 1 + ⌊N/hop⌋ for even FFT
 * lengths; Kaldi T = 1 + ⌊(N − frame)/hop⌋; EfficientAT frames the N − 1 pre-emphasised samples).
 * Throws where `compute` would refuse the length.
 */
export function frontEndOutputShape(cfg: FrontEndConfig, n: number): number[] {
  const where = `frontend ${cfg.kind}`;
  if (!Number.isInteger(n) || n < 1) throw new FrontEndError(where, `no samples (${n})`);
  switch (cfg.kind) {
    case 'opera':
      return [1 + Math.floor(n / cfg.hop), cfg.mel.nMels];
    case 'hear':
      if (n > cfg.clipSamples) throw new FrontEndError(where, `a clip holds at most ${cfg.clipSamples} samples, got ${n}`);
      return [cfg.resizeFrames, cfg.mel.nMels];
    case 'kaldi':
      if (n < cfg.frameLength) throw new FrontEndError(where, `a frame needs ${cfg.frameLength} samples, got ${n}`);
      return [1 + Math.floor((n - cfg.frameLength) / cfg.hop), cfg.mel.nMels];
    case 'm2d':
      return [cfg.mel.nMels, 1 + Math.floor(n / cfg.hop)];
    case 'efficientat':
      return [cfg.mel.nMels, 1 + Math.floor((n - 1) / cfg.hop)];
  }
}
