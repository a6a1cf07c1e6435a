/**
 * `pneuma embed <files|folders|manifest|list>… --model <id> --out x.npy`: one float32 row per input that
 * could be embedded, in input order, in `x.npy` ([rows, dim]), and `x.index.json` describing the run
 * (model, config hash, weights, front end, input policy, pooling), each row (source, segments, duration)
 * and every input that failed (source, error kind, message). Bad inputs are reported and skipped.
 * Interrupted runs resume from `x.npy.partial/` when restarted with the same arguments.
 *
 * Exit codes: 0 every input embedded; 3 finished, but some inputs failed (listed in the index);
 * 2 the run could not start or was aborted (bad options, unreadable weights, …); 1 bad usage.
 */
import { readFileSync, statSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { AudioError } from '../../../src/audio/errors.ts';
import {
  EncoderModel, RecordingEmbedder, SEGMENT_POOLING, checkInputPolicy, embedConfigHash, embedRunConfig, exportMetadata,
} from '../../../src/embed/index.ts';
import type { InputPolicy } from '../../../src/encoders/types.ts';
import { parseNpy } from '../../../src/tensor/index.ts';
import { PneumaError, canonicalJson, fmtShape, sha256Hex } from '../../../src/util/index.ts';
import { loadMono } from '../../../src/platform/node/audio-file.ts';
import { AUDIO_EXTENSIONS, SPECTROGRAM_EXTENSIONS, listEmbedInputs, type EmbedInput } from '../../../src/platform/node/embed-inputs.ts';
import { indexPathFor, runEmbedJob, type JobItemResult } from '../../../src/platform/node/embed-job.ts';
import { MonoLoaderPool, prefetch } from '../../../src/platform/node/mono-loader-pool.ts';
import { streamMono } from '../../../src/platform/node/mono-stream.ts';
import { createOrtNodeBackend, progressBar, statFile } from '../../../src/platform/node/index.ts';
import {
  DEFAULT_RESAMPLE, addModelOptions, parseInputPolicy, parseResampleQuality, resampleDescription, resolveCliModel, type ModelCliOptions,
} from './model-options.ts';

/** Exit code of a run that finished with failed inputs. */
export const EXIT_SOME_FAILED = 3;

export const EMBEDDINGS_FORMAT = 'pneuma-embeddings/1';

interface EmbedCliOptions extends ModelCliOptions {
  out: string;
  head?: string;
  fromSpectrogram?: boolean;
  inputPolicy?: string;
  root?: string;
  threads?: string;
  batch: string;
  restart?: boolean;
  quiet?: boolean;
  resample: string;
  decodeWorkers: string;
  streamAbove: string;
}

const HELP = `
Inputs: audio files (${AUDIO_EXTENSIONS.join(' ')}), folders (searched recursively, sorted by path), dataset
manifests (.json from a dataset adapter; paths relative to --root or the manifest's folder) and path lists
(.txt/.lst one path per line; .csv with a 'path' column; relative to the list's folder). With
--from-spectrogram the inputs are .npy spectrograms in the encoder front end's layout (OPERA [T, 64] or
[1, T, 64]), fed to the encoder's modelInputs as OPERA's precomputed-spectrogram path does.

Output: x.npy float32 [rows, dim], one row per embedded input in input order; x.index.json maps rows to
sources and lists failed inputs. Work in progress lives in x.npy.partial/; rerun the same command to resume.
Exit codes: 0 all embedded, 3 some inputs failed (see the index), 2 the run could not start or was aborted.`;

function failureKind(e: PneumaError): string {
  return e instanceof AudioError ? `audio:${e.kind}` : e.code;
}

/** Size of a file in bytes, or 0 when it cannot be stat'ed (reading it then fails with a typed error). */
function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function intOption(v: string | undefined, name: string, min: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new PneumaError('embed-config', `${name} must be an integer ≥ ${min}, got '${v}'`);
  return Number(v);
}

export function register(program: Command): void {
  const cmd = program
    .command('embed')
    .description('embed recordings (or precomputed spectrograms) with an encoder: one float32 row per input in x.npy plus x.index.json')
    .argument('<inputs...>', 'audio files, folders, a dataset manifest (.json) or a path list (.txt/.csv)')
    .requiredOption('--out <x.npy>', 'output .npy; the index goes next to it as x.index.json');
  addModelOptions(cmd)
    .option('--head <name>', "write this graph output instead of the embedding (e.g. efficientat-mn04 'logits')")
    .option('--from-spectrogram', 'inputs are .npy spectrograms in the front end layout')
    .option('--input-policy <json>', "override the encoder's input policy (JSON or a JSON file), e.g. '{\"kind\":\"opera-entire\",\"trim\":null,\"minSeconds\":2,\"pad\":\"repeat\"}'")
    .option('--resample <q>', "resampler to the front end's rate: hq (Kaiser-windowed sinc, 48 zero crossings) | torchaudio (torchaudio 0.13 defaults)", DEFAULT_RESAMPLE)
    .option('--decode-workers <n>', 'worker threads decoding and resampling the next recordings while the model runs (0: decode in the main thread)', '1')
    .option('--stream-above <MB>', "under a 'windows' input policy, recordings larger than this are decoded as a stream and never held in memory", '64')
    .option('--root <dir>', 'folder that manifest record paths are relative to (default: the manifest\'s folder)')
    .option('--threads <n>', 'intra-op threads of the runtime (default: all cores)')
    .option('--batch <n>', 'model inputs of one shape run together (encoders with a dynamic batch axis)', '1')
    .option('--restart', 'discard an interrupted run with other settings instead of refusing to start')
    .option('--quiet', 'no progress bar')
    .addHelpText('after', HELP)
    .action(async (args: string[], o: EmbedCliOptions) => {
      await embedCommand(args, o);
    });
}

async function embedCommand(args: string[], o: EmbedCliOptions): Promise<void> {
  const output = o.head ?? 'embedding';
  const spectrograms = o.fromSpectrogram === true;
  if (spectrograms && o.inputPolicy !== undefined) throw new PneumaError('embed-config', '--input-policy applies to audio inputs, not --from-spectrogram');
  const threads = intOption(o.threads, '--threads', 0);
  const batch = intOption(o.batch, '--batch', 1) as number;
  const decodeWorkers = spectrograms ? 0 : (intOption(o.decodeWorkers, '--decode-workers', 0) as number);
  const quality = parseResampleQuality(o.resample);
  const streamAboveBytes = (intOption(o.streamAbove, '--stream-above', 0) as number) * 1e6;
  const inputs = listEmbedInputs(args, { extensions: spectrograms ? SPECTROGRAM_EXTENSIONS : AUDIO_EXTENSIONS, ...(o.root !== undefined ? { root: o.root } : {}) });
  if (inputs.length === 0) throw new PneumaError('embed-config', 'no inputs');

  const m = resolveCliModel(o, output);
  const policy: InputPolicy | 'spectrogram' = spectrograms ? 'spectrogram' : o.inputPolicy !== undefined ? parseInputPolicy(o.inputPolicy) : m.def.input;
  if (policy !== 'spectrogram') checkInputPolicy(policy, m.def.frontEnd.sampleRate, m.def.id);
  const backend = await createOrtNodeBackend();
  const model = await EncoderModel.compile(m.spec, m.weights, {
    backend,
    batch,
    ...(threads !== undefined ? { session: { threads } } : {}),
    metadata: (g) => exportMetadata(m.def, g, embedRunConfig({ ...m.spec, output: 'embedding' }, m.source, m.def.input, resampleDescription(DEFAULT_RESAMPLE))),
  });
  const embedder = new RecordingEmbedder(model, m.source, { resample: resampleDescription(quality) });
  const run = embedder.runConfig(policy);
  const configHash = embedConfigHash(run);
  const sampleRate = embedder.sampleRate;

  const weights = m.source.kind === 'file' ? { file: m.source.file, sha256: m.source.sha256 } : { random: true, seed: m.source.seed };
  const indexHeader = {
    format: EMBEDDINGS_FORMAT,
    model: m.def.id,
    title: m.def.title,
    output,
    configHash,
    dtype: 'float32',
    weights,
    modelConfig: m.spec.cfg,
    resample: run.resample,
    frontEnd: run.frontEnd,
    input: run.input,
    pooling: run.pooling,
    segmentPooling: SEGMENT_POOLING,
    batch,
  };
  const identity = { configHash, batch, inputs: sha256Hex(canonicalJson(inputs.map((i) => [i.source, i.id ?? null]))), count: inputs.length };

  let failed = 0;
  const pool = decodeWorkers > 0 ? new MonoLoaderPool(decodeWorkers) : null;
  const streams = policy !== 'spectrogram' && policy.kind === 'windows';
  const audio = prefetch(
    inputs.length,
    (k): Promise<Float32Array | 'stream'> => {
      const path = (inputs[k] as EmbedInput).source;
      if (streams && fileSize(path) > streamAboveBytes) return Promise.resolve('stream');
      return pool ? pool.load(path, sampleRate, quality) : loadMono(path, sampleRate, { quality });
    },
    decodeWorkers,
  );
  const bar = progressBar('embed', inputs.length, { quiet: o.quiet === true });
  const embedOne = async (input: EmbedInput, k: number): Promise<JobItemResult> => {
    try {
      if (spectrograms) {
        statFile(input.source);
        const t = parseNpy(readFileSync(input.source), input.source);
        const e = await embedder.embedSpectrogram(t);
        return { ok: true, row: e.embedding, info: { shape: [...t.shape], modelInputs: e.inputs } };
      }
      const x = await audio.get(k);
      const opts = { input: policy as InputPolicy };
      const r = x === 'stream'
        ? await embedder.embedStream(streamMono(input.source, sampleRate, quality), sampleRate, opts)
        : await embedder.embedRecording(x, sampleRate, opts);
      return { ok: true, row: r.embedding, info: { durationS: r.durationS, segments: r.segments, segmentsUsed: r.segmentsUsed, modelInputs: r.modelInputs } };
    } catch (e) {
      if (!(e instanceof PneumaError)) throw e;
      return { ok: false, kind: failureKind(e), message: e.message.startsWith(input.source) ? e.message : `${input.source}: ${e.message}` };
    }
  };
  let summary;
  try {
    summary = await runEmbedJob({
      out: o.out,
      inputs,
      dim: embedder.dim,
      identity,
      indexHeader,
      process: embedOne,
      ...(o.restart ? { restart: true } : {}),
      onItem: (input, r, resumed) => {
        if (!r.ok) {
          failed++;
          if (!resumed) process.stderr.write(`pneuma embed: skipped ${r.message ?? input.source}\n`);
        }
        bar.tick(1, { failed });
      },
    });
  } finally {
    bar.stop();
    await pool?.close();
    await embedder.release();
  }
  const resumed = summary.resumed > 0 ? ` (${summary.resumed} taken from the interrupted run)` : '';
  process.stdout.write(`${summary.rows} of ${inputs.length} input(s) embedded with ${m.def.id} ${fmtShape([summary.rows, embedder.dim])}${resumed} -> ${summary.out}, ${indexPathFor(o.out)}\n`);
  if (summary.failed.length > 0) {
    process.stderr.write(`pneuma embed: ${summary.failed.length} input(s) failed; they are listed under "failed" in ${summary.index}\n`);
    throw new CommanderError(EXIT_SOME_FAILED, 'pneuma.embed.failed', `${summary.failed.length} input(s) failed`);
  }
}
