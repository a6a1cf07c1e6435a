export * from './backend.ts';
export * from './errors.ts';
export * from './registry.ts';
export * from './feeds.ts';
export * from './null-backend.ts';
export * from './ort-types.ts';
