/**
 * Model ids of `pneuma bench --models` → BenchModels (a helper module of the bench command):
 *   handcrafted  the handcrafted functionals baseline (src/bench/baselines), z-scored before OPERA probes
 *   random       the default model's architecture with seeded random weights (`pneuma embed --random-init
 *                --seed 0`), the untrained-network baseline
 *   default      the bundled default model with its bundled weights
 *   <encoder id> a registered encoder or a bundled model; weights from `--weights <id>=<file>`, or bundled
 * A checkpoint with a `corpus.json` beside it (written by `pneuma pretrain`) carries the subjects it was
 * pretrained on; the command leaves them out of every task (BenchModel.pretrainedOn).
 */
import type { ResampleQuality } from '../../../src/audio/resample.ts';
import { HANDCRAFTED_CONFIG, HANDCRAFTED_ID, HandcraftedEmbedder } from '../../../src/bench/baselines/index.ts';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BenchModel, SubjectExclusion } from '../../../src/bench/runner-types.ts';
import { PneumaError } from '../../../src/util/index.ts';
import { DEFAULT_MODEL, DEFAULT_MODEL_ALIAS, EmbedConfigError, EncoderModel, RecordingEmbedder } from '../../../src/embed/index.ts';
import { createOrtNodeBackend } from '../../../src/platform/node/index.ts';
import { resolveCliModel, resampleDescription } from './model-options.ts';

export const RANDOM_MODEL_ID = 'random';
export const RANDOM_MODEL_SEED = 0;

/** The model ids `--models` accepts besides encoder ids. */
export const BASELINE_MODEL_IDS = [DEFAULT_MODEL_ALIAS, HANDCRAFTED_ID, RANDOM_MODEL_ID] as const;

export interface BenchModelOptions {
  /** Checkpoint per model id (`--weights <id>=<file>`). */
  readonly weights: ReadonlyMap<string, string>;
  readonly threads: number | undefined;
  readonly quality: ResampleQuality;
}

/** `--weights a=x.ckpt --weights b=y.pt` → Map; a model named twice is an error. */
export function parseWeights(values: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of values) {
    const at = v.indexOf('=');
    if (at <= 0 || at === v.length - 1) throw new EmbedConfigError(`--weights takes <model id>=<checkpoint file>, got '${v}'`);
    const id = v.slice(0, at);
    if (out.has(id)) throw new EmbedConfigError(`--weights names '${id}' twice`);
    out.set(id, v.slice(at + 1));
  }
  return out;
}

/**
 * The subjects a pretraining run trained on, from its corpus.json (written by `pneuma pretrain`, bundled next to
 * Pneuma's own model). A file that is not such a report is an error.
 */
export function readCorpusSubjects(file: string, source: string): SubjectExclusion {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new PneumaError('bench-config', `${file}: not a readable corpus.json (${(e as Error).message})`);
  }
  const subjects = (parsed as { subjects?: unknown } | null)?.subjects;
  if (!Array.isArray(subjects) || !subjects.every((s) => typeof s === 'string' && s.includes(':'))) {
    throw new PneumaError('bench-config', `${file}: not a pretraining corpus report (no 'subjects' list of dataset:subject keys)`);
  }
  return { source, subjects: new Set(subjects as string[]) };
}

/** A checkpoint written by `pneuma pretrain` (or bundled from one) has its corpus.json beside it. */
function pretrainedOn(id: string, weightsFile: string): SubjectExclusion | undefined {
  const file = join(dirname(weightsFile), 'corpus.json');
  return existsSync(file) ? readCorpusSubjects(file, `${id} (${file})`) : undefined;
}

export async function createBenchModel(id: string, o: BenchModelOptions): Promise<BenchModel> {
  const resample = resampleDescription(o.quality);
  if (id === HANDCRAFTED_ID) {
    if (o.weights.has(id)) throw new EmbedConfigError(`'${id}' has no weights; drop --weights ${id}=…`);
    return {
      id,
      embedder: new HandcraftedEmbedder(HANDCRAFTED_CONFIG, { resample }),
      scaling: 'z-score',
      description: `handcrafted baseline: 13 MFCCs with deltas and 7 spectral/temporal descriptors, 13 functionals each (429 features) at ${HANDCRAFTED_CONFIG.sampleRate} Hz`,
    };
  }
  const random = id === RANDOM_MODEL_ID;
  if (random && o.weights.has(id)) throw new EmbedConfigError(`'${id}' is randomly initialised; drop --weights ${id}=…`);
  const file = o.weights.get(id);
  const m = random
    ? resolveCliModel({ model: DEFAULT_MODEL_ALIAS, pooling: 'default', randomInit: true, seed: String(RANDOM_MODEL_SEED) }, 'embedding')
    : resolveCliModel({ model: id, pooling: 'default', ...(file !== undefined ? { weights: file } : {}) }, 'embedding');
  const backend = await createOrtNodeBackend();
  const model = await EncoderModel.compile(m.spec, m.weights, { backend, ...(o.threads !== undefined ? { session: { threads: o.threads } } : {}) });
  const weights = m.source.kind === 'file' ? `weights ${m.source.file} (sha256 ${m.source.sha256.slice(0, 12)}…)` : `random weights, seed ${m.source.seed}`;
  const what = random ? `${m.def.id} architecture` : id === DEFAULT_MODEL_ALIAS ? `${DEFAULT_MODEL} (the bundled default model, ${m.def.id} architecture)` : id === m.def.id ? id : `${id} (${m.def.id} architecture)`;
  const corpus = m.source.kind === 'file' ? pretrainedOn(id, m.source.file) : undefined;
  return {
    id, embedder: new RecordingEmbedder(model, m.source, { resample }), scaling: 'none', description: `${what}, ${weights}, ${m.def.frontEnd.sampleRate} Hz`,
    ...(corpus !== undefined ? { pretrainedOn: corpus } : {}),
  };
}
