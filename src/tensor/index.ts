export * from './host.ts';
export * from './npy.ts';
