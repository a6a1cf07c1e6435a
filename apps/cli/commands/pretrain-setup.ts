/**
 * Everything a pretraining run needs before its first step: the encoder, the corpus (built into the store),
 * the batch pipeline, the run length, the resolved schedule and optimizer, the run's config hash, one
 * training step (ONNX model + ONNX Runtime session) per distinct crop length (a static-shape step per input
 * shape; all share one set of parameter names), evaluation steps on demand, and the initial weights.
 */
import { readFileSync } from 'node:fs';
import type { ResampleQuality } from '../../../src/audio/resample.ts';
import { type EvalStep, type OptimizerSpec, type ScheduleSpec, type TrainStep, buildEvalStep, buildTrainStep } from '../../../src/train/index.ts';
import type { Session } from '../../../src/runtime/index.ts';
import { loadStateDict } from '../../../src/tensor/index.ts';
import { configHash, sha256Hex } from '../../../src/util/index.ts';
import type { PretrainConfig } from '../../../src/ssl/config.ts';
import { type PretrainModel, buildPretrainGraph, resolvePretrainModel } from '../../../src/ssl/pretrain-step.ts';
import { type InitialWeights, initialWeights } from '../../../src/ssl/init-weights.ts';
import { CorpusError, SslConfigError } from '../../../src/ssl/errors.ts';
import type { Corpus } from '../../../src/ssl/corpus.ts';
import { type BuiltCorpus, buildPretrainCorpus } from '../../../src/platform/node/pretrain-corpus.ts';
import { BatchPipeline } from '../../../src/platform/node/pretrain-batches.ts';
import { createOrtNodeBackend } from '../../../src/platform/node/index.ts';
import type { Progress } from '../../../src/platform/node/progress.ts';

export interface SetupOptions {
  readonly config: PretrainConfig;
  /** Absolute data root, or null for the synthetic sources. */
  readonly dataRoot: string | null;
  /** Absolute paths of the hold-out's `always` data roots. */
  readonly holdoutRoots: readonly string[];
  /** Absolute path of the initial weights, or null. */
  readonly init: string | null;
  /** Overrides the config's run length. */
  readonly steps: number | null;
  readonly threads: number | undefined;
  readonly storeRoot: string;
  readonly quality: ResampleQuality;
  readonly workers: number;
  readonly log: (line: string) => void;
  readonly progress?: (label: string, total: number) => Progress;
  /** Called with the run's config hash once it is known, before the (slow) step building; may throw. */
  readonly checkHash?: (configHash: string) => void;
}

export interface StepFamily {
  readonly frames: number;
  readonly step: TrainStep;
  readonly session: Session;
}

export interface PretrainSetup {
  readonly model: PretrainModel;
  readonly built: BuiltCorpus;
  /** The corpus without sources too small for one batch. */
  readonly corpus: Corpus;
  readonly pipeline: BatchPipeline;
  readonly totalSteps: number;
  readonly optimizer: OptimizerSpec;
  readonly schedule: ScheduleSpec;
  /** What the run id hashes: the config (less name and description), run length, corpus and init file. */
  readonly resolved: Readonly<Record<string, unknown>>;
  readonly configHash: string;
  /** Training steps by crop length. */
  readonly families: ReadonlyMap<number, StepFamily>;
  readonly initial: InitialWeights;
  evalStep(frames: number, batch: number): Promise<{ readonly step: EvalStep; readonly session: Session }>;
  release(): Promise<void>;
}

function resolveSchedule(c: PretrainConfig['schedule'], stepsPerEpoch: number, total: number): ScheduleSpec {
  const w = c.warmup ? { warmup: c.warmup } : {};
  switch (c.kind) {
    case 'constant':
      return { kind: 'constant', ...w };
    case 'epochExponential':
      return { kind: 'epochExponential', stepsPerEpoch, gamma: c.gamma, ...w };
    case 'cosine':
      return { kind: 'cosine', steps: Math.max(1, total - (c.warmup?.steps ?? 0)), minLr: c.minLr, ...w };
  }
}

function resolveOptimizer(c: PretrainConfig['optimizer']): OptimizerSpec {
  const patterns = (c.noDecay ?? []).map((p) => new RegExp(p));
  return {
    kind: c.kind, lr: c.lr, betas: [c.betas[0], c.betas[1]], eps: c.eps, weightDecay: c.weightDecay,
    ...(patterns.length > 0 ? { groups: [{ match: (name: string) => patterns.some((re) => re.test(name)), weightDecay: 0 }] } : {}),
  };
}

