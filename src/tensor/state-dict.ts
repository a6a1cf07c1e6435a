/**
 * One entry point for weights: `loadStateDict` recognises the container by its bytes (PyTorch zip
 * checkpoint, safetensors, .npz) and returns the flat state dict, name → host tensor, in file order.
 * Lightning checkpoints are unwrapped (their `state_dict` entry) unless another key is asked for.
 */
import type { HostTensor } from './host.ts';
import { CheckpointError } from './checkpoint-error.ts';
import { parseSafetensors, SAFETENSORS_MAX_HEADER } from './safetensors.ts';
import { parseNpz } from './npz.ts';
import { describePy, PyObject } from './pickle.ts';
import { TorchTensorRef, isLegacyTorchFile, readTorchCheckpoint, type TorchCheckpoint } from './torch.ts';
import { isZip, listZip } from './zip.ts';

export type CheckpointFormat = 'torch-zip' | 'torch-legacy' | 'pickle' | 'safetensors' | 'npz' | 'npy' | 'zip' | 'unknown';

/** The container format, from magic bytes (and, for zips, the entry names). */
export function detectCheckpointFormat(bytes: Uint8Array, file = 'checkpoint'): CheckpointFormat {
  if (isZip(bytes)) {
    const names = listZip(bytes, file).map((e) => e.name).filter((n) => !n.endsWith('/'));
    if (names.some((n) => /^([^/]+\/)?data\.pkl$/.test(n))) return 'torch-zip';
    if (names.length > 0 && names.every((n) => n.endsWith('.npy'))) return 'npz';
    return 'zip';
  }
  if (isLegacyTorchFile(bytes)) return 'torch-legacy';
  if (bytes.length >= 2 && bytes[0] === 0x80 && (bytes[1] as number) <= 5) return 'pickle';
  if (bytes.length >= 6 && bytes[0] === 0x93 && String.fromCharCode(...bytes.subarray(1, 6)) === 'NUMPY') return 'npy';
  if (bytes.length >= 10 && bytes[8] === 0x7b) {
    const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
    if (n <= BigInt(Math.min(SAFETENSORS_MAX_HEADER, bytes.length - 8))) return 'safetensors';
  }
  return 'unknown';
}

export interface LoadStateDictOptions {
  /**
   * Path of the state dict inside a pickled checkpoint (e.g. 'model' or ['module', 'encoder']). Without
   * it, a top-level `state_dict` entry (Lightning) is used when present, else the top-level dict itself.
   */
  key?: string | readonly string[];
}

export function loadStateDict(bytes: Uint8Array, file: string, opts: LoadStateDictOptions = {}): Map<string, HostTensor> {
  const format = detectCheckpointFormat(bytes, file);
  if (opts.key !== undefined && format !== 'torch-zip' && format !== 'torch-legacy') {
    throw new CheckpointError(file, `option key=${JSON.stringify(opts.key)} applies to pickled checkpoints; this ${format} file is a flat tensor map`);
  }
  switch (format) {
    case 'torch-zip': case 'torch-legacy': return torchStateDict(readTorchCheckpoint(bytes, file), opts);
    case 'safetensors': return parseSafetensors(bytes, file).tensors;
    case 'npz': return parseNpz(bytes, file);
    case 'pickle':
      throw new CheckpointError(file, 'this is a bare pickle, not a PyTorch zip checkpoint; bare pickles are not loaded (re-save with torch.save, or convert to safetensors)');
    case 'npy':
      throw new CheckpointError(file, 'this is a single .npy array, not a state dict (use parseNpy, or an .npz archive of named arrays)');
    case 'zip':
      throw new CheckpointError(file, 'zip archive that is neither a PyTorch checkpoint (<root>/data.pkl) nor an .npz (only .npy entries)');
    case 'unknown':
      throw new CheckpointError(file, 'unrecognised file: expected a PyTorch zip checkpoint (.pt/.pth/.bin/.ckpt), safetensors or .npz');
  }
}

/** The state dict of an opened PyTorch checkpoint, every value checked to be a tensor. */
export function torchStateDict(ckpt: TorchCheckpoint, opts: LoadStateDictOptions = {}): Map<string, HostTensor> {
  const { file } = ckpt;
  let node: unknown = ckpt.object;
  const path = opts.key === undefined ? [] : typeof opts.key === 'string' ? [opts.key] : [...opts.key];
  for (const [i, k] of path.entries()) {
    if (!(node instanceof Map) || !node.has(k)) {
      const where = i === 0 ? 'the top level' : `'${path.slice(0, i).join('.')}'`;
      throw new CheckpointError(file, `no entry '${k}' at ${where}; it holds ${listKeys(node)}`);
    }
    node = node.get(k);
  }
  if (path.length === 0 && node instanceof Map && node.get('state_dict') instanceof Map) node = node.get('state_dict');
  if (node instanceof PyObject) {
    throw new CheckpointError(file, `the checkpoint pickles an object of class ${node.cls.qualname}, not a state dict; in Python, save model.state_dict() instead of the whole object`);
  }
  if (!(node instanceof Map)) throw new CheckpointError(file, `expected a dict of tensors, found ${describePy(node)}`);
  const refs = new Map<string, TorchTensorRef>();
  const bad: string[] = [];
  for (const [k, v] of node) {
    if (typeof k !== 'string') bad.push(`key ${describePy(k)} is not a string`);
    else if (v instanceof TorchTensorRef) refs.set(k, v);
    else bad.push(`'${k}' holds ${describePy(v)}`);
  }
  if (refs.size === 0 && path.length === 0) {
    throw new CheckpointError(file, `no tensors at the top level; it holds ${listKeys(node)}; choose the state dict with the 'key' option`);
  }
  if (bad.length > 0) {
    throw new CheckpointError(file, `the state dict has ${bad.length} non-tensor entr${bad.length === 1 ? 'y' : 'ies'}: ${bad.slice(0, 20).join('; ')}${bad.length > 20 ? '; …' : ''}`);
  }
  const tensors = ckpt.tensors(refs.values());
  return new Map([...refs].map(([k, r]) => [k, tensors.get(r) as HostTensor]));
}

function listKeys(node: unknown): string {
  if (!(node instanceof Map)) return describePy(node);
  const items = [...node].slice(0, 12).map(([k, v]) => `${typeof k === 'string' ? k : describePy(k)} (${describePy(v)})`);
  return `${items.join(', ')}${node.size > 12 ? `, … (${node.size} entries)` : ''}`;
}
