/**
 * Times the formulations of a convolution's weight gradient (src/autodiff/conv-grad.ts) through
 * onnxruntime-node, next to the forward Conv and the input gradient (ConvTranspose) of the same layer,
 * and checks that all formulations agree. Prints one table per conv shape; ratios are against the
 * forward Conv measured in the same process. The variants of one layer run round-robin, so load from
 * other processes falls on all of them alike.
 *
 *   node --import tsx bench/ort_conv_grad.ts [--threads 2] [--runs 5] [--quick] [--only <label substring>]
 */
import { GraphBuilder, type Conv2dParams, type Value } from '../src/ir/index.ts';
import { type ConvGradProblem, type ConvWeightGradMethod, convWeightGradMethods, convInputGrad, selectConvWeightGrad } from '../src/autodiff/index.ts';
import { toOnnx } from '../src/onnx/index.ts';
import { OrtNodeBackend } from '../src/platform/node/index.ts';
import { type HostTensor, f32 } from '../src/tensor/index.ts';
import { Rng } from '../src/util/index.ts';

interface Case {
  readonly label: string;
  readonly x: [number, number, number, number];
  readonly w: [number, number, number, number];
  readonly params: Conv2dParams;
}

const args = process.argv.slice(2);
const flag = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const threads = flag('threads', 2);
const runs = flag('runs', 5);
const quick = args.includes('--quick');
const only = args.includes('--only') ? String(args[args.indexOf('--only') + 1]) : '';
const n = quick ? 8 : 32;

const conv = (s: number, p: number, group = 1): Conv2dParams => ({ strides: [s, s], pads: [p, p, p, p], dilations: [1, 1], group });
const CASES: Case[] = [
  { label: 'dense 3x3, 32->64, 64x128', x: [n, 32, 64, 128], w: [64, 32, 3, 3], params: conv(1, 1) },
  { label: 'dense 3x3 stride 2, 64->128, 64x64', x: [n, 64, 64, 64], w: [128, 64, 3, 3], params: conv(2, 1) },
  { label: 'pointwise 1x1, 96->192, 32x64', x: [n, 96, 32, 64], w: [192, 96, 1, 1], params: conv(1, 0) },
  { label: 'depthwise 3x3 stride 2, 96ch, 64x64', x: [n, 96, 64, 64], w: [96, 1, 3, 3], params: conv(2, 1, 96) },
  { label: 'depthwise 5x5 stride 2, 144ch, 32x64', x: [n, 144, 32, 64], w: [144, 1, 5, 5], params: conv(2, 2, 144) },
  { label: 'depthwise 3x3, 192ch, 16x32', x: [n, 192, 16, 32], w: [192, 1, 3, 3], params: conv(1, 1, 192) },
];

function randn(rng: Rng, shape: readonly number[]): HostTensor<'float32'> {
  const len = shape.reduce((a, b) => a * b, 1);
  const d = new Float32Array(len);
  for (let i = 0; i < len; i++) d[i] = rng.normal();
  return f32(shape, d);
}

const backend = new OrtNodeBackend();

type Build = (b: GraphBuilder, x: Value, w: Value, dy: Value) => Value;

interface Timed {
  readonly name: string;
  readonly ms: number[];
  out: HostTensor;
  run(): Promise<HostTensor>;
  release(): Promise<void>;
}

async function prepare(name: string, build: Build, c: Case, feeds: Record<string, HostTensor>, dyShape: readonly number[]): Promise<Timed> {
  const b = new GraphBuilder();
  const g = b.build({ out: build(b, b.input('x', c.x), b.input('w', c.w), b.input('dy', dyShape)) });
  const s = await backend.createSession(toOnnx(g), { threads });
  const used = Object.fromEntries(s.inputNames.map((k) => [k, feeds[k] as HostTensor]));
  const run = async () => (await s.run(used))['out'] as HostTensor;
  const out = await run();
  await run();
  return { name, ms: [], out, run, release: () => s.release() };
}

function maxRelDiff(a: HostTensor, b: HostTensor): number {
  const x = a.data as Float32Array;
  const y = b.data as Float32Array;
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < x.length; i++) {
    scale = Math.max(scale, Math.abs(y[i] as number));
    diff = Math.max(diff, Math.abs((x[i] as number) - (y[i] as number)));
  }
  return diff / scale;
}

console.log(`onnxruntime-node, ${threads} intra-op thread(s), batch ${n}; ${runs} rounds after 2 warm-ups, the variants of a layer run round-robin; best and median ms`);
for (const c of CASES.filter((k) => k.label.includes(only))) {
  const b0 = new GraphBuilder();
  const dyShape = b0.conv(b0.input('x', c.x), b0.input('w', c.w), null, c.params).shape;
  const problem: ConvGradProblem = { x: c.x, w: c.w, dy: dyShape, params: c.params };
  const [, cg, kh, kw] = c.w;
  const flop = 2 * dyShape.reduce((a, v) => a * v, 1) * cg * kh * kw;
  const rng = Rng.seeded(1);
  const feeds = { x: randn(rng, c.x), w: randn(rng, c.w), dy: randn(rng, dyShape) };
  const variants: Timed[] = [
    await prepare('forward Conv', (b, x, w) => b.conv(x, w, null, c.params), c, feeds, dyShape),
    await prepare('dL/dx ConvTranspose', (b, _x, w, dy) => convInputGrad(b, dy, w, c.x, c.params), c, feeds, dyShape),
  ];
  for (const m of Object.keys(convWeightGradMethods) as ConvWeightGradMethod[]) {
    if (convWeightGradMethods[m].applies(problem)) variants.push(await prepare(`dL/dw ${m}`, (b, x, _w, dy) => convWeightGradMethods[m].build(b, x, dy, problem), c, feeds, dyShape));
  }
  for (let r = 0; r < runs; r++) {
    for (const v of variants) {
      const t0 = performance.now();
      v.out = await v.run();
      v.ms.push(performance.now() - t0);
    }
  }
  const ref = variants[2]?.out as HostTensor;
  const fwdBest = Math.min(...(variants[0] as Timed).ms);
  console.log(`\n${c.label}: x [${c.x}] w [${c.w}] group ${c.params.group} stride ${c.params.strides[0]}; ${(flop / 1e9).toFixed(2)} GFLOP per pass; selected: ${selectConvWeightGrad(problem)}`);
  for (const v of variants) {
    const sorted = [...v.ms].sort((a, b) => a - b);
    const best = sorted[0] as number;
    const median = sorted[Math.floor(sorted.length / 2)] as number;
    const note = v.name.startsWith('dL/dw') ? `max rel diff ${maxRelDiff(v.out, ref).toExponential(1)}` : '';
    console.log(`  ${v.name.padEnd(30)} best ${best.toFixed(1).padStart(7)} ms ${(flop / best / 1e6).toFixed(1).padStart(6)} GFLOP/s  median ${median.toFixed(1).padStart(7)} ms  ×${(best / fwdBest).toFixed(2)} fwd  ${note}`);
    await v.release();
  }
}
