// `pct status <vmid> [--verbose 1]` and `qm status` (cli-output-samples.md §5, §6).

import type { GuestStatus, GuestType } from '../../types.js';
import { toPowerState } from './list.js';

/**
 * Top-level `key: value` lines only: qm's verbose form nests hashes (ballooninfo, blockstat,
 * nics) as `key:` followed by TAB-indented children, which we skip.
 */
export function parseStatusLines(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (!line || /^\s/.test(line)) continue;
    const i = line.indexOf(': ');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 2).trim();
  }
  return out;
}

export function parseStatus(type: GuestType, vmid: number, text: string): GuestStatus {
  const kv = parseStatusLines(text);
  // qm's one-line form prints qmpstatus (paused, ...); the verbose form has both keys.
  const status = toPowerState(kv.qmpstatus ?? kv.status);
  const s: GuestStatus = { vmid, type, status, template: kv.template === '1' };
  if (kv.lock) s.lock = kv.lock;
  return s;
}
