/**
 * Peak MatMul throughput of onnxruntime-node on this machine: one [1024,1024]·[1024,1024] product
 * (2·1024³ = 2.15 GFLOP) per run, at 1 and 2 intra-op threads. Prints the best and the median run.
 *
 *   node --import tsx bench/ort_matmul.ts [--runs 20] [--size 1024]
 */
import { GraphBuilder } from '../src/ir/index.ts';
import { toOnnx } from '../src/onnx/index.ts';
import { OrtNodeBackend } from '../src/platform/node/index.ts';
import { f32 } from '../src/tensor/index.ts';
import { Rng } from '../src/util/index.ts';

const args = process.argv.slice(2);
const flag = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const runs = flag('runs', 20);
const n = flag('size', 1024);

const b = new GraphBuilder();
const g = b.build({ c: b.matmul(b.input('a', [n, n]), b.input('b', [n, n])) });
const model = toOnnx(g);
const rng = Rng.seeded(3);
const rand = () => f32([n, n], Array.from({ length: n * n }, () => rng.range(-1, 1)));
const feeds = { a: rand(), b: rand() };
const flop = 2 * n ** 3;
const backend = new OrtNodeBackend();

console.log(`onnxruntime-node MatMul [${n},${n}]·[${n},${n}] (${(flop / 1e9).toFixed(2)} GFLOP), ${runs} runs per thread count after 3 warm-ups, 1- and 2-thread sessions alternating`);
const sessions = [];
for (const threads of [1, 2]) {
  const s = await backend.createSession(model, { threads });
  for (let i = 0; i < 3; i++) await s.run(feeds);
  sessions.push({ threads, s, ms: [] as number[] });
}
for (let i = 0; i < runs; i++) {
  for (const x of sessions) {
    const t0 = performance.now();
    await x.s.run(feeds);
    x.ms.push(performance.now() - t0);
  }
}
for (const { threads, s, ms } of sessions) {
  await s.release();
  ms.sort((x, y) => x - y);
  const best = ms[0] as number;
  const median = ms[Math.floor(ms.length / 2)] as number;
  console.log(`  ${threads} thread(s): best ${best.toFixed(1)} ms = ${(flop / best / 1e6).toFixed(1)} GFLOP/s; median ${median.toFixed(1)} ms = ${(flop / median / 1e6).toFixed(1)} GFLOP/s`);
}
