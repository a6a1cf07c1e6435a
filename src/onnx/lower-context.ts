/**
 * The state of one lowering: emitted ONNX nodes, initializers and graph inputs, and the per-node
 * context a lowering rule writes through. Names are stable and readable: the node that produces an
 * IR value is named `<scope>/<Op>_<id>` (the id is the IR value id, as the IR printer shows it),
 * helper nodes `<scope>/<Op>_<id>/<OnnxOp>[_k]`, helper constants `<scope>/<Op>_<id>/<local>`.
 * Graph inputs and parameters keep their IR names (parameters are state_dict keys); a value that is
 * a graph output carries the output's name.
 */
import type { DType, Value } from '../ir/index.ts';
import { irDType } from '../ir/index.ts';
import { type HostTensor, tensor, toFloat64 } from '../tensor/index.ts';
import { fmtShape } from '../util/index.ts';
import { OnnxExportError } from './errors.ts';
import type { OnnxOp } from './opset.ts';
import { type Attrs, type Dim, toInt64 } from './proto.ts';

export interface LoweredNode {
  readonly name: string;
  readonly opType: OnnxOp;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: Attrs;
  /** Id of the IR value whose lowering emitted the node (null for output renames). */
  readonly source: number | null;
}

/** A graph input or output as declared in the model. */
export interface LoweredValue {
  readonly name: string;
  readonly dtype: DType;
  readonly dims: readonly Dim[];
}

export interface LoweredInitializer {
  readonly name: string;
  readonly tensor: HostTensor<'float32'> | HostTensor<'int64'> | HostTensor<'bool'>;
}

/** What a rule writes through while lowering one IR node. */
export interface LowerContext {
  /** `<scope>/<Op>_<id>` of the node being lowered. */
  readonly base: string;
  /** A helper node; returns its output names (`nOutputs` of them). */
  emit(op: OnnxOp, inputs: readonly string[], attrs?: Attrs, nOutputs?: number): string[];
  /** The node that produces the IR value; returns the value's ONNX name. Called once per rule. */
  result(op: OnnxOp, inputs: readonly string[], attrs?: Attrs): string;
  /** A 1-D int64 helper constant (shapes, axes, pads, slice bounds). */
  i64(local: string, values: readonly number[]): string;
  /** A 0-D helper constant of an IR dtype. */
  scalar(local: string, value: number, dtype: DType): string;
  /** A helper constant tensor (converted to its IR dtype). */
  constant(local: string, value: HostTensor): string;
  /** Whether `axis` of `v` follows a dynamic input axis. */
  isDynamic(v: Value, axis: number): boolean;
}

/** Convert a host tensor to the host form of its IR dtype (float32, int64 or bool). */
export function asIRTensor(t: HostTensor, what: string): LoweredInitializer['tensor'] {
  const d = irDType(t.dtype);
  if (d === t.dtype) return t as LoweredInitializer['tensor'];
  if (d === 'float32') return tensor('float32', t.shape, Float32Array.from(toFloat64(t)));
  if (d === 'int64') {
    const src = toFloat64(t);
    const out = new BigInt64Array(src.length);
    for (let i = 0; i < src.length; i++) out[i] = BigInt(src[i] as number);
    return tensor('int64', t.shape, out);
  }
  throw new OnnxExportError(`${what}: cannot hold a ${t.dtype} tensor ${fmtShape(t.shape)}`);
}

export class LowerState {
  readonly nodes: LoweredNode[] = [];
  readonly initializers: LoweredInitializer[] = [];
  readonly inputs: LoweredValue[] = [];
  private readonly used = new Set<string>();

  constructor(private readonly dynamic: (v: Value, axis: number) => boolean) {}

  claim(name: string, what: string): string {
    if (this.used.has(name)) throw new OnnxExportError(`${what}: the name '${name}' is already used in the model`);
    this.used.add(name);
    return name;
  }

  addInitializer(name: string, t: HostTensor, what: string): string {
    this.initializers.push({ name: this.claim(name, what), tensor: asIRTensor(t, what) });
    return name;
  }

  addInput(name: string, dtype: DType, dims: readonly Dim[], what: string): string {
    this.inputs.push({ name: this.claim(name, what), dtype, dims });
    return name;
  }

  addNode(node: LoweredNode): void {
    node.outputs.forEach((o) => this.claim(o, `node '${node.name}'`));
    this.nodes.push(node);
  }

  /** The context for lowering `v`, whose value must be named `target` (or the node base name). */
  context(v: Value, target: string | undefined): LowerContext & { finished(): string | undefined } {
    const base = `${v.scope ? `${v.scope}/` : ''}${v.op}_${v.id}`;
    const counts = new Map<string, number>();
    let produced: string | undefined;
    const what = `node %${v.id} ${v.op}${v.scope ? ` in scope '${v.scope}'` : ''}`;
    const state = this;
    return {
      base,
      emit(op, inputs, attrs = {}, nOutputs = 1) {
        const k = (counts.get(op) ?? 0) + 1;
        counts.set(op, k);
        const name = `${base}/${op}${k > 1 ? `_${k}` : ''}`;
        const outputs = Array.from({ length: nOutputs }, (_, i) => (i === 0 ? name : `${name}:${i}`));
        state.addNode({ name, opType: op, inputs: [...inputs], outputs, attrs, source: v.id });
        return outputs;
      },
      result(op, inputs, attrs = {}) {
        if (produced !== undefined) throw new OnnxExportError(`${what}: lowering produced two results`);
        produced = target ?? base;
        state.addNode({ name: base, opType: op, inputs: [...inputs], outputs: [produced], attrs, source: v.id });
        return produced;
      },
      i64(local, values) {
        return state.addInitializer(`${base}/${local}`, tensor('int64', [values.length], BigInt64Array.from(values, (x) => toInt64(x))), what);
      },
      scalar(local, value, dtype) {
        const t =
          dtype === 'int64' ? tensor('int64', [], BigInt64Array.of(BigInt(value)))
          : dtype === 'bool' ? tensor('bool', [], Uint8Array.of(value ? 1 : 0))
          : tensor('float32', [], Float32Array.of(value));
        return state.addInitializer(`${base}/${local}`, t, what);
      },
      constant(local, value) {
        return state.addInitializer(`${base}/${local}`, value, what);
      },
      isDynamic: (x, axis) => state.dynamic(x, axis),
      finished: () => produced,
    };
  }
}
