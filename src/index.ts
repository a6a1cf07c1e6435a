/**
 * Pneuma's platform-neutral public API, one namespace per module (`import { audio, encoders } from 'pneuma'`).
 * Nothing here reaches Node built-ins, ONNX Runtime or the DOM: sessions, files and workers come from
 * `pneuma/node` or `pneuma/web`, which register their execution backends in `runtime`'s registry.
 */
import pkg from '../package.json' with { type: 'json' };

export * as util from './util/index.ts';
export * as tensor from './tensor/index.ts';
export * as audio from './audio/index.ts';
export * as plot from './plot/index.ts';
export * as ir from './ir/index.ts';
export * as autodiff from './autodiff/index.ts';
export * as onnx from './onnx/index.ts';
export * as runtime from './runtime/index.ts';
export * as nn from './nn/index.ts';
export * as encoders from './encoders/index.ts';
export * as data from './data/index.ts';
export * as bench from './bench/index.ts';
export * as embed from './embed/index.ts';
export * as ssl from './ssl/index.ts';
export * as train from './train/index.ts';

/** The package version (package.json `version`). */
export const VERSION: string = pkg.version;
