#!/usr/bin/env node
// Runs the benchmarks under bench/ (TypeScript through tsx), each in its own process with its stdout and
// stderr on the terminal, and prints a summary. BENCHMARKS.md records what they measured.
//
//   npm run bench                          quick pass: every bench marked quick, with small settings
//   npm run bench -- <name…>               the named benches with their scripts' full default settings
//   npm run bench -- --quick <name…>       the named benches with the quick pass's settings
//   npm run bench -- <name> -- <args…>     one bench with its own options (see the script's header)
//   npm run bench -- --list                the benches, their scripts and their quick settings
//
// Benches whose reference run needs /usr/bin/python3 with torch (and torchaudio or scikit-learn) either
// skip that reference (scripts with --no-torch: Pneuma's side is still timed, no ratio is printed) or are
// skipped as a whole, with a message saying which dependency is missing. Benches that read recordings need
// ../shared/data (ICBHI and KAUH). Exit code: 0 when every bench that ran succeeded, 1 when one failed or
// the arguments were bad.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PYTHON = '/usr/bin/python3';
const DATA = join(ROOT, '..', 'shared', 'data');

/**
 * One bench: `script` under bench/; `quick` the arguments of the quick pass, or null when the bench is not
 * part of it (it prints no ratio against a reference, or takes too long to shrink); `torch` whether its
 * reference is PyTorch: 'none', 'optional' (the script has --no-torch) or 'required'; `python` the Python
 * modules that reference imports; `needs` other requirements ('ffmpeg', 'data').
 */
const BENCHES = [
  {
    name: 'matmul',
    script: 'bench/ort_matmul.ts',
    what: "ONNX Runtime's 1024² MatMul peak at 1 and 2 threads (the machine's dense peak)",
    quick: ['--runs', '5'],
    torch: 'none',
    python: [],
    needs: [],
  },
  {
    name: 'frontend',
    script: 'bench/frontend.ts',
    what: 'the five front ends against torch/torchaudio on the same real audio, 1 thread',
    quick: ['--minutes', '2', '--repeat', '1'],
    torch: 'optional',
    python: ['torch', 'torchaudio'],
    needs: ['ffmpeg', 'data'],
  },
  {
    name: 'embed',
    script: 'bench/embed-throughput.ts',
    what: 'embedding throughput of every encoder at full size against PyTorch, batch 1',
    quick: ['--runs', '3', '--threads', '1'],
    torch: 'optional',
    python: ['torch'],
    needs: [],
  },
  {
    name: 'embed-rss',
    script: 'bench/embed-throughput.ts',
    args: ['--rss'],
    what: 'peak RSS of embedding 1 h of real audio with mn04 (released weights) in 10-s pieces',
    quick: null,
    torch: 'none',
    python: [],
    needs: ['data'],
  },
  {
    name: 'train',
    script: 'bench/train-throughput.ts',
    what: 'OPERA-CE and OPERA-GT training step and forward against PyTorch, 2 threads',
    quick: ['--steps', '1', '--warmup', '1'],
    torch: 'optional',
    python: ['torch'],
    needs: [],
  },
  {
    name: 'pretrain',
    script: 'bench/pretrain-throughput.ts',
    what: 'COLA OPERA-CE and MAE OPERA-GT pretraining steps against PyTorch (--epoch: one epoch on ../shared/data)',
    quick: ['--batch-ce', '4', '--frames-ce', '100', '--batch-gt', '2', '--frames-gt', '64', '--steps', '1', '--warmup', '1'],
    torch: 'optional',
    python: ['torch'],
    needs: [],
  },
  {
    name: 'probe-fidelity',
    script: 'bench/probe-fidelity.ts',
    what: "Pneuma's OPERA and HeAR probes against PyTorch and scikit-learn on the same embeddings and splits",
    quick: ['--quick'],
    torch: 'required',
    python: ['torch', 'sklearn'],
    needs: ['data'],
  },
  {
    name: 'conv-grad',
    script: 'bench/ort_conv_grad.ts',
    what: "formulations of a convolution's weight gradient against the forward Conv, ONNX Runtime",
    quick: ['--quick', '--runs', '2'],
    torch: 'none',
    python: [],
    needs: [],
  },
  {
    name: 'conv-dw',
    script: 'bench/train-conv-dw.ts',
    what: "weight-gradient formulations of EfficientNet-B0's dense convolutions, and the one the engine selects",
    quick: ['--runs', '3'],
    torch: 'none',
    python: [],
    needs: [],
  },
  {
    name: 'train-profile',
    script: 'bench/train-profile.ts',
    what: "time per ONNX op type of a training step (ONNX Runtime's profiler); no reference",
    quick: null,
    torch: 'none',
    python: [],
    needs: [],
  },
];

function usage(message) {
  if (message) console.error(`run-bench: ${message}`);
  console.error('usage: npm run bench [-- --list | [--quick] <name…> | <name> -- <script options…>]');
  console.error(`benches: ${BENCHES.map((b) => b.name).join(', ')}`);
  process.exit(1);
}

