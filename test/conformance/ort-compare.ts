/**
 * Comparing ONNX Runtime outputs (float32) with the float64 interpreter: |a − e| ≤ atol + rtol·|e|
 * elementwise, exact for int64 and bool. NaN must match NaN and ±Infinity must match exactly.
 */
import assert from 'node:assert/strict';
import { type HostTensor, toFloat64 } from '../../src/tensor/index.ts';
import { fmtShape } from '../../src/util/index.ts';

export interface Tolerance {
  readonly atol: number;
  readonly rtol: number;
}

/** Largest violation ratio |a − e| / (atol + rtol·|e|) (≤ 1 passes), and where it happened. */
export function worst(actual: HostTensor, expected: HostTensor, tol: Tolerance): { ratio: number; index: number } {
  const a = toFloat64(actual);
  const e = toFloat64(expected);
  let ratio = 0;
  let index = -1;
  for (let i = 0; i < e.length; i++) {
    const x = a[i] as number;
    const y = e[i] as number;
    let r: number;
    if (Number.isNaN(y) || Number.isNaN(x)) r = Number.isNaN(y) && Number.isNaN(x) ? 0 : Infinity;
    else if (!Number.isFinite(y) || !Number.isFinite(x)) r = x === y ? 0 : Infinity;
    else r = Math.abs(x - y) / (tol.atol + tol.rtol * Math.abs(y));
    if (r > ratio) {
      ratio = r;
      index = i;
    }
  }
  return { ratio, index };
}

export function assertClose(actual: HostTensor | undefined, expected: HostTensor | undefined, tol: Tolerance, label: string): void {
  assert.ok(actual, `${label}: missing actual`);
  assert.ok(expected, `${label}: missing expected`);
  assert.deepEqual([...actual.shape], [...expected.shape], `${label}: shape ${fmtShape(actual.shape)} vs ${fmtShape(expected.shape)}`);
  if (expected.dtype === 'int64' || expected.dtype === 'bool') {
    assert.equal(actual.dtype, expected.dtype, `${label}: dtype`);
    assert.deepEqual([...toFloat64(actual)], [...toFloat64(expected)], `${label}: values`);
    return;
  }
  const { ratio, index } = worst(actual, expected, tol);
  if (ratio > 1) {
    const a = toFloat64(actual)[index];
    const e = toFloat64(expected)[index];
    assert.fail(`${label}: element ${index} is ${a}, expected ${e} (|Δ| = ${Math.abs((a as number) - (e as number)).toExponential(2)}, ${ratio.toFixed(1)}× the tolerance atol ${tol.atol} + rtol ${tol.rtol}·|e|)`);
  }
}
