import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostDType, ortElementType, ortTensorSpec } from './ort-types.ts';
import { SessionCreateError } from './errors.ts';

test('ONNX Runtime metadata becomes a TensorSpec; symbolic dims stay named, empty ones become null', () => {
  assert.deepEqual(ortTensorSpec('rt', { name: 'x', isTensor: true, type: 'float32', shape: ['batch', 1, '', 64] }, 'input'), { name: 'x', dtype: 'float32', shape: ['batch', 1, null, 64] });
  assert.equal(hostDType('int64'), 'int64');
  assert.equal(hostDType('string'), undefined);
  assert.equal(ortElementType('bool'), 'bool');
});

test('non-tensor values and element types Pneuma does not hold are SessionCreateErrors naming the value', () => {
  assert.throws(() => ortTensorSpec('rt', { name: 'm', isTensor: false }, 'output'), (e: unknown) => e instanceof SessionCreateError && /output 'm' is not a tensor/.test(e.message));
  assert.throws(() => ortTensorSpec('rt', { name: 's', isTensor: true, type: 'string', shape: [1] }, 'input'), /input 's' has element type string, which Pneuma does not hold/);
});
