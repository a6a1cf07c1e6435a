/**
 * A recording as a stream of mono blocks at a target rate: `streamAudioFile` → mean mixdown → streaming
 * resampler, the same chain as `loadMono` uses for large files, so the concatenated blocks equal
 * `loadMono(path, rate, { quality })` sample for sample while memory stays bounded by one block.
 */
import { AudioError } from '../../audio/errors.ts';
import { mixToMono } from '../../audio/mix.ts';
import { Resampler, type ResampleQuality } from '../../audio/resample.ts';
import { streamAudioFile } from './audio-file.ts';

export async function* streamMono(path: string, targetRate: number, quality: ResampleQuality): AsyncGenerator<Float32Array> {
  let r: Resampler | null = null;
  for await (const block of streamAudioFile(path)) {
    r ??= new Resampler(block.sampleRate, targetRate, quality);
    const out = r.process(mixToMono(block.channels));
    if (out.length > 0) yield out;
  }
  if (r === null) throw new AudioError('no-samples', path, 'no audio was decoded');
  const tail = r.flush();
  if (tail.length > 0) yield tail;
}
