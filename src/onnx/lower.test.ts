import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../ir/index.ts';
import { f32, i64, type HostTensor } from '../tensor/index.ts';
import { OnnxExportError } from './errors.ts';
import { lowerGraph, toOnnx } from './lower.ts';
import { readOnnx, readSignature } from './read.ts';

function convNet() {
  const b = new GraphBuilder();
  const x = b.input('x', [2, 1, 8, 16]);
  const y = b.scope('encoder', () =>
    b.scope('efficientnet', () =>
      b.scope('_blocks', () =>
        b.scope(3, () => {
          const w = b.param('weight', [4, 1, 3, 3], { init: { kind: 'zeros' } });
          return b.conv(x, w, null, { pads: [1, 1, 1, 1] });
        }),
      ),
    ),
  );
  return { b, x, y };
}

const W = (shape: number[]): HostTensor => f32(shape, Array.from({ length: shape.reduce((a, c) => a * c, 1) }, (_, i) => i / 10));

test('node names come from the IR scope and value id; outputs carry their names', () => {
  const { b, y } = convNet();
  const z = b.relu(y);
  const g = b.build({ feat: z });
  const m = lowerGraph(g, { weights: new Map([['encoder.efficientnet._blocks.3.weight', W([4, 1, 3, 3])]]) });
  assert.deepEqual(
    m.nodes.map((n) => [n.name, n.opType, n.outputs[0]]),
    [
      [`encoder.efficientnet._blocks.3/Conv_${y.id}`, 'Conv', `encoder.efficientnet._blocks.3/Conv_${y.id}`],
      [`Relu_${z.id}`, 'Relu', 'feat'],
    ],
  );
  assert.deepEqual(m.inputs.map((i) => [i.name, i.dims]), [['x', [2, 1, 8, 16]]]);
  assert.deepEqual(m.outputs.map((o) => [o.name, o.dims]), [['feat', [2, 4, 8, 16]]]);
  assert.deepEqual(m.initializers.map((i) => i.name), ['encoder.efficientnet._blocks.3.weight']);
});

test('an output that is a leaf or repeats another output goes through Identity', () => {
  const b = new GraphBuilder();
  const x = b.input('x', [3]);
  const y = b.neg(x);
  const m = lowerGraph(b.build({ a: y, b: y, c: x }));
  assert.deepEqual(
    m.nodes.map((n) => [n.name, n.opType, n.inputs.join(), n.outputs.join()]),
    [
      [`Neg_${y.id}`, 'Neg', 'x', 'a'],
      ['outputs/b', 'Identity', 'a', 'b'],
      ['outputs/c', 'Identity', 'x', 'c'],
    ],
  );
});

test('weights are checked strictly against the used parameters', () => {
  const { b, y } = convNet();
  b.param('unused', [2], { init: { kind: 'zeros' } });
  const g = b.build({ y });
  const key = 'encoder.efficientnet._blocks.3.weight';
  assert.throws(() => lowerGraph(g), (e: unknown) => e instanceof OnnxExportError && /missing 'encoder\.efficientnet\._blocks\.3\.weight'/.test(e.message));
  assert.throws(() => lowerGraph(g, { weights: new Map([[key, W([4, 1, 3, 3])], ['nope', W([1])]]) }), /'nope' is not a parameter/);
  assert.throws(() => lowerGraph(g, { weights: new Map([[key, W([4, 1, 9])]]) }), /is float32 \[4,1,9\], the graph declares float32 \[4,1,3,3\]/);
  assert.throws(() => lowerGraph(g, { weights: new Map([[key, i64([4, 1, 3, 3], new Array(36).fill(0))]]) }), /is int64/);
  assert.throws(() => lowerGraph(g, { paramsAs: 'inputs', weights: new Map([[key, W([4, 1, 3, 3])]]) }), /fed as a graph input/);
  // a weight for a declared but unused parameter is accepted and not stored
  const m = lowerGraph(g, { weights: new Map([[key, W([4, 1, 3, 3])], ['unused', W([2])]]) });
  assert.deepEqual(m.initializers.map((i) => i.name), [key]);
});

test('paramsAs puts parameters after the inputs, all or by name', () => {
  const b = new GraphBuilder();
  const x = b.input('x', [2, 3]);
  const w = b.param('w', [3, 3], { init: { kind: 'zeros' } });
  const s = b.buffer('s', [3], { kind: 'zeros' });
  b.input('unused', [1]);
  const g = b.build({ y: b.add(b.matmul(x, w), s) });
  const all = readSignature(toOnnx(g, { paramsAs: 'inputs' }));
  assert.deepEqual(all.inputs.map((i) => [i.name, i.shape]), [['x', [2, 3]], ['w', [3, 3]], ['s', [3]]]);
  const some = readOnnx(toOnnx(g, { paramsAs: { inputs: new Set(['w']) }, weights: new Map([['s', W([3])]]) }));
  assert.deepEqual(some.inputs.map((i) => i.name), ['x', 'w']);
  assert.ok(some.initializers.has('s') && !some.initializers.has('w'));
  assert.throws(() => lowerGraph(g, { paramsAs: { inputs: new Set(['v']) } }), /'v' is not a parameter/);
});

