export * from './ops.ts';
export * from './infer.ts';
export * from './graph.ts';
