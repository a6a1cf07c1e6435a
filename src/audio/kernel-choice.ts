/**
 * Which implementation of a numeric kernel runs: 'js' is the specification; 'wasm' is a WebAssembly
 * SIMD kernel assembled at load time that performs the same IEEE operations in the same order, so its
 * results are bit-identical; 'auto' uses 'wasm' where the host can compile it and the parameters are
 * supported, and 'js' otherwise. 'wasm' fails with a FrontEndError where the kernel is unavailable.
 */
export type KernelChoice = 'auto' | 'js' | 'wasm';
