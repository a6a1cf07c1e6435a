/**
 * `pneuma` command line. Each subcommand lives in commands/<name>.ts and exports `register(program)`;
 * the list below is the registry.
 */
import { Command, CommanderError } from 'commander';
import { PneumaError } from '../../src/util/index.ts';
import { commands } from './commands/index.ts';

export async function main(argv: string[]): Promise<number> {
  const program = new Command('pneuma')
    .description('Health-acoustic foundation models: spectrograms, embeddings, probes, benchmarks and pretraining')
    .exitOverride()
    .showHelpAfterError();
  for (const register of commands) register(program);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (e instanceof PneumaError) {
      process.stderr.write(`pneuma: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
