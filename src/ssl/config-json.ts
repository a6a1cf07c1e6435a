/**
 * Reading and checking pretraining configs. `parsePretrainConfig` reads the JSON form of `PretrainConfig`
 * (a preset written out by `pneuma pretrain` as config.json reads back), rejecting unknown keys and
 * ill-typed values with the key's path; `checkPretrainConfig` checks the values of any config (presets
 * included) before a run starts.
 */
import { isDatasetId, isModality } from '../data/dataset-id.ts';
import { SUITE_IDS } from '../bench/suites.ts';
import { checkGain, checkRowMask } from './augment.ts';
import { checkColaHead } from './cola.ts';
import { keptPatches } from './mae.ts';
import type { PretrainConfig, SourceRule, SubjectHoldout } from './config.ts';
import { SslConfigError } from './errors.ts';

type Json = unknown;

class Reader {
  constructor(private readonly file: string) {}

  fail(path: string, msg: string): never {
    throw new SslConfigError(`${this.file}: '${path}' ${msg}`);
  }

  obj(v: Json, path: string, keys: readonly string[], optional: readonly string[] = []): Record<string, Json> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, 'must be an object');
    const o = v as Record<string, Json>;
    const unknown = Object.keys(o).filter((k) => !keys.includes(k) && !optional.includes(k));
    if (unknown.length > 0) this.fail(path, `has unknown key(s) ${unknown.join(', ')} (known: ${[...keys, ...optional].join(', ')})`);
    const missing = keys.filter((k) => !(k in o));
    if (missing.length > 0) this.fail(path, `lacks ${missing.join(', ')}`);
    return o;
  }

  num(v: Json, path: string): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(path, `must be a finite number, got ${JSON.stringify(v)}`);
    return v;
  }

  int(v: Json, path: string, min: number): number {
    const n = this.num(v, path);
    if (!Number.isInteger(n) || n < min) this.fail(path, `must be an integer ≥ ${min}, got ${n}`);
    return n;
  }

  str(v: Json, path: string): string {
    if (typeof v !== 'string') this.fail(path, `must be a string, got ${JSON.stringify(v)}`);
    return v;
  }

  oneOf<T extends string>(v: Json, path: string, allowed: readonly T[]): T {
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) this.fail(path, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
    return v as T;
  }

  bool(v: Json, path: string): boolean {
    if (typeof v !== 'boolean') this.fail(path, `must be true or false, got ${JSON.stringify(v)}`);
    return v;
  }

  list(v: Json, path: string): Json[] {
    if (!Array.isArray(v)) this.fail(path, 'must be a list');
    return v;
  }

  strList(v: Json, path: string): string[] {
    return this.list(v, path).map((x, i) => this.str(x, `${path}[${i}]`));
  }

  pair(v: Json, path: string): [number, number] {
    const l = this.list(v, path);
    if (l.length !== 2) this.fail(path, 'must be a list of two numbers');
    return [this.num(l[0], `${path}[0]`), this.num(l[1], `${path}[1]`)];
  }
}

function warmup(r: Reader, v: Json, path: string) {
  const o = r.obj(v, path, ['steps', 'startFactor']);
  return { steps: r.int(o['steps'], `${path}.steps`, 1), startFactor: r.num(o['startFactor'], `${path}.startFactor`) };
}

function source(r: Reader, v: Json, path: string): SourceRule {
  const o = r.obj(v, path, ['name', 'dataset', 'modalities', 'minSeconds', 'trim', 'frames'], ['where', 'maxRecords', 'synthetic']);
  const dataset = r.str(o['dataset'], `${path}.dataset`);
  if (dataset !== 'synthetic' && !isDatasetId(dataset)) r.fail(`${path}.dataset`, `is not a dataset id or 'synthetic': ${dataset}`);
  const modalities = r.strList(o['modalities'], `${path}.modalities`).map((m, i) => (isModality(m) ? m : r.fail(`${path}.modalities[${i}]`, `is not a modality: ${m}`)));
  const rule: SourceRule = {
    name: r.str(o['name'], `${path}.name`),
    dataset: dataset as SourceRule['dataset'],
    modalities,
    minSeconds: r.num(o['minSeconds'], `${path}.minSeconds`),
    trim: r.bool(o['trim'], `${path}.trim`),
    frames: r.int(o['frames'], `${path}.frames`, 1),
  };
  const extra: { -readonly [K in keyof SourceRule]?: SourceRule[K] } = {};
  if (o['where'] !== undefined) {
    const w = r.obj(o['where'], `${path}.where`, ['label', 'oneOf']);
    extra.where = { label: r.str(w['label'], `${path}.where.label`), oneOf: r.strList(w['oneOf'], `${path}.where.oneOf`) };
  }
  if (o['maxRecords'] !== undefined) extra.maxRecords = r.int(o['maxRecords'], `${path}.maxRecords`, 1);
  if (o['synthetic'] !== undefined) {
    const s = r.obj(o['synthetic'], `${path}.synthetic`, ['recordings', 'seconds']);
    extra.synthetic = { recordings: r.int(s['recordings'], `${path}.synthetic.recordings`, 1), seconds: r.pair(s['seconds'], `${path}.synthetic.seconds`) };
  }
  return { ...rule, ...extra };
}

