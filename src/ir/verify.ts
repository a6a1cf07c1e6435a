/**
 * Structural checks of a built graph: node ids are unique, every input precedes its user, every
 * recorded shape and dtype re-infers from the recorded input infos, leaves belong to the graph's
 * declarations, and input, parameter and output names are unique (ONNX needs one namespace for
 * graph inputs and initializers, so an input may not share a parameter's name).
 */
import type { Graph, Value } from './graph.ts';
import type { Op } from './ops.ts';
import { inferRules, type InferRule } from './infer.ts';
import { formatNode } from './print.ts';
import { fmtShape, shapeEq, PneumaError } from '../util/index.ts';

export class GraphVerifyError extends PneumaError {
  readonly issues: readonly string[];
  constructor(issues: readonly string[]) {
    super('ir-verify', `graph failed verification:\n  ${issues.join('\n  ')}`);
    this.issues = issues;
  }
}

function duplicates(names: readonly string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const n of names) (seen.has(n) ? dup : seen).add(n);
  return [...dup];
}

function checkNode(v: Value, issues: string[]): void {
  if (v.is('Input') || v.is('Param')) return;
  try {
    const info = (inferRules[v.op] as InferRule<Op>)(v.inputs, v.params, v.op);
    if (!shapeEq(info.shape, v.shape) || info.dtype !== v.dtype) {
      issues.push(`${formatNode(v)}: recorded ${fmtShape(v.shape)} ${v.dtype}, re-inferred ${fmtShape(info.shape)} ${info.dtype}`);
    }
  } catch (e) {
    issues.push(`${formatNode(v)}: shape inference fails: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Every structural problem of the graph, one message each (empty when it is well formed). */
export function graphIssues(g: Graph): string[] {
  const issues: string[] = [];
  const position = new Map<Value, number>();
  const ids = new Set<number>();
  g.nodes.forEach((v, i) => {
    if (ids.has(v.id)) issues.push(`node id %${v.id} appears twice`);
    ids.add(v.id);
    v.inputs.forEach((u, k) => {
      const at = position.get(u);
      if (at === undefined) issues.push(`${formatNode(v)}: input ${k} (%${u.id}) does not precede its user`);
    });
    position.set(v, i);
    checkNode(v, issues);
  });
  const inputs = new Set<Value>(g.inputs);
  const params = new Set<Value>(g.params);
  for (const v of g.nodes) {
    if (v.is('Input') && !inputs.has(v)) issues.push(`${formatNode(v)}: not among the graph's declared inputs`);
    if (v.is('Param') && !params.has(v)) issues.push(`${formatNode(v)}: not among the graph's declared parameters`);
  }
  const inputNames = g.inputs.map((v) => v.params.name);
  const paramNames = g.params.map((v) => v.params.name);
  for (const n of duplicates(inputNames)) issues.push(`input name '${n}' is declared more than once`);
  for (const n of duplicates(paramNames)) issues.push(`parameter name '${n}' is declared more than once`);
  const paramSet = new Set(paramNames);
  for (const n of new Set(inputNames)) if (paramSet.has(n)) issues.push(`'${n}' names both an input and a parameter`);
  const outNames = g.outputs.map((o) => o.name);
  for (const n of duplicates(outNames)) issues.push(`output name '${n}' is used more than once`);
  for (const o of g.outputs) {
    if (o.name === '') issues.push('an output has an empty name');
    if (!position.has(o.value)) issues.push(`output '${o.name}' (%${o.value.id}) is not among the graph's nodes`);
  }
  for (const [name, dist] of g.random) {
    const v = g.inputs.find((i) => i.params.name === name);
    if (!v) issues.push(`random input '${name}' (${dist.kind}) is not a declared input`);
    else if (v.dtype !== 'float32') issues.push(`random input '${name}' must be float32, is ${v.dtype}`);
  }
  for (const [name, value] of g.updates) {
    const p = g.params.find((q) => q.params.name === name);
    if (!p) issues.push(`update of unknown buffer '${name}'`);
    else if (p.params.trainable) issues.push(`update of trainable parameter '${name}'`);
    else if (!shapeEq(p.shape, value.shape) || p.dtype !== value.dtype) {
      issues.push(`update of '${name}' is ${fmtShape(value.shape)} ${value.dtype}, buffer is ${fmtShape(p.shape)} ${p.dtype}`);
    }
  }
  return issues;
}

/** Throw a GraphVerifyError listing every issue, if there are any. */
export function verifyGraph(g: Graph): void {
  const issues = graphIssues(g);
  if (issues.length > 0) throw new GraphVerifyError(issues);
}
