/**
 * Worker-thread side of `MonoLoaderPool`: runs `loadMono` for each request and posts the samples back
 * (the buffer is transferred, not copied), or the error as plain data.
 */
import { parentPort } from 'node:worker_threads';
import { AudioError } from '../../audio/errors.ts';
import { PneumaError } from '../../util/index.ts';
import { loadMono } from './audio-file.ts';
import type { LoadReply, LoadRequest } from './mono-loader-pool.ts';

const port = parentPort;
if (port === null) throw new Error('audio-load-worker must run in a worker thread');

port.on('message', (m: LoadRequest) => {
  void (async () => {
    let reply: LoadReply;
    let transfer: ArrayBuffer[] = [];
    try {
      const x = await loadMono(m.path, m.rate, { quality: m.quality });
      reply = { id: m.id, ok: true, buffer: x.buffer as ArrayBuffer, byteOffset: x.byteOffset, length: x.length };
      transfer = [x.buffer as ArrayBuffer];
    } catch (e) {
      const err = e instanceof AudioError
        ? { type: 'audio' as const, kind: e.kind, file: e.file, reason: e.reason }
        : e instanceof PneumaError
          ? { type: 'pneuma' as const, code: e.code, name: e.name, message: e.message }
          : { type: 'other' as const, message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
      reply = { id: m.id, ok: false, error: err };
    }
    port.postMessage(reply, transfer);
  })();
});
