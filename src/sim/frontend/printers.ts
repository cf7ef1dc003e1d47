// The text pct/qm print, reproduced from the Proxmox sources' printf formats (see
// ../shared/pve/cli-output-samples.md). Pure functions: data in, text out.

const padR = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const padL = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

export interface CtListRow {
  vmid: number;
  status: string;
  lock?: string;
  name: string;
}

/** `pct list`: nothing at all when there are no containers. */
// PVE: pve-container src/PVE/CLI/pct.pm:list (`%-10s %-10s %-12s %-20s`, sorted by vmid)
export function printPctList(rows: CtListRow[]): string {
  if (rows.length === 0) return '';
  const line = (a: string, b: string, c: string, d: string) => `${padR(a, 10)} ${padR(b, 10)} ${padR(c, 12)} ${padR(d, 20)}\n`;
  let out = line('VMID', 'Status', 'Lock', 'Name');
  for (const r of [...rows].sort((a, b) => a.vmid - b.vmid)) out += line(String(r.vmid), r.status, r.lock ?? '', r.name);
  return out;
}

export interface VmListRow {
  vmid: number;
  name: string;
  status: string;
  maxmemBytes: number;
  maxdiskBytes: number;
  pid: number;
}

/** Perl's `%s` of a number: integers plainly, other values with up to 15 significant digits. */
const perlNum = (n: number) => (Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(15))));

/** `qm list`: nothing at all when there are no VMs. */
// PVE: qemu-server src/PVE/CLI/qm.pm:list (`%10s %-20s %-10s %-10s %12.2f %-10s`, mem in MB)
export function printQmList(rows: VmListRow[]): string {
  if (rows.length === 0) return '';
  let out = `${padL('VMID', 10)} ${padR('NAME', 20)} ${padR('STATUS', 10)} ${padR('MEM(MB)', 10)} ${padL('BOOTDISK(GB)', 12)} ${padR('PID', 10)}\n`;
  for (const r of [...rows].sort((a, b) => a.vmid - b.vmid)) {
    const mem = perlNum(r.maxmemBytes / (1024 * 1024));
    const disk = (r.maxdiskBytes / 1024 ** 3).toFixed(2);
    out += `${padL(String(r.vmid), 10)} ${padR(r.name, 20)} ${padR(r.status, 10)} ${padR(mem, 10)} ${padL(disk, 12)} ${padR(String(r.pid), 10)}\n`;
  }
  return out;
}

export interface SnapEntry {
  name: string;
  parent?: string;
  snaptime?: number;
  description?: string;
}

const two = (n: number) => String(n).padStart(2, '0');
/** strftime("%F %H:%M:%S", localtime(t)). */
// PVE: pve-guest-common src/PVE/GuestHelpers.pm:print_snapshot_tree (the snaptime column)
export function localTimestamp(epochSec: number): string {
  const d = new Date(epochSec * 1000);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/**
 * `pct listsnapshot` / `qm listsnapshot` (PVE::GuestHelpers::print_snapshot_tree). `entries`
 * includes the pseudo-snapshot `current` (no snaptime, description "You are here!").
 */
// PVE: pve-guest-common src/PVE/GuestHelpers.pm:print_snapshot_tree (`->` prefix, one space deeper per level, siblings by snaptime, first description line)
export function printSnapshotTree(entries: SnapEntry[]): string {
  const byName = new Map(entries.map((e) => [e.name, e]));
  const children = new Map<string, string[]>();
  const roots: string[] = [];
  for (const e of entries) {
    if (e.parent && byName.has(e.parent)) {
      const list = children.get(e.parent) ?? [];
      list.push(e.name);
      children.set(e.parent, list);
    } else roots.push(e.name);
  }
  const byTime = (a: string, b: string) => {
    const ta = byName.get(a)!.snaptime;
    const tb = byName.get(b)!.snaptime;
    if (ta === undefined) return 1;
    if (tb === undefined) return -1;
    return ta - tb;
  };
  let out = '';
  const print = (name: string, prefix: string) => {
    const e = byName.get(name)!;
    let descr = e.description || 'no-description';
    descr = /^(.*)$/m.exec(descr)?.[1] ?? descr;
    const time = e.snaptime !== undefined ? localTimestamp(e.snaptime) : '';
    const len = Math.max(30 - prefix.length, 0);
    out += `${prefix} ${padR(name, len)} ${padR(time, 23)} ${descr}\n`;
    for (const c of (children.get(name) ?? []).sort(byTime)) print(c, ` ${prefix}`);
  };
  for (const r of roots.sort(byTime)) print(r, '`->');
  return out;
}

/** `qm status --verbose` (print_recursive_hash): nested values one TAB deeper per level. */
// PVE: qemu-server src/PVE/CLI/qm.pm:print_recursive_hash
export function printRecursive(key: string, value: unknown, prefix = ''): string {
  if (value !== null && typeof value === 'object') {
    let out = `${prefix}${key}:\n`;
    const obj = value as Record<string, unknown>;
    for (const k of Object.keys(obj).sort()) out += printRecursive(k, obj[k], `${prefix}\t`);
    return out;
  }
  return value === undefined ? '' : `${prefix}${key}: ${String(value)}\n`;
}
