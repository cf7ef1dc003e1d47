// What Phoenix knows of the host while it plans: the observation (every read made once, before
// any plan), then, as each guest's plan is made, what its actions are known to produce. Diffing
// reads only this: plain values behind the reader interface, no I/O. A guest cloned from one
// this run creates or changes is therefore planned against its source as the source's plan
// leaves it, not against "absent" (the plan of a clone of a clone is as exact as a create's).
//
// Values an action produces that cannot be known before it runs (the volume a create allocates,
// the size of an imported image, the feature markers of a guest that is stopped now) are held as
// UNKNOWN; the actions that depend on them are planned as "decided at apply" and say so.

import type { ProxmoxReader } from '../proxmox/driver.js';
import type { ExecOutcome, GuestConfig, GuestListEntry, GuestStatus, GuestType, PendingChange, PveVersion, SnapshotInfo } from '../proxmox/types.js';
import { MARKER_DIR, RUN_DIR } from '../features/marker.js';

/** A guest's in-guest state Phoenix reads through exec: known, or only after it runs. */
export type Known<T> = { known: true; value: T } | { known: false; why: string };

export interface WorldGuest {
  type: GuestType;
  status: GuestStatus;
  config: GuestConfig;
  pending: PendingChange[];
  snapshots: string[];
  firewall: string | null;
  /** Feature marker file text by feature name (null: no marker). */
  markers: Known<Map<string, string | null>>;
  /** /etc/fstab (VMs with NFS volumes). */
  fstab: Known<string | null>;
  /** Entries an interrupted run left in the feature run area. */
  runArea: Known<string[]>;
  /**
   * Command health checks attempted once in the observing exec (apply runs only), by check name:
   * a guest the run leaves untouched is not asked again. Not part of any plan.
   */
  checks?: Map<string, { ok: boolean; detail: string }>;
  /** Set when the value came from a plan (an action), not from a read. */
  predicted?: boolean;
}

/** The world's key of a storage's volumes holding `content` (on `node`, when read there). */
export const contentKey = (storage: string, content: string, node?: string): string => `${node ?? ''}\0${storage}\0${content}`;

export class UnknownUntilApply extends Error {
  constructor(readonly why: string) {
    super(why);
    this.name = 'UnknownUntilApply';
  }
}

const clone = <T>(v: T): T => structuredClone(v);

export class World {
  readonly guests = new Map<number, WorldGuest>();
  /** Volume ids by contentKey(storage, content, node). */
  readonly content = new Map<string, Set<string>>();
  /** Downloads a plan already makes (volid → the guest whose plan makes it). */
  readonly downloads = new Map<string, number>();
  /** Guests whose observation failed (Proxmox could not say): they fail, their dependents wait. */
  readonly readErrors = new Map<number, Error>();
  constructor(
    readonly node: string,
    readonly version?: PveVersion,
  ) {}

  get(vmid: number): WorldGuest | undefined {
    return this.guests.get(vmid);
  }

  /** A copy, so one guest's planning never changes what another saw at observation. */
  fork(): World {
    const w = new World(this.node, this.version);
    for (const [k, v] of this.guests) w.guests.set(k, clone(v));
    for (const [k, v] of this.content) w.content.set(k, new Set(v));
    for (const [k, v] of this.downloads) w.downloads.set(k, v);
    for (const [k, v] of this.readErrors) w.readErrors.set(k, v);
    return w;
  }

  /** The reader the managers' diff code sees: answers from these values only. */
  reader(): ProxmoxReader {
    const w = this;
    const guest = (type: GuestType, vmid: number) => {
      const g = w.guests.get(vmid);
      return g && g.type === type ? g : undefined;
    };
    return {
      get node() {
        return w.node;
      },
      async list(): Promise<GuestListEntry[]> {
        return [...w.guests.entries()].map(([vmid, g]) => ({
          vmid,
          type: g.type,
          status: g.status.status,
          name: (g.type === 'lxc' ? g.config.options.hostname : g.config.options.name) ?? '',
          ...(g.status.lock ? { lock: g.status.lock } : {}),
        }));
      },
      async status(type, vmid) {
        const g = guest(type, vmid);
        return g ? clone(g.status) : null;
      },
      async config(type, vmid) {
        const g = guest(type, vmid);
        return g ? clone(g.config) : null;
      },
      async listSnapshots(type, vmid): Promise<SnapshotInfo[]> {
        return (guest(type, vmid)?.snapshots ?? []).map((name) => ({ name }));
      },
      async pending(type, vmid) {
        return clone(guest(type, vmid)?.pending ?? []);
      },
      async readFirewall(vmid) {
        return w.guests.get(vmid)?.firewall ?? null;
      },
      async exec(type, vmid, argv): Promise<ExecOutcome> {
        const g = guest(type, vmid);
        if (!g || g.status.status !== 'running') throw new UnknownUntilApply(`${type === 'lxc' ? 'CT' : 'VM'} ${vmid} is not running`);
        const miss: ExecOutcome = { exitCode: 1, stdout: '', stderr: 'No such file or directory' };
        const at = (k: Known<unknown>) => {
          if (!k.known) throw new UnknownUntilApply(k.why);
        };
        if (argv[0] === 'cat' && argv[1]?.startsWith(`${MARKER_DIR}/`)) {
          at(g.markers);
          const name = argv[1].slice(MARKER_DIR.length + 1).replace(/\.json$/, '');
          const text = g.markers.known ? g.markers.value.get(name) : null;
          return text == null ? miss : { exitCode: 0, stdout: text, stderr: '' };
        }
        if (argv[0] === 'cat' && argv[1] === '/etc/fstab') {
          at(g.fstab);
          const text = g.fstab.known ? g.fstab.value : null;
          return text == null ? miss : { exitCode: 0, stdout: text, stderr: '' };
        }
        if (argv[0] === 'ls' && argv[2] === RUN_DIR) {
          at(g.runArea);
          return { exitCode: 0, stdout: g.runArea.known ? g.runArea.value.join('\n') : '', stderr: '' };
        }
        throw new Error(`planning cannot run ${argv.join(' ')} in guest ${vmid}`);
      },
      async agentPing() {
        return false;
      },
      async addresses() {
        return null; // what a guest holds at run time is not part of a plan
      },
      async inventory() {
        return null; // planning reads guest by guest from these values
      },
      // The host's storages, bridges and memory are checked once before planning (app/preflight.ts).
      async storages() {
        throw new Error('planning does not read storages (preflight does)');
      },
      async bridges() {
        throw new Error('planning does not read bridges (preflight does)');
      },
      async nodeMemory() {
        throw new Error('planning does not read the node memory (preflight does)');
      },
      async hostVersion() {
        if (!w.version) throw new Error('host version not observed');
        return w.version;
      },
      async storageContent(storage, content, node) {
        return [...(w.content.get(contentKey(storage, content, node)) ?? [])];
      },
    };
  }
}
