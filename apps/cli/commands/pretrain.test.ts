/**
 * `pneuma pretrain` end to end, as separate processes: the `smoke` preset on generated audio runs to the
 * end and writes its checkpoint, plots and an encoder that binds strictly; a run killed with SIGKILL after
 * a mid-epoch checkpoint, resumed, stopped by SIGTERM and resumed again produces exactly the per-step
 * losses of the uninterrupted run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { operaCe } from '../../../src/encoders/opera-ce.ts';
import { loadEncoderWeights } from '../../../src/encoders/weights.ts';

const CLI = fileURLToPath(new URL('../pneuma.mjs', import.meta.url));

function start(args: readonly string[]): { child: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [CLI, 'pretrain', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

const latestStep = (out: string): number => {
  const p = join(out, 'checkpoints', 'latest.json');
  if (!existsSync(p)) return 0;
  try {
    return (JSON.parse(readFileSync(p, 'utf8')) as { step: number }).step;
  } catch {
    return 0;
  }
};

async function until(cond: () => boolean, what: string, exited: Promise<unknown>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  while (!cond()) {
    if (gone) throw new Error(`the process exited before ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** [step, loss] of every training step and [step, val_loss] of every validation, in file order. */
function losses(out: string): [string, number, number][] {
  return readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>)
    .map((o) => ('val_loss' in o ? ['val', o['step'] as number, o['val_loss'] as number] : ['train', o['step'] as number, o['loss'] as number]));
}

test('pretrain smoke: runs to the end, prints every step, checkpoints, refuses to mix runs, and a SIGKILLed then SIGTERMed run resumes to the identical losses', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pneuma-pretrain-'));
  try {
    const common = ['--config', 'smoke', '--data', 'synthetic', '--store', join(dir, 'store'), '--threads', '1'];
    const a = join(dir, 'a');
    const ra = await start([...common, '--out', a]).done;
    assert.equal(ra.code, 0, ra.stderr);
    const stepLines = ra.stdout.split('\n').filter((l) => /^step \d+\/12  epoch .* loss /.test(l));
    assert.equal(stepLines.length, 12, ra.stdout);
    const la = losses(a);
    const train = la.filter((x) => x[0] === 'train');
    assert.deepEqual(train.map((x) => x[1]), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    stepLines.forEach((l, k) => assert.match(l, new RegExp(`loss ${(train[k]![2]).toFixed(4)}`)));
    assert.ok(train.every((x) => Number.isFinite(x[2]) && x[2] > 0));
    assert.deepEqual(la.filter((x) => x[0] === 'val').map((x) => x[1]), [6, 12]);
    assert.equal(latestStep(a), 12);
    for (const f of ['loss.svg', 'loss.png', 'weights.safetensors', 'encoder.safetensors', 'model_config.json', 'summary.json', 'corpus.json', 'config.json']) assert.ok(existsSync(join(a, f)), f);
    const cfg = operaCe.fromReferenceConfig(JSON.parse(readFileSync(join(a, 'model_config.json'), 'utf8')) as Record<string, unknown>, operaCe.presets.full);
    const enc = loadEncoderWeights(operaCe, cfg, new Uint8Array(readFileSync(join(a, 'encoder.safetensors'))), 'encoder.safetensors');
    assert.ok(enc.has('cnn1.weight') && enc.has('efficientnet._conv_head.weight'));
    const overwrite = await start([...common, '--out', a]).done;
    assert.equal(overwrite.code, 2);
    assert.match(overwrite.stderr, /already holds a run .* pass --resume/);
    const otherRun = await start([...common, '--out', a, '--steps', '13', '--resume']).done;
    assert.equal(otherRun.code, 2);
    assert.match(otherRun.stderr, /belongs to config [0-9a-f]+, this run's config is [0-9a-f]+/);

    const b = join(dir, 'b');
    const killed = start([...common, '--out', b]);
    await until(() => latestStep(b) >= 5, 'the step-5 checkpoint', killed.done);
    killed.child.kill('SIGKILL');
    const rk = await killed.done;
    assert.equal(rk.signal, 'SIGKILL');
    const position = JSON.parse(readFileSync(join(b, 'checkpoints', `step-${String(latestStep(b)).padStart(8, '0')}.data.json`), 'utf8')) as { batchIndex: number };
    assert.ok(latestStep(b) < 12);
    if (latestStep(b) === 5) assert.equal(position.batchIndex, 1, 'step 5 of 4-step epochs is mid-epoch');

    const resumed = start([...common, '--out', b, '--resume']);
    await until(() => latestStep(b) >= 10, 'the step-10 checkpoint', resumed.done);
    resumed.child.kill('SIGTERM');
    const rt = await resumed.done;
    assert.equal(rt.code, 143, rt.stderr);
    assert.match(rt.stderr, /SIGTERM: checkpoint written at step \d+/);
    const again = await start([...common, '--out', b, '--resume']).done;
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(losses(b), la, 'identical losses, bit for bit, to the uninterrupted run');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
