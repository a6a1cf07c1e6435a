/**
 * COLA, exactly as OPERA's contrastive pretraining runs it (evelyn0414/OPERA @ 3622310,
 * src/model/models_cola.py `ColaMD.forward` and `_calculate_loss`; Saeed et al. 2021's bilinear COLA):
 *
 *   for each view v ∈ {1, 2}, with the encoder's parameters shared between the views:
 *     h_v = do(encoder(x_v))                       (do(middle(encoder(x_v))) when dim_hidden ≠ dim_fea)
 *     z_v = do(g(h_v))                             g: Linear(dim_hidden → dim_out)
 *     z_v = do(tanh(layer_norm(z_v)))              layer_norm: LayerNorm(dim_out), eps 1e-5
 *   logits = linear(z_1) · z_2ᵀ                    linear: Linear(dim_out → dim_out, bias=False), [B, B]
 *   loss   = cross_entropy(logits, arange(B))      mean over the batch; one direction only,
 *                                                  no temperature, no L2 normalisation
 *   accuracy = mean_i [argmax_j logits_ij = i]
 * `do` is Dropout(p = 0.1): each of the six applications draws its own mask (random inputs of the step).
 *
 * Parameter names are OPERA's (`g.weight`, `g.bias`, `layer_norm.weight`, `layer_norm.bias`, `linear.weight`,
 * `middle.*`), declared at the root; the caller builds the encoder under the checkpoint's own prefix
 * (`encoder.` for OPERA-CE), so a released COLA state dict binds with no renaming. Init is torch's default
 * (Linear: kaiming-uniform(a=√5) weights, uniform(±1/√fan_in) bias; LayerNorm 1 and 0).
 *
 * The accuracy counts row i as correct when logits_ii is not below the row maximum (torch.max picks the
 * first maximum, so exact ties with an earlier column differ; with continuous logits they do not occur).
 */
import type { GraphBuilder, Value } from '../ir/index.ts';
import { tensor } from '../tensor/index.ts';
import { type Mode, dropout, softmaxCrossEntropy } from '../nn/index.ts';
import { applyLayerNorm, applyLinear, declareLayerNorm, declareLinear } from '../encoders/bound-layers.ts';
import { SslConfigError } from './errors.ts';
import { tiedPasses } from './tied.ts';

export interface ColaHeadConfig {
  /** dim_out: width of the projection (OPERA 512). */
  readonly dimOut: number;
  /** dim_hidden when it differs from the encoder width (adds `middle`); null: no middle layer (OPERA CE and CT). */
  readonly dimHidden: number | null;
  /** Dropout rate p (OPERA 0.1). */
  readonly dropout: number;
  /** LayerNorm eps (torch default 1e-5). */
  readonly layerNormEps: number;
}

export const OPERA_COLA_HEAD: ColaHeadConfig = { dimOut: 512, dimHidden: null, dropout: 0.1, layerNormEps: 1e-5 };

export interface ColaSpec {
  /** The two views, [B, …] each (any layout `encode` takes). */
  readonly x1: Value;
  readonly x2: Value;
  /** The encoder on one view → [B, dimFea]. Called once per view; its parameters are tied across the calls. */
  readonly encode: (x: Value, view: number) => Value;
  readonly dimFea: number;
  readonly head: ColaHeadConfig;
  readonly mode: Mode;
}

export interface ColaOutputs {
  readonly loss: Value;
  readonly accuracy: Value;
  /** [B, B]: row i holds view 1 of item i against view 2 of every item. */
  readonly logits: Value;
}

export function checkColaHead(head: ColaHeadConfig): void {
  if (!(Number.isInteger(head.dimOut) && head.dimOut >= 1)) throw new SslConfigError(`COLA head: dimOut must be a positive integer, got ${head.dimOut}`);
  if (head.dimHidden !== null && !(Number.isInteger(head.dimHidden) && head.dimHidden >= 1)) throw new SslConfigError(`COLA head: dimHidden must be null or a positive integer, got ${head.dimHidden}`);
  if (!(head.dropout >= 0 && head.dropout < 1)) throw new SslConfigError(`COLA head: dropout must be in [0, 1), got ${head.dropout}`);
  if (!(head.layerNormEps > 0)) throw new SslConfigError(`COLA head: layerNormEps must be > 0, got ${head.layerNormEps}`);
}

export function colaObjective(b: GraphBuilder, spec: ColaSpec): ColaOutputs {
  const { head, mode } = spec;
  checkColaHead(head);
  const B = spec.x1.shape[0] as number;
  if (spec.x2.shape.join() !== spec.x1.shape.join()) throw new SslConfigError(`COLA: the views differ in shape ([${spec.x1.shape.join(',')}] and [${spec.x2.shape.join(',')}])`);
  if (B < 2) throw new SslConfigError(`COLA needs at least 2 items per batch (the other items are the negatives), got ${B}`);
  const features = tiedPasses(b, 2, (v) => spec.encode(v === 0 ? spec.x1 : spec.x2, v));
  for (const f of features) {
    if (f.rank !== 2 || f.shape[1] !== spec.dimFea) throw new SslConfigError(`COLA: the encoder must return [B, ${spec.dimFea}], got [${f.shape.join(',')}]`);
  }
  const hidden = head.dimHidden ?? spec.dimFea;
  const middle = head.dimHidden !== null && head.dimHidden !== spec.dimFea
    ? declareLinear(b, 'middle', { inFeatures: spec.dimFea, outFeatures: head.dimHidden, bias: true })
    : null;
  const g = declareLinear(b, 'g', { inFeatures: hidden, outFeatures: head.dimOut, bias: true });
  const ln = declareLayerNorm(b, 'layer_norm', head.dimOut, head.layerNormEps);
  const bilinear = declareLinear(b, 'linear', { inFeatures: head.dimOut, outFeatures: head.dimOut, bias: false });
  const drop = (x: Value, name: string) => b.scope('dropout', () => dropout(b, name, x, { p: head.dropout, mode }));
  const project = (f: Value, v: number): Value => {
    const h = drop(middle ? applyLinear(b, middle, f) : f, `v${v}_h`);
    const z = drop(applyLinear(b, g, h), `v${v}_g`);
    return drop(b.tanh(applyLayerNorm(b, ln, z)), `v${v}_z`);
  };
  const z1 = project(features[0] as Value, 0);
  const z2 = project(features[1] as Value, 1);
  const logits = b.matmul(applyLinear(b, bilinear, z1), b.transpose(z2, [1, 0]));
  const target = b.const(tensor('int64', [B], BigInt64Array.from({ length: B }, (_, i) => BigInt(i))));
  const loss = softmaxCrossEntropy(b, logits, target, { reduction: 'mean' });
  const eye = new Float32Array(B * B);
  for (let i = 0; i < B; i++) eye[i * B + i] = 1;
  const diagonal = b.sum(b.mul(logits, b.const(tensor('float32', [B, B], eye))), [1]);
  const wrong = b.cast(b.less(diagonal, b.reduceMax(logits, [1])), 'float32');
  const accuracy = b.sub(1, b.mean(wrong, [0]));
  return { loss, accuracy, logits };
}
