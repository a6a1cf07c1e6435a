/**
 * Mono mixdown as the mean over channels (librosa `to_mono` = `np.mean(y, axis=0)`, torchaudio / HeAR
 * `mean(dim=channel)`). The sum is accumulated in float64 and rounded once to float32, so for two
 * channels the result is float32((a + b) / 2), identical to numpy's float32 mean.
 *
 * This is not `ffmpeg -ac 1`, which mixes with equal-power gains (L·0.707 + R·0.707) and makes a
 * stereo file with identical channels 3 dB louder than either channel.
 */
import { AudioParamError } from './errors.ts';

/** Mean over channels. A single channel is returned as is (the same array, not a copy). */
export function mixToMono(channels: readonly Float32Array[]): Float32Array {
  const first = channels[0];
  if (first === undefined) throw new AudioParamError('mixToMono', 'no channels');
  const n = first.length;
  for (let c = 1; c < channels.length; c++) {
    const len = (channels[c] as Float32Array).length;
    if (len !== n) throw new AudioParamError('mixToMono', `channel ${c} has ${len} samples, channel 0 has ${n}`);
  }
  if (channels.length === 1) return first;
  const out = new Float32Array(n);
  const k = channels.length;
  if (k === 2) {
    const b = channels[1] as Float32Array;
    for (let i = 0; i < n; i++) out[i] = ((first[i] as number) + (b[i] as number)) / 2;
    return out;
  }
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < k; c++) s += (channels[c] as Float32Array)[i] as number;
    out[i] = s / k;
  }
  return out;
}