export async function setupPretrain(o: SetupOptions): Promise<PretrainSetup> {
  const { config } = o;
  const model = resolvePretrainModel(config.encoder, config.objective);
  const built = await buildPretrainCorpus({
    data: config.data, dataRoot: o.dataRoot, holdoutRoots: o.holdoutRoots, frontEnd: model.def.frontEnd, storeRoot: o.storeRoot, quality: o.quality, workers: o.workers,
    needsCrop: config.objective.kind === 'cola', validation: config.validation, seed: config.seed, log: o.log, ...(o.progress ? { progress: o.progress } : {}),
  });
  const small = built.corpus.sources.filter((s) => s.train.length < config.batchSize);
  for (const s of small) o.log(`source '${s.rule.name}' left out: ${s.train.length} training recordings, fewer than one batch of ${config.batchSize}`);
  const corpus: Corpus = { ...built.corpus, sources: built.corpus.sources.filter((s) => s.train.length >= config.batchSize) };
  if (corpus.sources.length === 0) {
    built.store.close();
    throw new CorpusError(`no source has a full batch of ${config.batchSize} training recordings (${built.corpus.sources.map((s) => `${s.rule.name}: ${s.train.length}`).join(', ')})`);
  }
  const patches = corpus.sources.map((s) => (model.mae ? model.mae.patches(s.rule.frames) : 0));
  const pipeline = new BatchPipeline({
    corpus, dataFile: built.store.dataFile, objective: config.objective, patches, batchSize: config.batchSize, seed: config.seed, valSeed: config.validation.splitSeed,
  });
  const perEpoch = pipeline.batchesPerEpoch;
  const totalSteps = o.steps ?? ('steps' in config.length ? config.length.steps : config.length.epochs * perEpoch);
  const schedule = resolveSchedule(config.schedule, perEpoch, totalSteps);
  const optimizer = resolveOptimizer(config.optimizer);
  const initBytes = o.init === null ? null : new Uint8Array(readFileSync(o.init));
  const { name: _name, description: _description, ...rest } = config;
  const resolved = { config: rest, totalSteps, stepsPerEpoch: perEpoch, schedule, corpus: corpus.fingerprint, sources: corpus.sources.map((s) => s.rule.name), init: initBytes === null ? null : sha256Hex(initBytes) };
  const hash = configHash(resolved);
  try {
    o.checkHash?.(hash);
  } catch (e) {
    await pipeline.close();
    built.store.close();
    throw e;
  }

  const backend = await createOrtNodeBackend();
  const sessionOpts = o.threads !== undefined ? { threads: o.threads } : {};
  const families = new Map<number, StepFamily>();
  const released: Session[] = [];
  try {
    for (const frames of [...new Set(corpus.sources.map((s) => s.rule.frames))].sort((a, b) => a - b)) {
      const t0 = performance.now();
      const step = buildTrainStep({
        build: (b, mode) => buildPretrainGraph(b, model, config.objective, { batch: config.batchSize, frames }, mode),
        loss: (_b, out) => ({ loss: out.loss, metrics: out.metrics }),
        optimizer, schedule, ...(config.clip ? { clip: config.clip } : {}),
        name: `${config.name}_train_step_T${frames}`,
      });
      const session = await backend.createSession(step.model, sessionOpts);
      released.push(session);
      families.set(frames, { frames, step, session });
      o.log(`training step for ${frames}-frame inputs: ${step.graph.nodes.length} graph nodes, ${step.io.params.length} trained tensors, ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    const first = [...families.values()][0] as StepFamily;
    const names = (s: TrainStep) => s.io.declared.map((d) => `${d.name}:${d.shape.join('x')}`).join(',');
    for (const f of families.values()) {
      if (names(f.step) !== names(first.step)) throw new SslConfigError(`the training steps for ${first.frames} and ${f.frames} frames declare different parameters`);
    }
    const initial = initialWeights(first.step.graph, model, config.seed, initBytes === null ? null : { stateDict: loadStateDict(initBytes, o.init as string), file: o.init as string });
    if (initial.how !== 'random') o.log(`initial weights from ${o.init} (${initial.how === 'full' ? 'the full pretraining state dict' : `the encoder; ${initial.fromInit.length} head tensors initialised at random`})`);
    const evals = new Map<string, Promise<{ step: EvalStep; session: Session }>>();
    return {
      model, built, corpus, pipeline, totalSteps, optimizer, schedule, resolved, configHash: hash, families, initial,
      evalStep(frames, batch) {
        const key = `${frames}x${batch}`;
        let p = evals.get(key);
        if (!p) {
          p = (async () => {
            const step = buildEvalStep({
              build: (b, mode) => buildPretrainGraph(b, model, config.objective, { batch, frames }, mode),
              outputs: (_b, out) => ({ loss: out.loss, ...out.metrics }),
              name: `${config.name}_eval_step_T${frames}_B${batch}`,
            });
            const session = await backend.createSession(step.model, sessionOpts);
            released.push(session);
            return { step, session };
          })();
          evals.set(key, p);
        }
        return p;
      },
      async release() {
        await pipeline.close();
        for (const s of released) await s.release();
        built.store.close();
      },
    };
  } catch (e) {
    await pipeline.close();
    for (const s of released) await s.release();
    built.store.close();
    throw e;
  }
}
