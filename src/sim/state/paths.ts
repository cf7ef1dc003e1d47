// Where everything lives inside a simulator state directory. The /etc/pve part mirrors a real
// host so Phoenix (and people) can read the files as they would on Proxmox.

import { join } from 'node:path';
import type { GuestKind } from './types.js';

export interface SimPaths {
  root: string;
  hostJson: string;
  etcPve: string;
  storageDir: string;
  runDir: string;
  lockDir: string;
  guestsDir: string;
  binDir: string;
}

export function simPaths(root: string): SimPaths {
  return {
    root,
    hostJson: join(root, 'host.json'),
    etcPve: join(root, 'etc', 'pve'),
    storageDir: join(root, 'storage'),
    runDir: join(root, 'run'),
    lockDir: join(root, 'lock'),
    guestsDir: join(root, 'guests'),
    binDir: join(root, 'bin'),
  };
}

export const confSubdir = (kind: GuestKind): string => (kind === 'lxc' ? 'lxc' : 'qemu-server');

export function confPath(p: SimPaths, node: string, kind: GuestKind, vmid: number): string {
  return join(p.etcPve, 'nodes', node, confSubdir(kind), `${vmid}.conf`);
}

/** The path Proxmox names in "Configuration file ... does not exist" (relative to /etc/pve). */
// PVE: pve-container src/PVE/LXC/Config.pm:cfs_config_path (qemu-server src/PVE/QemuConfig.pm:cfs_config_path)
export const confDisplayPath = (node: string, kind: GuestKind, vmid: number): string => `nodes/${node}/${confSubdir(kind)}/${vmid}.conf`;

/** Proxmox's lock file names; the message shows the host path, the file lives under the state dir. */
// PVE: pve-container src/PVE/LXC/Config.pm:config_file_lock (qemu-server src/PVE/QemuConfig.pm:config_file_lock)
export function guestLockName(kind: GuestKind, vmid: number): { display: string; file: string } {
  return kind === 'lxc' ? { display: `/run/lock/lxc/pve-config-${vmid}.lock`, file: join('lxc', `pve-config-${vmid}.lock`) } : { display: `/var/lock/qemu-server/lock-${vmid}.conf`, file: join('qemu-server', `lock-${vmid}.conf`) };
}

// PVE: pve-storage src/PVE/Storage/Plugin.pm:cluster_lock_storage
// A local storage's lock is a file on its node (`onNode`: a node other than the first); a shared one's is cluster-wide.
export function storageLockName(storage: string, onNode?: string): { display: string; file: string } {
  return { display: `/var/lock/pve-manager/pve-storage-${storage}`, file: join('storage', `pve-storage-${storage}${onNode ? `@${onNode}` : ''}`) };
}

export const runtimePath = (p: SimPaths, vmid: number): string => join(p.runDir, `${vmid}.json`);
export const firewallPath = (p: SimPaths, vmid: number): string => join(p.etcPve, 'firewall', `${vmid}.fw`);
