/**
 * `npm run demo:build [-- --out <dir>] [--no-minify]`: the on-device demo as static files (default out/demo/):
 *
 *   index.html, demo.css          the page (apps/demo/)
 *   assets/                       the page's code: apps/demo/main.ts bundled by esbuild (ES modules, code-split)
 *   ort/                          onnxruntime-web's WebAssembly runtime (JSEP build: wasm and WebGPU providers)
 *   model/<encoder>.onnx          the default encoder exported by Pneuma's own code (the `pneuma export` path)
 *   model/model.json              what the ONNX file is (./manifest.ts)
 *   model/class_labels_indices.csv, licences
 *
 * Everything is built in a sibling folder and swapped in at the end, so a failed build leaves the previous one
 * intact. The bundle must not pull in Node: esbuild targets the browser, and any `node:` import is an error
 * that names the importing file.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { embedRunConfig, encoderGraph, encoderOnnx, exportMetadata, bundledWeights } from '../../src/embed/index.ts';
import { writeFileAtomic } from '../../src/platform/node/fs.ts';
import { PneumaError, sha256Hex } from '../../src/util/index.ts';
import { DEFAULT_RESAMPLE, resampleDescription, resolveCliModel } from '../cli/commands/model-options.ts';
import { DEMO_MANIFEST_FORMAT, type DemoModelManifest } from './manifest.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HERE = fileURLToPath(new URL('./', import.meta.url));

/** onnxruntime-web files the page fetches at its first session (the JSEP build serves 'wasm' and 'webgpu'). */
export const ORT_WEB_FILES = ['ort-wasm-simd-threaded.jsep.mjs', 'ort-wasm-simd-threaded.jsep.wasm'] as const;

/**
 * Imports left out of the bundle (each stays a bare `import()` that is never reached): the GPL/LGPL decoders
 * (AAC, AC-3, DTS, E-AC-3, WMA), which must not be shipped (deps.md §1d–e); `@audio/decode-ape`, which does
 * not exist on npm; and the decoders audio-decode registers but src/audio/decode.ts never calls (it uses
 * FLAC, MP3, Vorbis, Opus and WebM, and its own WAV reader). The page falls back to the browser's own
 * decoder for the formats Pneuma's sniffer rejects.
 */
const GPL_DECODERS = ['aac', 'ac3', 'dts', 'eac3', 'wma'];
const UNUSED_DECODERS = ['ape', 'aiff', 'amr', 'avi', 'caf', 'dsd', 'mod', 'mp4', 'mpc', 'qoa', 'tta', 'wav', 'wavpack'];
export const BUNDLE_EXTERNALS = [...GPL_DECODERS, ...UNUSED_DECODERS].map((c) => `@audio/decode-${c}`);

export class DemoBuildError extends PneumaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('demo-build', message, options);
  }
}

export interface DemoBuildOptions {
  /** Output folder (default out/demo under the repository). */
  readonly outDir?: string;
  readonly minify?: boolean;
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void;
}

export interface DemoBuild {
  readonly outDir: string;
  readonly manifest: DemoModelManifest;
  /** Bytes of the bundled JavaScript (all chunks). */
  readonly bundleBytes: number;
  readonly ms: { readonly bundle: number; readonly export: number; readonly copy: number };
}

/** The folder of onnxruntime-web's dist files, as Node resolves the package. */
function ortWebDist(): string {
  const entry = fileURLToPath(import.meta.resolve('onnxruntime-web'));
  return dirname(entry);
}

async function bundle(stage: string, minify: boolean): Promise<number> {
  let result: esbuild.BuildResult<{ write: false; metafile: true }>;
  try {
    result = await esbuild.build({
      entryPoints: [join(HERE, 'main.ts')],
      outdir: join(stage, 'assets'),
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'browser',
      target: ['es2022'],
      conditions: ['onnxruntime-web-use-extern-wasm'],
      external: BUNDLE_EXTERNALS,
      minify,
      sourcemap: 'linked',
      write: false,
      metafile: true,
      logLevel: 'silent',
      legalComments: 'linked',
    });
  } catch (e) {
    const errors = (e as { errors?: esbuild.Message[] }).errors ?? [];
    const lines = errors.map((m) => `${m.location ? `${m.location.file}:${m.location.line}: ` : ''}${m.text}`);
    throw new DemoBuildError(`esbuild could not bundle apps/demo/main.ts for the browser:\n  ${lines.join('\n  ') || (e as Error).message}`, { cause: e });
  }
  const nodeImports = Object.entries(result.metafile.inputs).flatMap(([file, info]) =>
    info.imports.filter((i) => i.path.startsWith('node:')).map((i) => `${file} imports ${i.path}`));
  if (nodeImports.length > 0) throw new DemoBuildError(`the browser bundle reaches Node modules:\n  ${nodeImports.join('\n  ')}`);
  let bytes = 0;
  for (const f of result.outputFiles) {
    writeFileAtomic(f.path, f.contents);
    if (f.path.endsWith('.js')) bytes += f.contents.length;
  }
  return bytes;
}

/**
 * EfficientAT mn04 with its bundled AudioSet weights (the demo shows AudioSet tags, which need the AudioSet
 * head and the features it was trained on), exported exactly as `pneuma export --model efficientat-mn04` does, into
 * `<dir>/model/`: the ONNX file, model.json, the class labels and the licences.
 */
