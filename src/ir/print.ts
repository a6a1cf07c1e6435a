/**
 * A readable text form of IR graphs, one line per node, for debugging and error messages:
 *   %12 = Conv(%3, %7) [strides=2,2 pads=0,0,1,1 dilations=1,1 group=1] : [1,32,30,31]  # encoder._conv_stem
 * Leaves show their names (`Input "x"`, `Param "encoder.w" trainable init=normal(0,0.02)`), Consts their
 * dtype, shape and first values; non-float32 results are suffixed with their dtype.
 */
import type { Graph, Value } from './graph.ts';
import type { Init } from './ops.ts';
import type { HostTensor } from '../tensor/index.ts';
import { toFloat64 } from '../tensor/index.ts';
import { fmtShape } from '../util/index.ts';

const MAX_CONST_VALUES = 6;

function fmtNumber(v: number): string {
  if (Number.isInteger(v) || !Number.isFinite(v)) return String(v);
  return String(Number(v.toPrecision(6)));
}

export function formatTensor(t: HostTensor): string {
  const vals = toFloat64(t);
  const shown = Array.from(vals.subarray(0, MAX_CONST_VALUES), fmtNumber).join(', ');
  const more = vals.length > MAX_CONST_VALUES ? ', …' : '';
  return `<${t.dtype} ${fmtShape(t.shape)}${vals.length > 0 ? `: ${shown}${more}` : ''}>`;
}

export function formatInit(init: Init): string {
  switch (init.kind) {
    case 'zeros': case 'ones': case 'external': return init.kind;
    case 'const': return `const(${fmtNumber(init.value)})`;
    case 'normal': return `normal(${fmtNumber(init.mean)},${fmtNumber(init.std)})`;
    case 'truncNormal': return `truncNormal(${fmtNumber(init.std)})`;
    case 'uniform': return `uniform(${fmtNumber(init.low)},${fmtNumber(init.high)})`;
    case 'tensor': return `tensor${formatTensor(init.value)}`;
  }
  return init satisfies never;
}

function fmtParam(v: unknown): string {
  if (typeof v === 'number') return fmtNumber(v);
  if (Array.isArray(v)) return v.map(fmtParam).join(',');
  return JSON.stringify(v);
}

/** `[k=v …]` for an op's params (empty string when it has none). */
export function formatParams(params: object): string {
  const parts = Object.entries(params).map(([k, v]) => `${k}=${fmtParam(v)}`);
  return parts.length > 0 ? ` [${parts.join(' ')}]` : '';
}

/** One node as a line of text (see the module comment). */
export function formatNode(v: Value): string {
  let rhs: string;
  if (v.is('Input')) rhs = `Input "${v.params.name}"`;
  else if (v.is('Param')) rhs = `Param "${v.params.name}"${v.params.trainable ? ' trainable' : ''} init=${formatInit(v.params.init)}`;
  else if (v.is('Const')) rhs = `Const ${formatTensor(v.params.value)}`;
  else rhs = `${v.op}(${v.inputs.map((i) => `%${i.id}`).join(', ')})${formatParams(v.params)}`;
  const dtype = v.dtype === 'float32' ? '' : ` ${v.dtype}`;
  const scope = v.scope ? `  # ${v.scope}` : '';
  return `%${v.id} = ${rhs} : ${fmtShape(v.shape)}${dtype}${scope}`;
}

/** The whole graph: one line per node in evaluation order, then the named outputs and buffer updates. */
export function printGraph(g: Graph): string {
  const lines = g.nodes.map(formatNode);
  lines.push(`return ${g.outputs.map((o) => `${o.name}=%${o.value.id}`).join(', ')}`);
  for (const [name, v] of g.updates) lines.push(`update "${name}" = %${v.id}`);
  return lines.join('\n');
}
