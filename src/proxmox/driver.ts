// The one interface every side effect goes through. Implementations: the pct/qm CLI driver
// (local or SSH transport; also used with the simulator's executables), and later the REST API.
// `ProxmoxReader` is the read-only half: plan/observe and dry runs only ever get a reader, and
// `readOnlyDriver()` turns any driver into one whose mutating calls throw, so a dry run cannot
// mutate by construction.

import type { DownloadRequest, ExecInGuestOptions, ExecOutcome, GuestAddress, GuestConfig, GuestListEntry, GuestStatus, GuestType, HostInventory, NodeMemory, PendingChange, PushOptions, PveParams, PveVersion, SnapshotInfo, StorageStatus } from './types.js';

export interface ProxmoxReader {
  readonly node: string;
  /** Every guest on the node (pct list + qm list). */
  list(): Promise<GuestListEntry[]>;
  /** null when the guest does not exist. */
  status(type: GuestType, vmid: number): Promise<GuestStatus | null>;
  /** null when the guest does not exist. */
  config(type: GuestType, vmid: number): Promise<GuestConfig | null>;
  listSnapshots(type: GuestType, vmid: number): Promise<SnapshotInfo[]>;
  /**
   * Options Proxmox has queued for the guest's next start (`pct/qm pending`): a change a running
   * guest could not take live, made by Phoenix or by anyone else.
   */
  pending(type: GuestType, vmid: number): Promise<PendingChange[]>;
  /**
   * Every guest on the node with what status/config/pending/listSnapshots would return for it,
   * read in O(1) calls (the config files under /etc/pve/nodes/<node>, and one
   * `pvesh get /cluster/resources`). null when the files are not readable from here: the caller
   * then reads guest by guest. A VM that is paused shows `running` (what the status broadcast says).
   */
  inventory(): Promise<HostInventory | null>;
  /** Contents of /etc/pve/firewall/<vmid>.fw, null when absent. */
  readFirewall(vmid: number): Promise<string | null>;
  /** Run a command inside a running guest (pct exec / qm guest exec). Reads are allowed in dry-run. */
  exec(type: GuestType, vmid: number, argv: string[], opts?: ExecInGuestOptions): Promise<ExecOutcome>;
  /** qm guest cmd <vmid> ping: true when the guest agent answers. */
  agentPing(vmid: number): Promise<boolean>;
  /**
   * The addresses a running guest holds (a DHCP lease included), loopback left out: a CT's from
   * its network namespace (`GET /nodes/NODE/lxc/VMID/interfaces`), a VM's from its guest agent
   * (`network-get-interfaces`). null when the guest is not running or its agent does not answer.
   */
  addresses(type: GuestType, vmid: number): Promise<GuestAddress[] | null>;
  /** `pveversion`: the host's Proxmox VE release (read once per run). */
  hostVersion(): Promise<PveVersion>;
  /** Volume ids of one content type on a storage (`pvesh get /nodes/NODE/storage/S/content --content C`). */
  /** The volumes of a storage holding `content`; `node`: another node's (a cluster driver routes it; a node's own driver ignores it). */
  storageContent(storage: string, content: string, node?: string): Promise<string[]>;
  /** Every storage as the node sees it (`pvesh get /nodes/NODE/storage`): the run's preflight. */
  storages(): Promise<StorageStatus[]>;
  /** Names of the node's bridges (`pvesh get /nodes/NODE/network --type any_bridge`). */
  bridges(): Promise<string[]>;
  /** The node's memory (`pvesh get /nodes/NODE/status`). */
  nodeMemory(): Promise<NodeMemory>;
}