test('dynamic axes: symbolic input dims, derived output dims, and graphs that cannot follow them', () => {
  const { b, y } = convNet();
  const pooled = b.mean(y, [2]); // [2, 4, 16]: follows time
  const g = b.build({ pooled, total: b.sumAll(pooled) });
  const weights = new Map([['encoder.efficientnet._blocks.3.weight', W([4, 1, 3, 3])]]);
  const m = lowerGraph(g, { weights, dynamicAxes: { x: { 0: 'batch', 3: 'time' } } });
  assert.deepEqual(m.inputs[0]?.dims, ['batch', 1, 8, 'time']);
  assert.deepEqual(m.outputs.map((o) => o.dims), [['batch', 4, 'time'], []]);

  const fixed = b.reshape(y, [2, 4 * 8 * 16]); // a fixed size cannot follow time
  const g2 = b.build({ fixed });
  assert.throws(() => lowerGraph(g2, { weights, dynamicAxes: { x: { 3: 'time' } } }), (e: unknown) => e instanceof OnnxExportError && /Reshape/.test(e.message) && /dynamic axes/.test(e.message));
  const flat = b.reshape(y, [0, -1]); // ONNX 0/-1 semantics follow the batch
  const m3 = lowerGraph(b.build({ flat }), { weights, dynamicAxes: { x: { 0: 'batch' } } });
  assert.deepEqual(m3.outputs[0]?.dims, ['batch', 512]);
  assert.throws(() => lowerGraph(g, { weights, dynamicAxes: { y: { 0: 'batch' } } }), /'y' is not a graph input/);
  assert.throws(() => lowerGraph(g, { weights, dynamicAxes: { x: { 4: 'batch' } } }), /no axis 4/);
});

test('provider support: WebGPU lacks some kernels; forbid turns them into export errors', () => {
  const b = new GraphBuilder();
  const x = b.input('x', [4]);
  const s = b.scope('head', () => b.sign(x));
  const g = b.build({ s, y: b.exp(x) });
  assert.deepEqual(lowerGraph(g, { provider: { name: 'cpu', cpuFallback: 'forbid' } }).providerIssues, []);
  const issues = lowerGraph(g, { provider: { name: 'webgpu', cpuFallback: 'allow' } }).providerIssues;
  assert.deepEqual(issues.map((i) => [i.node, i.opType]), [[`head/Sign_${s.id}`, 'Sign']]);
  assert.throws(() => lowerGraph(g, { provider: { name: 'webgpu', cpuFallback: 'forbid' } }), new RegExp(`head/Sign_${s.id} \\(Sign\\)`));
});

test('Resize lowers to ONNX Resize on supported layouts and to per-axis MatMuls otherwise', () => {
  const b = new GraphBuilder();
  const x4 = b.input('x4', [1, 2, 4, 6]);
  const x3 = b.input('x3', [2, 4, 6]);
  const p = { mode: 'cubic', coordinate: 'half_pixel', cubicA: -0.75 } as const;
  const r4 = b.resize(x4, { ...p, sizes: [1, 2, 8, 3] });
  const r3 = b.resize(x3, { ...p, sizes: [3, 4, 12] });
  const m = lowerGraph(b.build({ r4, r3 }));
  assert.deepEqual(
    m.nodes.map((n) => [n.name, n.opType]),
    [
      [`Resize_${r4.id}`, 'Resize'],
      [`Resize_${r3.id}/Transpose`, 'Transpose'],
      [`Resize_${r3.id}/MatMul`, 'MatMul'],
      [`Resize_${r3.id}/Transpose_2`, 'Transpose'],
      [`Resize_${r3.id}`, 'MatMul'],
    ],
  );
  const sizes = m.initializers.find((i) => i.name === `Resize_${r4.id}/sizes`);
  assert.deepEqual([...(sizes?.tensor.data as BigInt64Array)], [8n, 3n]);
});

