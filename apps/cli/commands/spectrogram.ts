/**
 * `pneuma spectrogram <audio> --frontend <kind> --out <file.npy> [--png <file.png>]`: decode any supported
 * audio file, mix to mono, resample to the front end's rate, compute the front end and write its float32
 * output as .npy (and optionally a picture).
 */
import type { Command } from 'commander';
import { FRONTENDS, FRONTEND_KINDS, createFrontEnd, type FrontEndKind } from '../../../src/audio/frontend.ts';
import { FrontEndError } from '../../../src/audio/frontend-errors.ts';
import { windowPlacements, type TailPolicy } from '../../../src/audio/segment.ts';
import { spectrogramImage } from '../../../src/plot/index.ts';
import { serializeNpy, tensor, type HostTensor } from '../../../src/tensor/index.ts';
import { PneumaError } from '../../../src/util/index.ts';
import { loadMono } from '../../../src/platform/node/audio-file.ts';
import { writeFileAtomic } from '../../../src/platform/node/index.ts';

const HELP = `
Front ends (input is decoded, averaged to mono and resampled to the rate shown):
  opera        OPERA log-mel, 16 kHz: whole clip -> [T, 64], T = 1 + floor(N/512), min-max to [0, 1]
               over the whole clip (no silence trimming or padding here).
  hear         HeAR mel-PCEN, 16 kHz: the clip is cut into 2-s windows (--hear-hop, --hear-tail) and each
               window -> [192, 128]; output [n_windows, 192, 128]. A window shorter than 2 s is
               zero-padded at its end, as the reference does.
  kaldi        AudioMAE Kaldi fbank, 16 kHz: whole clip -> [T, 128], T = 1 + floor((N - 400)/160);
               raw log-mel, before AudioMAE's pad/cut and normalisation. Needs >= 25 ms of audio.
  m2d          M2D log-mel (nnAudio), 16 kHz: whole clip -> [80, T], T = 1 + floor(N/160), before the
               checkpoint's (x - mean)/std.
  efficientat  EfficientAT mel (eval), 32 kHz: whole clip -> [128, T], T = 1 + floor((N - 1)/320).
The PNG shows time left to right and frequency upwards, min-max scaled (HeAR windows side by side).`;

export function register(program: Command): void {
  program
    .command('spectrogram')
    .description('compute a reference front end (time-frequency input of an encoder) for one audio file')
    .argument('<audio>', 'audio file (wav, flac, mp3, ogg, webm)')
    .requiredOption('--frontend <kind>', `front end: ${FRONTEND_KINDS.join('|')}`)
    .requiredOption('--out <file.npy>', 'output .npy (float32, reference layout)')
    .option('--png <file.png>', 'also write a picture')
    .option('--hear-hop <seconds>', 'hear: distance between window starts', '2')
    .option('--hear-tail <policy>', 'hear: audio after the last full window: drop|pad-zero|snap-to-end', 'pad-zero')
    .addHelpText('after', HELP)
    .action(async (audio: string, opts: { frontend: string; out: string; png?: string; hearHop: string; hearTail: string }) => {
      const kind = opts.frontend as FrontEndKind;
      if (!FRONTEND_KINDS.includes(kind)) {
        throw new FrontEndError('spectrogram', `unknown front end ${JSON.stringify(opts.frontend)}; choose one of ${FRONTEND_KINDS.join(', ')}`);
      }
      const cfg = FRONTENDS[kind];
      const t0 = performance.now();
      const x = await loadMono(audio, cfg.sampleRate);
      let out: HostTensor<'float32'>;
      try {
        out = kind === 'hear' ? hearWindows(x, Number(opts.hearHop), opts.hearTail as TailPolicy) : createFrontEnd(cfg).compute(x, cfg.sampleRate);
      } catch (e) {
        if (e instanceof PneumaError) throw new FrontEndError(audio, e.message);
        throw e;
      }
      writeFileAtomic(opts.out, serializeNpy(out));
      if (opts.png !== undefined) {
        const picture = out.shape.length === 3 ? tensor('float32', [(out.shape[0] as number) * (out.shape[1] as number), out.shape[2] as number], out.data) : out;
        const layout = kind === 'm2d' || kind === 'efficientat' ? 'freq-time' : 'time-freq';
        writeFileAtomic(opts.png, spectrogramImage(picture, { layout, colormap: 'viridis' }));
      }
      const secs = (x.length / cfg.sampleRate).toFixed(2);
      process.stdout.write(`${audio}: ${secs} s at ${cfg.sampleRate} Hz -> ${kind} [${out.shape.join(', ')}] in ${((performance.now() - t0) / 1000).toFixed(2)} s -> ${opts.out}${opts.png ? `, ${opts.png}` : ''}\n`);
    });
}

/** HeAR on consecutive windows of 2 s: [n_windows, 192, 128]. */
function hearWindows(x: Float32Array, hopSeconds: number, tail: TailPolicy): HostTensor<'float32'> {
  const cfg = FRONTENDS.hear;
  const hop = Math.round(hopSeconds * cfg.sampleRate);
  if (!(hop > 0)) throw new FrontEndError('spectrogram', `--hear-hop must be a positive number of seconds, got ${hopSeconds}`);
  const windows = windowPlacements(x.length, { length: cfg.clipSamples, hop, tail });
  if (windows.length === 0) throw new FrontEndError('frontend hear', `no full ${cfg.clipSamples / cfg.sampleRate}-s window in ${x.length} samples with tail policy '${tail}'`);
  const fe = createFrontEnd(cfg);
  const cell = cfg.resizeFrames * cfg.mel.nMels;
  const data = new Float32Array(windows.length * cell);
  windows.forEach((w, i) => data.set(fe.compute(x.subarray(w.start, w.start + w.valid), cfg.sampleRate).data, i * cell));
  return tensor('float32', [windows.length, cfg.resizeFrames, cfg.mel.nMels], data);
}
