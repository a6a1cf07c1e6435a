/**
 * A pretraining run as plain data: the encoder (id and reference-named architecture overrides over its
 * full preset), the objective, optimizer, learning-rate schedule, clipping, batch size, run length,
 * checkpointing, validation, seed and the data (root, per-source corpus rules, the benchmark tasks whose
 * test data are excluded). Presets are TypeScript objects (`configs/pretrain/*.ts`, `satisfies
 * PretrainConfig`); the same shape is read from JSON by `parsePretrainConfig` (config-json.ts), and the
 * resolved config is hashed into the run id that checkpoints carry.
 */
import type { DatasetId, Modality } from '../data/dataset-id.ts';
import type { SuiteId } from '../bench/suites.ts';
import type { EncoderId } from '../encoders/types.ts';
import type { ColaAugment } from './augment.ts';
import type { ColaHeadConfig } from './cola.ts';
import type { VitDecoderSpec } from './mae-hear.ts';

export interface EncoderChoice {
  readonly id: EncoderId;
  /**
   * Architecture overrides in the reference implementation's own names, applied over the encoder's full
   * preset (`EncoderDef.fromReferenceConfig`); written next to the trained weights as model_config.json,
   * which `pneuma embed --model-config` reads. Absent: the published architecture.
   */
  readonly reference?: Readonly<Record<string, unknown>>;
}

export interface ColaObjective {
  readonly kind: 'cola';
  readonly head: ColaHeadConfig;
  readonly augment: ColaAugment;
}

export interface MaeObjective {
  readonly kind: 'mae';
  /** Fraction of patches hidden (OPERA-GT 0.7, HeAR 0.75). */
  readonly maskRatio: number;
  /** Per-patch normalised targets (MAE norm_pix_loss; HeAR yes, OPERA-GT no). */
  readonly normPixLoss: boolean;
  /** ViT decoder for encoders whose config has none (hear); null for opera-gt, whose config holds its decoder. */
  readonly decoder: VitDecoderSpec | null;
}

export type ObjectiveConfig = ColaObjective | MaeObjective;

export interface OptimizerConfig {
  readonly kind: 'adam' | 'adamw';
  readonly lr: number;
  readonly betas: readonly [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  /** Parameters (full state_dict names, regular expressions) without weight decay, e.g. biases and norms. */
  readonly noDecay?: readonly string[];
}

/**
 * Learning-rate schedule over the run; the lengths that depend on the corpus and the run are filled in when
 * the run starts: 'epochExponential' uses the epoch length in steps, 'cosine' decays over the steps after warm-up.
 */
/** Linear warm-up over the first `steps` updates from `startFactor`·lr (torch LinearLR). */
export interface WarmupConfig {
  readonly steps: number;
  readonly startFactor: number;
}

export type ScheduleConfig =
  | { readonly kind: 'constant'; readonly warmup?: WarmupConfig }
  | { readonly kind: 'epochExponential'; readonly gamma: number; readonly warmup?: WarmupConfig }
  | { readonly kind: 'cosine'; readonly minLr: number; readonly warmup?: WarmupConfig };

export type RunLength = { readonly steps: number } | { readonly epochs: number };

/** Generated recordings for a source (used when the data root is absent and the config allows it). */
export interface SyntheticAudio {
  readonly recordings: number;
  /** Durations drawn uniformly from [min, max] seconds. */
  readonly seconds: readonly [number, number];
}

export interface SourceRule {
  /** Name in logs and metrics (OPERA's data_source key where the source is one of OPERA's). */
  readonly name: string;
  /** A dataset under the data root, or 'synthetic' for generated audio. */
  readonly dataset: DatasetId | 'synthetic';
  /** Recordings of these modalities only. */
  readonly modalities: readonly Modality[];
  /** Recordings shorter than this (after trimming) are left out, as OPERA's `pad=False` preparation does. */
  readonly minSeconds: number;
  /** librosa trim (OPERA's top_db 60, frame 1600, hop 800) before the length check and the spectrogram. */
  readonly trim: boolean;
  /** Crop length (COLA) or crop/pad length (MAE) in front-end frames. */
  readonly frames: number;
  /** Only records whose label `label` (as a string) is one of `oneOf`, e.g. HF_Lung's train folders. */
  readonly where?: { readonly label: string; readonly oneOf: readonly string[] };
  /** At most this many recordings (a seeded subset chosen after exclusion); absent: all. */
  readonly maxRecords?: number;
  /** Required for 'synthetic' sources. */
  readonly synthetic?: SyntheticAudio;
}

/**
 * Subjects held out of the corpus whatever the tasks say, so that a pretrained model can be benchmarked on
 * subjects it never heard (the HeAR-style tasks cross-validate over a whole dataset, so their test-split
 * exclusion would leave nothing of it to pretrain on). Per dataset, the subjects are ordered by
 * sha256(`seed:dataset:subject`) and the first ⌈fraction·n⌉ are held out, together with every subject that has
 * a recording under one of the `always` data roots.
 */
export interface SubjectHoldout {
  readonly datasets: readonly DatasetId[];
  readonly fraction: number;
  readonly seed: number;
  /** Data roots (one folder per dataset; relative paths as `root`) whose subjects are always held out. */
  readonly always: readonly string[];
}

/**
 * Which benchmark tasks' test data the corpus must not contain (every registered task, or a suite's), and
 * optionally a subject hold-out.
 */
export type Exclusion = ({ readonly tasks: 'all' } | { readonly suite: SuiteId }) & { readonly holdout?: SubjectHoldout };

export interface DataConfig {
  /**
   * Folder with one subfolder per dataset (as ../shared/data). Relative paths resolve against the repository
   * root in presets and against the file's folder in JSON configs. null: synthetic sources only.
   */
  readonly root: string | null;
  /** What to do when `root` does not exist: fail, or train on `synthetic` instead. */
  readonly ifMissing: 'error' | 'synthetic';
  readonly sources: readonly SourceRule[];
  /** Generated sources used instead of `sources` when the root is null or missing (ifMissing 'synthetic'). */
  readonly synthetic: readonly SourceRule[];
  readonly exclude: Exclusion;
}

export interface ValidationConfig {
  /** Fraction of each source's recordings held out (OPERA: 0.1, `train_test_split(test_size=0.1)`). */
  readonly fraction: number;
  /** Seed of the train/validation split (OPERA: random_state 1337). */
  readonly splitSeed: number;
  /** Validation loss every this many steps (and at the end). */
  readonly every: number;
  /** At most this many validation batches per evaluation. */
  readonly maxBatches: number;
}

export interface PretrainConfig {
  readonly name: string;
  readonly description: string;
  readonly encoder: EncoderChoice;
  readonly objective: ObjectiveConfig;
  readonly optimizer: OptimizerConfig;
  readonly schedule: ScheduleConfig;
  /** Clip the global gradient norm to maxNorm (torch clip_grad_norm_); null: no clipping. */
  readonly clip: { readonly maxNorm: number } | null;
  readonly batchSize: number;
  readonly length: RunLength;
  /** Checkpoint every this many steps (and at the end, and on SIGINT/SIGTERM). */
  readonly checkpointEvery: number;
  /** Checkpoints kept on disk (the newest). */
  readonly keepCheckpoints: number;
  readonly validation: ValidationConfig;
  readonly seed: number;
  readonly data: DataConfig;
  /**
   * Initial weights (a state dict file: PyTorch, safetensors, .npz), relative to the repository root in
   * presets; the encoder's reference keys or a full pretraining state dict. null: random init from `seed`.
   */
  readonly init: string | null;
}
