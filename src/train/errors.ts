import { PneumaError } from '../util/index.ts';

/** A training step, optimizer, schedule or trainer was configured or fed wrongly: names the field, tensor or step and the reason. */
export class TrainError extends PneumaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('train', message, options);
  }
}

/** A checkpoint is malformed, does not belong to this run, or does not match the training step. */
export class TrainCheckpointError extends PneumaError {
  readonly file: string;
  constructor(file: string, reason: string, options?: { cause?: unknown }) {
    super('train-checkpoint', `${file}: ${reason}`, options);
    this.file = file;
  }
}
