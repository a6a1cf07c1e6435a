/**
 * `pneuma models`: the registered encoders with their titles, embedding dims (full preset, default pooling),
 * default input policy, poolings offered, and whether weights are bundled with this installation.
 * `--json` prints the same as JSON.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { BUNDLED_MODELS, DEFAULT_MODEL, DEFAULT_MODEL_ALIAS, WEIGHTS_SOURCES } from '../../../src/embed/index.ts';
import { encoders, encoderIds } from '../../../src/encoders/registry.ts';
import type { InputPolicy } from '../../../src/encoders/types.ts';
import { unreachable } from '../../../src/util/index.ts';
import { bundledWeightsPath } from './model-options.ts';

export interface ModelRow {
  readonly id: string;
  readonly title: string;
  readonly dim: number;
  readonly sampleRate: number;
  readonly input: InputPolicy;
  readonly poolings: readonly string[];
  readonly bundledWeights: string | null;
  readonly isDefault: boolean;
  readonly weightsSource: string;
}

export function describePolicy(p: InputPolicy): string {
  switch (p.kind) {
    case 'opera-entire': return `${p.trim ? 'trim, ' : ''}whole recording, ${p.pad}-padded to ${p.minSeconds} s when shorter`;
    case 'opera-split': return `${p.trim ? 'trim, ' : ''}${p.chunkSeconds}-s chunks, 50% overlap, mean`;
    case 'windows': return `${p.seconds}-s windows every ${p.hopSeconds} s (tail: ${p.tail}), mean`;
    case 'whole-or-windows': return `whole recording up to ${p.maxSeconds} s, longer ones in ${p.maxSeconds}-s windows every ${p.hopSeconds} s (tail: ${p.tail}), mean`;
    case 'whole': return 'whole recording';
    default: return unreachable(p, 'input policy');
  }
}

/** One row per registered encoder, then one per bundled model that is not an encoder's own weights. */
export function modelRows(): ModelRow[] {
  const named = [
    ...encoderIds().map((id) => ({ id, encoder: id, title: null as string | null })),
    ...BUNDLED_MODELS.filter((b) => b.name !== b.encoder).map((b) => ({ id: b.name, encoder: b.encoder, title: b.description })),
  ];
  return named.map(({ id, encoder, title }) => {
    const def = encoders[encoder];
    if (!def) throw new Error(`registry lists '${encoder}' without a definition`);
    const path = bundledWeightsPath(id);
    return {
      id,
      title: title ?? def.title,
      dim: def.embeddingDim(def.presets.full, 'default'),
      sampleRate: def.frontEnd.sampleRate,
      input: def.input,
      poolings: def.poolings,
      bundledWeights: path !== null && existsSync(path) ? path : null,
      isDefault: id === DEFAULT_MODEL,
      weightsSource: title === null ? WEIGHTS_SOURCES[encoder] : `bundled only (${encoder} architecture)`,
    };
  });
}

export function register(program: Command): void {
  program
    .command('models')
    .description('list the encoders: ids, embedding dims, default input policy, bundled weights')
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) => {
      const rows = modelRows();
      if (o.json) {
        process.stdout.write(`${JSON.stringify(rows, null, 1)}\n`);
        return;
      }
      const lines = rows.map((r) =>
        [
          `${r.id}${r.isDefault ? ` (= --model ${DEFAULT_MODEL_ALIAS})` : ''}  ${r.title}`,
          `    dim ${r.dim}, ${r.sampleRate / 1000} kHz; input: ${describePolicy(r.input)}; pooling: ${r.poolings.join(', ')}`,
          `    weights: ${r.bundledWeights ? `bundled (${r.bundledWeights})` : `--weights <file>, from ${r.weightsSource}`}`,
        ].join('\n'));
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
