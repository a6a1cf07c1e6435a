/**
 * Errors of the embedding pipeline. Each names the encoder (and, where there is one, the input) and the
 * reason, so `pneuma embed` can report a bad input and go on with the next one.
 */
import { PneumaError } from '../util/index.ts';

/** A model choice that cannot be honoured: unknown id, pooling not offered, unknown head, missing weights. */
export class EmbedConfigError extends PneumaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('embed-config', message, options);
  }
}

/**
 * A recording or spectrogram that yields nothing for the encoder: no segment survives the input policy,
 * or every segment's spectrogram is too short for `modelInputs`.
 */
export class TooShortError extends PneumaError {
  constructor(readonly encoder: string, readonly detail: string) {
    super('embed-too-short', `${encoder}: input too short: ${detail}`);
  }
}

/** An input in the wrong form for the encoder: wrong sample rate, a spectrogram of the wrong layout, an invalid policy. */
export class EmbedInputError extends PneumaError {
  constructor(readonly encoder: string, message: string) {
    super('embed-input', `${encoder}: ${message}`);
  }
}
