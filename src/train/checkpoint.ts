/**
 * Training checkpoints as two byte strings, written by the platform (src/platform/node/checkpoint-files.ts):
 *
 *   tensors  safetensors: every parameter and buffer under its state_dict name, every optimizer state
 *            tensor under its step input name (`optim/<slot>/<param>`), exactly as held (float32 stays
 *            float32, int64 buffers stay int64), so a reload is bit-exact;
 *   meta     JSON (`CheckpointMeta`): schema and version, update count, epoch and batch index, the state of
 *            the Rng that draws random inputs, the run's config hash, the optimizer kind, the tensor names
 *            by role and the SHA-256 and size of the tensor bytes.
 *
 * The meta names the tensor bytes it belongs to, so a meta file paired with another run's (or a
 * half-replaced) tensor file is an error on load, as is any missing or extra tensor, a config hash other
 * than the expected one, or an unknown schema version.
 */
import { type HostTensor, parseSafetensors, serializeSafetensors } from '../tensor/index.ts';
import { type RngState, sha256Hex } from '../util/index.ts';
import { TrainCheckpointError } from './errors.ts';
import type { TrainState } from './loop.ts';
import type { OptimizerKind } from './optim.ts';

export const CHECKPOINT_SCHEMA = 'pneuma-train-checkpoint';
export const CHECKPOINT_VERSION = 1;

export interface CheckpointMeta {
  readonly schema: typeof CHECKPOINT_SCHEMA;
  readonly version: typeof CHECKPOINT_VERSION;
  readonly step: number;
  readonly epoch: number;
  readonly batchIndex: number;
  readonly rng: RngState;
  /** Hash of the run's resolved config (model, optimizer, schedule, data); checked on resume. */
  readonly configHash: string;
  readonly optimizer: OptimizerKind;
  /** Parameter and buffer names, in the order they were held. */
  readonly weights: readonly string[];
  /** Optimizer state tensor names. */
  readonly optimizerState: readonly string[];
  readonly tensors: { readonly sha256: string; readonly bytes: number };
}

export interface EncodedCheckpoint {
  readonly tensors: Uint8Array;
  /** JSON text of the CheckpointMeta. */
  readonly meta: string;
}

export interface CheckpointInfo {
  readonly configHash: string;
  readonly optimizer: OptimizerKind;
}

export function encodeCheckpoint(state: TrainState, info: CheckpointInfo, file = 'checkpoint'): EncodedCheckpoint {
  const all = new Map<string, HostTensor>();
  for (const [k, v] of state.weights) all.set(k, v);
  for (const [k, v] of state.optimizer) {
    if (all.has(k)) throw new TrainCheckpointError(file, `optimizer state '${k}' has the name of a parameter`);
    all.set(k, v);
  }
  const tensors = serializeSafetensors(all, undefined, file);
  const meta: CheckpointMeta = {
    schema: CHECKPOINT_SCHEMA,
    version: CHECKPOINT_VERSION,
    step: state.step,
    epoch: state.epoch,
    batchIndex: state.batchIndex,
    rng: [...state.rng] as unknown as RngState,
    configHash: info.configHash,
    optimizer: info.optimizer,
    weights: [...state.weights.keys()],
    optimizerState: [...state.optimizer.keys()],
    tensors: { sha256: sha256Hex(tensors), bytes: tensors.length },
  };
  return { tensors, meta: `${JSON.stringify(meta, null, 2)}\n` };
}

const KEYS: readonly (keyof CheckpointMeta)[] = ['schema', 'version', 'step', 'epoch', 'batchIndex', 'rng', 'configHash', 'optimizer', 'weights', 'optimizerState', 'tensors'];
const OPTIMIZERS: readonly OptimizerKind[] = ['sgd', 'adam', 'adamw'];