export interface ProxmoxDriver extends ProxmoxReader {
  /** pct create <vmid> <ostemplate> / qm create <vmid>. */
  create(type: GuestType, vmid: number, params: PveParams, ostemplate?: string): Promise<void>;
  clone(type: GuestType, source: number, vmid: number, params: PveParams): Promise<void>;
  /** pct set / qm set; `del` lists options to delete (--delete). */
  set(type: GuestType, vmid: number, params: PveParams, del?: string[]): Promise<void>;
  resize(type: GuestType, vmid: number, disk: string, size: string): Promise<void>;
  start(type: GuestType, vmid: number): Promise<void>;
  stop(type: GuestType, vmid: number): Promise<void>;
  shutdown(type: GuestType, vmid: number, timeoutSec?: number): Promise<void>;
  reboot(type: GuestType, vmid: number): Promise<void>;
  /** `unreferenced`: also every volume of this vmid the config does not name (always on for qm). */
  destroy(type: GuestType, vmid: number, opts?: { purge?: boolean; unreferenced?: boolean }): Promise<void>;
  template(type: GuestType, vmid: number): Promise<void>;
  snapshot(type: GuestType, vmid: number, name: string, description?: string): Promise<void>;
  delsnapshot(type: GuestType, vmid: number, name: string): Promise<void>;
  rollback(type: GuestType, vmid: number, name: string): Promise<void>;
  /** Proxmox downloads a file into a storage (`pvesh create …/download-url`); verifies the checksum when given. */
  downloadUrl(req: DownloadRequest): Promise<void>;
  /** qm disk import <vmid> <source> <storage> [--format]. */
  importDisk(vmid: number, source: string, storage: string, opts?: { format?: string }): Promise<void>;
  cloudinitUpdate(vmid: number): Promise<void>;
  /** pct push <vmid> <file> <target>; for VMs the guest agent's file-write. */
  push(type: GuestType, vmid: number, localFile: string, guestPath: string, opts?: PushOptions): Promise<void>;
  /** Replace the raw lxc.* entries of a container's config (Proxmox has no option for them). */
  setRawLxc(vmid: number, entries: Array<[string, string]>): Promise<void>;
  /** Write /etc/pve/firewall/<vmid>.fw (null removes it). */
  writeFirewall(vmid: number, content: string | null): Promise<void>;
  /** pct/qm unlock: remove the `lock:` a task left in the config (only when that task is gone). */
  unlock(type: GuestType, vmid: number): Promise<void>;
}

/** Thrown by a read-only driver when anything tries to mutate. A dry run hitting this is a bug. */
export class MutationRefused extends Error {
  constructor(readonly operation: string) {
    super(`refused mutating call ${operation} on a read-only driver (dry run)`);
    this.name = 'MutationRefused';
  }
}

/**
 * The one table of which driver calls read and which mutate. Every method is in exactly one list
 * (checked by the compiler below), so a new method cannot slip through a dry run unclassified.
 */
export const READS = ['list', 'status', 'config', 'pending', 'listSnapshots', 'inventory', 'readFirewall', 'exec', 'agentPing', 'addresses', 'hostVersion', 'storageContent', 'storages', 'bridges', 'nodeMemory'] as const satisfies ReadonlyArray<keyof ProxmoxReader>;
export const MUTATING = ['create', 'clone', 'set', 'resize', 'start', 'stop', 'shutdown', 'reboot', 'destroy', 'template', 'snapshot', 'delsnapshot', 'rollback', 'importDisk', 'cloudinitUpdate', 'push', 'setRawLxc', 'writeFirewall', 'unlock', 'downloadUrl'] as const satisfies ReadonlyArray<
  Exclude<keyof ProxmoxDriver, keyof ProxmoxReader>
>;
type Unlisted = Exclude<keyof ProxmoxDriver, 'node' | (typeof READS)[number] | (typeof MUTATING)[number]>;
const everyMethodListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyMethodListed;

/** A driver whose every mutating method throws MutationRefused; reads pass through. */
export function readOnlyDriver(inner: ProxmoxReader): ProxmoxDriver {
  const d = Object.create(null) as Record<string, unknown>;
  for (const k of READS) {
    d[k] = (inner[k] as (...a: unknown[]) => unknown).bind(inner);
  }
  Object.defineProperty(d, 'node', { get: () => inner.node });
  for (const k of MUTATING) {
    d[k] = async () => {
      throw new MutationRefused(k);
    };
  }
  return d as unknown as ProxmoxDriver;
}
