/**
 * A benchmark task's input rules (`InputRules`: OPERA paths a/b/c per encoder, HeAR windows) as the
 * `InputPolicy` of one encoder. One entry per encoder id, so a new encoder does not compile until it says
 * which rule applies to it; null means the task has no rule for it and the encoder's default policy is used.
 *
 *   OPERA (a) min-length pad   → opera-entire with OPERA's trim, minSeconds = minSec, the task's pad type
 *   OPERA (b) chunks           → opera-split with OPERA's trim, chunkSeconds = chunkSec
 *   OPERA (c) precomputed spec → opera-entire with OPERA's trim, minSeconds = specPadSec, repeat pad: the
 *                                spectrogram OPERA stored; cutting it into pieces is the encoder's
 *                                `modelInputs` (OPERA-GT: 256-frame pieces, opera.md §1.4c)
 *   HeAR windows               → windows of clipSec every hopSec; tail 'zero-pad' → 'pad-zero', 'drop' → 'drop'
 */
import { OPERA_TRIM } from '../audio/trim.ts';
import type { HearInput, InputRules, OperaInput } from '../bench/task.ts';
import type { EncoderId, InputPolicy } from '../encoders/types.ts';
import { unreachable } from '../util/index.ts';

export function operaInputPolicy(rule: OperaInput): InputPolicy {
  switch (rule.path) {
    case 'a': return { kind: 'opera-entire', trim: OPERA_TRIM, minSeconds: rule.minSec, pad: rule.pad };
    case 'b': return { kind: 'opera-split', trim: OPERA_TRIM, chunkSeconds: rule.chunkSec };
    case 'c': return { kind: 'opera-entire', trim: OPERA_TRIM, minSeconds: rule.specPadSec, pad: 'repeat' };
    default: return unreachable(rule, 'OPERA input path');
  }
}

export function hearInputPolicy(rule: HearInput): InputPolicy {
  return { kind: 'windows', seconds: rule.clipSec, hopSeconds: rule.hopSec, tail: rule.tail === 'zero-pad' ? 'pad-zero' : 'drop' };
}

export const TASK_INPUT_POLICY: { readonly [K in EncoderId]: (rules: InputRules) => InputPolicy | null } = {
  'opera-ce': (r) => operaInputPolicy(r.opera.ce),
  'opera-ct': (r) => operaInputPolicy(r.opera.ct),
  'opera-gt': (r) => operaInputPolicy(r.opera.gt),
  hear: (r) => hearInputPolicy(r.hear),
  'efficientat-mn04': () => null,
};

/** The policy a task prescribes for `id`, or null (use the encoder's default). */
export function taskInputPolicy(id: EncoderId, rules: InputRules): InputPolicy | null {
  return TASK_INPUT_POLICY[id](rules);
}
