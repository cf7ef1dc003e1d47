// What a simulated host holds, read straight from the simulator's state directory, for the
// robustness tests (faults, kills, concurrent runs): a digest to compare two runs' end states,
// and the invariants that must hold after any run (no leftover locks, no volume without an
// owner's config naming it, snapshot names unique, only configured guests).

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface GuestState {
  vmid: number;
  kind: 'lxc' | 'qemu';
  /** Current options, without values the host generates per run (MACs, uuids, times). */
  options: Record<string, string>;
  /** Snapshot section names in file order (duplicates kept, so tests can see them). */
  snapshots: string[];
  /** Volumes this vmid owns on any storage, `storage:name`, sorted. */
  volumes: string[];
  status: string;
}

function node(state: string): string {
  try {
    return (JSON.parse(readFileSync(join(state, 'host.json'), 'utf8')) as { node: string }).node;
  } catch {
    return 'pve';
  }
}

// Generated per guest by the host, not by the config: compared only as "present".
const GENERATED = new Set(['meta', 'vmgenid', 'digest', 'snaptime']);

function normalize(key: string, value: string): string {
  if (GENERATED.has(key)) return '<generated>';
  if (/^net\d+$/.test(key)) return value.replace(/(hwaddr|virtio|e1000|macaddr)=[0-9A-Fa-f:]{17}/g, '$1=<mac>');
  if (key === 'smbios1') return value.replace(/uuid=[0-9a-f-]+/, 'uuid=<uuid>');
  return value;
}

function parseConf(text: string): { options: Record<string, string>; snapshots: string[] } {
  const options: Record<string, string> = {};
  const snapshots: string[] = [];
  let current = true;
  for (const line of text.split('\n')) {
    const sec = /^\[([^\]]+)\]$/.exec(line);
    if (sec) {
      current = false;
      if (sec[1] !== 'PENDING') snapshots.push(sec[1]);
      continue;
    }
    if (!current || line.startsWith('#') || !line.trim()) continue;
    const m = /^([a-z0-9_.\-]+):\s?(.*)$/i.exec(line);
    if (m) options[m[1]] = normalize(m[1], m[2]);
  }
  return { options, snapshots };
}

export function readGuests(state: string): GuestState[] {
  const n = node(state);
  const owned = new Map<number, string[]>();
  const storageDir = join(state, 'storage');
  if (existsSync(storageDir)) {
    for (const f of readdirSync(storageDir).filter((x) => x.endsWith('.json'))) {
      const reg = JSON.parse(readFileSync(join(storageDir, f), 'utf8')) as { volumes: Array<{ name: string; vmid?: number }> };
      for (const v of reg.volumes) if (v.vmid !== undefined) owned.set(v.vmid, [...(owned.get(v.vmid) ?? []), `${f.slice(0, -5)}:${v.name}`]);
    }
  }
  const out: GuestState[] = [];
  for (const [kind, dir] of [
    ['lxc', 'lxc'],
    ['qemu', 'qemu-server'],
  ] as const) {
    const d = join(state, 'etc', 'pve', 'nodes', n, dir);
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d).filter((x) => x.endsWith('.conf'))) {
      const vmid = Number(f.slice(0, -5));
      const { options, snapshots } = parseConf(readFileSync(join(d, f), 'utf8'));
      let status = 'stopped';
      try {
        status = (JSON.parse(readFileSync(join(state, 'run', `${vmid}.json`), 'utf8')) as { status?: string }).status ?? 'stopped';
      } catch {
        /* never started */
      }
      out.push({ vmid, kind, options, snapshots, volumes: (owned.get(vmid) ?? []).sort(), status });
    }
  }
  // Volumes whose owner has no config at all are orphans: report them under their vmid.
  for (const [vmid, vols] of owned) {
    if (!out.some((g) => g.vmid === vmid)) out.push({ vmid, kind: 'lxc', options: { '<no config>': 'orphan volumes' }, snapshots: [], volumes: vols.sort(), status: 'missing' });
  }
  return out.sort((a, b) => a.vmid - b.vmid);
}

/** A stable text of the whole host, for deepEqual between runs (diffs name the guest). */
export function stateDigest(state: string): Record<string, unknown> {
  return Object.fromEntries(readGuests(state).map((g) => [g.vmid, { kind: g.kind, status: g.status, snapshots: [...g.snapshots].sort(), volumes: g.volumes, options: g.options }]));
}

/** What must hold after any run, finished or not: each problem named. */
export function stateProblems(state: string, configured: number[]): string[] {
  const problems: string[] = [];
  const want = new Set(configured);
  for (const g of readGuests(state)) {
    if (!want.has(g.vmid)) problems.push(`guest ${g.vmid} is not in the config (${JSON.stringify(g.options).slice(0, 80)})`);
    const names = new Set(g.snapshots);
    if (names.size !== g.snapshots.length) problems.push(`guest ${g.vmid} has a snapshot name twice: ${g.snapshots.join(', ')}`);
    const referenced = new Set<string>();
    for (const v of Object.values(g.options)) {
      const m = /^(?:[a-z]+=)?([\w.-]+:[^,]+)/i.exec(v);
      if (m) referenced.add(m[1]);
    }
    for (const v of g.volumes) {
      // A disk the current config does not name: a duplicate left by a redone create/clone
      // (snapshot-only volumes are not modelled by the simulator, so every owned volume is current).
      if (!referenced.has(v)) problems.push(`guest ${g.vmid} owns volume ${v} that its config does not use`);
    }
  }
  return problems;
}

/** Guests left locked (after a run that was allowed to finish, there must be none). */
export function lockedGuests(state: string): string[] {
  return readGuests(state)
    .filter((g) => g.options.lock !== undefined)
    .map((g) => `${g.vmid} (lock: ${g.options.lock})`);
}
