/**
 * FluSense (Al Hossain et al. 2020): AudioSet clips annotated with cough, sneeze, sniffle,
 * throat-clearing, speech and etc. The annotations are in github.com/Forsad/FluSense-data; the
 * audio is on a shared drive linked from its README. Layout:
 *   flusense_data/<clip>.TextGrid   Praat annotation (verified); <clip> is a YouTube id, optionally
 *                                   followed by _<start>-<end> (e.g. -4LOcUpXMzc_30_000-40_000)
 *   audio/<clip>.<wav|flac|mp3|ogg> the audio with the same name (the folder name is assumed)
 * Clips of one YouTube video share a derived subject (the 11-character video id).
 */
import { checkLayout, ScanLog, type DatasetAdapter, type LayoutEntry } from '../../adapter.ts';
import { extension, joinPath, listFiles, stem, type DirReader } from '../../dir-reader.ts';
import { makeManifest, type LabelSchema, type Manifest } from '../../manifest.ts';
import { parseTextGrid } from './textgrid.ts';

export type FlusenseLabels = {
  /** Annotated seconds per class (intervals on every tier added). */
  readonly coughS: number;
  readonly sneezeS: number;
  readonly sniffleS: number;
  readonly throatClearingS: number;
  readonly speechS: number;
  readonly etcS: number;
  readonly silenceS: number;
  /** Other interval labels, as written, distinct and sorted. */
  readonly otherEvents: readonly string[];
};

const KNOWN: Readonly<Record<string, Exclude<keyof FlusenseLabels, 'otherEvents'>>> = {
  cough: 'coughS',
  sneeze: 'sneezeS',
  sniffle: 'sniffleS',
  'throat-clearing': 'throatClearingS',
  speech: 'speechS',
  etc: 'etcS',
  silence: 'silenceS',
};

const AUDIO_EXTENSIONS = ['wav', 'flac', 'mp3', 'ogg'];

const layout: readonly LayoutEntry[] = [
  { path: 'flusense_data', kind: 'dir', required: true, what: 'TextGrid annotations from Forsad/FluSense-data' },
  { path: 'audio', kind: 'dir', required: true, what: 'the audio clips from the shared drive' },
];

const labels: LabelSchema<FlusenseLabels> = {
  coughS: 'number',
  sneezeS: 'number',
  sniffleS: 'number',
  throatClearingS: 'number',
  speechS: 'number',
  etcS: 'number',
  silenceS: 'number',
  otherEvents: 'string[]',
};

async function scan(root: DirReader): Promise<Manifest<'flusense'>> {
  const log = new ScanLog<'flusense'>();
  if (!(await checkLayout(root, layout, log))) return makeManifest('flusense', log.records, log.problems);
  const audio = new Map<string, string>();
  for (const f of (await listFiles(root, 'audio')) ?? []) if (AUDIO_EXTENSIONS.includes(extension(f))) audio.set(stem(f), f);
  const annotated = new Set<string>();
  for (const f of (await listFiles(root, 'flusense_data')) ?? []) {
    if (extension(f) !== 'textgrid') continue;
    const clip = stem(f);
    annotated.add(clip);
    const tgPath = joinPath('flusense_data', f);
    const file = audio.get(clip);
    if (file === undefined) {
      log.problem('missing-file', joinPath('audio', `${clip}.wav`), `annotated in ${tgPath}, no audio with this name`);
      continue;
    }
    const seconds: Record<Exclude<keyof FlusenseLabels, 'otherEvents'>, number> = {
      coughS: 0, sneezeS: 0, sniffleS: 0, throatClearingS: 0, speechS: 0, etcS: 0, silenceS: 0,
    };
    const other = new Set<string>();
    for (const iv of parseTextGrid(await root.readText(tgPath), `${root.location}/${tgPath}`)) {
      const key = KNOWN[iv.text.trim().toLowerCase()];
      if (key !== undefined) seconds[key] += iv.xmax - iv.xmin;
      else if (iv.text.trim() !== '') other.add(iv.text);
    }
    const path = joinPath('audio', file);
    log.add({
      id: path,
      dataset: 'flusense',
      path,
      subject: `youtube:${clip.slice(0, 11)}`,
      subjectBasis: 'derived',
      modality: 'event',
      labels: { ...seconds, otherEvents: [...other].sort() },
    });
  }
  for (const [clip, f] of audio) if (!annotated.has(clip)) log.problem('missing-metadata', joinPath('audio', f), 'no TextGrid annotation with this name');
  return makeManifest('flusense', log.records, log.problems);
}

export const flusense: DatasetAdapter<'flusense'> = {
  id: 'flusense',
  title: 'FluSense: AudioSet clips annotated for cough, sneeze, sniffle, throat clearing and speech',
  licence: 'AudioSet clips (CC-BY-4.0 annotations by Google) with FluSense annotations; no licence file in the annotation repository',
  access: 'open',
  source: 'https://github.com/Forsad/FluSense-data',
  citation:
    'Al Hossain, F., Lover, A. A., Corey, G. A., Reich, N. G., Rahman, T. (2020). FluSense: A Contactless Syndromic Surveillance Platform for Influenza-Like Illness in Hospital Waiting Areas. Proc. ACM IMWUT 4(1), Article 1. https://doi.org/10.1145/3381014',
  modalities: ['event'],
  layout,
  labels,
  scan,
};
