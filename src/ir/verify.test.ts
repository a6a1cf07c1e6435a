import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder, Value, type Graph } from './index.ts';
import { graphIssues, verifyGraph, GraphVerifyError } from './verify.ts';

function small(): { b: GraphBuilder; g: Graph } {
  const b = new GraphBuilder();
  const x = b.input('x', [2, 3]);
  const w = b.param('w', [3, 4], { init: { kind: 'zeros' } });
  const rm = b.buffer('running', [4], { kind: 'zeros' });
  const y = b.matmul(x, w);
  b.setUpdate(rm, b.mean(y, [0]));
  return { b, g: b.build({ y: b.relu(y) }) };
}

test('a builder graph verifies cleanly', () => {
  const { g } = small();
  assert.deepEqual(graphIssues(g), []);
  verifyGraph(g);
});

test('verification reports order, shape, declaration and name problems', () => {
  const { g } = small();
  const [x, w, mm, relu] = g.nodes as [Value, Value, Value, Value];
  const wrongShape = new Value(mm.id, mm.op, mm.inputs, mm.params, [2, 5], 'float32', '');
  const foreign = new GraphBuilder().input('x', [2, 3]);
  const bad: Graph = {
    ...g,
    nodes: [w, wrongShape, x, relu, foreign],
    outputs: [...g.outputs, { name: 'y', value: relu }],
  };
  const issues = graphIssues(bad);
  assert.ok(issues.some((m) => /%3 = MatMul\(%0, %1\) : \[2,5\]: input 0 \(%0\) does not precede its user/.test(m)), issues.join('\n'));
  assert.ok(issues.some((m) => /recorded \[2,5\] float32, re-inferred \[2,4\] float32/.test(m)));
  // Relu still refers to the original MatMul object, which is no longer in the node list
  assert.ok(issues.some((m) => /%5 = Relu\(%3\) : \[2,4\]: input 0 \(%3\) does not precede/.test(m)));
  assert.ok(issues.some((m) => /Input "x" : \[2,3\]: not among the graph's declared inputs/.test(m)));
  assert.ok(issues.some((m) => /node id %0 appears twice/.test(m)));
  assert.ok(issues.some((m) => /output name 'y' is used more than once/.test(m)));
  assert.throws(() => verifyGraph(bad), GraphVerifyError);
});

test('an input may not share a name with a parameter (one ONNX namespace)', () => {
  const b = new GraphBuilder();
  const x = b.input('w', [2]);
  const w = b.param('w', [2], { init: { kind: 'ones' } });
  assert.deepEqual(graphIssues(b.build({ y: b.add(x, w) })), ["'w' names both an input and a parameter"]);
});