/** Parse and validate the meta JSON (every field present and well typed, no unknown field). */
export function parseCheckpointMeta(text: string, file = 'checkpoint meta'): CheckpointMeta {
  const fail = (msg: string): never => {
    throw new TrainCheckpointError(file, msg);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return fail(`not JSON (${(e as Error).message})`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return fail('not a JSON object');
  const o = raw as Record<string, unknown>;
  if (o['schema'] !== CHECKPOINT_SCHEMA) fail(`schema is ${JSON.stringify(o['schema'])}, expected '${CHECKPOINT_SCHEMA}'`);
  if (o['version'] !== CHECKPOINT_VERSION) fail(`version ${JSON.stringify(o['version'])} is not supported (this build reads version ${CHECKPOINT_VERSION})`);
  const unknown = Object.keys(o).filter((k) => !(KEYS as readonly string[]).includes(k));
  if (unknown.length > 0) fail(`unknown field(s) ${unknown.join(', ')}`);
  for (const k of ['step', 'epoch', 'batchIndex'] as const) {
    if (!(Number.isSafeInteger(o[k]) && (o[k] as number) >= 0)) fail(`'${k}' must be a non-negative integer, got ${JSON.stringify(o[k])}`);
  }
  const rng = o['rng'];
  if (!Array.isArray(rng) || rng.length !== 4 || rng.some((v) => !Number.isInteger(v) || v < 0 || v > 0xffffffff)) fail(`'rng' must be four uint32 values, got ${JSON.stringify(rng)}`);
  if (typeof o['configHash'] !== 'string') fail(`'configHash' must be a string`);
  if (!OPTIMIZERS.includes(o['optimizer'] as OptimizerKind)) fail(`'optimizer' must be one of ${OPTIMIZERS.join(', ')}, got ${JSON.stringify(o['optimizer'])}`);
  for (const k of ['weights', 'optimizerState'] as const) {
    const v = o[k];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) fail(`'${k}' must be a list of names`);
  }
  const t = o['tensors'] as Record<string, unknown> | undefined;
  if (!t || typeof t !== 'object' || typeof t['sha256'] !== 'string' || !/^[0-9a-f]{64}$/.test(t['sha256']) || !Number.isSafeInteger(t['bytes'])) {
    fail(`'tensors' must be { sha256: 64 hex digits, bytes: integer }`);
  }
  return o as unknown as CheckpointMeta;
}

export interface DecodeOptions {
  /** Refuse a checkpoint of another run (config hash mismatch). */
  readonly configHash?: string;
  /** Names for error messages. */
  readonly tensorsFile?: string;
  readonly metaFile?: string;
}

/** Decode a checkpoint into a training state, checking it against its meta and the expected config hash. */
export function decodeCheckpoint(tensors: Uint8Array, metaText: string, opts: DecodeOptions = {}): { state: TrainState; meta: CheckpointMeta } {
  const metaFile = opts.metaFile ?? 'checkpoint meta';
  const tensorsFile = opts.tensorsFile ?? 'checkpoint tensors';
  const meta = parseCheckpointMeta(metaText, metaFile);
  if (opts.configHash !== undefined && meta.configHash !== opts.configHash) {
    throw new TrainCheckpointError(metaFile, `belongs to config ${meta.configHash}, this run's config is ${opts.configHash}`);
  }
  if (tensors.length !== meta.tensors.bytes || sha256Hex(tensors) !== meta.tensors.sha256) {
    throw new TrainCheckpointError(tensorsFile, `does not match ${metaFile} (${tensors.length} bytes, meta expects ${meta.tensors.bytes} bytes with SHA-256 ${meta.tensors.sha256})`);
  }
  const file = parseSafetensors(tensors, tensorsFile);
  const take = (names: readonly string[]): Map<string, HostTensor> => {
    const out = new Map<string, HostTensor>();
    for (const n of names) {
      const t = file.tensors.get(n);
      if (!t) throw new TrainCheckpointError(tensorsFile, `lacks tensor '${n}' listed in ${metaFile}`);
      out.set(n, t);
    }
    return out;
  };
  const weights = take(meta.weights);
  const optimizer = take(meta.optimizerState);
  const listed = new Set([...meta.weights, ...meta.optimizerState]);
  const extra = [...file.tensors.keys()].filter((k) => !listed.has(k));
  if (extra.length > 0) throw new TrainCheckpointError(tensorsFile, `holds tensors not listed in ${metaFile}: ${extra.slice(0, 10).join(', ')}`);
  return { state: { weights, optimizer, step: meta.step, epoch: meta.epoch, batchIndex: meta.batchIndex, rng: meta.rng }, meta };
}
