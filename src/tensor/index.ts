export * from './host.ts';
export * from './npy.ts';
export * from './checkpoint-error.ts';
export * from './safetensors.ts';
export * from './npz.ts';
export * from './pickle.ts';
export * from './torch.ts';
export * from './state-dict.ts';
