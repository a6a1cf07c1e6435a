/**
 * Training-step and forward throughput of the two OPERA encoder architectures on onnxruntime-node, next to
 * PyTorch (bench/torch_train.py, same shapes, threads and optimizer) run in the same invocation, and a 1024²
 * MatMul as the machine's dense peak.
 *
 *   ce  OPERA-CE: cnn1 + EfficientNet-B0 (src/encoders/opera-ce.ts) on [32, 251, 64] spectrograms
 *   gt  OPERA-GT: ViT-S, 12 blocks, dim 384, 6 heads (src/encoders/opera-gt.ts) on [16, 64, 64] → 256 patches
 *
 * Each model gets a Linear(embedding → 10) head and cross-entropy on fixed random labels. A training step is
 * forward (train mode: batch statistics, drop-connect), loss, backward, clip_grad_norm_(1.0) and AdamW
 * (lr 1e-4, weight decay 0.01); forward-only is the eval-mode encoder with weights stored in the model.
 * PyTorch runs as a child process (torch_train.py --serve) and its steps alternate with ONNX Runtime's, one
 * at a time, so both see the same load on a shared machine; the ratios are of the medians.
 * GFLOP/s use src/ir/flops.ts counts of the graphs actually run (the training count includes the backward
 * pass, clipping and the optimizer).
 *
 *   node --import tsx bench/train-throughput.ts [--model ce|gt|both] [--threads 2] [--steps 3] [--warmup 1]
 *        [--dw auto|patchesBatchedMatMul|patchesGemm|giantKernel|depthwiseMulReduce] [--opt all|extended|basic|disabled]
 *        [--no-torch] [--save-optimized <dir>]
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphBuilder, type Graph, type Value, type Conv2dParams } from '../src/ir/index.ts';
import { countFlops } from '../src/ir/flops.ts';
import { linear, softmaxCrossEntropy, initWeights, type Mode } from '../src/nn/index.ts';
import { readOnnx, toOnnx } from '../src/onnx/index.ts';
import { type ConvWeightGradMethod, convInputGrad, convWeightGrad, convWeightGradMethods, selectConvWeightGrad, vjpRules } from '../src/autodiff/index.ts';
import { buildTrainStep, initialTrainState, Trainer } from '../src/train/index.ts';
import { OrtNodeBackend, loadOrt } from '../src/platform/node/index.ts';
import type { OptimizationLevel } from '../src/runtime/index.ts';
import { type HostTensor, f32, i64 } from '../src/tensor/index.ts';
import { Rng } from '../src/util/index.ts';
import { OPERA_CE_FULL, operaCeForward } from '../src/encoders/opera-ce.ts';
import { operaGt } from '../src/encoders/opera-gt.ts';
import { args, opt } from './tools/args.ts';

const threads = Number(opt('threads', '2'));
const steps = Number(opt('steps', '3'));
const warmup = Number(opt('warmup', '1'));
const which = opt('model', 'both');
const dw = opt('dw', 'auto');
const level = opt('opt', 'all') as OptimizationLevel;
const saveDir = opt('save-optimized', '');
const withTorch = !args.includes('--no-torch');
const CLASSES = 10;

interface ModelCase {
  readonly id: 'ce' | 'gt';
  readonly title: string;
  readonly batch: number;
  readonly input: readonly number[];
  readonly encoder: (b: GraphBuilder, x: Value, mode: Mode) => Value;
  readonly dim: number;
}

const gtCfg = operaGt.presets.full;
const CASES: readonly ModelCase[] = [
  {
    id: 'ce', title: 'OPERA-CE (EfficientNet-B0)', batch: 32, input: [251, 64], dim: 1280,
    encoder: (b, x, mode) => operaCeForward(b, OPERA_CE_FULL, x, mode).embedding,
  },
  {
    id: 'gt', title: 'OPERA-GT (ViT-S, 256 patches)', batch: 16, input: [64, 64], dim: 384,
    encoder: (b, x, mode) => operaGt.build(b, gtCfg, x, { mode, pooling: 'default' }).embedding,
  },
];

/** Bench-only: route every Conv weight gradient through one formulation, to time the alternatives in the whole step. */
function forceConvWeightGrad(method: ConvWeightGradMethod): void {
  (vjpRules as unknown as Record<string, unknown>)['Conv'] = (b: GraphBuilder, y: Value<'Conv'>, dy: Value, needs: readonly boolean[]) => {
    const [x, w] = [y.inputs[0] as Value, y.inputs[1] as Value];
    const p: Conv2dParams = y.params;
    const problem = { x: x.shape, w: w.shape, dy: dy.shape, params: p };
    const dw = needs[1] ? convWeightGrad(b, x, dy, problem, convWeightGradMethods[method].applies(problem) ? method : selectConvWeightGrad(problem)) : null;
    return [needs[0] ? convInputGrad(b, dy, w, x.shape, p) : null, dw, ...(y.inputs.length === 3 ? [needs[2] ? b.sum(dy, [0, 2, 3]) : null] : [])];
  };
}

