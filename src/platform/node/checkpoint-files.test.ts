import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initWeights } from '../../nn/index.ts';
import { buildTrainStep, initialTrainState, Trainer, TrainCheckpointError, type TrainState } from '../../train/index.ts';
import { type HostTensor } from '../../tensor/index.ts';
import { Rng, configHash } from '../../util/index.ts';
import { createOrtNodeBackend } from './index.ts';
import { saveCheckpoint, loadCheckpoint, checkpointPaths } from './checkpoint-files.ts';
import { batches, crossEntropy, imageProblem, smallCnn } from '../../../test/train/models.ts';

const config = { model: 'small-cnn', batch: 8, optimizer: 'adam', lr: 5e-3, schedule: 'epochExponential', seed: 5 };

function cnnStep() {
  return buildTrainStep({
    build: smallCnn(8),
    loss: crossEntropy,
    optimizer: { kind: 'adam', lr: 5e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-4 },
    schedule: { kind: 'epochExponential', stepsPerEpoch: 3, gamma: 0.97, warmup: { steps: 2, startFactor: 0.5 } },
    clip: { maxNorm: 1 },
  });
}

test('a run saved at step 5 and resumed from its files continues bit for bit like the uninterrupted run (ONNX Runtime)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pneuma-ckpt-'));
  try {
    const step = cnnStep();
    const backend = await createOrtNodeBackend();
    const source = batches(imageProblem(24, 3), 8, 2); // 3 batches per epoch: the resume point is mid-epoch
    const start = initialTrainState(step.io, initWeights(step.graph, Rng.seeded(7)), 5);
    const hash = configHash(config);

    const whole = new Trainer(await backend.createSession(step.model, { threads: 2 }), step.io, start);
    const full = await whole.fit(source, { steps: 12 });

    const first = new Trainer(await backend.createSession(step.model, { threads: 2 }), step.io, start);
    const path = join(dir, 'run', 'step-5');
    const head = await first.fit(source, { steps: 5, checkpointEvery: 5, onCheckpoint: (s) => void saveCheckpoint(path, s, { configHash: hash, optimizer: step.io.optimizer }) });
    const { state, meta } = loadCheckpoint(path, { configHash: hash });
    assert.deepEqual([meta.step, meta.epoch, meta.batchIndex], [5, 1, 2]);
    const resumed = new Trainer(await backend.createSession(step.model, { threads: 2 }), step.io, state);
    const tail = await resumed.fit(source, { steps: 12 });

    assert.deepEqual([...head, ...tail].map((r) => r.loss), full.map((r) => r.loss));
    assert.deepEqual([...head, ...tail].map((r) => r.metrics['lr']), full.map((r) => r.metrics['lr']));
    const a = resumed.state();
    const e = whole.state();
    for (const [k, v] of [...e.weights, ...e.optimizer] as [string, HostTensor][]) {
      const w = a.weights.get(k) ?? a.optimizer.get(k);
      assert.deepEqual([...((w as HostTensor).data as Float32Array)], [...(v.data as Float32Array)], k);
    }
    assert.deepEqual(a.rng, e.rng);
    assert.deepEqual(readdirSync(join(dir, 'run')).sort(), ['step-5.json', 'step-5.safetensors'], 'no temporary files are left');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('loading refuses a missing file, another run\'s config and a tensor file replaced under its meta', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pneuma-ckpt-'));
  try {
    const step = cnnStep();
    const state: TrainState = initialTrainState(step.io, initWeights(step.graph, Rng.seeded(1)), 0);
    const path = join(dir, 'a');
    const paths = saveCheckpoint(path, state, { configHash: 'h1', optimizer: 'adam' });
    assert.deepEqual(paths, checkpointPaths(path));
    assert.throws(() => loadCheckpoint(join(dir, 'missing')), (e: Error) => e instanceof TrainCheckpointError && /missing\.json: cannot read/.test(e.message));
    assert.throws(() => loadCheckpoint(path, { configHash: 'h2' }), /belongs to config h1/);
    const other = saveCheckpoint(join(dir, 'b'), initialTrainState(step.io, initWeights(step.graph, Rng.seeded(2)), 0), { configHash: 'h1', optimizer: 'adam' });
    writeFileSync(paths.tensors, readFileSync(other.tensors));
    assert.throws(() => loadCheckpoint(path), /a\.safetensors: does not match .*a\.json/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