/** The JSON form of a PretrainConfig; `file` names the source in errors. */
export function parsePretrainConfig(json: Json, file: string): PretrainConfig {
  const r = new Reader(file);
  const top = r.obj(json, '<config>', ['name', 'description', 'encoder', 'objective', 'optimizer', 'schedule', 'clip', 'batchSize', 'length', 'checkpointEvery', 'keepCheckpoints', 'validation', 'seed', 'data', 'init']);
  const enc = r.obj(top['encoder'], 'encoder', ['id'], ['reference']);
  const ref = enc['reference'];
  if (ref !== undefined && (typeof ref !== 'object' || ref === null || Array.isArray(ref))) r.fail('encoder.reference', 'must be an object of reference config keys');
  const obj = r.obj(top['objective'], 'objective', ['kind'], ['head', 'augment', 'maskRatio', 'normPixLoss', 'decoder']);
  const kind = r.oneOf(obj['kind'], 'objective.kind', ['cola', 'mae'] as const);
  let objective: PretrainConfig['objective'];
  if (kind === 'cola') {
    const o = r.obj(obj, 'objective', ['kind', 'head', 'augment']);
    const h = r.obj(o['head'], 'objective.head', ['dimOut', 'dimHidden', 'dropout', 'layerNormEps']);
    const a = r.obj(o['augment'], 'objective.augment', ['rowMask', 'gain']);
    const rm = a['rowMask'] === null ? null : r.obj(a['rowMask'], 'objective.augment.rowMask', ['rateStart', 'rateChain']);
    const g = a['gain'] === null ? null : r.obj(a['gain'], 'objective.augment.gain', ['low', 'high']);
    objective = {
      kind,
      head: {
        dimOut: r.int(h['dimOut'], 'objective.head.dimOut', 1),
        dimHidden: h['dimHidden'] === null ? null : r.int(h['dimHidden'], 'objective.head.dimHidden', 1),
        dropout: r.num(h['dropout'], 'objective.head.dropout'),
        layerNormEps: r.num(h['layerNormEps'], 'objective.head.layerNormEps'),
      },
      augment: {
        rowMask: rm === null ? null : { rateStart: r.num(rm['rateStart'], 'objective.augment.rowMask.rateStart'), rateChain: r.num(rm['rateChain'], 'objective.augment.rowMask.rateChain') },
        gain: g === null ? null : { low: r.num(g['low'], 'objective.augment.gain.low'), high: r.num(g['high'], 'objective.augment.gain.high') },
      },
    };
  } else {
    const o = r.obj(obj, 'objective', ['kind', 'maskRatio', 'normPixLoss', 'decoder']);
    const d = o['decoder'] === null ? null : r.obj(o['decoder'], 'objective.decoder', ['dim', 'depth', 'numHeads', 'mlpRatio']);
    objective = {
      kind,
      maskRatio: r.num(o['maskRatio'], 'objective.maskRatio'),
      normPixLoss: r.bool(o['normPixLoss'], 'objective.normPixLoss'),
      decoder: d === null ? null : {
        dim: r.int(d['dim'], 'objective.decoder.dim', 1), depth: r.int(d['depth'], 'objective.decoder.depth', 1),
        numHeads: r.int(d['numHeads'], 'objective.decoder.numHeads', 1), mlpRatio: r.num(d['mlpRatio'], 'objective.decoder.mlpRatio'),
      },
    };
  }
  const opt = r.obj(top['optimizer'], 'optimizer', ['kind', 'lr', 'betas', 'eps', 'weightDecay'], ['noDecay']);
  const optimizer: PretrainConfig['optimizer'] = {
    kind: r.oneOf(opt['kind'], 'optimizer.kind', ['adam', 'adamw'] as const),
    lr: r.num(opt['lr'], 'optimizer.lr'),
    betas: r.pair(opt['betas'], 'optimizer.betas'),
    eps: r.num(opt['eps'], 'optimizer.eps'),
    weightDecay: r.num(opt['weightDecay'], 'optimizer.weightDecay'),
    ...(opt['noDecay'] !== undefined ? { noDecay: r.strList(opt['noDecay'], 'optimizer.noDecay') } : {}),
  };
  const sch = r.obj(top['schedule'], 'schedule', ['kind'], ['gamma', 'minLr', 'warmup']);
  const sk = r.oneOf(sch['kind'], 'schedule.kind', ['constant', 'epochExponential', 'cosine'] as const);
  const w = sch['warmup'] === undefined ? {} : { warmup: warmup(r, sch['warmup'], 'schedule.warmup') };
  const schedule: PretrainConfig['schedule'] = sk === 'constant'
    ? (r.obj(sch, 'schedule', ['kind'], ['warmup']), { kind: sk, ...w })
    : sk === 'epochExponential'
      ? (r.obj(sch, 'schedule', ['kind', 'gamma'], ['warmup']), { kind: sk, gamma: r.num(sch['gamma'], 'schedule.gamma'), ...w })
      : (r.obj(sch, 'schedule', ['kind', 'minLr'], ['warmup']), { kind: sk, minLr: r.num(sch['minLr'], 'schedule.minLr'), ...w });
  const clip = top['clip'] === null ? null : { maxNorm: r.num(r.obj(top['clip'], 'clip', ['maxNorm'])['maxNorm'], 'clip.maxNorm') };
  const len = r.obj(top['length'], 'length', [], ['steps', 'epochs']);
  if ((len['steps'] === undefined) === (len['epochs'] === undefined)) r.fail('length', 'must give exactly one of steps, epochs');
  const length = len['steps'] !== undefined ? { steps: r.int(len['steps'], 'length.steps', 1) } : { epochs: r.int(len['epochs'], 'length.epochs', 1) };
  const val = r.obj(top['validation'], 'validation', ['fraction', 'splitSeed', 'every', 'maxBatches']);
  const data = r.obj(top['data'], 'data', ['root', 'ifMissing', 'sources', 'synthetic', 'exclude']);
  const ex = r.obj(data['exclude'], 'data.exclude', [], ['tasks', 'suite', 'holdout']);
  const holdout = (): { holdout?: SubjectHoldout } => {
    if (ex['holdout'] === undefined) return {};
    const h = r.obj(ex['holdout'], 'data.exclude.holdout', ['datasets', 'fraction', 'seed', 'always']);
    const datasets = r.strList(h['datasets'], 'data.exclude.holdout.datasets').map((d, i) => (isDatasetId(d) ? d : r.fail(`data.exclude.holdout.datasets[${i}]`, `is not a dataset id: ${d}`)));
    return { holdout: { datasets, fraction: r.num(h['fraction'], 'data.exclude.holdout.fraction'), seed: r.int(h['seed'], 'data.exclude.holdout.seed', 0), always: r.strList(h['always'], 'data.exclude.holdout.always') } };
  };
  const exclusion = (): PretrainConfig['data']['exclude'] => {
    if (ex['tasks'] !== undefined && ex['suite'] === undefined) {
      if (ex['tasks'] !== 'all') r.fail('data.exclude.tasks', "must be 'all'");
      return { tasks: 'all', ...holdout() };
    }
    if (ex['suite'] !== undefined && ex['tasks'] === undefined) return { suite: r.oneOf(ex['suite'], 'data.exclude.suite', SUITE_IDS), ...holdout() };
    return r.fail('data.exclude', "must be { tasks: 'all' } or { suite: <suite id> }, with an optional holdout");
  };
  const exclude = exclusion();
  const cfg: PretrainConfig = {
    name: r.str(top['name'], 'name'),
    description: r.str(top['description'], 'description'),
    encoder: { id: r.str(enc['id'], 'encoder.id') as PretrainConfig['encoder']['id'], ...(ref !== undefined ? { reference: ref as Record<string, unknown> } : {}) },
    objective,
    optimizer,
    schedule,
    clip,
    batchSize: r.int(top['batchSize'], 'batchSize', 1),
    length,
    checkpointEvery: r.int(top['checkpointEvery'], 'checkpointEvery', 1),
    keepCheckpoints: r.int(top['keepCheckpoints'], 'keepCheckpoints', 1),
    validation: {
      fraction: r.num(val['fraction'], 'validation.fraction'), splitSeed: r.int(val['splitSeed'], 'validation.splitSeed', 0),
      every: r.int(val['every'], 'validation.every', 1), maxBatches: r.int(val['maxBatches'], 'validation.maxBatches', 0),
    },
    seed: r.int(top['seed'], 'seed', 0),
    data: {
      root: data['root'] === null ? null : r.str(data['root'], 'data.root'),
      ifMissing: r.oneOf(data['ifMissing'], 'data.ifMissing', ['error', 'synthetic'] as const),
      sources: r.list(data['sources'], 'data.sources').map((s, i) => source(r, s, `data.sources[${i}]`)),
      synthetic: r.list(data['synthetic'], 'data.synthetic').map((s, i) => source(r, s, `data.synthetic[${i}]`)),
      exclude,
    },
    init: top['init'] === null ? null : r.str(top['init'], 'init'),
  };
  checkPretrainConfig(cfg, file);
  return cfg;
}

