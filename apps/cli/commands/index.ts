import type { Command } from 'commander';

/** Registry of subcommands: one line per command file. */
export const commands: ReadonlyArray<(program: Command) => void> = [];
