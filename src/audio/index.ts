// Audio: decoding, mixdown, resampling, trimming and segmentation.
export * from './errors.ts';
export * from './decoded.ts';
export * from './sniff.ts';
export * from './wav.ts';
export * from './decode.ts';
export * from './mix.ts';
export * from './resample.ts';
export * from './trim.ts';
export * from './segment.ts';
// Front ends: FFT, windows, STFT, filterbanks, dB, PCEN, resize, and the reference pipelines.
export * from './fft.ts';
export * from './window.ts';
export * from './stft.ts';
export * from './mel.ts';
export * from './db.ts';
export * from './pcen.ts';
export * from './mel-stft.ts';
export type { KernelChoice } from './kernel-choice.ts';
export * from './resize.ts';
export { FrontEndError } from './frontend-errors.ts';
export * from './frontend.ts';
export { OPERA_FRONTEND } from './frontend-opera.ts';
export { HEAR_FRONTEND, hearNormalise, buildHear, type HearPipeline } from './frontend-hear.ts';
export { KALDI_FRONTEND } from './frontend-kaldi.ts';
export { M2D_FRONTEND } from './frontend-m2d.ts';
export { EFFICIENTAT_FRONTEND } from './frontend-efficientat.ts';
