/**
 * Where each encoder's published weights come from (reference/opera.md §6, reference/hear.md §4), and the
 * weights bundled with Pneuma. `pneuma embed` names the source when `--weights` is missing; `--model default`
 * is `DEFAULT_MODEL` with its bundled checkpoint, so the main job works on a fresh machine.
 */
import type { EncoderId } from '../encoders/types.ts';

const OPERA = (name: string) =>
  `the OPERA release: encoder-${name}.ckpt from the Hugging Face model repository evelyn0414/OPERA `
  + `(https://huggingface.co/evelyn0414/OPERA/resolve/main/encoder-${name}.ckpt; code MIT). The Lightning .ckpt loads as it is`;

/** One sentence per encoder: the published checkpoint and how to obtain it. */
export const WEIGHTS_SOURCES: { readonly [K in EncoderId]: string } = {
  'opera-ce': OPERA('operaCE'),
  'opera-ct': OPERA('operaCT'),
  'opera-gt': OPERA('operaGT'),
  hear:
    'the gated Hugging Face repository google/hear-pytorch (accept the Health AI Developer Foundations terms while '
    + 'logged in, then download model.safetensors or pytorch_model.bin, and config.json for --model-config). No public '
    + 'copy may be redistributed with Pneuma',
  'efficientat-mn04':
    'the fschmid56/EfficientAT GitHub release v0.0.1 (mn04_as_mAP_432.pt, MIT); a copy is bundled under assets/models/efficientat-mn04',
};

/**
 * A model shipped in the repository: an encoder with a checkpoint under `assets/models/<folder>/`. `name` is what
 * `--model` takes; a bundled model named after its encoder holds that encoder's published weights.
 */
export interface BundledModel {
  readonly name: string;
  readonly encoder: EncoderId;
  readonly folder: string;
  readonly file: string;
  /** sha256 of `file`; a bundled file that does not match is an error, never used. */
  readonly sha256: string;
  readonly licence: string;
  readonly description: string;
}

export const BUNDLED_MODELS: readonly BundledModel[] = [
  {
    name: 'pneuma-resp',
    encoder: 'efficientat-mn04',
    folder: 'pneuma-resp',
    file: 'pneuma-resp.safetensors',
    sha256: '21b2dbb645efab91463fe3160b6bc80f50c5262049ab3cc86b2161c5668634d7',
    licence: 'MIT (derived from EfficientAT mn04, MIT, Copyright (c) 2022 Florian Schmid; THIRD_PARTY_LICENSE.txt next to the file)',
    description: "Pneuma's respiratory model: EfficientAT mn04 continued with COLA on respiratory audio (configs/pretrain/pneuma-resp.ts)",
  },
  {
    name: 'efficientat-mn04',
    encoder: 'efficientat-mn04',
    folder: 'efficientat-mn04',
    file: 'mn04_as_mAP_432.pt',
    sha256: '899a8c6217063f6941793102a2780b3dd788ab11fce468d9cf5f0577c453321c',
    licence: 'MIT, Copyright (c) 2022 Florian Schmid (THIRD_PARTY_LICENSE.txt next to the file)',
    description: 'EfficientAT mn04 with its AudioSet weights (mAP 0.432)',
  },
];

/** The model `--model default` selects: a bundled model, so the main job works on a fresh machine. */
export const DEFAULT_MODEL = 'pneuma-resp';

/** The model id that stands for `DEFAULT_MODEL` on the command line. */
export const DEFAULT_MODEL_ALIAS = 'default';

/** The bundled model called `name` ('default' = DEFAULT_MODEL), or undefined. */
export function bundledModel(name: string): BundledModel | undefined {
  const n = name === DEFAULT_MODEL_ALIAS ? DEFAULT_MODEL : name;
  return BUNDLED_MODELS.find((b) => b.name === n);
}

/** The bundled copy of an encoder's own published weights, or undefined. */
export function bundledWeights(id: EncoderId): BundledModel | undefined {
  return BUNDLED_MODELS.find((b) => b.name === id && b.encoder === id);
}
