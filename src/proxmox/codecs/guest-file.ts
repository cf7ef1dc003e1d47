// A guest config file as Proxmox stores it under /etc/pve/nodes/<node>/{lxc,qemu-server}/<vmid>.conf,
// and the three views of it that `pct/qm config`, `pct/qm pending` and `pct/qm listsnapshot` print.
// Reading the files lets Phoenix observe every guest in one pass instead of three CLI calls each.
//
// Format (pct.conf(5), qm.conf(5)): `#` lines are the description (encode_text per line), then
// `key: value` lines; LXC also keeps raw `lxc.*` lines. A `[name]` line opens a snapshot section with
// the same layout; `[pve:pending]` (LXC) / `[PENDING]` (QEMU) holds the changes queued for the next
// start, with a `delete:` line listing pending deletions (`!key` = forced). QEMU's `[special:*]`
// sections (cloudinit, fleecing) are not guest options and are skipped here.
// PVE: pve-container src/PVE/LXC/Config.pm:parse_pct_config; qemu-server src/PVE/QemuServer.pm:parse_vm_config

import type { GuestConfig, GuestType, PendingChange, SnapshotInfo } from '../types.js';

export interface GuestFileSection {
  options: Record<string, string>;
  /** Raw `lxc.*` entries in file order (LXC only). */
  rawLxc: Array<[string, string]>;
}

export interface GuestFile {
  current: GuestFileSection;
  /** The pending section; `delete` maps each pending deletion to whether it is forced (`!key`). */
  pending?: GuestFileSection & { delete: Map<string, boolean> };
  snapshots: Record<string, GuestFileSection>;
}

const section = (): GuestFileSection => ({ options: {}, rawLxc: [] });

function decodeText(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** `delete: a,!b c;d` → {a: false, b: true, c: false, d: false}. */
// PVE: pve-guest-common src/PVE/AbstractConfig.pm:parse_pending_delete
export function parsePendingDelete(text: string | undefined): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const entry of (text ?? '').replace(/[,;]/g, ' ').trim().split(/\s+/)) {
    if (!entry) continue;
    const force = entry.startsWith('!');
    out.set(force ? entry.slice(1) : entry, force);
  }
  return out;
}

/**
 * Parses a config file the way Proxmox reads it. Lines Proxmox would warn about and skip are
 * skipped. The description keeps what each parser makes of it: LXC appends "\n" to every comment
 * line, QEMU trims trailing whitespace.
 */
export function parseGuestFile(type: GuestType, text: string): GuestFile {
  const file: GuestFile = { current: section(), snapshots: {} };
  let cur: GuestFileSection | undefined = file.current;
  let pendingDelete: string | undefined;
  let inPending = false;
  let descr: string | undefined;
  const finishDescr = () => {
    if (cur && descr !== undefined) {
      const d = type === 'qemu' ? descr.replace(/\s+$/, '') : descr;
      if (type === 'qemu' || d !== '') cur.options.description = d;
    }
    descr = undefined;
  };
  const open = (next: GuestFileSection | undefined, pending: boolean) => {
    finishDescr();
    if (inPending && file.pending) file.pending.delete = parsePendingDelete(pendingDelete);
    cur = next;
    inPending = pending;
    pendingDelete = undefined;
  };
  for (const line of text.split('\n')) {
    if (/^\s*$/.test(line)) continue;
    const head = /^\[([^\]]*)\]\s*$/.exec(line);
    if (head) {
      const name = head[1];
      if ((type === 'lxc' ? /^pve:pending$/i : /^PENDING$/i).test(name)) {
        file.pending = { ...section(), delete: new Map() };
        open(file.pending, true);
      } else if (/^[a-z][a-z0-9_-]+$/i.test(name)) {
        open((file.snapshots[name] = section()), false);
      } else if (type === 'qemu') {
        open(undefined, false); // [special:cloudinit], [special:fleecing], unknown: not guest options
      }
      continue; // LXC: an unknown heading is a line it warns about and skips
    }
    if (!cur) continue;
    const comment = /^#(.*)$/.exec(line);
    if (comment) {
      descr = `${descr ?? ''}${decodeText(comment[1])}\n`;
      continue;
    }
    const d = /^description:\s*(.*\S)\s*$/.exec(line);
    if (d) {
      descr = `${descr ?? ''}${decodeText(d[1])}`;
      continue;
    }
    if (type === 'lxc') {
      const raw = /^(lxc\.[a-z0-9_\-.]+)(:|\s*=)\s*(.*?)\s*$/.exec(line);
      if (raw) {
        // lxc.environment.runtime becomes the `env` option, not a raw entry.
        if (raw[1] !== 'lxc.environment.runtime') cur.rawLxc.push([raw[1], raw[3]]);
        continue;
      }
    }
    const del = /^delete:\s*(.*\S)\s*$/.exec(line);
    if (del) {
      if (inPending) pendingDelete = del[1]; // elsewhere Proxmox warns and ignores it
      continue;
    }
    const kv = (type === 'lxc' ? /^([a-z][a-z_]*\d*):\s*(.+?)\s*$/ : /^([a-z][a-z_-]*\d*):\s*(.+?)\s*$/).exec(line);
    if (kv) cur.options[kv[1]] = kv[2];
  }
  open(undefined, false);
  return file;
}

