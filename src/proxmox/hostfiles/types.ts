// Files under a Proxmox host's /etc/pve that have no pct/qm command: the raw `lxc.*` lines of a
// container's config and the per-guest firewall file. Paths are relative to the root
// (`lxc/101.conf`, `firewall/101.fw`); the root is /etc/pve on a host, <state>/etc/pve in the
// simulator.

export interface HostFiles {
  /** Where the tree is rooted (for messages). */
  readonly root: string;
  /** null when the file does not exist. */
  read(path: string): Promise<string | null>;
  /**
   * Every file directly in `dir` whose name ends with `suffix`, name → content, in one request
   * (one `cat` over SSH); null when the directory cannot be read. A file removed while it is
   * read is left out.
   */
  readDir(dir: string, suffix: string): Promise<Map<string, string> | null>;
  /** Atomic: readers see the old or the new content, never a part. */
  write(path: string, content: string): Promise<void>;
  /** No error when it is already gone. */
  remove(path: string): Promise<void>;
}

export interface HostFileOp {
  op: 'read' | 'readDir' | 'write' | 'remove';
  path: string;
  durationMs: number;
}

export const lxcConfPath = (vmid: number): string => `lxc/${vmid}.conf`;
/** The node's guest config directories, as pmxcfs lays them out (/etc/pve/lxc links to the local one). */
export const guestConfDir = (node: string, type: 'lxc' | 'qemu'): string => `nodes/${node}/${type === 'lxc' ? 'lxc' : 'qemu-server'}`;
export const firewallPath = (vmid: number): string => `firewall/${vmid}.fw`;
