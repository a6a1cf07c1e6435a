import { test } from 'node:test';
import assert from 'node:assert/strict';
import { niceTicks, scale } from '../../plot/svg.ts';
import { RESULT_ROW_FORMAT, type ResultRow } from '../result-row.ts';
import type { RunSummary } from '../runner-types.ts';
import { tasks } from '../tasks/index.ts';
import { renderReport, reportPlots } from './index.ts';

function row(over: Partial<ResultRow>): ResultRow {
  return {
    format: RESULT_ROW_FORMAT,
    run_id: 'id',
    kind: 'main',
    task: 'T10',
    title: 'KAUH: obstructive vs healthy <test>',
    dataset: 'kauh',
    model: 'default',
    encoder: 'efficientat-mn04',
    model_config_hash: 'h',
    split: 'opera-as-used',
    leak: true,
    leak_status: 'declared-leak',
    leak_reason: 'file-level split',
    metric: 'auroc',
    mean: 0.8,
    std: 0.01,
    ci95: [0.7, 0.9],
    ci95_method: 'delong',
    pooled: 0.81,
    auprc: { value: 0.7, ci95: [0.6, 0.8] },
    seeds: [0, 1],
    values: [0.79, 0.81],
    folds: null,
    n_train: 100,
    n_test: 50,
    n_missing: 3,
    n_failed: 0,
    probe: 'opera-linear',
    scaling: 'none',
    fraction: null,
    device: null,
    published: null,
    confounds: [],
    ...over,
  };
}

const rows: ResultRow[] = [
  row({ run_id: 'a1' }),
  row({ run_id: 'b1', model: 'handcrafted', encoder: 'handcrafted', mean: 0.6, published: { source: 'OPERA', method: 'opensmile', mean: 0.636, std: 0.082, comparable: 'functionals' } }),
  row({ run_id: 'a2', task: 'hear-kauh-age', title: 'age', split: 'subject-5fold', leak: false, leak_status: 'clean', metric: 'mae', mean: 11.2, std: 2, pooled: 11, ci95: [9, 13], ci95_method: 'bootstrap', auprc: null }),
  row({ run_id: 'b2', task: 'hear-kauh-age', title: 'age', split: 'subject-5fold', leak: false, leak_status: 'clean', metric: 'mae', model: 'handcrafted', mean: 12.5, std: 2, pooled: 12, ci95: [10, 14], ci95_method: 'bootstrap', auprc: null }),
  ...[0.0625, 0.125, 0.25, 0.5, 1].map((f, i) => row({ run_id: `e${i}`, kind: 'efficiency', fraction: f, mean: 0.6 + 0.04 * i })),
  row({ run_id: 'u1', kind: 'unseen-device', split: 'opera-as-used/unseen-device:filter:bell', device: 'filter:bell' }),
];

const summary: RunSummary = {
  tasks: [tasks.T10, tasks['hear-kauh-age']].map((t) => ({ id: t.id, title: t.title, dataset: t.dataset, metric: t.metric, published: t.published, confounds: t.confounds })),
  rows,
  roc: [{ run_id: 'a1', fpr: [0, 0.5, 1], tpr: [0, 0.9, 1] }, { run_id: 'b1', fpr: [0, 1], tpr: [0, 1] }],
  skipped: [{ task: 'T10', split: 'subject-consistent', model: null, kind: 'main', reason: '0 test records present' }],
  failures: [{ task: 'T7', split: 'opera-as-used', model: 'default', code: 'degenerate-metric', message: "auroc is undefined for task 'T7', fold 'test', seed 0" }],
  mrr: { mrr: { default: 1, handcrafted: 0.75 }, ranks: {}, tasks: ['T10 / opera-as-used', 'hear-kauh-age / subject-5fold'] },
  datasets: [{ id: 'kauh', records: 200, problems: 0, excluded: 37 }],
  excludedSubjects: [{ source: 'pneuma-resp (corpus.json)', subjects: 12, records: 37 }],
  embeddings: { computed: 10, cached: 2, failed: 0 },
  warnings: [],
  timing: { prepare: 0.1, embed: { default: 1, handcrafted: 0.5 }, probe: [] },
};