test('Resize from a dynamic axis to its built size is still a Resize (not an Identity)', () => {
  const p = { mode: 'cubic', coordinate: 'align_corners', cubicA: -0.75 } as const;
  const b = new GraphBuilder();
  const x2 = b.input('x2', [8, 4]); // [time, mel], built at the target length
  const x4 = b.input('x4', [1, 1, 8, 4]);
  const r2 = b.resize(x2, { ...p, sizes: [8, 4] });
  const r4 = b.resize(x4, { ...p, sizes: [1, 1, 8, 4] });
  const g = b.build({ r2, r4 });
  const op = (m: ReturnType<typeof lowerGraph>, id: number) => m.nodes.find((n) => n.name === `Resize_${id}`)?.opType;
  const fixed = lowerGraph(g);
  assert.deepEqual([op(fixed, r2.id), op(fixed, r4.id)], ['Identity', 'Identity'], 'static extents equal to the sizes: identity');
  const dyn = lowerGraph(g, { dynamicAxes: { x2: { 0: 'time' }, x4: { 2: 'time' } } });
  assert.deepEqual([op(dyn, r2.id), op(dyn, r4.id)], ['Resize', 'Resize']);
  const sizes = (id: number) => [...(dyn.initializers.find((i) => i.name === `Resize_${id}/sizes`)?.tensor.data as BigInt64Array)];
  assert.deepEqual(sizes(r2.id), [8n, 4n]);
  assert.deepEqual(sizes(r4.id), [8n, 4n]);
  assert.deepEqual(dyn.outputs.map((o) => o.dims), [[8, 4], [1, 1, 8, 4]], 'the resized axes are static in the model');
  // a fixed size reached from a dynamic extent may shrink it: WebGPU's align_corners limit applies
  const gpu = lowerGraph(g, { dynamicAxes: { x2: { 0: 'time' } }, provider: { name: 'webgpu', cpuFallback: 'allow' } });
  assert.deepEqual(gpu.providerIssues.filter((i) => i.opType === 'Resize').map((i) => i.node), [`Resize_${r2.id}`]);
});

test('Resize sizes of 0 keep the input extent: a dynamic batch stays dynamic through ONNX Resize', () => {
  const p = { mode: 'linear', coordinate: 'half_pixel', cubicA: -0.75 } as const;
  const b = new GraphBuilder();
  const x = b.input('x', [2, 3, 5, 4]);
  const y = b.resize(x, { ...p, sizes: [0, 0, 7, 0] });
  assert.deepEqual(y.shape, [2, 3, 7, 4]);
  const z = b.resize(b.input('t', [6, 5]), { ...p, sizes: [0, 9] });
  assert.deepEqual(z.shape, [6, 9]);
  const g = b.build({ y, z });
  const m = lowerGraph(g, { dynamicAxes: { x: { 0: 'batch', 3: 'time' }, t: { 0: 'rows' } } });
  assert.deepEqual(m.outputs.map((o) => o.dims), [['batch', 3, 7, 'time'], ['rows', 9]]);
  type Lowered = ReturnType<typeof lowerGraph>;
  const node = (l: Lowered, id: number) => l.nodes.find((n) => n.name === `Resize_${id}`);
  const sizes = (l: Lowered, id: number) => [...(l.initializers.find((i) => i.name === `Resize_${id}/sizes`)?.tensor.data as BigInt64Array)];
  const axes = (l: Lowered, id: number) => {
    const a = node(l, id)?.attrs['axes'];
    return a?.kind === 'ints' ? [...a.value] : null;
  };
  // only the axes with a fixed extent are listed: batch (dynamic, kept) and time (dynamic, kept) are not
  assert.deepEqual([node(m, y.id)?.opType, axes(m, y.id), sizes(m, y.id)], ['Resize', [2], [7n]]);
  assert.deepEqual([node(m, z.id)?.opType, axes(m, z.id), sizes(m, z.id)], ['Resize', [1], [9n]]);
  // without dynamic axes the kept axes are listed with their extents
  const s = lowerGraph(g);
  assert.deepEqual([axes(s, y.id), sizes(s, y.id)], [[2, 3], [7n, 4n]]);
  assert.deepEqual([axes(s, z.id), sizes(s, z.id)], [[0, 1], [6n, 9n]]);
});

test('Clip with an infinite bound leaves that input empty; Slice bounds saturate to int64', () => {
  const b = new GraphBuilder();
  const x = b.input('x', [5]);
  const lo = b.clip(x, 0, Infinity);
  const hi = b.clip(x, -Infinity, 1);
  const sl = b.slice(x, 0, -1, -Infinity, -1);
  const m = lowerGraph(b.build({ lo, hi, sl }));
  const byName = new Map(m.nodes.map((n) => [n.name, n]));
  assert.deepEqual(byName.get(`Clip_${lo.id}`)?.inputs, ['x', `Clip_${lo.id}/min`]);
  assert.deepEqual(byName.get(`Clip_${hi.id}`)?.inputs, ['x', '', `Clip_${hi.id}/max`]);
  const ends = m.initializers.find((i) => i.name === `Slice_${sl.id}/ends`);
  assert.deepEqual([...(ends?.tensor.data as BigInt64Array)], [-(2n ** 63n)]);
});
