import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRETRAIN_PRESETS } from '../../configs/pretrain/index.ts';
import { parsePretrainConfig } from './config-json.ts';

test('every preset reads back unchanged from its JSON form', () => {
  for (const [name, cfg] of Object.entries(PRETRAIN_PRESETS)) {
    assert.deepEqual(parsePretrainConfig(JSON.parse(JSON.stringify(cfg)), `${name}.json`), JSON.parse(JSON.stringify(cfg)), name);
  }
});

test('JSON configs: unknown keys, wrong types and bad values are errors naming the key', () => {
  const base = JSON.parse(JSON.stringify(PRETRAIN_PRESETS.smoke)) as Record<string, unknown>;
  const bad = (patch: (o: Record<string, any>) => void, re: RegExp) => {
    const o = JSON.parse(JSON.stringify(base)) as Record<string, any>;
    patch(o);
    assert.throws(() => parsePretrainConfig(o, 'run.json'), re);
  };
  bad((o) => (o['batchSzie'] = 4), /run\.json: '<config>' has unknown key\(s\) batchSzie/);
  bad((o) => (o['batchSize'] = 1), /'batchSize' must be at least 2 for COLA/);
  bad((o) => (o['objective']['head']['dimOut'] = '32'), /'objective\.head\.dimOut' must be a finite number/);
  bad((o) => (o['length'] = { steps: 3, epochs: 1 }), /'length' must give exactly one of steps, epochs/);
  bad((o) => (o['data']['exclude'] = { suite: 'nope' }), /'data\.exclude\.suite' must be one of opera, hear/);
  bad((o) => (o['data']['sources'][0]['dataset'] = 'kauhh'), /'data\.sources\[0\]\.dataset' is not a dataset id/);
  bad((o) => (o['data']['synthetic'][0]['synthetic'] = undefined), /'data\.synthetic\[0\]\.synthetic' is required/);
  bad((o) => (o['optimizer']['noDecay'] = ['(']), /'optimizer\.noDecay\[0\]' is not a regular expression/);
  bad((o) => (o['schedule'] = { kind: 'cosine' }), /'schedule' lacks minLr/);
  bad((o) => (o['data']['exclude'] = { suite: 'opera', holdout: { datasets: ['kauh'], fraction: 1, seed: 1, always: [] } }), /'data\.exclude\.holdout\.fraction' must be in \[0, 1\)/);
  bad((o) => (o['data']['exclude'] = { suite: 'opera', holdout: { datasets: ['kauhh'], fraction: 0.5, seed: 1, always: [] } }), /'data\.exclude\.holdout\.datasets\[0\]' is not a dataset id/);
  bad((o) => (o['data']['exclude'] = { suite: 'opera', holdout: { datasets: [], fraction: 0.5, seed: 1, always: [] } }), /'data\.exclude\.holdout' holds out nothing/);
});
