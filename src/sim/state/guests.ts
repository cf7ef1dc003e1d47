// Guests as files: the config under etc/pve/nodes/<node>/{lxc,qemu-server}/<id>.conf and the
// runtime status (running/stopped, start time) under run/<id>.json. Reads touch only the files
// they need; writes are atomic renames.

import { existsSync, readFileSync, readdirSync, unlinkSync } from 'node:fs';
import { SimError } from './errors.js';
import { parseConf, printConf, type GuestConf } from './conf.js';
import { writeFileAtomic } from './host.js';
import { confDisplayPath, confPath, runtimePath, type SimPaths } from './paths.js';
import { join } from 'node:path';
import type { GuestKind, HostState, Runtime } from './types.js';

export interface GuestRef {
  kind: GuestKind;
  node: string;
  vmid: number;
  path: string;
}

/** Finds a guest of either type on any node (vmids are cluster-wide). */
// PVE: pve-cluster src/PVE/Cluster.pm:check_vmid_unused
export function locateGuest(paths: SimPaths, host: HostState, vmid: number): GuestRef | undefined {
  for (const node of [host.node, ...host.nodes.filter((n) => n !== host.node)]) {
    for (const kind of ['lxc', 'qemu'] as const) {
      const path = confPath(paths, node, kind, vmid);
      if (existsSync(path)) return { kind, node, vmid, path };
    }
  }
  return undefined;
}

/** The local guest of the given type, or Proxmox's "does not exist" error. */
// PVE: pve-guest-common src/PVE/AbstractConfig.pm:load_config
export function requireGuest(paths: SimPaths, host: HostState, kind: GuestKind, vmid: number): GuestRef {
  const path = confPath(paths, host.node, kind, vmid);
  // PVE: pve-guest-common src/PVE/AbstractConfig.pm:load_config; pve-container src/PVE/LXC/Config.pm:cfs_config_path
  if (!existsSync(path)) throw new SimError(`Configuration file '${confDisplayPath(host.node, kind, vmid)}' does not exist`);
  return { kind, node: host.node, vmid, path };
}

export function readConf(ref: GuestRef): GuestConf {
  try {
    return parseConf(readFileSync(ref.path, 'utf8'));
  } catch {
    // PVE: pve-guest-common src/PVE/AbstractConfig.pm:load_config
    throw new SimError(`Configuration file '${confDisplayPath(ref.node, ref.kind, ref.vmid)}' does not exist`);
  }
}

export function writeConf(ref: GuestRef, conf: GuestConf): void {
  // A value with a line break would become a line of its own (`lxc.hook.mount: ...`).
  for (const section of [conf, ...(conf.pending ? [conf.pending] : []), ...Object.values(conf.snapshots)]) {
    for (const [k, v] of Object.entries(section.options)) {
      if (k === 'description') continue;
      // PVE: pve-container src/PVE/LXC/Config.pm:write_pct_config
      if (ref.kind === 'lxc' && v.includes('\n')) throw new SimError(`detected invalid newline inside property '${k}'`);
      // PVE: qemu-server src/PVE/QemuServer.pm:write_vm_config (check_type)
      if (ref.kind !== 'lxc' && /[\n\r]/.test(v)) throw new SimError(`unable to parse value of '${k}' - property contains a line feed`);
    }
  }
  writeFileAtomic(ref.path, printConf(conf, ref.kind));
}

export function removeConf(ref: GuestRef): void {
  unlinkSync(ref.path);
}

export function readRuntime(paths: SimPaths, vmid: number): Runtime {
  try {
    return JSON.parse(readFileSync(runtimePath(paths, vmid), 'utf8')) as Runtime;
  } catch {
    return { status: 'stopped' };
  }
}

export function writeRuntime(paths: SimPaths, vmid: number, rt: Runtime): void {
  writeFileAtomic(runtimePath(paths, vmid), `${JSON.stringify(rt)}\n`);
}

export function clearRuntime(paths: SimPaths, vmid: number): void {
  try {
    unlinkSync(runtimePath(paths, vmid));
  } catch {
    /* never started */
  }
}

/** vmids of the local node's guests of one type, ascending. */
export function listVmids(paths: SimPaths, host: HostState, kind: GuestKind): number[] {
  const dir = join(paths.etcPve, 'nodes', host.node, kind === 'lxc' ? 'lxc' : 'qemu-server');
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .map((n) => /^(\d+)\.conf$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

/** Root's SSH keys of a container (`pct create --ssh-public-keys`), kept beside its runtime state. */
export const sshKeysPath = (paths: SimPaths, vmid: number): string => join(paths.runDir, `${vmid}.ssh-keys`);

export function readSshKeys(paths: SimPaths, vmid: number): string | undefined {
  try {
    return readFileSync(sshKeysPath(paths, vmid), 'utf8');
  } catch {
    return undefined;
  }
}

export function clearSshKeys(paths: SimPaths, vmid: number): void {
  try {
    unlinkSync(sshKeysPath(paths, vmid));
  } catch {
    /* none */
  }
}
