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

/** A checkpoint shipped in the repository under `assets/models/<folder>/`. */
export interface BundledWeights {
  readonly id: EncoderId;
  readonly folder: string;
  readonly file: string;
  /** sha256 of `file`; a bundled file that does not match is an error, never used. */
  readonly sha256: string;
  readonly licence: string;
}

export const BUNDLED_WEIGHTS: readonly BundledWeights[] = [
  {
    id: 'efficientat-mn04',
    folder: 'efficientat-mn04',
    file: 'mn04_as_mAP_432.pt',
    sha256: '899a8c6217063f6941793102a2780b3dd788ab11fce468d9cf5f0577c453321c',
    licence: 'MIT, Copyright (c) 2022 Florian Schmid (THIRD_PARTY_LICENSE.txt next to the file)',
  },
];

/** The model `--model default` selects: the bundled encoder whose weights ship with Pneuma. */
export const DEFAULT_MODEL: EncoderId = 'efficientat-mn04';

/** The model id that stands for `DEFAULT_MODEL` on the command line. */
export const DEFAULT_MODEL_ALIAS = 'default';

export function bundledWeights(id: EncoderId): BundledWeights | undefined {
  return BUNDLED_WEIGHTS.find((b) => b.id === id);
}
