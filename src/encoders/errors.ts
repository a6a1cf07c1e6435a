/**
 * Encoder errors: a bad architecture config (`fromReferenceConfig`, presets), a spectrogram the encoder
 * cannot take (`modelInputs`), or weights that do not fit (`loadEncoderWeights`). Each names the encoder
 * id and the key, axis or file at fault.
 */
import { PneumaError } from '../util/index.ts';

export class EncoderConfigError extends PneumaError {
  constructor(readonly encoder: string, message: string) {
    super('encoder-config', `${encoder}: ${message}`);
  }
}

export class EncoderInputError extends PneumaError {
  constructor(readonly encoder: string, message: string) {
    super('encoder-input', `${encoder}: ${message}`);
  }
}

export class EncoderWeightsError extends PneumaError {
  constructor(readonly encoder: string, readonly file: string, message: string, options?: { cause?: unknown }) {
    super('encoder-weights', `${encoder} (${file}): ${message}`, options);
  }
}