function build(c: ModelCase, mode: Mode, batch: number) {
  return (b: GraphBuilder) => {
    const x = b.input('x', [batch, ...c.input]);
    const y = b.input('y', [batch], 'int64');
    const logits = b.scope('head', () => linear(b, null, c.encoder(b, x, mode), { inFeatures: c.dim, outFeatures: CLASSES, bias: true }));
    return { logits, y };
  };
}

function batchOf(c: ModelCase, rng: Rng): Record<string, HostTensor> {
  const n = c.batch * c.input.reduce((a, d) => a * d, 1);
  return {
    x: f32([c.batch, ...c.input], Array.from({ length: n }, () => rng.normal())),
    y: i64([c.batch], Array.from({ length: c.batch }, () => rng.int(CLASSES))),
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function matmulPeak(backend: OrtNodeBackend): Promise<number> {
  const n = 1024;
  const b = new GraphBuilder();
  const s = await backend.createSession(toOnnx(b.build({ c: b.matmul(b.input('a', [n, n]), b.input('b', [n, n])) })), { threads });
  const rng = Rng.seeded(1);
  const feeds = { a: f32([n, n], Array.from({ length: n * n }, () => rng.range(-1, 1))), b: f32([n, n], Array.from({ length: n * n }, () => rng.range(-1, 1))) };
  for (let i = 0; i < 3; i++) await s.run(feeds);
  const ms: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    await s.run(feeds);
    ms.push(performance.now() - t0);
  }
  await s.release();
  return (2 * n ** 3) / (median(ms) / 1000) / 1e9;
}

/** bench/torch_train.py --serve as a child process: one command at a time, one JSON line back. */
class TorchChild {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: string[] = [];
  private waiting: ((line: string) => void) | null = null;
  private stderr = '';

  constructor(model: string) {
    this.child = spawn('/usr/bin/python3', ['bench/torch_train.py', '--model', model, '--threads', String(threads), '--warmup', String(warmup), '--serve']);
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = null;
        w(line);
      } else this.lines.push(line);
    });
    this.child.stderr.on('data', (d: Buffer) => void (this.stderr += d.toString()));
    this.child.on('exit', (code) => {
      if (code !== 0 && this.waiting) this.waiting(JSON.stringify({ error: this.stderr.trim().split('\n').slice(-3).join(' | ') }));
    });
  }

  private next(): Promise<Record<string, unknown>> {
    const parse = (line: string) => {
      const r = JSON.parse(line) as Record<string, unknown>;
      if (r['error']) throw new Error(`PyTorch: ${String(r['error'])}`);
      return r;
    };
    const queued = this.lines.shift();
    if (queued !== undefined) return Promise.resolve(parse(queued));
    return new Promise((resolve, reject) => {
      this.waiting = (line) => {
        try {
          resolve(parse(line));
        } catch (e) {
          reject(e);
        }
      };
    });
  }

  async ready(): Promise<string> {
    return String((await this.next())['torch']);
  }

  async run(what: 'train' | 'forward'): Promise<number> {
    this.child.stdin.write(`${what} 1\n`);
    return ((await this.next())['seconds'] as number[])[0] as number;
  }

  quit(): void {
    this.child.stdin.end('quit\n');
  }
}

function forwardGraph(c: ModelCase): Graph {
  const gb = new GraphBuilder();
  return gb.build({ logits: build(c, 'eval', c.batch)(gb).logits });
}

