/**
 * The module layering, checked: every non-test source file under src/ may import only the modules its
 * layer allows (docs/architecture.md has the table and the reasons for each edge). The core outside
 * src/platform/ imports no Node built-ins and no ONNX Runtime package, so it bundles for the browser.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve('src');

/** Which modules each module may import (itself always allowed). */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  util: [],
  tensor: ['util'],
  audio: ['util', 'tensor'],
  ir: ['util', 'tensor'],
  autodiff: ['ir', 'util', 'tensor'],
  onnx: ['ir', 'tensor', 'util'],
  nn: ['ir', 'tensor', 'util'],
  plot: ['util', 'tensor'],
  runtime: ['tensor', 'onnx', 'ir', 'util'],
  data: ['audio', 'tensor', 'util'],
  encoders: ['nn', 'ir', 'autodiff', 'audio', 'tensor', 'util'],
  bench: ['data', 'audio', 'runtime', 'tensor', 'plot', 'util'],
  embed: ['audio', 'encoders', 'nn', 'ir', 'onnx', 'runtime', 'bench', 'tensor', 'util'],
  ssl: ['nn', 'ir', 'autodiff', 'encoders', 'audio', 'data', 'bench', 'tensor', 'util'],
  train: ['ssl', 'nn', 'ir', 'autodiff', 'onnx', 'runtime', 'tensor', 'util'],
  'platform/node': ['util', 'tensor', 'audio', 'ir', 'autodiff', 'onnx', 'nn', 'plot', 'runtime', 'data', 'encoders', 'bench', 'embed', 'ssl', 'train'],
  'platform/web': ['util', 'tensor', 'audio', 'ir', 'autodiff', 'onnx', 'nn', 'plot', 'runtime', 'data', 'encoders', 'bench', 'embed', 'ssl', 'train'],
};

function moduleOf(file: string): string {
  const rel = relative(SRC, file).split('/');
  if (rel[0] === 'platform') return `platform/${rel[1]}`;
  return rel.length > 1 ? (rel[0] as string) : '.';
}

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

test('src/ modules import only what their layer allows', () => {
  const problems: string[] = [];
  for (const file of walk(SRC, [])) {
    const mod = moduleOf(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const spec = (m[1] ?? m[2]) as string;
      const where = relative(process.cwd(), file);
      const platform = mod.startsWith('platform/');
      if (spec.startsWith('.')) {
        const target = moduleOf(resolve(dirname(file), spec));
        if (target === mod || mod === '.') continue;
        const allowed = ALLOWED[mod];
        if (!allowed) problems.push(`${where}: module '${mod}' is not in the layer table`);
        else if (!allowed.includes(target)) problems.push(`${where}: '${mod}' may not import '${target}' (${spec})`);
      } else if (!platform && (spec.startsWith('node:') || spec.startsWith('onnxruntime-'))) {
        problems.push(`${where}: platform-neutral module '${mod}' imports '${spec}'`);
      } else if (mod === 'platform/node' && spec.startsWith('onnxruntime-web')) {
        problems.push(`${where}: platform/node imports '${spec}'`);
      } else if (mod === 'platform/web' && (spec.startsWith('node:') || spec === 'onnxruntime-node')) {
        problems.push(`${where}: platform/web imports '${spec}'`);
      }
    }
  }
  assert.deepEqual(problems, []);
});
