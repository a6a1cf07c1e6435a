// Encoders: the EncoderDef contract, the registry of every encoder id, strict weight loading, the graph
// signature every encoder exports, and the architectures they are built from.
export * from './types.ts';
export * from './errors.ts';
export * from './registry.ts';
export * from './encoder-graph.ts';
export * from './example-input.ts';
export * from './weights.ts';
export * from './reference-config.ts';
// The registered encoders, with their presets.
export * from './opera-ce.ts';
export * from './opera-ct.ts';
export * from './opera-gt.ts';
export * from './hear.ts';
export * from './efficientat.ts';
// Architectures and layers the encoders and the pretraining objectives share.
export * from './efficientnet.ts';
export * from './mobilenetv3.ts';
export * from './htsat.ts';
export * from './vit.ts';
export * from './mae-decoder.ts';
export * from './bound-layers.ts';