/**
 * What `pct config` / `qm config` print (no --current): pending values applied, pending deletions
 * removed (Perl's `delete if $conf->{$opt}`: a value of "0" stays), QEMU's cipassword masked.
 */
// PVE: pve-guest-common src/PVE/AbstractConfig.pm:load_current_config; qemu-server src/PVE/API2/Qemu.pm:vm_config
export function configView(type: GuestType, file: GuestFile): GuestConfig {
  const options = { ...file.current.options };
  if (file.pending) {
    for (const [k, v] of Object.entries(file.pending.options)) options[k] = v;
    for (const k of file.pending.delete.keys()) if (options[k] !== undefined && options[k] !== '' && options[k] !== '0') delete options[k];
  }
  if (type === 'qemu' && options.cipassword !== undefined) options.cipassword = '**********';
  return { options, rawLxc: file.current.rawLxc.map(([k, v]) => [k, v] as [string, string]) };
}

/**
 * What `pct pending` / `qm pending` report as queued: `new` (a pending value, not being deleted)
 * and `del` (a pending deletion of an option that has a value now), sorted by key.
 */
// PVE: pve-guest-common src/PVE/GuestHelpers.pm:config_with_pending_array, format_pending
export function pendingView(file: GuestFile): PendingChange[] {
  const p = file.pending;
  if (!p) return [];
  const cur = file.current.options;
  const keys = [...new Set([...Object.keys(cur), ...Object.keys(p.options), ...p.delete.keys()])].sort();
  const out: PendingChange[] = [];
  for (const k of keys) {
    if (k === 'digest') continue;
    if (cur[k] !== undefined) {
      if (p.delete.has(k)) out.push({ key: k, change: 'delete' });
      else if (p.options[k] !== undefined) out.push({ key: k, change: 'set' });
    } else if (p.options[k] !== undefined) out.push({ key: k, change: 'set' });
  }
  return out;
}

/**
 * What `pct listsnapshot` / `qm listsnapshot` print, as SnapshotInfo: the tree in print order
 * (roots, then children depth first, siblings by snaptime), the description's first line only.
 */
// PVE: pve-guest-common src/PVE/GuestHelpers.pm:print_snapshot_tree; pve-container src/PVE/API2/LXC/Snapshot.pm:list
export function snapshotsView(file: GuestFile): SnapshotInfo[] {
  const names = Object.keys(file.snapshots);
  const time = (n: string) => Number(file.snapshots[n].options.snaptime) || 0;
  const byTime = (a: string, b: string) => time(a) - time(b) || (a < b ? -1 : a > b ? 1 : 0);
  const children = new Map<string, string[]>();
  const roots: string[] = [];
  for (const n of names) {
    const parent = file.snapshots[n].options.parent;
    if (parent && parent in file.snapshots) children.set(parent, [...(children.get(parent) ?? []), n]);
    else roots.push(n);
  }
  const out: SnapshotInfo[] = [];
  const visit = (n: string, parent: string | undefined) => {
    const s = file.snapshots[n].options;
    const info: SnapshotInfo = { name: n };
    if (parent) info.parent = parent;
    info.snaptime = time(n);
    const first = (s.description ?? '').split('\n')[0].trim();
    if (first && first !== 'no-description') info.description = first;
    out.push(info);
    for (const c of (children.get(n) ?? []).sort(byTime)) visit(c, n);
  };
  for (const r of roots.sort(byTime)) visit(r, undefined);
  return out;
}
