/**
 * Typed audio errors. `AudioError` is raised for bad or unsupported input data and always names the
 * file (or stream label) and the reason; `AudioParamError` is raised for invalid arguments to a DSP or
 * segmentation function and names the function.
 */
import { PneumaError } from '../util/index.ts';

/** Closed set of reasons an audio input is rejected. */
export type AudioErrorKind =
  | 'empty' // zero bytes
  | 'truncated' // the bytes end inside a header or before any audio data
  | 'too-large' // larger than the caller's limit
  | 'unsupported' // a container, codec or sample format that Pneuma does not decode
  | 'corrupt' // malformed header fields, or the decoder failed
  | 'no-samples' // decodes to zero frames or zero channels
  | 'non-finite' // NaN or ±Infinity samples
  | 'silent' // every sample is exactly zero (raised only by the explicit `assertNotSilent` policy)
  | 'not-found' // the path does not exist
  | 'not-a-file'; // the path is a directory or another non-regular file

export const AUDIO_ERROR_KINDS: readonly AudioErrorKind[] = [
  'empty', 'truncated', 'too-large', 'unsupported', 'corrupt', 'no-samples', 'non-finite', 'silent', 'not-found', 'not-a-file',
];

export class AudioError extends PneumaError {
  readonly kind: AudioErrorKind;
  readonly file: string;
  readonly reason: string;
  constructor(kind: AudioErrorKind, file: string, reason: string, options?: { cause?: unknown }) {
    super('audio', `${file}: ${reason}`, options);
    this.kind = kind;
    this.file = file;
    this.reason = reason;
  }
}

/** An invalid argument to an audio function (a length, rate or policy that cannot be honoured). */
export class AudioParamError extends PneumaError {
  readonly op: string;
  readonly reason: string;
  constructor(op: string, reason: string) {
    super('audio-param', `${op}: ${reason}`);
    this.op = op;
    this.reason = reason;
  }
}
