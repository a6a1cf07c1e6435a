/**
 * One module applied to several inputs with the same parameters, as calling one torch module twice
 * (OPERA's COLA runs `self.encoder` on each view separately): `tiedPasses(b, n, fn)` runs `fn(k)` for
 * k = 0 … n − 1 on the same builder, where
 *   - pass 0 declares parameters and buffers normally; pass k > 0 gets pass 0's parameter for each name
 *     (declaring a name pass 0 did not declare, or with another shape or dtype, is an error);
 *   - a buffer updated in pass k (BatchNorm running statistics in training) is read by pass k + 1 as its
 *     updated value, and the graph's update is the last pass's value: running statistics are updated once
 *     per pass, in order, as torch's two forward calls do (num_batches_tracked counts both);
 *   - random inputs (dropout and drop-path masks) of pass k > 0 are declared as `<name>.pass<k>`, so every
 *     pass draws its own masks.
 * The builder's methods are shadowed on the instance for the duration of the passes and restored after.
 */
import type { DType, GraphBuilder, ParamOptions, RandomDist, Value } from '../ir/index.ts';
import { GraphBuildError } from '../ir/index.ts';
import type { Shape } from '../util/index.ts';

interface Patchable {
  param: GraphBuilder['param'];
  randomInput: GraphBuilder['randomInput'];
  setUpdate: GraphBuilder['setUpdate'];
}

export function tiedPasses<T>(b: GraphBuilder, count: number, fn: (pass: number) => T): T[] {
  if (!(Number.isInteger(count) && count >= 1)) throw new GraphBuildError(`tiedPasses: count must be a positive integer, got ${count}`);
  const target = b as unknown as Patchable;
  const original: Patchable = { param: b.param.bind(b), randomInput: b.randomInput.bind(b), setUpdate: b.setUpdate.bind(b) };
  const declared = new Map<string, Value<'Param'>>();
  const pending = new Map<string, { buffer: Value<'Param'>; value: Value }>();
  const updatedValues = new Map<Value, string>();
  let pass = 0;
  const full = (local: string) => (b.scopePath ? `${b.scopePath}.${local}` : local);

  target.param = (local: string, shape: Shape, opts: ParamOptions): Value<'Param'> => {
    const name = full(local);
    if (pass === 0) {
      const v = original.param(local, shape, opts);
      declared.set(name, v);
      return v;
    }
    const v = declared.get(name);
    if (!v) throw new GraphBuildError(`tiedPasses: pass ${pass} declares parameter '${name}', which pass 0 did not`);
    const dtype: DType = opts.dtype ?? 'float32';
    if (v.shape.join() !== shape.join() || v.dtype !== dtype) {
      throw new GraphBuildError(`tiedPasses: pass ${pass} declares '${name}' as ${dtype} [${shape.join(',')}], pass 0 as ${v.dtype} [${v.shape.join(',')}]`);
    }
    const p = pending.get(name);
    if (p) {
      updatedValues.set(p.value, name);
      // the running value after the previous pass stands in for the buffer (torch updates it in place)
      return p.value as Value<'Param'>;
    }
    return v;
  };
  target.randomInput = (local: string, shape: Shape, dist: RandomDist) => original.randomInput(pass === 0 ? local : `${local}.pass${pass}`, shape, dist);
  target.setUpdate = (buffer: Value<'Param'>, value: Value) => {
    const name = buffer.op === 'Param' ? buffer.params.name : updatedValues.get(buffer);
    if (name === undefined) throw new GraphBuildError('tiedPasses: setUpdate on a value that is not a buffer');
    const real = declared.get(name) ?? buffer;
    if (real.params.trainable) throw new GraphBuildError(`'${name}' is trainable; only buffers take updates`);
    if (value.shape.join() !== real.shape.join() || value.dtype !== real.dtype) {
      throw new GraphBuildError(`update for '${name}' has [${value.shape.join(',')}] ${value.dtype}, buffer is [${real.shape.join(',')}] ${real.dtype}`);
    }
    const prev = pending.get(name);
    if (prev && prev.value !== buffer && pass === 0) throw new GraphBuildError(`buffer '${name}' updated twice`);
    pending.set(name, { buffer: real, value });
  };
  const out: T[] = [];
  try {
    for (pass = 0; pass < count; pass++) out.push(fn(pass));
  } finally {
    delete (target as Partial<Patchable>).param;
    delete (target as Partial<Patchable>).randomInput;
    delete (target as Partial<Patchable>).setUpdate;
  }
  for (const { buffer, value } of pending.values()) b.setUpdate(buffer, value);
  return out;
}