/** Value checks of a config (types are the compiler's or parsePretrainConfig's job). */
export function checkPretrainConfig(cfg: PretrainConfig, where: string): void {
  const bad = (path: string, msg: string): never => {
    throw new SslConfigError(`${where}: '${path}' ${msg}`);
  };
  if (!/^[A-Za-z0-9._-]+$/.test(cfg.name)) bad('name', `must be letters, digits, '.', '_' or '-', got ${JSON.stringify(cfg.name)}`);
  const o = cfg.objective;
  if (o.kind === 'cola') {
    checkColaHead(o.head);
    if (o.augment.rowMask) checkRowMask(o.augment.rowMask);
    if (o.augment.gain) checkGain(o.augment.gain);
    if (cfg.batchSize < 2) bad('batchSize', 'must be at least 2 for COLA (the other items are the negatives)');
  } else {
    keptPatches(1024, o.maskRatio);
  }
  const opt = cfg.optimizer;
  if (!(opt.lr >= 0) || !(opt.eps >= 0) || !(opt.weightDecay >= 0)) bad('optimizer', 'lr, eps and weightDecay must be ≥ 0');
  opt.betas.forEach((beta, i) => {
    if (!(beta >= 0 && beta < 1)) bad(`optimizer.betas[${i}]`, `must be in [0, 1), got ${beta}`);
  });
  for (const [i, p] of (opt.noDecay ?? []).entries()) {
    try {
      new RegExp(p);
    } catch (e) {
      bad(`optimizer.noDecay[${i}]`, `is not a regular expression: ${(e as Error).message}`);
    }
  }
  const s = cfg.schedule;
  if (s.kind === 'epochExponential' && !(s.gamma > 0)) bad('schedule.gamma', 'must be > 0');
  if (s.kind === 'cosine' && !(s.minLr >= 0)) bad('schedule.minLr', 'must be ≥ 0');
  if (s.warmup && !(s.warmup.startFactor >= 0 && s.warmup.startFactor <= 1)) bad('schedule.warmup.startFactor', 'must be in [0, 1]');
  if (cfg.clip && !(cfg.clip.maxNorm > 0)) bad('clip.maxNorm', 'must be > 0');
  if (!(cfg.validation.fraction >= 0 && cfg.validation.fraction < 1)) bad('validation.fraction', 'must be in [0, 1)');
  const names = new Set<string>();
  for (const [list, rules] of [['data.sources', cfg.data.sources], ['data.synthetic', cfg.data.synthetic]] as const) {
    rules.forEach((r, i) => {
      const at = `${list}[${i}]`;
      if (names.has(`${list}/${r.name}`)) bad(`${at}.name`, `repeats '${r.name}'`);
      names.add(`${list}/${r.name}`);
      if (r.modalities.length === 0) bad(`${at}.modalities`, 'is empty');
      if (!(r.minSeconds >= 0)) bad(`${at}.minSeconds`, 'must be ≥ 0');
      if (!(Number.isInteger(r.frames) && r.frames >= 1)) bad(`${at}.frames`, 'must be a positive integer');
      const synthetic = r.dataset === 'synthetic';
      if (synthetic !== (list === 'data.synthetic')) bad(`${at}.dataset`, synthetic ? "'synthetic' sources belong in data.synthetic" : 'data.synthetic holds only dataset \'synthetic\' sources');
      if (synthetic && !r.synthetic) bad(`${at}.synthetic`, 'is required for generated sources');
      if (r.synthetic && !(r.synthetic.seconds[0] > 0 && r.synthetic.seconds[1] >= r.synthetic.seconds[0])) bad(`${at}.synthetic.seconds`, 'must be [min, max] with 0 < min ≤ max');
    });
  }
  if (cfg.data.root === null && cfg.data.synthetic.length === 0) bad('data', 'has no root and no synthetic sources');
  const h = cfg.data.exclude.holdout;
  if (h !== undefined) {
    if (!(h.fraction >= 0 && h.fraction < 1)) bad('data.exclude.holdout.fraction', 'must be in [0, 1)');
    if (h.datasets.length === 0 && h.always.length === 0) bad('data.exclude.holdout', 'holds out nothing: give datasets or always');
  }
}
