// The nn modules composed into the HeAR-architecture ViT of ../shared/fixtures/models/hear_vit, bound
// strictly to its checkpoint and evaluated with the float64 interpreter against the fixture's outputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { GraphBuilder, type Value } from '../../src/ir/index.ts';
import { evaluate } from '../../src/ir/interp.ts';
import { loadStateDict, parseNpy } from '../../src/tensor/index.ts';
import { bindStateDict, clsToken, geluTanh, layerNorm, linear, patchEmbed, selfAttention } from '../../src/nn/index.ts';
import { assertClose } from '../fixtures/golden/nn/golden.ts';

const DIR = '../shared/fixtures/models/hear_vit/';
const npy = (f: string) => parseNpy(new Uint8Array(readFileSync(DIR + f)), f);
const D = 64;
const EPS = 1e-6;

function hearVit() {
  const b = new GraphBuilder();
  const x = b.input('x', [1, 1, 192, 128]);
  let h: Value = b.scope('embeddings', () => {
    const tokens = patchEmbed(b, 'patch_embeddings', x, { inChannels: 1, embedDim: D, patch: 16, convName: 'projection' });
    const cls = b.param('cls_token', [1, 1, D], { init: { kind: 'external' } });
    const pos = b.param('position_embeddings', [1, 97, D], { init: { kind: 'external' } });
    return b.add(b.concat([cls, tokens], 1), pos);
  });
  for (let i = 0; i < 2; i++) {
    h = b.scope(`encoder.layer.${i}`, () => {
      const a = selfAttention(b, 'attention', layerNorm(b, 'layernorm_before', h, { shape: D, eps: EPS }), { dim: D, numHeads: 4, layout: 'hf', qkvBias: true, mode: 'eval' });
      const h1 = b.add(a, h);
      const m = geluTanh(b, linear(b, 'intermediate.dense', layerNorm(b, 'layernorm_after', h1, { shape: D, eps: EPS }), { inFeatures: D, outFeatures: 256, bias: true }));
      return b.add(linear(b, 'output.dense', m, { inFeatures: 256, outFeatures: D, bias: true }), h1);
    });
  }
  const last = layerNorm(b, 'layernorm', h, { shape: D, eps: EPS });
  const pooled = linear(b, 'pooler.dense', clsToken(b, last), { inFeatures: D, outFeatures: 512, bias: true });
  return b.build({ last, pooled });
}

test('HeAR-architecture ViT from nn modules reproduces the fixture (both inputs)', () => {
  const g = hearVit();
  const sd = loadStateDict(new Uint8Array(readFileSync(DIR + 'model.safetensors')), 'model.safetensors');
  const w = bindStateDict(g, sd);
  assert.equal(w.size, 40);
  for (const i of [0, 1]) {
    const out = evaluate(g, { x: npy(`input_${i}.npy`) }, w);
    // float64 evaluation of float32 weights vs the float64 reference: measured 2.5e-8 (float32 GELU constants)
    assertClose(out.last!, npy(`last_hidden_state_${i}_f64.npy`), 1e-6, `last_hidden_state ${i}`);
    assertClose(out.pooled!, npy(`pooler_output_${i}_f64.npy`), 1e-6, `pooler_output ${i}`);
  }
});
