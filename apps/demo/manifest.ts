/**
 * `model/model.json` of the demo build: which encoder the ONNX file next to it was exported for, with what
 * config and weights, how audio is resampled to the front end's rate, the embed config hash `pneuma embed`
 * gives that run, and the class labels of the logits head. Written by build.ts, read by the page.
 */
import type { EncoderId, Pooling } from '../../src/encoders/types.ts';
import type { ResampleQuality } from '../../src/audio/resample.ts';
import { PneumaError } from '../../src/util/index.ts';

export const DEMO_MANIFEST_FORMAT = 'pneuma-demo-model/1';

export interface DemoModelManifest {
  readonly format: typeof DEMO_MANIFEST_FORMAT;
  readonly encoder: EncoderId;
  /** The ONNX file, relative to the manifest, its size and sha256. */
  readonly onnx: string;
  readonly onnxBytes: number;
  readonly onnxSha256: string;
  /** The resolved architecture config the file was built with. */
  readonly modelConfig: unknown;
  readonly pooling: Pooling;
  /** The checkpoint (file name and sha256) whose weights the file holds. */
  readonly weights: { readonly file: string; readonly sha256: string; readonly licence: string };
  /** How recordings are brought to the front end's rate: `{ quality, kernel }` as `pneuma embed` records it. */
  readonly resample: { readonly quality: ResampleQuality; readonly kernel: unknown };
  /** Embed config hash of `pneuma embed --model <encoder>` (output 'embedding'). */
  readonly configHash: string;
  /** The head whose scores are class logits, and the CSV (index,mid,display_name) naming its classes; null if none. */
  readonly classes: { readonly head: string; readonly labels: string; readonly licence: string } | null;
}

export class DemoManifestError extends PneumaError {
  constructor(message: string) {
    super('demo-manifest', `model.json: ${message}`);
  }
}

/** The manifest from JSON text; a missing or mistyped field is a `DemoManifestError` naming it. */
export function parseDemoManifest(text: string): DemoModelManifest {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new DemoManifestError(`not JSON (${(e as Error).message})`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new DemoManifestError('must hold a JSON object');
  const m = v as Record<string, unknown>;
  if (m['format'] !== DEMO_MANIFEST_FORMAT) throw new DemoManifestError(`format must be '${DEMO_MANIFEST_FORMAT}', got ${JSON.stringify(m['format'])}`);
  for (const k of ['encoder', 'onnx', 'onnxSha256', 'pooling', 'configHash'] as const) {
    if (typeof m[k] !== 'string') throw new DemoManifestError(`'${k}' must be a string`);
  }
  if (typeof m['onnxBytes'] !== 'number') throw new DemoManifestError("'onnxBytes' must be a number");
  const w = m['weights'] as Record<string, unknown> | undefined;
  if (typeof w?.['file'] !== 'string' || typeof w['sha256'] !== 'string') throw new DemoManifestError("'weights' must have string 'file' and 'sha256'");
  const r = m['resample'] as Record<string, unknown> | undefined;
  if (typeof r?.['quality'] !== 'string') throw new DemoManifestError("'resample.quality' must be a string");
  const c = m['classes'];
  if (c !== null && (typeof (c as Record<string, unknown>)?.['head'] !== 'string' || typeof (c as Record<string, unknown>)['labels'] !== 'string')) {
    throw new DemoManifestError("'classes' must be null or have string 'head' and 'labels'");
  }
  return v as DemoModelManifest;
}
