// Proxmox's own vocabulary: vmid, guest type, parameters as Proxmox names them. Nothing here
// knows Phoenix config or plan types (STYLE: proxmox/ never imports model/config/plan).

export type GuestType = 'lxc' | 'qemu';

/** Proxmox API/CLI parameters: the keys are option names (`memory`, `net0`, `rootfs`, ...). */
export type PveParams = Record<string, string | number | boolean>;

export type PowerState = 'running' | 'stopped' | 'paused' | 'unknown';

export interface GuestListEntry {
  vmid: number;
  type: GuestType;
  name: string;
  status: PowerState;
  lock?: string;
}

export interface GuestStatus {
  vmid: number;
  type: GuestType;
  status: PowerState;
  template: boolean;
  lock?: string;
}

/**
 * A guest's configuration as `pct config`/`qm config` prints it: sorted `key: value` options,
 * plus (LXC) the raw `lxc.*` entries in file order.
 */
export interface GuestConfig {
  options: Record<string, string>;
  rawLxc: Array<[string, string]>;
}

/** An option Proxmox has queued for the next start: a new value, or a deletion. */
export interface PendingChange {
  key: string;
  change: 'set' | 'delete';
}

export interface SnapshotInfo {
  name: string;
  parent?: string;
  description?: string;
  snaptime?: number;
}

export interface ExecOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ExecInGuestOptions {
  timeoutMs?: number;
  /**
   * A VM over pve-cli: the command is expected to be short, so `qm guest exec` itself waits for
   * it (synchronous, `--timeout` = the whole time limit) and answers its result in one call,
   * instead of a dispatch and an `exec-status` poll (two Perl start-ups on a real node).
   */
  short?: boolean;
  /** Bytes written to the command's stdin (LXC exec only). */
  input?: string;
  env?: Record<string, string>;
  signal?: AbortSignal;
}

export interface PushOptions {
  perms?: string; // octal, e.g. '0600'
  user?: number;
  group?: number;
}

/** What `pveversion` says: `pve-manager/9.1.1/42db4a6cf33dac83 (running kernel: ...)`. */
export interface PveVersion {
  /** `9.1.1` */
  release: string;
  major: number;
  minor: number;
}

/** One storage as the node sees it (`pvesh get /nodes/NODE/storage`). Sizes in bytes (0 when inactive). */
export interface StorageStatus {
  storage: string;
  /** dir, lvmthin, lvm, zfspool, nfs, ... */
  type: string;
  /** Content types it holds: rootdir, images, vztmpl, iso, import, ... */
  content: string[];
  /** Not disabled, and available on this node (`nodes`). */
  enabled: boolean;
  active: boolean;
  shared: boolean;
  total: number;
  used: number;
  avail: number;
}

/** One address a running guest holds (from the guest itself: its network namespace or its agent). */
export interface GuestAddress {
  iface: string;
  family: 4 | 6;
  address: string;
  prefix: number;
}

/** The node's memory in bytes (`pvesh get /nodes/NODE/status`). */
export interface NodeMemory {
  total: number;
  used: number;
  free: number;
}

/** `download-url` into a storage (`pvesh create /nodes/NODE/storage/STORAGE/download-url`). */
export interface DownloadRequest {
  storage: string;
  url: string;
  filename: string;
  content: 'import' | 'iso' | 'vztmpl';
  checksum?: { algorithm: string; value: string };
  /** On a cluster: the node whose storage it goes to (the VM's); absent: the run's node. */
  node?: string;
}

/** One guest as the bulk read sees it: what status/config/pending/listSnapshots would each return. */
export interface InventoryGuest {
  type: GuestType;
  vmid: number;
  /** The cluster node it is on (its config file's directory). */
  node: string;
  status: GuestStatus;
  config: GuestConfig;
  pending: PendingChange[];
  snapshots: SnapshotInfo[];
}

/** Every guest of the cluster (each node /cluster/resources names), read in a constant number of calls per node; sorted by vmid. */
export interface HostInventory {
  node: string;
  guests: InventoryGuest[];
  /** Calls and file requests it took (for the bench and the logs). */
  requests: number;
}
