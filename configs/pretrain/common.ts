/**
 * Pieces shared by the pretraining presets. Paths in presets (`data.root`, `init`) are relative to the
 * repository root.
 */
import type { OptimizerConfig, SourceRule, ValidationConfig } from '../../src/ssl/config.ts';
import { type OperaSourceKey, operaSource } from '../../src/ssl/corpus-rules.ts';

/** OPERA's optimizer: torch.optim.Adam(lr=1e-4), torch defaults otherwise (models_cola.py, models_mae.py). */
export const OPERA_ADAM: OptimizerConfig = { kind: 'adam', lr: 1e-4, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 };

/** OPERA's validation: 10 % of each source (train_test_split(test_size=0.1, random_state=1337)). */
export const OPERA_VALIDATION: ValidationConfig = { fraction: 0.1, splitSeed: 1337, every: 500, maxBatches: 20 };

/** The development corpus, relative to the repository root. */
export const SHARED_DATA = '../shared/data';

/** OPERA's seven pretraining sources followed by the two development-corpus datasets OPERA did not use. */
export const ALL_SOURCES: readonly OperaSourceKey[] = ['covidbreath', 'covidcough', 'icbhi', 'coughvid', 'hf_lung', 'covidUKexhalation', 'covidUKcough', 'kauh', 'covid19-cough'];

export function sources(objective: 'cola' | 'mae', keys: readonly OperaSourceKey[] = ALL_SOURCES, frames?: (opera: SourceRule) => number): SourceRule[] {
  return keys.map((k) => {
    const rule = operaSource(k, objective);
    return frames ? { ...rule, frames: frames(rule) } : rule;
  });
}
