/**
 * Running the `pneuma` CLI in-process for tests: `main(argv)` with the text it writes to stdout and stderr
 * captured. Binary writes pass through: node's test runner reports to its parent through stdout with
 * Buffers, and those must not be swallowed while a command runs.
 */
import { main } from '../../apps/cli/main.ts';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCli(args: readonly string[]): Promise<CliResult> {
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  let stdout = '';
  let stderr = '';
  process.stdout.write = ((s: string | Uint8Array, ...rest: unknown[]) => {
    if (typeof s !== 'string') return (out as (...a: unknown[]) => boolean)(s, ...rest);
    stdout += s;
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array, ...rest: unknown[]) => {
    if (typeof s !== 'string') return (err as (...a: unknown[]) => boolean)(s, ...rest);
    stderr += s;
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: await main(['node', 'pneuma', ...args]), stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}
