/** Worker-thread side of `ProbeWorkerPool`: runs each probe job and posts the fold runs back, or the error as plain data. */
import { parentPort } from 'node:worker_threads';
import { probeFolds, type ProbeJob } from '../../bench/evaluate.ts';
import { PneumaError } from '../../util/index.ts';
import type { ProbeReply } from './probe-pool.ts';

const port = parentPort;
if (port === null) throw new Error('probe-worker must run in a worker thread');

port.on('message', (m: { id: number; job: ProbeJob }) => {
  let reply: ProbeReply;
  try {
    reply = { id: m.id, ok: true, runs: probeFolds(m.job.ctx, m.job.set, m.job.folds, m.job.seeds) };
  } catch (e) {
    const error = e instanceof PneumaError
      ? { type: 'pneuma' as const, code: e.code, name: e.name, message: e.message }
      : { type: 'other' as const, message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    reply = { id: m.id, ok: false, error };
  }
  port.postMessage(reply);
});
