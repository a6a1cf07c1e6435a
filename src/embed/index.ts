// The embedding pipeline: recording or spectrogram → embedding for every registered encoder.
export * from './errors.ts';
export * from './segment.ts';
export * from './window-stream.ts';
export * from './config-hash.ts';
export * from './model.ts';
export * from './embedder.ts';
export * from './task-input.ts';
export * from './weights-sources.ts';
export * from './resolve.ts';
export * from './export-metadata.ts';
export * from './create.ts';
