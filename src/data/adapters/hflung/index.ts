/**
 * HF_Lung_V1 and HF_Lung_V1_IP (Heroic Faith / National Taiwan University Hospital), lung sounds
 * with breath-phase and adventitious-sound annotations. Layout (the GitLab archives as OPERA
 * unpacks them, hflung_split.py and hflung_pressl.py):
 *   HF_Lung_V1-master/{train,test}/<name>.wav + <name>_label.txt
 *   HF_Lung_V1_IP-main/{train,test}/<name>.wav + <name>_label.txt
 * Names are steth_<YYYYMMDD_HH_MM_SS> (single recordings) or trunc_<YYYY-MM-DD-HH-MM-SS>-L<k>_<segment>
 * (segments of one long recording). A label line is "<event> <start> <end>"; the first token is
 * the event type. There are no patient ids: steth files are their own pseudo-subject, trunc
 * segments are grouped by recording (subjectBasis "derived").
 */
import { checkLayout, ScanLog, type DatasetAdapter, type LayoutEntry } from '../../adapter.ts';
import { joinPath, listFiles, type DirReader } from '../../dir-reader.ts';
import { makeManifest, type LabelSchema, type Manifest } from '../../manifest.ts';

export type HflungLabels = {
  readonly release: 'V1' | 'V1_IP';
  readonly split: 'train' | 'test';
  /** Distinct event types in the label file, sorted; null when the label file is missing. */
  readonly events: readonly string[] | null;
  /** OPERA's per-file summary (hflung_split.py): Wheeze / Stridor / Rhonchi when the file mentions exactly one of them, Both for more, None otherwise. */
  readonly operaLabel: 'None' | 'Wheeze' | 'Stridor' | 'Rhonchi' | 'Both' | null;
};

const RELEASES = [
  { dir: 'HF_Lung_V1-master', release: 'V1' },
  { dir: 'HF_Lung_V1_IP-main', release: 'V1_IP' },
] as const;

const layout: readonly LayoutEntry[] = [
  { path: 'HF_Lung_V1-master', kind: 'dir', required: true, what: 'HF_Lung_V1 (train/ and test/)' },
  { path: 'HF_Lung_V1_IP-main', kind: 'dir', required: false, what: 'HF_Lung_V1_IP (train/ and test/)' },
];

const labels: LabelSchema<HflungLabels> = {
  release: { oneOf: ['V1', 'V1_IP'], nullable: false },
  split: { oneOf: ['train', 'test'], nullable: false },
  events: 'string[]?',
  operaLabel: { oneOf: ['None', 'Wheeze', 'Stridor', 'Rhonchi', 'Both'], nullable: true },
};

const STETH = /^steth_\d{8}_\d{2}_\d{2}_\d{2}$/;
const TRUNC = /^(trunc_\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2})-L\d+_\d+$/;

export function operaSummary(content: string): HflungLabels['operaLabel'] {
  const found = (['Wheeze', 'Stridor', 'Rhonchi'] as const).filter((t) => content.includes(t));
  if (found.length > 1) return 'Both';
  return found[0] ?? 'None';
}

async function scan(root: DirReader): Promise<Manifest<'hflung'>> {
  const log = new ScanLog<'hflung'>();
  if (!(await checkLayout(root, layout, log))) return makeManifest('hflung', log.records, log.problems);
  for (const { dir, release } of RELEASES) {
    for (const split of ['train', 'test'] as const) {
      const files = await listFiles(root, joinPath(dir, split));
      if (files === null) {
        if (await root.exists(dir)) log.problem('missing-layout', joinPath(dir, split), 'folder is missing');
        continue;
      }
      const names = new Set(files);
      for (const f of files) {
        if (!f.endsWith('.wav')) continue;
        const name = f.slice(0, -4);
        const path = joinPath(dir, split, f);
        const trunc = TRUNC.exec(name);
        if (!STETH.test(name) && trunc === null) {
          log.problem('unparsable-name', path, 'expected steth_<date>_<time> or trunc_<date-time>-L<k>_<segment>');
          continue;
        }
        let events: string[] | null = null;
        let operaLabel: HflungLabels['operaLabel'] = null;
        const labelPath = joinPath(dir, split, `${name}_label.txt`);
        if (names.has(`${name}_label.txt`)) {
          const content = await root.readText(labelPath);
          const types = new Set<string>();
          for (const line of content.split(/\r?\n/)) {
            const t = line.trim().split(/\s+/)[0];
            if (t !== undefined && t !== '') types.add(t);
          }
          events = [...types].sort();
          operaLabel = operaSummary(content);
        } else {
          log.problem('missing-metadata', labelPath, 'label file is missing');
        }
        log.add({
          id: path,
          dataset: 'hflung',
          path,
          subject: trunc !== null ? `${release}/${trunc[1] as string}` : `file:${release}/${name}`,
          subjectBasis: trunc !== null ? 'derived' : 'per-file',
          modality: 'lung',
          device: trunc !== null ? 'HF-Type-1' : 'Littmann 3200',
          labels: { release, split, events, operaLabel },
        });
      }
    }
  }
  return makeManifest('hflung', log.records, log.problems);
}

export const hflung: DatasetAdapter<'hflung'> = {
  id: 'hflung',
  title: 'HF_Lung_V1 and HF_Lung_V1_IP lung sound databases',
  licence: 'CC-BY-NC-4.0',
  access: 'open',
  source: 'https://gitlab.com/techsupportHF/HF_Lung_V1 and https://gitlab.com/techsupportHF/HF_Lung_V1_IP',
  citation:
    'Hsu, F.-S., Huang, S.-R., Huang, C.-W., et al. (2021). Benchmarking of eight recurrent neural network variants for breath phase and adventitious sound detection on a self-developed open-access lung sound database (HF_Lung_V1). PLOS ONE 16(7), e0254134. https://doi.org/10.1371/journal.pone.0254134',
  modalities: ['lung'],
  layout,
  labels,
  scan,
};
