/**
 * Progress reporting for long CLI work. A bar on a TTY (stderr), periodic plain lines otherwise, so
 * CI logs stay readable. Library code takes an optional `onProgress` callback; apps wire it here.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  tick(n?: number, info?: Record<string, string | number>): void;
  stop(): void;
}

export function progressBar(label: string, total: number, opts: { quiet?: boolean } = {}): Progress {
  if (opts.quiet) return { tick() {}, stop() {} };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {value}/{total} {percentage}% | eta {eta_formatted} {info}`, stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { info: '' });
    return {
      tick(n = 1, info) {
        bar.increment(n, { info: info ? Object.entries(info).map(([k, v]) => `${k} ${v}`).join(' ') : '' });
      },
      stop() {
        bar.stop();
      },
    };
  }
  let done = 0;
  let last = 0;
  const t0 = Date.now();
  return {
    tick(n = 1, info) {
      done += n;
      const now = Date.now();
      if (now - last > 5000 || done === total) {
        last = now;
        const rate = done / Math.max(1e-3, (now - t0) / 1000);
        const extra = info ? ' ' + Object.entries(info).map(([k, v]) => `${k} ${v}`).join(' ') : '';
        process.stderr.write(`${label}: ${done}/${total} (${rate.toFixed(1)}/s)${extra}\n`);
      }
    },
    stop() {},
  };
}
