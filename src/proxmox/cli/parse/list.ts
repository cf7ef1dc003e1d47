// `pct list` and `qm list` (cli-output-samples.md §1, §2). Both print nothing at all when empty.

import type { GuestListEntry, PowerState } from '../../types.js';

export function toPowerState(s: string | undefined): PowerState {
  switch (s) {
    case 'running':
    case 'stopped':
    case 'paused':
      return s;
    case 'suspended':
    case 'prelaunch':
      return 'paused';
    default:
      return 'unknown';
  }
}

const LOCKS = new Set(['backup', 'create', 'destroyed', 'disk', 'fstrim', 'migrate', 'mounted', 'rollback', 'snapshot', 'snapshot-delete', 'suspending', 'suspended', 'clone']);
const NAME_COLUMN = 35;

const rows = (text: string): string[] => text.split('\n').filter((l) => /^\s*\d/.test(l));

/**
 * `%-10s %-10s %-12s %-20s`: VMID Status Lock Name. Names never contain whitespace (Proxmox
 * strips it), so tokens work; a lock long enough to overflow its column (snapshot-delete) would
 * break fixed offsets, which is why we do not use them except to tell a lone lock from a name.
 */
export function parsePctList(text: string): GuestListEntry[] {
  return rows(text).map((line) => {
    const t = line.trim().split(/\s+/);
    const vmid = Number(t[0]);
    const status = toPowerState(t[1]);
    let lock: string | undefined;
    let name = '';
    if (t.length >= 4) {
      lock = t[2];
      name = t.slice(3).join(' ');
    } else if (t.length === 3) {
      const at = line.indexOf(t[2], line.indexOf(t[1]) + t[1].length);
      if (at < NAME_COLUMN && LOCKS.has(t[2])) lock = t[2];
      else name = t[2];
    }
    return lock ? { vmid, type: 'lxc', name, status, lock } : { vmid, type: 'lxc', name, status };
  });
}

/**
 * `%10s %-20s %-10s %-10s %12.2f %-10s`: VMID NAME STATUS MEM BOOTDISK PID. The vmid is
 * right-aligned, an unnamed VM is `VM <vmid>` (a space), and long names push the columns right:
 * take the vmid from the left, four fields from the right, the name is what is left between.
 */
export function parseQmList(text: string): GuestListEntry[] {
  return rows(text).flatMap((line) => {
    const m = /^\s*(\d+)\s(.*?)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$/.exec(line);
    if (!m) return [];
    return [{ vmid: Number(m[1]), type: 'qemu' as const, name: m[2].trim(), status: toPowerState(m[3]) }];
  });
}
