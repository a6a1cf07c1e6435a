/**
 * Model selection shared by `pneuma embed` and `pneuma export` (a helper module, not a subcommand):
 * `--model`, `--weights`, `--model-config`, `--pooling`, `--random-init`/`--seed`, the bundled default
 * weights under assets/models/, and the run description (`EmbedRunConfig`) the index and metadata carry.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { InputPolicy, Pooling } from '../../../src/encoders/types.ts';
import type { AnyEncoderDef } from '../../../src/encoders/registry.ts';
import {
  DEFAULT_MODEL, EmbedConfigError, bundledModel, checkpointWeights, missingWeightsError, randomEncoderWeights,
  resolveEncoder, resolveModelConfig, type ModelSpec, type WeightsSource,
} from '../../../src/embed/index.ts';
import type { HostTensor } from '../../../src/tensor/index.ts';
import { RESAMPLE_PRESETS, type ResampleQuality } from '../../../src/audio/resample.ts';

/** The resampler `pneuma embed` uses by default to bring audio to the front end's rate (`loadMono`'s 'hq'). */
export const DEFAULT_RESAMPLE: ResampleQuality = 'hq';

/** The resampler as recorded in the config hash and the index: its preset name and kernel. */
export function resampleDescription(quality: ResampleQuality): { quality: ResampleQuality; kernel: unknown } {
  return { quality, kernel: RESAMPLE_PRESETS[quality] };
}

export function parseResampleQuality(v: string): ResampleQuality {
  const all = Object.keys(RESAMPLE_PRESETS) as ResampleQuality[];
  if (!(all as string[]).includes(v)) throw new EmbedConfigError(`--resample must be one of ${all.join(', ')}, got '${v}'`);
  return v as ResampleQuality;
}

export interface ModelCliOptions {
  model: string;
  weights?: string;
  modelConfig?: string;
  pooling: string;
  randomInit?: boolean;
  seed?: string;
}

export interface CliModel {
  readonly def: AnyEncoderDef;
  readonly spec: ModelSpec;
  readonly weights: Map<string, HostTensor>;
  readonly source: WeightsSource;
}

const POOLINGS: readonly Pooling[] = ['default', 'freq-preserving'];

/** Add the model-selection options to a command. */
export function addModelOptions(cmd: Command): Command {
  return cmd
    .option('--model <id>', `encoder id or bundled model, 'default' = ${DEFAULT_MODEL} with its bundled weights; see \`pneuma models\``, 'default')
    .option('--weights <file>', 'checkpoint: PyTorch .pt/.pth/.bin/.ckpt (Lightning), .safetensors or .npz')
    .option('--model-config <file.json>', "architecture overrides in the reference implementation's own names (model_config.json, HuggingFace config.json)")
    .option('--pooling <p>', `token pooling: ${POOLINGS.join('|')} (freq-preserving: patch-based encoders only)`, 'default')
    .option('--random-init', 'random weights from each parameter\'s initialiser (speed tests, baselines); needs --seed')
    .option('--seed <n>', 'seed of --random-init');
}

/** Path of the checkpoint of the bundled model `name` under assets/models/, or null when there is none. */
export function bundledWeightsPath(name: string): string | null {
  const b = bundledModel(name);
  return b ? fileURLToPath(new URL(`../../../assets/models/${b.folder}/${b.file}`, import.meta.url)) : null;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function readBytes(path: string, what: string): Uint8Array {
  try {
    const b = readFileSync(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    throw new EmbedConfigError(`${what} ${path}: cannot read (${(e as Error).message})`, { cause: e });
  }
}

/** A JSON object from a file (a reference config or an input policy). */
export function readJsonObject(path: string, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder().decode(readBytes(path, what)));
  } catch (e) {
    if (e instanceof EmbedConfigError) throw e;
    throw new EmbedConfigError(`${what} ${path}: not JSON (${(e as Error).message})`, { cause: e });
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new EmbedConfigError(`${what} ${path}: must hold a JSON object`);
  return v as Record<string, unknown>;
}

/** An `InputPolicy` from inline JSON or a JSON file; its numbers are checked when it is applied. */
export function parseInputPolicy(text: string): InputPolicy {
  let v: unknown;
  try {
    v = JSON.parse(existsSync(text) ? readFileSync(text, 'utf8') : text);
  } catch (e) {
    throw new EmbedConfigError(`--input-policy: not JSON (${(e as Error).message})`, { cause: e });
  }
  const kinds = ['opera-entire', 'opera-split', 'windows', 'whole-or-windows', 'whole'];
  const kind = (v as { kind?: unknown } | null)?.kind;
  if (v === null || typeof v !== 'object' || typeof kind !== 'string' || !kinds.includes(kind)) {
    throw new EmbedConfigError(`--input-policy: expected an object with kind ${kinds.join('|')}, got ${JSON.stringify(v)}`);
  }
  return v as InputPolicy;
}

/** Encoder, config, weights and their source from the options; `output` is 'embedding' or a head. */
export function resolveCliModel(o: ModelCliOptions, output: string): CliModel {
  const def = resolveEncoder(o.model);
  const pooling = o.pooling as Pooling;
  if (!POOLINGS.includes(pooling)) throw new EmbedConfigError(`--pooling must be one of ${POOLINGS.join(', ')}, got '${o.pooling}'`);
  const cfg = resolveModelConfig(def, o.modelConfig !== undefined ? readJsonObject(o.modelConfig, '--model-config') : undefined);
  const spec: ModelSpec = { def, cfg, pooling, output };
  if (o.randomInit) {
    if (o.weights !== undefined) throw new EmbedConfigError('--random-init and --weights exclude each other');
    if (o.seed === undefined || !/^-?\d+$/.test(o.seed)) throw new EmbedConfigError(`--random-init needs --seed <integer>${o.seed !== undefined ? `, got '${o.seed}'` : ''}`);
    const seed = Number(o.seed);
    return { def, spec, weights: randomEncoderWeights(def, cfg, seed), source: { kind: 'random', seed } };
  }
  if (o.seed !== undefined) throw new EmbedConfigError('--seed applies to --random-init only');
  let file = o.weights;
  if (file === undefined) {
    const bundled = bundledWeightsPath(o.model);
    if (bundled === null || !existsSync(bundled)) throw missingWeightsError(def);
    file = bundled;
  }
  const bytes = readBytes(file, '--weights');
  const sha256 = sha256Hex(bytes);
  const expected = o.weights === undefined ? bundledModel(o.model)?.sha256 : undefined;
  if (expected !== undefined && expected !== sha256) {
    throw new EmbedConfigError(`bundled weights ${file}: sha256 ${sha256} differs from the recorded ${expected}; the installation is damaged`);
  }
  return { def, spec, weights: checkpointWeights(def, cfg, bytes, file), source: { kind: 'file', file, sha256 } };
}
