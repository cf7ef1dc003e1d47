// The simulated host's model: what host.json holds and what a storage's volume registry holds.

export type GuestKind = 'lxc' | 'qemu';

export type StorageType = 'dir' | 'lvmthin' | 'zfspool' | 'lvm' | 'nfs';

export interface StorageDef {
  id: string;
  type: StorageType;
  content: string[];
  /** Total bytes; free space is total minus the registered volumes. */
  total: number;
  /** Filesystem path for dir-like storages (absolute template paths resolve through it). */
  path?: string;
  /** Nodes the storage is available on; absent = all. */
  nodes?: string[];
  shared?: boolean;
  /** zfspool `sparse 1`: zvols without a reservation (thin), as Proxmox's `zfs create -s`. */
  sparse?: boolean;
  /** storage.cfg `disable`: configured but not usable. */
  disable?: boolean;
}

export interface HostState {
  version: 1;
  /** The node this host is (pct/qm only ever act on the local node). */
  node: string;
  nodes: string[];
  bridges: string[];
  storages: StorageDef[];
  /** Seed for MAC addresses and uuids, so runs are reproducible. */
  seed: string;
  /** Host files (absolute paths) that exist for the simulator, e.g. a downloaded cloud image. */
  hostFiles: Record<string, number>;
  /** The node's memory in bytes (absent: 64 GiB). */
  memory?: number;
  /** The Proxmox VE release simulated (absent: 9.1). */
  pve?: '8.4' | '9.1';
}

export interface Volume {
  /** Volume name without the storage prefix: `vm-100-disk-0`, `vztmpl/debian-...tar.zst`. */
  name: string;
  size: number;
  /** Owner vmid for guest volumes. */
  vmid?: number;
  content: 'rootdir' | 'images' | 'vztmpl' | 'iso' | 'import' | 'snippets' | 'backup';
  /** The base volume of a linked clone whose name does not show it (LVM-thin snapshots). */
  base?: string;
}

export interface StorageRegistry {
  volumes: Volume[];
}

export interface Runtime {
  status: 'running' | 'stopped';
  /** ms since epoch when it started (drives uptime and the guest agent's "booted"). */
  startedAt?: number;
  pid?: number;
  /** qm guest exec --timeout 0 results, keyed by pid. */
  execs?: Record<string, { exitcode: number; stdout: string; stderr: string }>;
  nextExecPid?: number;
}
