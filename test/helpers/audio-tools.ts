/**
 * Test utilities for audio: temporary folders, the shared data folder, and ffmpeg/sox as generators and
 * as the reference decoder. Tests that need ffmpeg or sox fail (not skip) when they are missing; CI
 * installs both (.ci/run).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DecodedAudio } from '../../src/audio/decoded.ts';
import { decodeWav } from '../../src/audio/wav.ts';

/** The shared read-only material (`../shared` from the repository root), or $PNEUMA_SHARED. */
export const SHARED_DIR = process.env.PNEUMA_SHARED ?? fileURLToPath(new URL('../../../shared/', import.meta.url));

export function makeTempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `pneuma-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs ffmpeg quietly, overwriting outputs; returns stdout. */
export function ffmpeg(args: readonly string[]): Buffer {
  return execFileSync('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'error', '-y', ...args], { maxBuffer: 1 << 30 });
}

export function sox(args: readonly string[]): void {
  execFileSync('sox', [...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * ffmpeg's own decode of a file to float32 at the native rate and channel count. The bytes travel as a
 * float WAV on a pipe, whose trivial container is unpacked with our reader.
 */
export function ffmpegDecode(path: string): DecodedAudio {
  const wav = ffmpeg(['-i', path, '-f', 'wav', '-c:a', 'pcm_f32le', 'pipe:1']);
  return decodeWav(new Uint8Array(wav.buffer, wav.byteOffset, wav.byteLength), `ffmpeg decode of ${path}`);
}

/** SNR in dB of `test` against `ref` over their common length (Infinity when identical). */
export function snrDb(ref: Float32Array, test: Float32Array): number {
  let s = 0;
  let e = 0;
  const n = Math.min(ref.length, test.length);
  for (let i = 0; i < n; i++) {
    s += (ref[i] as number) ** 2;
    e += ((test[i] as number) - (ref[i] as number)) ** 2;
  }
  return e === 0 ? Infinity : 10 * Math.log10(s / e);
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = a.length === b.length ? 0 : Infinity;
  for (let i = 0; i < Math.min(a.length, b.length); i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

export function readBytes(path: string): Uint8Array {
  const b = readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Minimal RFC 4180 CSV parser (quoted fields with commas, doubled quotes). */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field.length > 0 || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  const header = rows[0] ?? [];
  return rows.slice(1).filter((r) => r.length > 1).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}
