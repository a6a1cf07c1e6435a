/**
 * Parameter initialisation. `initWeights` draws a value for every parameter of a graph from its `Init`;
 * the helpers express PyTorch's default initialisers as `Init` values so freshly built models start
 * where their PyTorch counterparts would (torch/nn/modules/linear.py, conv.py, torch/nn/init.py).
 */
import type { Graph, Init, DType } from '../ir/index.ts';
import { type HostTensor, tensor, allocate, toFloat64 } from '../tensor/index.ts';
import { type Shape, Rng, numel, fmtShape, PneumaError } from '../util/index.ts';

export class InitError extends PneumaError {
  constructor(message: string) {
    super('nn-init', message);
  }
}

/** An init that depends on the layer's fan-in and fan-out (e.g. `xavierUniformInit` itself). */
export type InitRule = (fanIn: number, fanOut: number) => Init;

/** A fixed init or a rule resolved per layer. */
export type InitSpec = Init | InitRule;

export function resolveInit(spec: InitSpec, fanIn: number, fanOut: number): Init {
  return typeof spec === 'function' ? spec(fanIn, fanOut) : spec;
}

/**
 * nn.Linear / nn.Conv2d default weight init: kaiming_uniform_(w, a=√5), i.e. U(−b, b) with
 * b = gain·√(3/fan_in), gain = √(2/(1+a²)) = √(1/3), so b = 1/√fan_in. fan_in = in_features, or
 * in_channels/groups · kh · kw for convolutions.
 */
export function kaimingUniformInit(fanIn: number): Init {
  const bound = 1 / Math.sqrt(fanIn);
  return { kind: 'uniform', low: -bound, high: bound };
}

/** nn.Linear / nn.Conv2d default bias init: U(−1/√fan_in, 1/√fan_in). */
export function biasUniformInit(fanIn: number): Init {
  return kaimingUniformInit(fanIn);
}

/** xavier_uniform_: U(−b, b), b = √(6/(fan_in + fan_out)) (timm ViT qkv and MAE linear layers). */
export function xavierUniformInit(fanIn: number, fanOut: number): Init {
  const bound = Math.sqrt(6 / (fanIn + fanOut));
  return { kind: 'uniform', low: -bound, high: bound };
}

/** N(0, std²) truncated to ±2·std (timm's trunc_normal_(std=0.02) for ViT weights and tokens). */
export function truncNormalInit(std: number): Init {
  return { kind: 'truncNormal', std };
}

/** 32-bit FNV-1a of a string: the per-parameter stream id. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** One tensor drawn from `init` (float32 for float params; int64 / bool accept only constant inits). */
export function initTensor(init: Init, shape: Shape, dtype: DType, rng: Rng, what = 'parameter'): HostTensor {
  const n = numel(shape);
  if (init.kind === 'external') throw new InitError(`${what}: init 'external' must be loaded from a checkpoint`);
  if (init.kind === 'tensor') {
    if (init.value.shape.join() !== shape.join()) throw new InitError(`${what}: init tensor ${fmtShape(init.value.shape)} does not match ${fmtShape(shape)}`);
    const v = toFloat64(init.value);
    if (dtype === 'int64') return tensor('int64', shape, BigInt64Array.from(v, (x) => BigInt(Math.round(x))));
    if (dtype === 'bool') return tensor('bool', shape, Uint8Array.from(v, (x) => (x !== 0 ? 1 : 0)));
    return tensor('float32', shape, Float32Array.from(v));
  }
  const constant = init.kind === 'zeros' ? 0 : init.kind === 'ones' ? 1 : init.kind === 'const' ? init.value : null;
  if (dtype !== 'float32') {
    if (constant === null || !Number.isInteger(constant)) throw new InitError(`${what}: ${dtype} parameters take an integer constant init, got '${init.kind}'`);
    if (dtype === 'int64') return tensor('int64', shape, new BigInt64Array(n).fill(BigInt(constant)));
    return tensor('bool', shape, new Uint8Array(n).fill(constant !== 0 ? 1 : 0));
  }
  const data = allocate('float32', n);
  switch (init.kind) {
    case 'zeros': case 'ones': case 'const':
      data.fill(constant as number);
      break;
    case 'normal':
      for (let i = 0; i < n; i++) data[i] = init.mean + init.std * rng.normal();
      break;
    case 'truncNormal':
      for (let i = 0; i < n; i++) {
        let z = rng.normal();
        while (Math.abs(z) > 2) z = rng.normal();
        data[i] = init.std * z;
      }
      break;
    case 'uniform':
      for (let i = 0; i < n; i++) data[i] = rng.range(init.low, init.high);
      break;
  }
  return tensor('float32', shape, data);
}

/**
 * A value for every parameter of `graph`, keyed by name in declaration order. Each parameter draws from
 * its own stream, seeded by one draw of `rng` and the parameter's name, so adding or removing a parameter
 * leaves the others' values unchanged. Parameters whose init is 'external' are an error (listed together).
 */
export function initWeights(graph: Graph, rng: Rng): Map<string, HostTensor> {
  const external = graph.params.filter((p) => p.params.init.kind === 'external').map((p) => p.params.name);
  if (external.length > 0) {
    throw new InitError(`${external.length} parameter(s) must come from a checkpoint (init 'external'): ${external.slice(0, 20).join(', ')}${external.length > 20 ? ', …' : ''}`);
  }
  const base = rng.nextUint32();
  const out = new Map<string, HostTensor>();
  for (const p of graph.params) {
    const stream = Rng.seeded((base ^ fnv1a(p.params.name)) >>> 0);
    out.set(p.params.name, initTensor(p.params.init, p.shape, p.dtype, stream, `parameter '${p.params.name}'`));
  }
  return out;
}
