// `pct config` / `qm config` (cli-output-samples.md §3): sorted `key: value` lines split at the
// first ": ", the description %-encoded by encode_text, raw `lxc.*` entries last in file order.

import type { GuestConfig, PendingChange } from '../../types.js';

export function decodeText(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v; // not produced by encode_text; keep what Proxmox printed
  }
}

export function parseConfig(text: string): GuestConfig {
  const options: Record<string, string> = {};
  const rawLxc: Array<[string, string]> = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const i = line.indexOf(': ');
    // `lxc.cap.drop: ` prints an empty value; some copies lose the trailing space.
    const [key, value] = i > 0 ? [line.slice(0, i), line.slice(i + 2)] : line.endsWith(':') ? [line.slice(0, -1), ''] : [null, ''];
    if (key === null) continue;
    if (key.startsWith('lxc.')) rawLxc.push([key, value.trim()]);
    else options[key] = key === 'description' ? decodeText(value) : value;
  }
  return { options, rawLxc };
}

/**
 * `pct pending` / `qm pending` (cli-output-samples.md §4, pve-guest-common GuestHelpers.pm
 * format_pending): `cur`/`new`/`del` lines; returns the options with a change queued for the next
 * start (`new` = a value, `del` = a deletion), sorted as printed.
 */
export function parsePending(text: string): PendingChange[] {
  const out: PendingChange[] = [];
  for (const line of text.split('\n')) {
    const m = /^(new|del) ([^:]+):/.exec(line);
    if (m) out.push({ key: m[2], change: m[1] === 'new' ? 'set' : 'delete' });
  }
  return out;
}
