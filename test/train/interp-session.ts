/**
 * A runtime Session over the float64 interpreter, so a Trainer can drive the reference computation of a
 * step exactly as it drives ONNX Runtime: graph inputs and parameters are both fed by name, float32 values
 * come back as float64 tensors (and are fed back as such).
 */
import { type Graph, evaluate } from '../../src/ir/index.ts';
import type { Session } from '../../src/runtime/index.ts';
import type { HostTensor } from '../../src/tensor/index.ts';
import type { TensorSpec } from '../../src/onnx/index.ts';

export function interpSession(graph: Graph): Session {
  const used = new Set(graph.nodes);
  const inputs = graph.inputs.filter((v) => used.has(v));
  const params = graph.params.filter((p) => used.has(p));
  const paramNames = new Set(params.map((p) => p.params.name));
  const specs: TensorSpec[] = [...inputs, ...params].map((v) => ({
    name: v.is('Input') ? v.params.name : (v as typeof params[number]).params.name,
    dtype: v.dtype,
    shape: [...v.shape],
  }));
  const outSpecs: TensorSpec[] = graph.outputs.map((o) => ({ name: o.name, dtype: o.value.dtype, shape: [...o.value.shape] }));
  return {
    inputNames: specs.map((s) => s.name),
    outputNames: outSpecs.map((s) => s.name),
    inputs: specs,
    outputs: outSpecs,
    provider: 'cpu',
    fallbacks: [],
    async run(feeds) {
      const f: Record<string, HostTensor> = {};
      const w = new Map<string, HostTensor>();
      for (const [k, v] of Object.entries(feeds)) {
        if (paramNames.has(k)) w.set(k, v);
        else f[k] = v;
      }
      return evaluate(graph, f, w);
    },
    async release() {},
  };
}
