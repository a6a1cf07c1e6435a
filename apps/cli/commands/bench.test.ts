import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../test/helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'pneuma-bench-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the example suite runs on the bundled recordings with the bundled default model, minus its pretraining subjects; a rerun is served from the cache', async () => {
  const args = ['bench', '--suite', 'example', '--models', 'default', '--cache', join(dir, 'cache'), '--out', join(dir, 'out'), '--quiet', '--threads', '1'];
  const r = await runCli(args);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /2 result\(s\) for 2 task\(s\) x 1 model\(s\)/);
  const rows = readFileSync(join(dir, 'out', 'results.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(rows.map((x) => x['task']), ['kauh-obstructive', 'hear-covid19-cough-telegram']);
  for (const row of rows) {
    assert.equal(row['model'], 'default');
    assert.equal(row['encoder'], 'efficientat-mn04');
    for (const k of ['mean', 'std', 'pooled']) assert.ok(Number.isFinite(row[k]), `${k} = ${row[k]}`);
    const ci = row['ci95'] as number[];
    assert.ok(ci[0] !== undefined && ci[1] !== undefined && 0 <= ci[0] && ci[0] <= ci[1] && ci[1] <= 1);
    assert.equal(row['leak'], false);
  }
  assert.deepEqual(rows.map((x) => x['n_test']), [36, 40]);
  const html = readFileSync(join(dir, 'out', 'report.html'), 'utf8');
  assert.equal(html.split('<svg').length - 1, 3, 'score chart and one ROC chart per task');
  assert.match(readFileSync(join(dir, 'out', 'results.md'), 'utf8'), /\| kauh-obstructive: KAUH: obstructive .* \| subject-4fold \| AUROC ↑ \| 36 \| \d\.\d{3} ± /);
  assert.match(readFileSync(join(dir, 'out', 'results.md'), 'utf8'), /- Left out: 0 recordings of the \d{3} subjects in the pretraining corpus of default \(.*assets\/models\/pneuma-resp\/corpus\.json\)/, "the default model's corpus.json is applied: the examples are held-out subjects");

  const again = await runCli(args);
  assert.equal(again.code, 0, again.stderr);
  const summary = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8')) as { embeddings: { computed: number; cached: number } };
  assert.deepEqual(summary.embeddings, { computed: 0, cached: 75, failed: 0 });
  const rows2 = readFileSync(join(dir, 'out', 'results.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(rows2, rows);
});

test('bad options are refused before any work with exit code 2', async () => {
  const unknown = await runCli(['bench', '--tasks', 'T10,T99', '--quiet']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown task\(s\) T99/);
  const weights = await runCli(['bench', '--models', 'handcrafted', '--weights', 'default=x.pt', '--quiet']);
  assert.equal(weights.code, 2);
  assert.match(weights.stderr, /--weights default=… names a model that is not in --models/);
  const both = await runCli(['bench', '--suite', 'example', '--tasks', 'T10']);
  assert.equal(both.code, 2);
  const model = await runCli(['bench', '--models', 'nonesuch', '--out', join(dir, 'bad'), '--cache', join(dir, 'cache')]);
  assert.equal(model.code, 2);
  assert.match(model.stderr, /unknown model 'nonesuch'/);
});
