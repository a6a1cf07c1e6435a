/**
 * Training checkpoints on disk: `<path>.safetensors` (tensors) and `<path>.json` (meta), both written
 * atomically; the JSON is written last and names the SHA-256 of the tensor file, so it is the commit
 * record of the pair (a crash between the two writes leaves a pair that fails to load loudly, never a
 * silently mixed state).
 */
import { readFileSync } from 'node:fs';
import { type CheckpointInfo, type CheckpointMeta, type DecodeOptions, type TrainState, TrainCheckpointError, decodeCheckpoint, encodeCheckpoint } from '../../train/index.ts';
import { writeFileAtomic } from './fs.ts';

export interface CheckpointPaths {
  readonly tensors: string;
  readonly meta: string;
}

/** The two files of the checkpoint at `path` (given without extension). */
export function checkpointPaths(path: string): CheckpointPaths {
  return { tensors: `${path}.safetensors`, meta: `${path}.json` };
}

export function saveCheckpoint(path: string, state: TrainState, info: CheckpointInfo): CheckpointPaths {
  const paths = checkpointPaths(path);
  const enc = encodeCheckpoint(state, info, paths.tensors);
  writeFileAtomic(paths.tensors, enc.tensors);
  writeFileAtomic(paths.meta, enc.meta);
  return paths;
}

/** The file's bytes as a plain Uint8Array (a Buffer's slice() is a view, a Uint8Array's a copy; parsers rely on the latter). */
function read(path: string): Uint8Array {
  try {
    const buf = readFileSync(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    throw new TrainCheckpointError(path, `cannot read (${(e as Error).message})`, { cause: e });
  }
}

export function loadCheckpoint(path: string, opts: Pick<DecodeOptions, 'configHash'> = {}): { state: TrainState; meta: CheckpointMeta } {
  const paths = checkpointPaths(path);
  const metaText = new TextDecoder('utf-8', { fatal: true }).decode(read(paths.meta));
  const tensors = read(paths.tensors);
  return decodeCheckpoint(tensors, metaText, { ...opts, tensorsFile: paths.tensors, metaFile: paths.meta });
}
