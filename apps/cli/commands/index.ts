import type { Command } from 'commander';
import { register as spectrogram } from './spectrogram.ts';
import { register as embed } from './embed.ts';
import { register as exportModel } from './export.ts';
import { register as models } from './models.ts';
import { register as bench } from './bench.ts';
import { register as pretrain } from './pretrain.ts';

/** Registry of subcommands: one line per command file. */
export const commands: ReadonlyArray<(program: Command) => void> = [spectrogram, embed, exportModel, models, bench, pretrain];
