/**
 * The recording device of a manifest record for unseen-device evaluation: KAUH records one stethoscope
 * (Littmann 3200) but three filter modes, which act as three devices (bell, diaphragm, extended); other
 * datasets give the manifest's `device` (ICBHI: AKGC417L, Meditron, Litt3200, LittC2SE; covid19-cough: the
 * recording channel). Null when the dataset records none.
 */
import type { ManifestRecord } from '../data/manifest.ts';

export function deviceOf(r: ManifestRecord): string | null {
  if (r.dataset === 'kauh') return `filter:${(r as ManifestRecord<'kauh'>).labels.filter}`;
  return r.device ?? null;
}
