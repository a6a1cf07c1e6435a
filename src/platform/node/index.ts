/**
 * The Node platform: file-system helpers, progress bars and the onnxruntime-node backend. Importing
 * this module registers the backend as 'onnxruntime-node' (priority 10) in the default registry.
 */
import { registerBackend } from '../../runtime/index.ts';
import { createOrtNodeBackend } from './ort-backend.ts';

export * from './fs.ts';
export * from './progress.ts';
export * from './embed-inputs.ts';
export * from './embed-job.ts';
export * from './mono-loader-pool.ts';
export * from './mono-stream.ts';
export { loadMono, readAudioFile, streamAudioFile, type LoadMonoOptions, type ReadAudioOptions, type StreamAudioOptions } from './audio-file.ts';
export { OrtNodeBackend, createOrtNodeBackend, loadOrt } from './ort-backend.ts';
export { FileEmbeddingCache, EmbedCacheError, DEFAULT_CACHE_DIR } from './embed-cache.ts';
export { NodeRecordingStore } from './bench-store.ts';
export { CorpusStore, STORE_FORMAT, storeKey, type StoreSpec, type StoreJob, type StoreResult } from './corpus-store.ts';
export { BatchPipeline, type PipelineOptions } from './pretrain-batches.ts';
export { buildPretrainCorpus, type BuiltCorpus, type CorpusBuildOptions, type CorpusReport, type SourceReport } from './pretrain-corpus.ts';

/** Register the Node backends in the default registry (idempotent). */
export function registerNodeBackends(): void {
  registerBackend('onnxruntime-node', createOrtNodeBackend, 10);
}

registerNodeBackends();
