import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from './index.ts';
import { printGraph, formatNode } from './print.ts';
import { f32 } from '../tensor/index.ts';

test('printGraph writes one line per node with params, shape, dtype and scope, then the outputs', () => {
  const b = new GraphBuilder();
  const x = b.input('x', [1, 3, 8, 9]);
  const y = b.scope('encoder', () =>
    b.scope('stem', () => {
      const w = b.param('weight', [4, 3, 3, 3], { init: { kind: 'normal', mean: 0, std: 0.02 } });
      return b.conv(x, w, null, { strides: [2, 2], pads: [0, 0, 1, 1] });
    }),
  );
  const m = b.greater(y, b.const(f32([4, 1, 1], [0.5, 1, 2, 3])));
  const text = printGraph(b.build({ features: y, mask: m }));
  assert.equal(
    text,
    [
      '%0 = Input "x" : [1,3,8,9]',
      '%1 = Param "encoder.stem.weight" trainable init=normal(0,0.02) : [4,3,3,3]  # encoder.stem',
      '%2 = Conv(%0, %1) [strides=2,2 pads=0,0,1,1 dilations=1,1 group=1] : [1,4,4,4]  # encoder.stem',
      '%3 = Const <float32 [4,1,1]: 0.5, 1, 2, 3> : [4,1,1]',
      '%4 = Greater(%2, %3) : [1,4,4,4] bool',
      'return features=%2, mask=%4',
    ].join('\n'),
  );
  assert.equal(formatNode(b.reshape(x, [0, -1])), '%5 = Reshape(%0) [shape=0,-1] : [1,216]');
});
