import { PneumaError } from '../util/index.ts';

/** A pretraining objective, augmentation or configuration was given bad values: names the field and the reason. */
export class SslConfigError extends PneumaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ssl-config', message, options);
  }
}

/** The pretraining corpus could not be built as asked (no data, a source without enough recordings, a bad rule). */
export class CorpusError extends PneumaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('corpus', message, options);
  }
}

/**
 * A recording or subject that a benchmark test split uses is in the pretraining corpus. Lists every
 * offending `dataset:record` and `dataset:subject` (never silently dropped: the build stops).
 */
export class CorpusLeakError extends PneumaError {
  readonly records: readonly string[];
  readonly subjects: readonly string[];
  constructor(records: readonly string[], subjects: readonly string[]) {
    const show = (xs: readonly string[]) => `${xs.slice(0, 20).join(', ')}${xs.length > 20 ? `, … (${xs.length} in all)` : ''}`;
    const parts: string[] = [];
    if (records.length > 0) parts.push(`${records.length} test recording(s): ${show(records)}`);
    if (subjects.length > 0) parts.push(`${subjects.length} test subject(s): ${show(subjects)}`);
    super('corpus-leak', `the pretraining corpus holds benchmark test data: ${parts.join('; ')}`);
    this.records = records;
    this.subjects = subjects;
  }
}