function list() {
  for (const b of BENCHES) {
    console.log(`${b.name.padEnd(15)} ${b.script}${b.args ? ` ${b.args.join(' ')}` : ''}`);
    console.log(`${''.padEnd(15)} ${b.what}`);
    console.log(`${''.padEnd(15)} quick pass: ${b.quick ? b.quick.join(' ') || '(defaults)' : 'not included'}; reference: ${b.torch === 'none' ? 'none' : `${PYTHON} with ${b.python.join(', ')} (${b.torch})`}${b.needs.length ? `; needs ${b.needs.join(', ')}` : ''}`);
  }
}

const pythonCache = new Map();
/** The first of `modules` that /usr/bin/python3 cannot import, null when all import. */
function missingPython(modules) {
  for (const m of modules) {
    if (!pythonCache.has(m)) {
      const r = existsSync(PYTHON) ? spawnSync(PYTHON, ['-c', `import ${m}`], { stdio: 'ignore' }) : { status: 1 };
      pythonCache.set(m, r.status === 0);
    }
    if (!pythonCache.get(m)) return m;
  }
  return null;
}

function missingNeed(need) {
  if (need === 'ffmpeg') return spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0 ? null : 'ffmpeg on PATH';
  if (need === 'data') {
    const ok = existsSync(join(DATA, 'icbhi')) && existsSync(join(DATA, 'kauh'));
    return ok ? null : `recordings under ${DATA} (icbhi/, kauh/)`;
  }
  throw new Error(`unknown requirement ${need}`);
}

/** The command line of one bench, or a skip reason. */
function plan(b, quick, extra) {
  for (const need of b.needs) {
    const missing = missingNeed(need);
    if (missing) return { skip: `needs ${missing}` };
  }
  const args = [...(b.args ?? []), ...(quick ? (b.quick ?? []) : []), ...extra];
  let note = null;
  if (b.torch !== 'none') {
    const missing = missingPython(b.python);
    if (missing) {
      const why = `${PYTHON} cannot import ${missing}`;
      if (b.torch === 'required') return { skip: `its reference run needs ${why}` };
      args.push('--no-torch');
      note = `${why}: the PyTorch reference is not run (--no-torch), so no ratio is printed`;
    }
  }
  return { args, note };
}

const argv = process.argv.slice(2);
const sep = argv.indexOf('--');
const own = sep >= 0 ? argv.slice(0, sep) : argv;
const extra = sep >= 0 ? argv.slice(sep + 1) : [];
if (own.includes('--list')) {
  list();
  process.exit(0);
}
const quickFlag = own.includes('--quick');
const names = own.filter((a) => a !== '--quick');
for (const a of names) if (a.startsWith('-')) usage(`unknown option ${a}`);
const unknown = names.filter((n) => !BENCHES.some((b) => b.name === n));
if (unknown.length > 0) usage(`unknown bench ${unknown.join(', ')}`);
if (extra.length > 0 && names.length !== 1) usage('script options after -- need exactly one bench name');
const quick = names.length === 0 || quickFlag;
const selected = names.length === 0 ? BENCHES.filter((b) => b.quick !== null) : names.map((n) => BENCHES.find((b) => b.name === n));

console.log(`${quick ? 'quick pass' : 'full settings'}: ${selected.map((b) => b.name).join(', ')}`);
console.log(`${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const results = [];
const start = performance.now();
for (const b of selected) {
  const p = plan(b, quick && b.quick !== null, extra);
  if (p.skip) {
    console.log(`\n=== ${b.name}: skipped, ${p.skip}`);
    results.push({ name: b.name, status: 'skipped', seconds: 0, detail: p.skip });
    continue;
  }
  const cmd = ['node', '--import', 'tsx', b.script, ...p.args];
  console.log(`\n=== ${b.name}: ${b.what}\n$ ${cmd.join(' ')}`);
  if (p.note) console.log(`(${p.note})`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, cmd.slice(1), { cwd: ROOT, stdio: 'inherit' });
  const seconds = (performance.now() - t0) / 1000;
  const ok = r.status === 0;
  const detail = ok ? (p.note ? 'without the PyTorch reference' : '') : r.error ? r.error.message : r.signal ? `killed by ${r.signal}` : `exit code ${r.status}`;
  results.push({ name: b.name, status: ok ? 'ok' : 'FAILED', seconds, detail });
}

console.log(`\nbench            status   wall s`);
for (const r of results) console.log(`${r.name.padEnd(16)} ${r.status.padEnd(8)} ${r.seconds.toFixed(1).padStart(6)}${r.detail ? `  ${r.detail}` : ''}`);
console.log(`total ${((performance.now() - start) / 1000).toFixed(1)} s; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
process.exit(results.some((r) => r.status === 'FAILED') ? 1 : 0);
