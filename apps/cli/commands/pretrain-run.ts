/**
 * The pretraining loop. Each step: the sampler names the batch's source, the training step for that
 * source's crop length takes the shared state (parameters, buffers, optimizer state, update counter, the
 * random-input Rng and the data position), the batch comes from the worker pipeline, one update runs, and
 * its loss and metrics are printed and appended to metrics.jsonl. Validation runs every
 * `validation.every` steps and at the end (evaluation mode, fixed augmentation draws, so the value depends
 * on the weights only). Checkpoints are written every `checkpointEvery` steps, at the end and when SIGINT
 * or SIGTERM arrives (after the current step; the process then exits with 130 / 143).
 *
 * `--resume` loads the newest checkpoint of --out (refusing one whose config hash differs), cuts
 * metrics.jsonl back to that step and continues: every later batch, augmentation and random input is a
 * function of the seed and the position (src/ssl/sampler.ts, the checkpointed Rng state), so the losses are
 * those of an uninterrupted run, bit for bit on the same backend and thread count.
 */
import { join } from 'node:path';
import { type StepReport, type TrainState, Trainer, initialTrainState } from '../../../src/train/index.ts';
import { type HostTensor, serializeSafetensors, toFloat64 } from '../../../src/tensor/index.ts';
import { encoderStateDict } from '../../../src/ssl/init-weights.ts';
import { streamRng } from '../../../src/ssl/sampler.ts';
import { PneumaError } from '../../../src/util/index.ts';
import { progressBar, writeFileAtomic } from '../../../src/platform/node/index.ts';
import type { PretrainSetup, StepFamily } from './pretrain-setup.ts';
import { type DataPosition, type MetricLine, RunFiles } from './pretrain-files.ts';
import { lossPng, lossSvg } from './pretrain-plot.ts';

export interface RunOptions {
  readonly setup: PretrainSetup;
  readonly out: string;
  readonly resume: boolean;
  readonly name: string;
  readonly batchSize: number;
  readonly checkpointEvery: number;
  readonly keepCheckpoints: number;
  readonly validation: { readonly every: number; readonly maxBatches: number };
  readonly seed: number;
  /** Progress bar instead of one line per step. */
  readonly tty: boolean;
  readonly quiet: boolean;
  readonly print: (line: string) => void;
  readonly log: (line: string) => void;
}

export interface RunResult {
  readonly status: 'done' | 'interrupted';
  readonly signal: NodeJS.Signals | null;
  readonly step: number;
}

const fmt = (v: number): string => (v === 0 || (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4) ? v.toFixed(4) : v.toExponential(3));

function familyFor(setup: PretrainSetup, epoch: number, index: number): { family: StepFamily; source: number } {
  const source = setup.pipeline.sampler.sourceOf(epoch, index);
  const frames = (setup.corpus.sources[source] as PretrainSetup['corpus']['sources'][number]).rule.frames;
  return { family: setup.families.get(frames) as StepFamily, source };
}

async function validate(setup: PretrainSetup, trainer: Trainer, maxBatches: number): Promise<MetricLine | null> {
  const { pipeline, corpus } = setup;
  const plan = corpus.sources.map((s, k) => ({ s, k, v: pipeline.validation[k] as { size: number; batches: number } })).filter((x) => x.v.batches > 0);
  if (plan.length === 0 || maxBatches === 0) return null;
  const per = Math.ceil(maxBatches / plan.length);
  let sum = 0;
  let acc = 0;
  let hasAccuracy = false;
  let n = 0;
  const line: MetricLine = {};
  for (const { s, k, v } of plan) {
    const ev = await setup.evalStep(s.rule.frames, v.size);
    let srcSum = 0;
    const count = Math.min(per, v.batches, maxBatches - n);
    if (count <= 0) break;
    for (let j = 0; j < count; j++) {
      const out = await trainer.evaluate(ev.session, ev.step.io, await pipeline.validationBatch(k, j));
      const loss = toFloat64(out['loss'] as HostTensor)[0] as number;
      srcSum += loss;
      sum += loss;
      if (out['accuracy']) {
        hasAccuracy = true;
        acc += toFloat64(out['accuracy'])[0] as number;
      }
      n++;
    }
    line[`val_loss/${s.rule.name}`] = srcSum / count;
  }
  return { val_loss: sum / n, ...(hasAccuracy ? { val_accuracy: acc / n } : {}), val_batches: n, ...line };
}

