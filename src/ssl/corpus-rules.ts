/**
 * Per-source corpus rules: OPERA's for its seven pretraining sources (opera.md §1.6 and §3.1:
 * src/pretrain/cola_training.py `optimal_max_len`, mae_training.py `optimal_max_len`, the minimum durations
 * of src/pretrain/prepare_data/*), and values chosen here for the datasets Pneuma's development corpus holds
 * that OPERA did not pretrain on. Frames are OPERA front-end frames (32 ms); other front ends give their own.
 *
 * | source            | dataset        | modality   | COLA crop | MAE crop/pad | min s | origin |
 * | covidbreath       | covid19sounds  | breath     | 200       | 256          | 8     | OPERA  |
 * | covidcough        | covid19sounds  | cough      | 50        | 64           | 2     | OPERA  |
 * | icbhi             | icbhi          | lung       | 50        | 256          | 8     | OPERA (COLA); MAE chosen: OPERA's GT uses ≥ 2-s annotated cycles (64 frames), whole recordings here take hf_lung's 256 |
 * | coughvid          | coughvid       | cough      | 50        | 64           | 2     | OPERA  |
 * | hf_lung           | hflung (train) | lung       | 200       | 256          | 8     | OPERA  |
 * | covidUKexhalation | ukcovid        | exhalation | 100       | 128          | 4     | OPERA  |
 * | covidUKcough      | ukcovid        | cough      | 50        | 64           | 4     | OPERA  |
 * | kauh              | kauh           | lung       | 200       | 256          | 8     | chosen: chest auscultation like hf_lung, so hf_lung's values |
 * | covid19-cough     | covid19-cough  | cough      | 50        | 64           | 2     | chosen: induced coughs like CoughVID, so coughvid's values |
 * Every source is trimmed first (OPERA trims all but ICBHI's annotated cycles, which are not used here).
 * ICBHI's official test split, the COVID-19 Sounds and UK COVID-19 test users are removed by the benchmark
 * exclusion (T7, T1–T4), not by these rules; OPERA's COVID-19 Sounds quality checks are not applied.
 */
import type { DatasetId, Modality } from '../data/dataset-id.ts';
import type { SourceRule } from './config.ts';

export const OPERA_SOURCE_KEYS = ['covidbreath', 'covidcough', 'icbhi', 'coughvid', 'hf_lung', 'covidUKexhalation', 'covidUKcough', 'kauh', 'covid19-cough'] as const;
export type OperaSourceKey = (typeof OPERA_SOURCE_KEYS)[number];

interface SourceDefaults {
  readonly dataset: DatasetId;
  readonly modalities: readonly Modality[];
  readonly minSeconds: number;
  readonly colaFrames: number;
  readonly maeFrames: number;
  readonly where?: SourceRule['where'];
}

export const OPERA_SOURCES: { readonly [K in OperaSourceKey]: SourceDefaults } = {
  covidbreath: { dataset: 'covid19sounds', modalities: ['breath'], minSeconds: 8, colaFrames: 200, maeFrames: 256 },
  covidcough: { dataset: 'covid19sounds', modalities: ['cough'], minSeconds: 2, colaFrames: 50, maeFrames: 64 },
  icbhi: { dataset: 'icbhi', modalities: ['lung'], minSeconds: 8, colaFrames: 50, maeFrames: 256 },
  coughvid: { dataset: 'coughvid', modalities: ['cough'], minSeconds: 2, colaFrames: 50, maeFrames: 64 },
  hf_lung: { dataset: 'hflung', modalities: ['lung'], minSeconds: 8, colaFrames: 200, maeFrames: 256, where: { label: 'split', oneOf: ['train'] } },
  covidUKexhalation: { dataset: 'ukcovid', modalities: ['exhalation'], minSeconds: 4, colaFrames: 100, maeFrames: 128 },
  covidUKcough: { dataset: 'ukcovid', modalities: ['cough'], minSeconds: 4, colaFrames: 50, maeFrames: 64 },
  kauh: { dataset: 'kauh', modalities: ['lung'], minSeconds: 8, colaFrames: 200, maeFrames: 256 },
  'covid19-cough': { dataset: 'covid19-cough', modalities: ['cough'], minSeconds: 2, colaFrames: 50, maeFrames: 64 },
};

/** The source rule for OPERA's front end and `objective`; `frames` overrides the crop (another front end). */
export function operaSource(key: OperaSourceKey, objective: 'cola' | 'mae', overrides: Partial<Pick<SourceRule, 'frames' | 'minSeconds' | 'maxRecords'>> = {}): SourceRule {
  const d = OPERA_SOURCES[key];
  return {
    name: key,
    dataset: d.dataset,
    modalities: d.modalities,
    minSeconds: overrides.minSeconds ?? d.minSeconds,
    trim: true,
    frames: overrides.frames ?? (objective === 'cola' ? d.colaFrames : d.maeFrames),
    ...(d.where ? { where: d.where } : {}),
    ...(overrides.maxRecords !== undefined ? { maxRecords: overrides.maxRecords } : {}),
  };
}

/** OPERA's seven pretraining sources (MAE uses its cycles for ICBHI, which are not available; whole recordings here). */
export const OPERA_PRETRAIN_SOURCES: readonly OperaSourceKey[] = ['covidbreath', 'covidcough', 'icbhi', 'coughvid', 'hf_lung', 'covidUKexhalation', 'covidUKcough'];

/** The datasets of Pneuma's development corpus (../shared/data). */
export const DEV_CORPUS_SOURCES: readonly OperaSourceKey[] = ['icbhi', 'kauh', 'covid19-cough'];
