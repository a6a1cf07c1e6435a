// Baseline encoders that need no checkpoint: the handcrafted feature set (the `random` baseline is the
// default encoder with seeded random weights, built by the embedding pipeline).
export * from './handcrafted-config.ts';
export * from './functionals.ts';
export * from './lld.ts';
export * from './handcrafted.ts';