export async function runPretrain(o: RunOptions): Promise<RunResult> {
  const { setup } = o;
  const files = new RunFiles(o.out);
  const first = [...setup.families.values()][0] as StepFamily;
  let state: TrainState;
  let history: MetricLine[] = [];
  if (o.resume) {
    const loaded = files.load(setup.configHash);
    if (loaded.position.corpus !== setup.corpus.fingerprint) throw new PneumaError('pretrain-resume', `${o.out}: the checkpoint was trained on corpus ${loaded.position.corpus}, this run's corpus is ${setup.corpus.fingerprint}`);
    state = loaded.state;
    history = files.truncateMetrics(state.step);
    o.log(`resuming from step ${state.step} (epoch ${state.epoch}, batch ${state.batchIndex})`);
  } else {
    if (files.latest() !== null) throw new PneumaError('pretrain-config', `${o.out} already holds a run (checkpoints/latest.json); pass --resume to continue it, or choose another --out`);
    state = initialTrainState(first.step.io, setup.initial.weights, streamRng('random-inputs', o.seed).nextUint32());
    files.truncateMetrics(-1);
  }
  const trainers = new Map<number, Trainer>();
  const trainerOf = (f: StepFamily): Trainer => {
    let t = trainers.get(f.frames);
    if (!t) {
      t = new Trainer(f.session, f.step.io, state, { samplesPerStep: o.batchSize });
      trainers.set(f.frames, t);
    }
    return t;
  };
  let current = trainerOf(familyFor(setup, state.epoch, state.batchIndex).family);
  let { epoch, batchIndex } = state;
  let step = state.step;
  const total = setup.totalSteps;
  const perEpoch = setup.pipeline.batchesPerEpoch;

  let stopSignal: NodeJS.Signals | null = null;
  const onSignal = (s: NodeJS.Signals) => {
    stopSignal = s;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const position = (): DataPosition => {
    const next = setup.pipeline.sampler.plan(epoch, batchIndex);
    return { step, epoch, batchIndex, next: { source: (setup.corpus.sources[next.source] as (typeof setup.corpus.sources)[number]).rule.name, cycle: next.cycle, slot: next.slot }, corpus: setup.corpus.fingerprint };
  };
  const writePlots = () => {
    const all = files.readMetrics();
    const curves = {
      title: `${o.name}: loss`,
      train: all.filter((m) => typeof m['loss'] === 'number').map((m) => ({ step: m['step'] as number, loss: m['loss'] as number })),
      val: all.filter((m) => typeof m['val_loss'] === 'number').map((m) => ({ step: m['step'] as number, loss: m['val_loss'] as number })),
    };
    writeFileAtomic(join(o.out, 'loss.svg'), lossSvg(curves));
    writeFileAtomic(join(o.out, 'loss.png'), lossPng(curves));
  };
  const checkpoint = () => {
    files.save(current.state(), setup.configHash, setup.optimizer.kind, position(), o.keepCheckpoints);
    writePlots();
  };
  const runValidation = async () => {
    const v = await validate(setup, current, o.validation.maxBatches);
    if (v === null) return;
    const line = { step, ...v };
    files.appendMetric(line);
    history.push(line);
    if (!o.quiet) o.print(`step ${step}/${total}  validation loss ${fmt(v['val_loss'] as number)}${typeof v['val_accuracy'] === 'number' ? `  accuracy ${fmt(v['val_accuracy'])}` : ''}  (${v['val_batches']} batches)`);
  };

  const bar = o.tty && !o.quiet ? progressBar('pretrain', total - step) : null;
  const t0 = performance.now();
  const wait0 = setup.pipeline.waitSeconds;
  let runSeconds = 0;
  let last: StepReport | null = null;
  try {
    while (step < total && stopSignal === null) {
      const { family, source } = familyFor(setup, epoch, batchIndex);
      const next = trainerOf(family);
      if (next !== current) {
        next.restore(current.state());
        current = next;
      }
      const waitBefore = setup.pipeline.waitSeconds;
      const [report] = await current.fit(setup.pipeline, { steps: step + 1 });
      last = report as StepReport;
      runSeconds += last.seconds;
      const line: MetricLine = {
        step: last.step, epoch, batch: batchIndex, source: (setup.corpus.sources[source] as (typeof setup.corpus.sources)[number]).rule.name,
        loss: last.loss, ...last.metrics, seconds: last.seconds, samples_per_s: last.samplesPerSecond, wait_s: setup.pipeline.waitSeconds - waitBefore,
      };
      files.appendMetric(line);
      history.push(line);
      step = last.step;
      if (++batchIndex === perEpoch) {
        epoch++;
        batchIndex = 0;
      }
      if (bar) bar.tick(1, { loss: fmt(last.loss), 'samples/s': last.samplesPerSecond.toFixed(1) });
      else if (!o.quiet) {
        const acc = typeof last.metrics['accuracy'] === 'number' ? `  acc ${fmt(last.metrics['accuracy'])}` : '';
        o.print(`step ${step}/${total}  epoch ${line['epoch']}  batch ${line['batch']}/${perEpoch}  ${line['source']}  loss ${fmt(last.loss)}${acc}  lr ${(last.metrics['lr'] ?? 0).toExponential(2)}  ${last.samplesPerSecond.toFixed(1)} samples/s  wait ${(line['wait_s'] as number).toFixed(3)} s`);
      }
      if (step % o.validation.every === 0 && step < total) await runValidation();
      if (step % o.checkpointEvery === 0 && step < total) checkpoint();
    }
    if (stopSignal === null && !history.some((m) => m['step'] === step && 'val_loss' in m)) await runValidation();
    checkpoint();
  } finally {
    bar?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const seconds = (performance.now() - t0) / 1000;
  const waited = setup.pipeline.waitSeconds - wait0;
  if (stopSignal !== null) {
    o.log(`${stopSignal}: checkpoint written at step ${step}; continue with --resume`);
    return { status: 'interrupted', signal: stopSignal, step };
  }
  const final = current.state();
  const weights = new Map([...final.weights]);
  writeFileAtomic(join(o.out, 'weights.safetensors'), serializeSafetensors(weights, { format: 'pt' }, 'weights.safetensors'));
  writeFileAtomic(join(o.out, 'encoder.safetensors'), serializeSafetensors(encoderStateDict(setup.model, weights, setup.initial.extras), { format: 'pt' }, 'encoder.safetensors'));
  const trainLosses = history.filter((m) => typeof m['loss'] === 'number');
  const vals = history.filter((m) => typeof m['val_loss'] === 'number');
  writeFileAtomic(join(o.out, 'summary.json'), `${JSON.stringify({
    steps: step, epochs: step / perEpoch, stepsPerEpoch: perEpoch, configHash: setup.configHash,
    finalLoss: trainLosses.at(-1)?.['loss'] ?? null, finalValLoss: vals.at(-1)?.['val_loss'] ?? null,
    seconds, trainStepSeconds: runSeconds, waitSeconds: waited, assemblySeconds: setup.pipeline.assemblySeconds,
    samplesPerSecond: trainLosses.length > 0 ? (o.batchSize * trainLosses.length) / trainLosses.reduce((a, m) => a + (m['seconds'] as number), 0) : null,
  }, null, 2)}\n`);
  o.log(`done: ${step} steps in ${seconds.toFixed(1)} s (steps ${runSeconds.toFixed(1)} s, waiting for batches ${waited.toFixed(2)} s) → ${join(o.out, 'encoder.safetensors')}`);
  return { status: 'done', signal: null, step };
}
