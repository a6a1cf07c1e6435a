/**
 * Checks of feeds and requested outputs against a model's declared signature, shared by backends so
 * that every backend reports a wrong feed the same way, before any runtime sees it.
 */
import type { HostTensor } from '../tensor/index.ts';
import type { TensorSpec } from '../onnx/read.ts';
import { fmtShape } from '../util/index.ts';
import { FeedError } from './errors.ts';
import type { RunOptions } from './backend.ts';

const fmtDims = (dims: TensorSpec['shape']): string => `[${dims.map((d) => (d === null ? '?' : d)).join(',')}]`;

/**
 * Every declared input fed exactly once with the declared dtype, rank and static sizes; a symbolic
 * name bound to one size across all feeds. Returns the bindings of symbolic names.
 */
export function checkFeeds(inputs: readonly TensorSpec[], feeds: Readonly<Record<string, HostTensor>>): Map<string, number> {
  const declared = new Map(inputs.map((s) => [s.name, s]));
  const extra = Object.keys(feeds).filter((k) => !declared.has(k));
  if (extra.length > 0) throw new FeedError(`unknown input(s) ${extra.map((e) => `'${e}'`).join(', ')}; the model takes ${inputs.map((s) => `'${s.name}'`).join(', ') || 'no inputs'}`);
  const symbols = new Map<string, number>();
  for (const s of inputs) {
    const t = feeds[s.name];
    if (t === undefined) throw new FeedError(`missing input '${s.name}' (${s.dtype} ${fmtDims(s.shape)})`);
    if (t.dtype !== s.dtype) throw new FeedError(`input '${s.name}': expected ${s.dtype}, got ${t.dtype}`);
    if (t.shape.length !== s.shape.length) throw new FeedError(`input '${s.name}': expected rank ${s.shape.length} ${fmtDims(s.shape)}, got ${fmtShape(t.shape)}`);
    s.shape.forEach((d, i) => {
      const got = t.shape[i] as number;
      if (typeof d === 'number' && d !== got) throw new FeedError(`input '${s.name}': axis ${i} must be ${d}, got ${fmtShape(t.shape)}`);
      if (typeof d === 'string') {
        const bound = symbols.get(d);
        if (bound !== undefined && bound !== got) throw new FeedError(`input '${s.name}': axis ${i} ('${d}') is ${got}, but '${d}' is ${bound} in another input`);
        symbols.set(d, got);
      }
    });
  }
  return symbols;
}

/** The outputs to compute: all, or the requested ones (each must exist, no repeats). */
export function selectOutputs(outputs: readonly TensorSpec[], opts: RunOptions | undefined): TensorSpec[] {
  const byName = new Map(outputs.map((s) => [s.name, s]));
  const wanted = opts?.outputs ?? outputs.map((s) => s.name);
  if (new Set(wanted).size !== wanted.length) throw new FeedError(`outputs requested twice: [${wanted.join(', ')}]`);
  const specs = wanted.map((n) => {
    const s = byName.get(n);
    if (!s) throw new FeedError(`unknown output '${n}'; the model produces ${outputs.map((o) => `'${o.name}'`).join(', ')}`);
    return s;
  });
  for (const n of Object.keys(opts?.preallocated ?? {})) {
    if (!wanted.includes(n)) throw new FeedError(`preallocated buffer for '${n}', which is not ${byName.has(n) ? 'requested' : 'an output of the model'}`);
  }
  return specs;
}

/** A preallocated buffer must have the output's dtype and, where known, its sizes. */
export function checkPreallocated(spec: TensorSpec, t: HostTensor, symbols: ReadonlyMap<string, number>): void {
  if (t.dtype !== spec.dtype) throw new FeedError(`preallocated '${spec.name}': expected ${spec.dtype}, got ${t.dtype}`);
  if (t.shape.length !== spec.shape.length) throw new FeedError(`preallocated '${spec.name}': expected rank ${spec.shape.length}, got ${fmtShape(t.shape)}`);
  spec.shape.forEach((d, i) => {
    const want = typeof d === 'string' ? symbols.get(d) : d;
    if (typeof want === 'number' && want !== t.shape[i]) {
      throw new FeedError(`preallocated '${spec.name}': axis ${i} must be ${want}, got ${fmtShape(t.shape)}`);
    }
  });
}
