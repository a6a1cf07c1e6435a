/**
 * Protocol constants shared by the task definitions, each with its source.
 */
import type { HearInput, NamedSeed, OperaInputs, ProbeProtocol, ValidationSource } from '../task.ts';

/** OPERA linear_eval.py: 5 runs with seeds 0-4 (np.random / torch seeds); the data split is the same in every run. */
export const OPERA_SEEDS: readonly number[] = [0, 1, 2, 3, 4];

/** OPERA's LOOCV regression tasks run once, seed 0. */
export const OPERA_REGRESSION_SEEDS: readonly number[] = [0];

/** OPERA's sklearn `random_state=1337` for its train/validation and Coswara train/test splits. */
export const OPERA_SPLIT_SEED: NamedSeed = { name: 'OPERA sklearn random_state 1337', value: 1337 };

/** OPERA's sklearn `random_state=42` (SSBPR split, MMLung and NoseMic validation). */
export const OPERA_SEED_42: NamedSeed = { name: 'OPERA sklearn random_state 42', value: 42 };

/** HeAR eval_utils: StratifiedKFold / KFold over participants with random_state=43. */
export const HEAR_FOLD_SEED: NamedSeed = { name: 'HeAR eval_utils random_state 43', value: 43 };

/** The validation rows are the split's own `val` partition. */
export const VAL_FROM_SPLIT: ValidationSource = { from: 'split' };

/** OPERA: a stratified share of the training rows becomes the validation set (sklearn train_test_split, random_state 1337). */
export function valFromTrain(fraction: number, stratified = true, seed: NamedSeed = OPERA_SPLIT_SEED): ValidationSource {
  return { from: 'train', fraction, stratified, seed };
}

/**
 * OPERA LinearHead protocol (linear_eval.py, models_eval.py): Adam lr 1e-4 (the CLI lr is never
 * passed), lr x 0.97 per epoch, gradient clip 1.0, l2 1e-5, best validation AUROC checkpoint.
 */
export function operaLinear(epochs: number, batchSize: number, checkpointEvery: number, validation: ValidationSource): ProbeProtocol {
  return { kind: 'opera-linear', epochs, batchSize, l2: 1e-5, checkpointEvery, validation };
}

/** OPERA LinearHeadR protocol for T13-T19: standardised target, MSE + 0.1 l2, lr 1e-4 (lr=1e-1 is passed but ignored). */
export function operaRegression(
  checkpointEvery: number,
  earlyStopping: { readonly patience: number; readonly minDelta: number } | null,
  validation: ValidationSource,
): ProbeProtocol {
  return { kind: 'opera-regression', epochs: 64, batchSize: 64, l2: 1e-1, checkpointEvery, earlyStopping, validation };
}

/** HeAR's linear probe: penalty from participant-grouped 5-fold CV on the training rows. */
export const HEAR_PROBE: ProbeProtocol = { kind: 'hear-linear', innerFolds: 5, foldSeed: HEAR_FOLD_SEED };

/**
 * OPERA inputs for tasks using path (a) for CT/CE and 8.18-s path (b) chunks for GT
 * (the `--min_len_htsat` / `--min_len_cnn` values of the task's *_processing.py).
 */
export function operaPathA(ctMinSec: number, ceMinSec: number, source: OperaInputs['source'] = 'opera'): OperaInputs {
  return {
    source,
    ct: { path: 'a', minSec: ctMinSec, pad: 'repeat' },
    ce: { path: 'a', minSec: ceMinSec, pad: 'repeat' },
    gt: { path: 'b', chunkSec: 8.18 },
  };
}

/**
 * HeAR windows: 2-s clips every 1.8 s (10 % overlap), the last clip zero-padded, embeddings averaged
 * over clips. From Google's train_data_efficient_classifier notebook (hear.md §7); HeAR publishes no
 * single rule for long recordings.
 */
export const HEAR_WINDOWS: HearInput = {
  clipSec: 2,
  hopSec: 1.8,
  tail: 'zero-pad',
  pool: 'mean',
  source: 'google-health/hear notebooks/train_data_efficient_classifier.ipynb (10% overlap, last clip zero-padded); mean pooling chosen here',
};