/** ORT and PyTorch runs alternate (train steps, then forward passes), so both see the same machine load. */
async function measure(c: ModelCase, backend: OrtNodeBackend): Promise<void> {
  const t0 = performance.now();
  const step = buildTrainStep({
    build: build(c, 'train', c.batch),
    loss: (b, o) => ({ loss: softmaxCrossEntropy(b, o.logits, o.y, { reduction: 'mean' }) }),
    optimizer: { kind: 'adamw', lr: 1e-4, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01 },
    clip: { maxNorm: 1 },
    name: `${c.id}_train_step`,
  });
  const trainFlops = countFlops(step.graph).total;
  console.log(`  train step: ${step.graph.nodes.length} IR nodes, ${(step.model.length / 2 ** 20).toFixed(1)} MiB ONNX, built in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${(trainFlops / c.batch / 1e9).toFixed(2)} GFLOP/sample`);
  if (saveDir) {
    // ORT's optimised graph of the step, and its op types next to the exported ones
    mkdirSync(saveDir, { recursive: true });
    const path = join(saveDir, `${c.id}_train_step.${level}.onnx`);
    const ort = await loadOrt();
    await (await ort.InferenceSession.create(step.model, { intraOpNumThreads: threads, graphOptimizationLevel: level, optimizedModelFilePath: path, logSeverityLevel: 3 })).release();
    const ops = (m: Uint8Array) => {
      const count = new Map<string, number>();
      for (const n of readOnnx(m).nodes) {
        const k = n.domain ? `${n.domain}:${n.opType}` : n.opType;
        count.set(k, (count.get(k) ?? 0) + 1);
      }
      return [...count].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
    };
    console.log(`  exported nodes: ${ops(step.model)}`);
    console.log(`  optimised (${path}): ${ops(new Uint8Array(readFileSync(path)))}`);
  }
  const sessionOpts = { threads, optimization: level };
  const trainer = new Trainer(await backend.createSession(step.model, sessionOpts), step.io, initialTrainState(step.io, initWeights(step.graph, Rng.seeded(3)), 5));
  const batch = batchOf(c, Rng.seeded(9));
  for (let i = 0; i < warmup; i++) await trainer.trainStep(batch);
  const evalGraph = forwardGraph(c);
  const weights = trainer.state().weights;
  const evalWeights = new Map(evalGraph.params.map((p) => [p.params.name, weights.get(p.params.name) as HostTensor]));
  const fwd = await backend.createSession(toOnnx(evalGraph, { weights: evalWeights }), sessionOpts);
  const feeds = { x: batch['x'] as HostTensor };
  for (let i = 0; i < Math.max(1, warmup); i++) await fwd.run(feeds);
  const forwardOnce = async () => {
    const t = performance.now();
    await fwd.run(feeds);
    return (performance.now() - t) / 1000;
  };

  const torch = withTorch ? new TorchChild(c.id) : null;
  const version = torch ? await torch.ready() : '';
  const ort = { train: [] as number[], forward: [] as number[] };
  const ref = { train: [] as number[], forward: [] as number[] };
  for (let r = 0; r < steps; r++) {
    ort.train.push((await trainer.trainStep(batch)).seconds);
    if (torch) ref.train.push(await torch.run('train'));
  }
  for (let r = 0; r < Math.max(3, steps); r++) {
    ort.forward.push(await forwardOnce());
    if (torch) ref.forward.push(await torch.run('forward'));
  }
  torch?.quit();
  await fwd.release();

  const fwdFlops = countFlops(evalGraph).total;
  const line = (what: string, o: number[], t: number[], flops: number) => {
    const sec = median(o);
    const tail = t.length > 0 ? `; PyTorch ${(c.batch / median(t)).toFixed(2)} samples/s → ${(median(t) / sec).toFixed(2)}×` : '';
    console.log(`  ${what} ${(c.batch / sec).toFixed(2)} samples/s, ${(flops / sec / 1e9).toFixed(1)} GFLOP/s${tail}  [ORT s: ${o.map((x) => x.toFixed(2)).join(' ')}${t.length ? `; PyTorch s: ${t.map((x) => x.toFixed(2)).join(' ')}` : ''}]`);
  };
  line('training:', ort.train, ref.train, trainFlops);
  line('forward: ', ort.forward, ref.forward, fwdFlops);
  if (torch) console.log(`  (PyTorch ${version})`);
}

if (dw !== 'auto') forceConvWeightGrad(dw as ConvWeightGradMethod);
const backend = new OrtNodeBackend();
const peak = await matmulPeak(backend);
console.log(`onnxruntime-node, ${threads} thread(s), graph optimisation '${level}', conv dW '${dw}'; MatMul 1024² peak ${peak.toFixed(1)} GFLOP/s`);
for (const c of CASES.filter((m) => which === 'both' || m.id === which)) {
  console.log(`\n${c.title}: batch ${c.batch} × [${c.input.join(', ')}]`);
  await measure(c, backend);
}
console.log(`\nMatMul 1024² peak after the runs: ${(await matmulPeak(backend)).toFixed(1)} GFLOP/s (the machine's load, if it changed)`);
