/**
 * Dynamic input axes. An exported model may leave some input axes symbolic (batch, time). The IR is
 * built with concrete sizes, so which downstream dimensions follow those axes is found by probing:
 * shape inference is re-run over the whole graph with every dynamic axis doubled. A node whose rule
 * rejects the probe (a Reshape to a fixed size, an Expand to a fixed length) cannot run at other
 * sizes, which is reported at export time instead of when a session runs.
 */
import { inferRules, type Graph, type InferRule, type Op, type Value, type ValueInfo } from '../ir/index.ts';
import { type Shape, fmtShape } from '../util/index.ts';
import { OnnxExportError } from './errors.ts';
import type { Dim } from './proto.ts';

/** Symbolic names for input axes: `{ x: { 0: 'batch', 3: 'time' } }`. */
export type DynamicAxes = Readonly<Record<string, Readonly<Record<number, string>>>>;

export interface DynamicShapes {
  /** Declared dims of each graph input (names for dynamic axes). */
  inputDims(v: Value<'Input'>): Dim[];
  /** Dims of a value as exported: sizes where they do not follow a dynamic axis, else a name or null. */
  dims(v: Value): Dim[];
  /** Whether axis `axis` of `v` changes with a dynamic input axis. */
  isDynamic(v: Value, axis: number): boolean;
}

const STATIC: DynamicShapes = {
  inputDims: (v) => [...v.shape],
  dims: (v) => [...v.shape],
  isDynamic: () => false,
};

export function dynamicShapes(graph: Graph, axes: DynamicAxes | undefined): DynamicShapes {
  if (axes === undefined || Object.keys(axes).length === 0) return STATIC;
  const inputs = new Map(graph.inputs.map((v) => [v.params.name, v]));
  const named = new Map<string, number>(); // symbolic name -> concrete size it must have
  for (const [name, byAxis] of Object.entries(axes)) {
    const v = inputs.get(name);
    if (!v) throw new OnnxExportError(`dynamicAxes: '${name}' is not a graph input (inputs: ${[...inputs.keys()].join(', ')})`);
    for (const [k, sym] of Object.entries(byAxis)) {
      const axis = Number(k);
      if (!Number.isInteger(axis) || axis < 0 || axis >= v.rank) throw new OnnxExportError(`dynamicAxes: input '${name}' has rank ${v.rank}, no axis ${k}`);
      if (typeof sym !== 'string' || sym.length === 0) throw new OnnxExportError(`dynamicAxes: input '${name}' axis ${axis} needs a non-empty name`);
      const size = v.shape[axis] as number;
      const prev = named.get(sym);
      if (prev !== undefined && prev !== size) throw new OnnxExportError(`dynamicAxes: '${sym}' names axes of sizes ${prev} and ${size}`);
      named.set(sym, size);
    }
  }

  const probed = new Map<number, Shape>();
  const infoOf = (v: Value): ValueInfo => ({ shape: probed.get(v.id) ?? v.shape, dtype: v.dtype });
  for (const v of graph.nodes) {
    if (v.is('Input')) {
      const byAxis = axes[v.params.name] ?? {};
      probed.set(v.id, v.shape.map((d, i) => (byAxis[i] !== undefined ? 2 * d : d)));
      continue;
    }
    if (v.is('Param') || v.is('Const')) continue;
    const rule = inferRules[v.op] as InferRule<Op>;
    let shape: Shape;
    try {
      shape = rule(v.inputs.map(infoOf), v.params, v.op).shape;
    } catch (e) {
      const where = v.scope ? ` in scope '${v.scope}'` : '';
      throw new OnnxExportError(
        `dynamic axes: node %${v.id} ${v.op}${where} cannot follow a change of the dynamic axes (inputs ${v.inputs.map((i) => fmtShape(infoOf(i).shape)).join(', ')}): ${(e as Error).message}`,
        { cause: e },
      );
    }
    if (shape.length !== v.rank) throw new OnnxExportError(`dynamic axes: node %${v.id} ${v.op} changes rank when the dynamic axes change`);
    probed.set(v.id, shape);
  }

  const isDynamic = (v: Value, axis: number): boolean => {
    const p = probed.get(v.id);
    return p !== undefined && p[axis] !== v.shape[axis];
  };
  const symbolFor = (size: number, probe: number): string | null => {
    const hits = [...named].filter(([, s]) => s === size && 2 * s === probe);
    return hits.length === 1 ? (hits[0] as [string, number])[0] : null;
  };
  return {
    inputDims: (v) => {
      const byAxis = axes[v.params.name] ?? {};
      return v.shape.map((d, i) => byAxis[i] ?? d);
    },
    dims: (v) => {
      const p = probed.get(v.id);
      if (!p) return [...v.shape];
      return v.shape.map((d, i) => (p[i] === d ? d : symbolFor(d, p[i] as number)));
    },
    isDynamic,
  };
}
