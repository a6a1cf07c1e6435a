/**
 * Weight-gradient formulations of the dense convolutions of an EfficientNet-B0 training step (OPERA-CE on
 * [32, 251, 64] inputs: 1×1 expand/project convs, squeeze-excitation convs on 1×1 maps, the 1×1 head) on
 * onnxruntime-node: patches + batched MatMul against one GEMM over batch and positions (src/autodiff/
 * conv-grad.ts), round-robin, with the formulation `selectConvWeightGrad` picks.
 *
 *   node --import tsx bench/train-conv-dw.ts [--threads 2] [--runs 9]
 */
import { GraphBuilder, type Conv2dParams } from '../src/ir/index.ts';
import { convWeightGradMethods, selectConvWeightGrad, type ConvGradProblem } from '../src/autodiff/index.ts';
import { toOnnx } from '../src/onnx/index.ts';
import { OrtNodeBackend } from '../src/platform/node/index.ts';
import { f32 } from '../src/tensor/index.ts';
import { Rng } from '../src/util/index.ts';

const args = process.argv.slice(2);
const flag = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const threads = flag('threads', 2);
const runs = flag('runs', 9);
const dense: Conv2dParams = { strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], group: 1 };
const CASES: [string, number[], number[]][] = [
  ['head 320→1280, 8×2', [32, 320, 8, 2], [1280, 320, 1, 1]],
  ['SE reduce 1152→48, 1×1', [32, 1152, 1, 1], [48, 1152, 1, 1]],
  ['SE expand 48→1152, 1×1', [32, 48, 1, 1], [1152, 48, 1, 1]],
  ['expand 80→480, 16×4', [32, 80, 16, 4], [480, 80, 1, 1]],
  ['project 480→112, 16×4', [32, 480, 16, 4], [112, 480, 1, 1]],
  ['project 144→24, 63×16', [32, 144, 63, 16], [24, 144, 1, 1]],
  ['project 32→16, 125×31', [32, 32, 125, 31], [16, 32, 1, 1]],
];
const backend = new OrtNodeBackend();
console.log(`onnxruntime-node, ${threads} thread(s); median and best of ${runs} round-robin runs, ms`);
for (const [label, xs, ws] of CASES) {
  const rng = Rng.seeded(1);
  const dys = [xs[0] as number, ws[0] as number, xs[2] as number, xs[3] as number];
  const feeds = {
    x: f32(xs, Array.from({ length: xs.reduce((a, b) => a * b) }, () => rng.normal())),
    dy: f32(dys, Array.from({ length: dys.reduce((a, b) => a * b) }, () => rng.normal())),
  };
  const problem: ConvGradProblem = { x: xs, w: ws, dy: dys, params: dense };
  const variants = [];
  for (const m of ['patchesBatchedMatMul', 'patchesGemm'] as const) {
    const b = new GraphBuilder();
    const g = b.build({ dw: convWeightGradMethods[m].build(b, b.input('x', xs), b.input('dy', dys), problem) });
    const s = await backend.createSession(toOnnx(g), { threads });
    await s.run(feeds);
    variants.push({ m, s, ms: [] as number[] });
  }
  for (let r = 0; r < runs; r++) {
    for (const v of variants) {
      const t = performance.now();
      await v.s.run(feeds);
      v.ms.push(performance.now() - t);
    }
  }
  const cells = variants.map((v) => {
    v.ms.sort((a, b) => a - b);
    return `${v.m} ${(v.ms[Math.floor(runs / 2)] as number).toFixed(1)} (best ${(v.ms[0] as number).toFixed(1)})`;
  });
  console.log(`  ${label.padEnd(24)} ${cells.join('  ')}  → selected ${selectConvWeightGrad(problem)}`);
  for (const v of variants) await v.s.release();
}