const meta = { title: 'Pneuma benchmark: test', suite: 'test', models: [{ id: 'default', description: 'mn04' }, { id: 'handcrafted', description: 'functionals' }], dataRoot: '/data', command: 'pneuma bench', seconds: 1.5 };

test('results.jsonl holds one parseable row per result with the contract fields', () => {
  const files = renderReport(summary, meta);
  const lines = files['results.jsonl'].trimEnd().split('\n');
  assert.equal(lines.length, rows.length);
  for (const l of lines) {
    const o = JSON.parse(l) as Record<string, unknown>;
    for (const k of ['task', 'model', 'metric', 'mean', 'std', 'ci95', 'n_test', 'split', 'leak', 'run_id']) assert.ok(k in o, k);
  }
  const s = JSON.parse(files['summary.json']) as { failures: unknown[]; rows?: unknown; plots: string[] };
  assert.equal(s.rows, undefined);
  assert.equal(s.failures.length, 1);
  assert.deepEqual(s.plots, ['scores-auroc', 'scores-mae', 'roc-0', 'efficiency-0']);
});

test('results.md has the task x model table with leak flags and the published numbers of the task', () => {
  const md = renderReport(summary, meta)['results.md'];
  assert.match(md, /\| task \| split \| metric \| n test \| default \| handcrafted \| published \(OPERA, same task\) \|/);
  assert.match(md, /\| T10: KAUH: obstructive vs healthy <test> \| opera-as-used \(leak, declared\) \| AUROC ↑ \| 50 \(3 missing\) \| 0\.800 ± 0\.010 · 0\.810 \[0\.700, 0\.900\] \| 0\.600 ± 0\.010 · 0\.810 \[0\.700, 0\.900\] \| opensmile 0\.636 ± 0\.082; .*opera-ce 0\.741 ± 0\.014/);
  assert.match(md, /\| hear-kauh-age: age \| subject-5fold \| MAE ↓ \| 50 \(3 missing\) \| 11\.200 ± 2\.000 · 11\.000 \[9\.000, 13\.000\] \| 12\.500 .* \| {2}\|/);
  assert.match(md, /\| default \| 1\.000 \|\n\| handcrafted \| 0\.750 \|/);
  assert.match(md, /## Failures\n\n- T7 \/ opera-as-used \/ default \(degenerate-metric\): auroc is undefined for task 'T7', fold 'test', seed 0/);
  assert.match(md, /T10 \/ subject-consistent: 0 test records present/);
  assert.match(md, /- Data: \/data \(kauh: 200 recordings \(37 left out\)\)\n/);
  assert.match(md, /- Left out: 37 recordings of the 12 subjects in the pretraining corpus of pneuma-resp \(corpus\.json\); every model is scored on the other subjects only\n/);
});

test('report.html is self-contained with one SVG per plot and escaped text', () => {
  const html = renderReport(summary, meta)['report.html'];
  const plots = reportPlots(summary);
  assert.equal(plots.length, 4);
  assert.equal(html.split('<svg').length - 1, plots.length);
  assert.equal(html.split('</svg>').length - 1, plots.length);
  assert.ok(!/<script|<link|<img|src=|href=/.test(html));
  assert.ok(html.includes('obstructive vs healthy &lt;test&gt;'));
  assert.ok(!html.includes('<test>'));
  const roc = plots.find((p) => p.id === 'roc-0')?.svg ?? '';
  assert.equal(roc.split('<path d="M').length - 1, 2, 'one curve per model');
  const eff = plots.find((p) => p.id === 'efficiency-0')?.svg ?? '';
  assert.equal(eff.split('<circle').length - 1, 5, 'one dot per fraction');
});

test('axis helpers: nice ticks and log2 scale', () => {
  assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(3, 17, 3), [5, 10, 15]);
  const s = scale('log2', [0.0625, 1], [0, 400]);
  assert.equal(s.map(0.0625), 0);
  assert.equal(s.map(0.25), 200);
  assert.equal(s.map(1), 400);
});
