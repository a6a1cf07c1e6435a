export * from './vjp.ts';
export * from './grad.ts';
export * from './gradcheck.ts';
export * from './conv-grad.ts';
export * from './shape-grad.ts';
