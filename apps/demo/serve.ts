/**
 * `npm run demo [-- --port <n>]`: build the demo (./build.ts) into out/demo/ and serve it on localhost with
 * cross-origin isolation headers (./server.ts); prints the URL and serves until interrupted. Port 8080 by default;
 * 0 picks a free one.
 */
import { buildDemo } from './build.ts';
import { startDemoServer } from './server.ts';

function portArg(argv: readonly string[]): number {
  const i = argv.indexOf('--port');
  const v = i >= 0 ? argv[i + 1] : process.env['PORT'];
  if (v === undefined) return 8080;
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw new Error(`--port must be an integer 0..65535, got '${v}'`);
  return Number(v);
}

try {
  const port = portArg(process.argv.slice(2));
  const b = await buildDemo({ log: (l) => process.stdout.write(`${l}\n`) });
  const server = await startDemoServer({ root: b.outDir, port });
  process.stdout.write(`Pneuma demo: ${server.url}  (Ctrl-C to stop)\n`);
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
}