export function exportDemoModel(dir: string): DemoModelManifest {
  mkdirSync(join(dir, 'model'), { recursive: true });
  const m = resolveCliModel({ model: 'efficientat-mn04', pooling: 'default' }, 'embedding');
  if (m.source.kind !== 'file') throw new DemoBuildError('efficientat-mn04 has no bundled weights');
  const bundled = bundledWeights(m.def.id);
  if (bundled === undefined) throw new DemoBuildError(`${m.def.id} has no bundled weights folder`);
  const resample = resampleDescription(DEFAULT_RESAMPLE);
  const g = encoderGraph(m.spec);
  const run = embedRunConfig(m.spec, m.source, m.def.input, resample);
  const metadata = exportMetadata(m.def, g, run);
  const onnx = encoderOnnx(g, m.def, m.spec.cfg, m.weights, { metadata });
  const onnxName = `${m.def.id}.onnx`;
  writeFileAtomic(join(dir, 'model', onnxName), onnx);

  const assetDir = join(ROOT, 'assets', 'models', bundled.folder);
  const labels = 'class_labels_indices.csv';
  const hasLogits = g.outputs.some((o) => o.name === 'logits');
  const copies = ['THIRD_PARTY_LICENSE.txt', ...(hasLogits ? [labels, 'LABELS_LICENSE.txt'] : [])];
  for (const f of copies) {
    const src = join(assetDir, f);
    if (!existsSync(src)) throw new DemoBuildError(`${relative(ROOT, src)} is missing`);
    copyFileSync(src, join(dir, 'model', f));
  }
  const manifest: DemoModelManifest = {
    format: DEMO_MANIFEST_FORMAT,
    encoder: m.def.id,
    onnx: onnxName,
    onnxBytes: onnx.length,
    onnxSha256: sha256Hex(onnx),
    modelConfig: m.spec.cfg,
    pooling: m.spec.pooling,
    weights: { file: basename(m.source.file), sha256: m.source.sha256, licence: bundled.licence },
    resample,
    configHash: metadata['pneuma.config_hash'] as string,
    classes: hasLogits ? { head: 'logits', labels, licence: 'AudioSet class labels: dataset CC BY 4.0, ontology names CC BY-SA 4.0 (LABELS_LICENSE.txt)' } : null,
  };
  writeFileAtomic(join(dir, 'model', 'model.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

export async function buildDemo(opts: DemoBuildOptions = {}): Promise<DemoBuild> {
  const outDir = resolve(opts.outDir ?? join(ROOT, 'out', 'demo'));
  const log = opts.log ?? (() => {});
  const stage = `${outDir}.staging-${process.pid}`;
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(join(stage, 'model'), { recursive: true });
  try {
    let t = performance.now();
    const bundleBytes = await bundle(stage, opts.minify ?? true);
    const tBundle = performance.now() - t;
    log(`bundled apps/demo/main.ts: ${(bundleBytes / 1e6).toFixed(2)} MB of JavaScript (${tBundle.toFixed(0)} ms)`);

    t = performance.now();
    const manifest = exportDemoModel(stage);
    const tExport = performance.now() - t;
    log(`exported ${manifest.encoder} to model/${manifest.onnx}: ${(manifest.onnxBytes / 1e6).toFixed(2)} MB, config hash ${manifest.configHash} (${tExport.toFixed(0)} ms)`);

    t = performance.now();
    const dist = ortWebDist();
    mkdirSync(join(stage, 'ort'), { recursive: true });
    for (const f of ORT_WEB_FILES) copyFileSync(join(dist, f), join(stage, 'ort', f));
    for (const f of ['index.html', 'demo.css']) copyFileSync(join(HERE, f), join(stage, f));
    const pkg = JSON.parse(readFileSync(join(dist, '..', 'package.json'), 'utf8')) as { name: string; version: string; license: string };
    writeFileAtomic(join(stage, 'ort', 'NOTICE.txt'), `${ORT_WEB_FILES.join(', ')}: ${pkg.name} ${pkg.version}, ${pkg.license} licence, Copyright (c) Microsoft Corporation.\n`);
    const tCopy = performance.now() - t;
    log(`copied onnxruntime-web ${ORT_WEB_FILES.join(', ')} and the page (${tCopy.toFixed(0)} ms)`);

    const old = `${outDir}.old-${process.pid}`;
    if (existsSync(outDir)) renameSync(outDir, old);
    renameSync(stage, outDir);
    rmSync(old, { recursive: true, force: true });
    return { outDir, manifest, bundleBytes, ms: { bundle: tBundle, export: tExport, copy: tCopy } };
  } catch (e) {
    rmSync(stage, { recursive: true, force: true });
    throw e;
  }
}

function parseArgs(argv: readonly string[]): DemoBuildOptions {
  let outDir: string | undefined;
  let minify = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out' && argv[i + 1] !== undefined) outDir = argv[++i];
    else if (a === '--no-minify') minify = false;
    else throw new DemoBuildError(`unknown argument '${a}' (usage: demo:build [--out <dir>] [--no-minify])`);
  }
  return { ...(outDir !== undefined ? { outDir } : {}), minify };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    const b = await buildDemo({ ...parseArgs(process.argv.slice(2)), log: (l) => process.stdout.write(`${l}\n`) });
    process.stdout.write(`demo built in ${relative(process.cwd(), b.outDir) || '.'}\n`);
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  }
}
