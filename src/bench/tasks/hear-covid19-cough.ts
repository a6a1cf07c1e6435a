/**
 * HeAR-style COVID-19 detection on covid19-cough, per recording channel. The label is confounded
 * with the channel (call centre: 8 kHz telephone audio, 71 % positive; Telegram: 48 kHz, 30 %
 * positive), so the channel-specific tasks are the meaningful ones; the pooled task is kept to
 * measure the confound. No speaker ids exist: folds are over files (pseudo-subjects).
 */
import { defineTask, type TaskSpec } from '../task.ts';
import type { Covid19CoughSource } from '../../data/adapters/covid19-cough/index.ts';
import { HEAR_FOLD_SEED, HEAR_PROBE, HEAR_WINDOWS, operaPathA } from './protocols.ts';

const perFile = 'covid19-cough has no speaker ids: folds are over files, so one speaker may be on both sides.';

function covidTask(id: string, title: string, sources: readonly Covid19CoughSource[], confounds: readonly string[]): TaskSpec<'covid19-cough'> {
  return defineTask({
    id,
    title,
    dataset: 'covid19-cough',
    modalities: ['cough'],
    select: (r) => sources.includes(r.labels.source),
    target: { kind: 'binary', positive: 'COVID-19', negative: 'no COVID-19', label: (r) => (r.labels.covid19 ? 1 : 0) },
    splits: [
      {
        name: 'file-5fold',
        description: '5-fold CV over files, stratified on the label',
        policy: { kind: 'grouped-kfold', k: 5, stratified: true, seed: HEAR_FOLD_SEED },
        leak: { declared: false },
      },
    ],
    inputs: { opera: operaPathA(2, 2, 'chosen'), hear: HEAR_WINDOWS },
    metric: 'auroc',
    probe: HEAR_PROBE,
    seeds: [0],
    confounds,
    published: null,
    notes: perFile,
  });
}

export const hearCovidCallCentre = covidTask('hear-covid19-cough-callcentre', 'covid19-cough, call centre only: COVID-19', ['call-center'], []);
export const hearCovidTelegram = covidTask('hear-covid19-cough-telegram', 'covid19-cough, Telegram only: COVID-19', ['telegram'], []);
export const hearCovidPooled = covidTask('hear-covid19-cough-pooled', 'covid19-cough, both channels pooled: COVID-19', ['call-center', 'telegram'], [
  'Label confounded with recording channel: call-centre audio is 8 kHz telephone band and 71 % positive, Telegram audio is 48 kHz and 30 % positive; a model can score by detecting bandwidth. Report per channel.',
]);
