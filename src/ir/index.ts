export * from './ops.ts';
export * from './infer.ts';
export * from './graph.ts';
export * from './interp.ts';
export * from './print.ts';
export * from './verify.ts';
export * from './resize-weights.ts';
