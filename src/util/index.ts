export * from './errors.ts';
export * from './rng.ts';
export * from './hash.ts';
export * from './shape.ts';
