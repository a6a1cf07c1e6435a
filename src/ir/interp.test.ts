import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder, type Value, type OpParams, type Conv2dParams } from './index.ts';
import { evaluate, evalOp, InterpError, type Tensor64 } from './interp.ts';
import { erf } from './interp-elementwise.ts';
import { type HostTensor, f32, f64, i64, tensor, toFloat64 } from '../tensor/index.ts';
import { Rng, numel, type Shape } from '../util/index.ts';

function t(shape: Shape, data: readonly number[], dtype: Tensor64['dtype'] = 'float32'): Tensor64 {
  return { shape, dtype, data: Float64Array.from(data) };
}

function run<K extends Parameters<typeof evalOp>[0]>(op: K, inputs: Tensor64[], params: OpParams[K]): { shape: readonly number[]; data: number[] } {
  const r = evalOp(op, inputs, params);
  return { shape: r.shape, data: Array.from(r.data) };
}

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-12, what = ''): void {
  assert.equal(actual.length, expected.length, `${what} length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    assert.ok(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)), `${what}[${i}]: ${a} vs ${e}`);
  }
}

const none = {} as Record<string, never>;

test('unary maths: Sign(0) = 0, Floor, Relu, Sigmoid stable, erf to double precision', () => {
  assert.deepEqual(run('Sign', [t([4], [-2, 0, 3, -0])], none).data.map((v) => v + 0), [-1, 0, 1, 0]);
  assert.deepEqual(run('Floor', [t([4], [-1.5, -0.0001, 2, 2.9])], none).data, [-2, -1, 2, 2]);
  assert.deepEqual(run('Relu', [t([3], [-1, 0, 2])], none).data, [0, 0, 2]);
  close(run('Sigmoid', [t([3], [-800, 0, 800])], none).data, [0, 0.5, 1]);
  assert.deepEqual(run('Clip', [t([4], [-3, -0.5, 0.2, 9])], { min: -1, max: 0.5 }).data, [-1, -0.5, 0.2, 0.5]);
  // reference values: erf from Abramowitz & Stegun tables / mpmath at 16 digits
  const cases: [number, number][] = [[0.1, 0.1124629160182849], [0.5, 0.5204998778130465], [1, 0.8427007929497149], [2, 0.9953222650189527], [2.9, 0.9999589021219005], [3.5, 0.9999992569016276], [-4, -0.9999999845827421]];
  for (const [x, e] of cases) assert.ok(Math.abs(erf(x) - e) < 5e-16, `erf(${x}) = ${erf(x)}`);
});

test('binary ops broadcast NumPy-style, including scalars and size-1 dims', () => {
  const r = run('Sub', [t([2, 1, 3], [1, 2, 3, 4, 5, 6]), t([2, 1], [10, 20])], none);
  assert.deepEqual(r.shape, [2, 2, 3]);
  assert.deepEqual(r.data, [-9, -8, -7, -19, -18, -17, -6, -5, -4, -16, -15, -14]);
  assert.deepEqual(run('Mul', [t([], [3]), t([2], [1, 2])], none).data, [3, 6]);
  assert.deepEqual(run('Pow', [t([3], [2, 4, 9]), t([3], [3, 0.5, -0.5])], none).data, [8, 2, 1 / 3]);
  assert.deepEqual(run('Max', [t([2], [1, 5]), t([], [3])], none).data, [3, 5]);
  assert.deepEqual(run('Add', [t([2], [2 ** 52, -3], 'int64'), t([], [1], 'int64')], none).data, [2 ** 52 + 1, -2]);
});

test('comparisons and Where broadcast their three operands', () => {
  assert.deepEqual(run('Less', [t([3], [1, 2, 3]), t([], [2])], none).data, [1, 0, 0]);
  const r = run('Where', [t([3], [1, 0, 1], 'bool'), t([2, 1], [10, 20]), t([], [-1])], none);
  assert.deepEqual(r.shape, [2, 3]);
  assert.deepEqual(r.data, [10, -1, 10, 20, -1, 20]);
});

test('Cast truncates toward zero to int64, tests x ≠ 0 for bool, and rejects NaN to int64', () => {
  const ints = run('Cast', [t([5], [-2.7, -0.5, 0.5, 1.99, 3])], { to: 'int64' });
  assert.deepEqual(ints.data, [-2, 0, 0, 1, 3]);
  assert.ok(!Object.is(ints.data[1], -0), 'truncation yields +0');
  assert.deepEqual(run('Cast', [t([4], [0, -0.1, NaN, 2])], { to: 'bool' }).data, [0, 1, 1, 1]);
  assert.throws(() => evalOp('Cast', [t([1], [NaN])], { to: 'int64' }), InterpError);
});

test('MatMul with broadcast batch dims matches a hand product', () => {
  const a = t([2, 1, 2], [1, 2, 3, 4]);
  const b = t([2, 2], [1, 0, 1, 1]);
  const r = run('MatMul', [a, b], none);
  assert.deepEqual(r.shape, [2, 1, 2]);
  assert.deepEqual(r.data, [3, 2, 7, 4]);
});

/** Direct-definition convolution, independent of the interpreter's loop order. */
function refConv(x: Tensor64, w: Tensor64, bias: number[] | null, p: Conv2dParams): number[] {
  const [n, c, h, wd] = x.shape as [number, number, number, number];
  const [o, cg, kh, kw] = w.shape as [number, number, number, number];
  const oh = Math.floor((h + p.pads[0] + p.pads[2] - p.dilations[0] * (kh - 1) - 1) / p.strides[0]) + 1;
  const ow = Math.floor((wd + p.pads[1] + p.pads[3] - p.dilations[1] * (kw - 1) - 1) / p.strides[1]) + 1;
  const og = o / p.group;
  const out: number[] = [];
  for (let b = 0; b < n; b++) for (let oc = 0; oc < o; oc++) for (let y = 0; y < oh; y++) for (let xx = 0; xx < ow; xx++) {
    let s = bias ? (bias[oc] as number) : 0;
    for (let ci = 0; ci < cg; ci++) for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
      const iy = y * p.strides[0] - p.pads[0] + ky * p.dilations[0];
      const ix = xx * p.strides[1] - p.pads[1] + kx * p.dilations[1];
      if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
      const chan = Math.floor(oc / og) * cg + ci;
      s += (x.data[((b * c + chan) * h + iy) * wd + ix] as number) * (w.data[((oc * cg + ci) * kh + ky) * kw + kx] as number);
    }
    out.push(s);
  }
  return out;
}

function randT(shape: Shape, rng: Rng): Tensor64 {
  return t(shape, Array.from({ length: numel(shape) }, () => rng.range(-1, 1)));
}

test('Conv matches the direct definition across strides, dilations, groups and asymmetric pads', () => {
  const rng = Rng.seeded(7);
  const configs: [Shape, Shape, Conv2dParams][] = [
    [[2, 4, 7, 6], [6, 2, 3, 2], { strides: [2, 1], pads: [1, 0, 2, 1], dilations: [1, 2], group: 2 }],
    [[1, 3, 9, 9], [3, 1, 5, 5], { strides: [2, 2], pads: [2, 2, 2, 2], dilations: [1, 1], group: 3 }],
    [[1, 2, 5, 5], [3, 2, 1, 1], { strides: [2, 2], pads: [0, 0, 0, 0], dilations: [1, 1], group: 1 }],
  ];
  for (const [xs, ws, p] of configs) {
    const x = randT(xs, rng);
    const w = randT(ws, rng);
    const bias = Array.from({ length: ws[0] as number }, () => rng.range(-1, 1));
    close(run('Conv', [x, w, t([ws[0] as number], bias)], p).data, refConv(x, w, bias, p), 1e-12, `conv ${xs}`);
  }
});

test('ConvTranspose is the adjoint of Conv: <Conv(x), y> = <x, ConvTranspose(y)>', () => {
  const rng = Rng.seeded(3);
  const p: Conv2dParams = { strides: [2, 3], pads: [1, 0, 0, 2], dilations: [2, 1], group: 2 };
  const x = randT([2, 4, 9, 8], rng);
  const w = randT([6, 2, 3, 3], rng);
  const y = evalOp('Conv', [x, w], p);
  const dy = randT(y.shape, rng);
  // outputPadding = x − ((y − 1)·s − p₀ − p₁ + d·(k − 1) + 1): the rows and columns the conv never reads
  const opH = 9 - ((3 - 1) * 2 - 1 - 0 + 2 * 2 + 1);
  const opW = 8 - ((3 - 1) * 3 - 0 - 2 + 1 * 2 + 1);
  assert.deepEqual(y.shape, [2, 6, 3, 3]);
  assert.deepEqual([opH, opW], [1, 1]);
  const xt = evalOp('ConvTranspose', [dy, w], { ...p, outputPadding: [opH, opW] });
  assert.deepEqual(xt.shape, x.shape);
  let lhs = 0;
  let rhs = 0;
  y.data.forEach((v, i) => (lhs += v * (dy.data[i] as number)));
  x.data.forEach((v, i) => (rhs += v * (xt.data[i] as number)));
  assert.ok(Math.abs(lhs - rhs) < 1e-10, `${lhs} vs ${rhs}`);
});

test('AveragePool counts padded cells only with countIncludePad; MaxPool ignores padding', () => {
  const x = t([1, 1, 2, 2], [1, 2, 3, 4]);
  const pool = { kernel: [2, 2] as const, strides: [1, 1] as const, pads: [1, 1, 0, 0] as const };
  assert.deepEqual(run('AveragePool', [x], { ...pool, countIncludePad: true }).data, [0.25, 0.75, 1, 2.5]);
  assert.deepEqual(run('AveragePool', [x], { ...pool, countIncludePad: false }).data, [1, 1.5, 2, 2.5]);
  const neg = t([1, 1, 2, 2], [-1, -2, -3, -4]);
  assert.deepEqual(run('MaxPool', [neg], pool).data, [-1, -1, -1, -1]);
});

test('MaxPoolGrad routes each cell to the first arg-max in row-major order and accumulates overlaps', () => {
  const x = t([1, 1, 2, 3], [5, 1, 5, 5, 0, 2]);
  const p = { kernel: [2, 2] as const, strides: [1, 1] as const, pads: [0, 0, 0, 0] as const };
  const r = run('MaxPoolGrad', [x, t([1, 1, 1, 2], [10, 100])], p);
  // window 0 = {5,1,5,0}: first max at (0,0); window 1 = {1,5,0,2}: max 5 at (0,2)
  assert.deepEqual(r.data, [10, 0, 100, 0, 0, 0]);
  const tie = run('MaxPoolGrad', [t([1, 1, 2, 2], [3, 3, 3, 3]), t([1, 1, 1, 1], [1])], { ...p, strides: [2, 2] });
  assert.deepEqual(tie.data, [1, 0, 0, 0]);
});

test('Slice follows ONNX: negative starts, clamped ends, negative steps, empty results', () => {
  const x = t([6], [0, 1, 2, 3, 4, 5]);
  const s = (starts: number[], ends: number[], steps: number[]) => run('Slice', [x], { starts, ends, axes: [0], steps }).data;
  assert.deepEqual(s([-4], [100], [1]), [2, 3, 4, 5]);
  assert.deepEqual(s([-1], [-100], [-1]), [5, 4, 3, 2, 1, 0]);
  assert.deepEqual(s([10], [0], [-2]), [5, 3, 1]);
  assert.deepEqual(s([1], [6], [3]), [1, 4]);
  assert.deepEqual(s([4], [2], [1]), []);
  const m = run('Slice', [t([3, 4], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])], { starts: [2, 0], ends: [-100, 4], axes: [0, -1], steps: [-2, 3] });
  assert.deepEqual(m.shape, [2, 2]);
  assert.deepEqual(m.data, [8, 11, 0, 3]);
});

test('Pad: constant value, reflect without repeating the edge, edge replication', () => {
  const x = t([1, 3], [1, 2, 3]);
  assert.deepEqual(run('Pad', [x], { pads: [0, 2, 0, 1], mode: 'constant', value: 9 }).data, [9, 9, 1, 2, 3, 9]);
  assert.deepEqual(run('Pad', [x], { pads: [0, 2, 0, 2], mode: 'reflect', value: 0 }).data, [3, 2, 1, 2, 3, 2, 1]);
  assert.deepEqual(run('Pad', [x], { pads: [1, 2, 0, 1], mode: 'edge', value: 0 }).data, [1, 1, 1, 2, 3, 3, 1, 1, 1, 2, 3, 3]);
});

test('Gather with negative indices; GatherElements; ScatterAddElements accumulates duplicates', () => {
  const data = t([3, 2], [1, 2, 3, 4, 5, 6]);
  const g = run('Gather', [data, t([2, 2], [-1, 0, 1, -3], 'int64')], { axis: 0 });
  assert.deepEqual(g.shape, [2, 2, 2]);
  assert.deepEqual(g.data, [5, 6, 1, 2, 3, 4, 1, 2]);
  assert.deepEqual(run('Gather', [data, t([], [-1], 'int64')], { axis: 1 }).data, [2, 4, 6]);
  assert.deepEqual(run('GatherElements', [data, t([3, 1], [1, 0, -1], 'int64')], { axis: 1 }).data, [2, 3, 6]);
  const s = run('ScatterAddElements', [t([3], [0, 0, 0]), t([4], [0, 2, 0, -1], 'int64'), t([4], [1, 2, 3, 4])], { axis: 0 });
  assert.deepEqual(s.data, [4, 0, 6]);
  assert.throws(() => evalOp('Gather', [data, t([1], [3], 'int64')], { axis: 0 }), /index 3 out of range \[-3, 3\)/);
});

test('reductions with keepDims both ways; ReduceSum over an empty axis is 0', () => {
  const x = t([2, 3], [1, 5, 3, 4, 2, 6]);
  assert.deepEqual(run('ReduceSum', [x], { axes: [1], keepDims: false }), { shape: [2], data: [9, 12] });
  assert.deepEqual(run('ReduceMean', [x], { axes: [0], keepDims: true }), { shape: [1, 3], data: [2.5, 3.5, 4.5] });
  assert.deepEqual(run('ReduceMax', [x], { axes: [-1], keepDims: false }).data, [5, 6]);
  assert.deepEqual(run('ReduceSum', [t([0, 2], [])], { axes: [0], keepDims: false }), { shape: [2], data: [0, 0] });
  assert.throws(() => evalOp('ReduceMean', [t([0, 2], [])], { axes: [0], keepDims: false }), InterpError);
});

test('Softmax and LogSoftmax are stable for large inputs', () => {
  const r = run('Softmax', [t([3], [1000, 1000 + Math.log(3), -1000])], { axis: 0 }).data;
  close(r, [0.25, 0.75, 0]);
  const l = run('LogSoftmax', [t([2, 2], [1000, 1000, 0, -800])], { axis: 1 }).data;
  close(l, [-Math.log(2), -Math.log(2), 0, -800]);
});

test('LayerNorm uses the biased variance; BatchNorm applies per-channel statistics', () => {
  const ln = run('LayerNorm', [t([1, 4], [1, 2, 3, 4]), t([4], [1, 1, 2, 1]), t([4], [0, 0, 0, 1])], { axis: -1, eps: 1e-5 }).data;
  const sd = Math.sqrt(1.25 + 1e-5);
  close(ln, [-1.5 / sd, -0.5 / sd, 1 / sd, 1.5 / sd + 1]);
  const bn = run('BatchNorm', [t([1, 2, 2], [1, 2, 3, 4]), t([2], [2, 1]), t([2], [0, 1]), t([2], [1, 3]), t([2], [4, 1])], { eps: 1e-5 }).data;
  const k0 = 2 / Math.sqrt(4 + 1e-5);
  const k1 = 1 / Math.sqrt(1 + 1e-5);
  close(bn, [0, k0, 1, 1 + k1]);
});

test('Resize matches PyTorch 1.13 F.interpolate (float64) for bilinear and bicubic', () => {
  // torch.arange(6.)**2 reshaped (1,1,1,6), F.interpolate(size=(1,n), mode, align_corners), float64
  const x = t([1, 1, 1, 6], [0, 1, 4, 9, 16, 25]);
  const r = (n: number, mode: 'linear' | 'cubic', coordinate: 'half_pixel' | 'align_corners') =>
    run('Resize', [x], { sizes: [1, 1, 1, n], mode, coordinate, cubicA: -0.75 }).data;
  close(r(4, 'cubic', 'half_pixel'), [0.12109375, 2.828125, 10.796875, 23.20703125], 1e-9);
  close(r(9, 'cubic', 'half_pixel'), [-0.0868055556, 0.21875, 1.4305555556, 3.1527777778, 6.125, 10.2824074074, 14.3009259259, 21.15625, 25.78125], 1e-9);
  close(r(4, 'linear', 'half_pixel'), [0.25, 3.25, 10.75, 22.75], 1e-12);
  close(r(9, 'cubic', 'align_corners'), [0, 0.3100585938, 1.609375, 3.337890625, 6.125, 9.998046875, 13.640625, 20.0122070312, 25], 1e-9);
  assert.deepEqual(run('Resize', [x], { sizes: [1, 1, 1, 6], mode: 'cubic', coordinate: 'half_pixel', cubicA: -0.75 }).data, Array.from(x.data));
});

test('Reshape, Transpose, Concat and Expand', () => {
  const x = t([2, 3], [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(run('Reshape', [x], { shape: [0, -1, 1] }).shape, [2, 3, 1]);
  assert.deepEqual(run('Transpose', [x], { perm: [1, 0] }).data, [1, 4, 2, 5, 3, 6]);
  assert.deepEqual(run('Concat', [x, t([2, 1], [7, 8]), t([2, 0], [])], { axis: 1 }).data, [1, 2, 3, 7, 4, 5, 6, 8]);
  assert.deepEqual(run('Expand', [t([2, 1], [1, 2])], { shape: [1, 3] }), { shape: [2, 3], data: [1, 1, 1, 2, 2, 2] });
});

function graph(): { b: GraphBuilder; y: Value } {
  const b = new GraphBuilder();
  const x = b.input('x', [2, 3]);
  const w = b.param('w', [3], { init: { kind: 'normal', mean: 0, std: 1 } });
  const k = b.param('k', [3], { init: { kind: 'external' } });
  const unused = b.param('unused', [5], { init: { kind: 'zeros' } });
  void unused;
  return { b, y: b.mul(b.add(x, w), k) };
}

test('evaluate checks feeds and weights strictly and returns float64 / int64 / bool tensors', () => {
  const { b, y } = graph();
  const g = b.build({ y, n: b.cast(y, 'int64'), p: b.greater(y, 0) });
  const feeds = { x: f32([2, 3], [1, 2, 3, 4, 5, 6]) };
  const weights = new Map<string, HostTensor>([['w', f64([3], [0.5, 0, -10])], ['k', f32([3], [2, 2, 2])]]);
  const out = evaluate(g, feeds, weights);
  assert.equal(out.y?.dtype, 'float64');
  assert.deepEqual(Array.from(toFloat64(out.y as HostTensor)), [3, 4, -14, 9, 10, -8]);
  assert.equal(out.n?.dtype, 'int64');
  assert.deepEqual(Array.from(out.n?.data as BigInt64Array), [3n, 4n, -14n, 9n, 10n, -8n]);
  assert.equal(out.p?.dtype, 'bool');
  assert.deepEqual(Array.from(out.p?.data as Uint8Array), [1, 1, 0, 1, 1, 0]);

  assert.throws(() => evaluate(g, {}, weights), /missing feed for input 'x' \[2,3\]/);
  assert.throws(() => evaluate(g, { ...feeds, z: f32([1]) }, weights), /unknown feeds 'z'/);
  assert.throws(() => evaluate(g, { x: f32([3, 2]) }, weights), /feed 'x': shape \[3,2\] does not match declared \[2,3\]/);
  assert.throws(() => evaluate(g, { x: i64([2, 3], [1, 2, 3, 4, 5, 6]) }, weights), /feed 'x': expected float32 or float64, got int64/);
  assert.throws(() => evaluate(g, feeds, new Map([['k', f32([3])]])), /parameter 'w' \[3\]: initialise it first \(init normal\(0,1\)\)/);
  assert.throws(() => evaluate(g, feeds, new Map([['w', f32([3])]])), /parameter 'k' \[3\]: load it from a checkpoint/);
  assert.throws(() => evaluate(g, feeds, new Map([...weights, ['extra', f32([1])]])), /unknown weights 'extra'/);
  assert.throws(() => evaluate(g, feeds, new Map([['w', f32([4])], ['k', f32([3])]])), /weight 'w': shape \[4\] does not match declared \[3\]/);
});

test('dynamic axes: declared axes may vary per call and shapes re-infer (Reshape 0/−1 resolve per call)', () => {
  const b = new GraphBuilder();
  const x = b.input('x', [1, 4]);
  const y = b.reshape(b.mul(x, 2), [0, 2, -1]);
  const g = b.build({ y });
  for (const n of [1, 3]) {
    const out = evaluate(g, { x: f32([n, 4], new Float32Array(n * 4).fill(1)) }, new Map(), { dynamicAxes: { x: [0] } });
    assert.deepEqual(out.y?.shape, [n, 2, 2]);
  }
  assert.throws(() => evaluate(g, { x: f32([3, 4]) }, new Map()), /does not match declared \[1,4\]/);
});

test('evaluation errors name the node and the runtime shapes', () => {
  const b = new GraphBuilder();
  const data = b.input('data', [3]);
  const ids = b.input('ids', [2], 'int64');
  const g = b.build({ y: b.scope('embed', () => b.gather(data, ids, 0)) });
  assert.throws(
    () => evaluate(g, { data: f32([3]), ids: tensor('int64', [2], BigInt64Array.of(0n, 5n)) }, new Map()),
    (e: unknown) => e instanceof InterpError && /Gather\(%0, %1\) \[axis=0\] : \[2\]  # embed: Gather: index 5 out of range/.test(e.message),
  );
});
