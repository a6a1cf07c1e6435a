export * from './png.ts';
export * from './colormap.ts';
export * from './spectrogram.ts';
