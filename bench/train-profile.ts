/**
 * Where a training step spends its time in onnxruntime-node: runs the OPERA-CE or OPERA-GT training step of
 * bench/train-throughput.ts with ORT's profiler and prints the time per ONNX op type and the slowest nodes
 * (node names carry the IR scope, e.g. `grad.efficientnet._blocks.3._depthwise_conv/...`).
 *
 *   node --import tsx bench/train-profile.ts [--model ce|gt] [--threads 2] [--runs 2] [--top 25] [--opt all|basic]
 *        [--forward]   profile the eval-mode forward instead
 */
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { GraphBuilder, type Value } from '../src/ir/index.ts';
import { linear, softmaxCrossEntropy, initWeights, type Mode } from '../src/nn/index.ts';
import { toOnnx } from '../src/onnx/index.ts';
import { buildTrainStep, initialTrainState } from '../src/train/index.ts';
import { loadOrt } from '../src/platform/node/index.ts';
import { type HostTensor, f32, i64 } from '../src/tensor/index.ts';
import { Rng } from '../src/util/index.ts';
import { OPERA_CE_FULL, operaCeForward } from '../src/encoders/opera-ce.ts';
import { operaGt } from '../src/encoders/opera-gt.ts';
import type * as Ort from 'onnxruntime-node';
import { args, opt } from './tools/args.ts';

const model = opt('model', 'ce');
const threads = Number(opt('threads', '2'));
const runs = Number(opt('runs', '2'));
const top = Number(opt('top', '25'));
const level = opt('opt', 'all') as 'all' | 'basic';
const forwardOnly = args.includes('--forward');

const ce = model === 'ce';
const batch = ce ? 32 : 16;
const input = ce ? [251, 64] : [64, 64];
const dim = ce ? 1280 : 384;
const encoder = (b: GraphBuilder, x: Value, mode: Mode): Value =>
  ce ? operaCeForward(b, OPERA_CE_FULL, x, mode).embedding : operaGt.build(b, operaGt.presets.full, x, { mode, pooling: 'default' }).embedding;
const build = (mode: Mode) => (b: GraphBuilder) => {
  const x = b.input('x', [batch, ...input]);
  const y = b.input('y', [batch], 'int64');
  return { logits: b.scope('head', () => linear(b, null, encoder(b, x, mode), { inFeatures: dim, outFeatures: 10, bias: true })), y };
};

const rng = Rng.seeded(9);
const x = f32([batch, ...input], Array.from({ length: batch * input[0]! * input[1]! }, () => rng.normal()));
const y = i64([batch], Array.from({ length: batch }, () => rng.int(10)));
let modelBytes: Uint8Array;
let feeds: Record<string, HostTensor>;
if (forwardOnly) {
  const b = new GraphBuilder();
  const g = b.build({ logits: build('eval')(b).logits });
  modelBytes = toOnnx(g, { weights: initWeights(g, Rng.seeded(3)) });
  feeds = { x };
} else {
  const step = buildTrainStep({
    build: build('train'),
    loss: (b, o) => ({ loss: softmaxCrossEntropy(b, o.logits, o.y, { reduction: 'mean' }) }),
    optimizer: { kind: 'adamw', lr: 1e-4, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01 },
    clip: { maxNorm: 1 },
  });
  modelBytes = step.model;
  const st = initialTrainState(step.io, initWeights(step.graph, Rng.seeded(3)), 5);
  feeds = { x, y, step: i64([], [0]) };
  for (const s of [...step.io.params, ...step.io.frozen, ...step.io.buffers]) feeds[s.name] = st.weights.get(s.name) as HostTensor;
  for (const s of step.io.state) feeds[s.name] = st.optimizer.get(s.name) as HostTensor;
  for (const r of step.io.random) feeds[r.name] = f32(r.shape, new Float32Array(r.shape.reduce((a, d) => a * d, 1)).fill(1));
}

const ort = await loadOrt();
const session = await ort.InferenceSession.create(modelBytes, { intraOpNumThreads: threads, graphOptimizationLevel: level, enableProfiling: true, profileFilePrefix: join(tmpdir(), `pneuma-train-profile-${model}-${process.pid}`) });
const ortFeeds: Record<string, Ort.Tensor> = {};
for (const [k, t] of Object.entries(feeds)) ortFeeds[k] = new ort.Tensor(t.dtype as 'float32', t.data as Float32Array, t.shape);
await session.run(ortFeeds);
const t0 = performance.now();
for (let i = 0; i < runs; i++) await session.run(ortFeeds);
const wall = (performance.now() - t0) / runs;
session.endProfiling();
await session.release();
// ORT writes <prefix>_<timestamp>.json
const prefix = `pneuma-train-profile-${model}-${process.pid}`;
const found = readdirSync(tmpdir()).filter((f) => f.startsWith(prefix) && f.endsWith('.json'));
if (found.length !== 1) throw new Error(`expected one profile file ${prefix}*.json in ${tmpdir()}, found ${found.length}`);
const file = join(tmpdir(), found[0] as string);

interface Event { cat: string; name: string; dur: number; args?: { op_name?: string } }
const events = (JSON.parse(readFileSync(file, 'utf8')) as Event[]).filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'));
rmSync(file, { force: true });
// the first profiled run is the warm-up: keep the last `runs` runs' share
const perRun = events.length / (runs + 1);
const timed = events.slice(Math.round(perRun));
const byOp = new Map<string, { us: number; n: number }>();
const byNode = new Map<string, { us: number; op: string }>();
for (const e of timed) {
  const op = e.args?.op_name ?? '?';
  const o = byOp.get(op) ?? { us: 0, n: 0 };
  o.us += e.dur / runs;
  o.n += 1 / runs;
  byOp.set(op, o);
  const name = e.name.replace(/_kernel_time$/, '');
  const nd = byNode.get(name) ?? { us: 0, op };
  nd.us += e.dur / runs;
  byNode.set(name, nd);
}
const total = [...byOp.values()].reduce((a, o) => a + o.us, 0);
console.log(`${forwardOnly ? 'forward' : 'training step'} of ${model}, ${threads} thread(s), '${level}': wall ${wall.toFixed(0)} ms per run, kernels ${(total / 1000).toFixed(0)} ms, ${Math.round(timed.length / runs)} kernels`);
console.log('\nby op type:');
for (const [op, o] of [...byOp].sort((a, b) => b[1].us - a[1].us).slice(0, 20)) {
  console.log(`  ${op.padEnd(24)} ${(o.us / 1000).toFixed(1).padStart(8)} ms  ${(100 * o.us / total).toFixed(1).padStart(5)} %  (${Math.round(o.n)} nodes)`);
}
console.log(`\nslowest ${top} nodes:`);
for (const [name, n] of [...byNode].sort((a, b) => b[1].us - a[1].us).slice(0, top)) {
  console.log(`  ${(n.us / 1000).toFixed(1).padStart(8)} ms  ${n.op.padEnd(18)} ${name}`);
}
