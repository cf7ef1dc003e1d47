// The host description (nodes, bridges, storages, seed) in host.json, and a fresh state that
// looks like a believable single-node Proxmox host. host.json changes only through `phoenix sim`
// subcommands, so pct/qm calls only ever read it.

import { existsSync, mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { GiB } from '../../proxmox/codecs/size.js';
import { simPaths, type SimPaths } from './paths.js';
import type { HostState, StorageDef, StorageRegistry, Volume } from './types.js';

/** Where the simulator keeps its state: $PHOENIX_SIM_STATE, else <configDir>/.phoenix/sim. */
export function defaultSimStateDir(configDir: string, env: Record<string, string | undefined>): string {
  const fromEnv = env.PHOENIX_SIM_STATE;
  if (fromEnv) return resolve(fromEnv);
  return resolve(configDir, '.phoenix', 'sim');
}

/** Writes a file atomically (temp + rename) so concurrent readers never see half a file. */
export function writeFileAtomic(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

export const FRESH_TEMPLATES: Array<[string, number]> = [
  ['vztmpl/debian-12-standard_12.7-1_amd64.tar.zst', 126 * 1024 * 1024],
  ['vztmpl/ubuntu-24.04-standard_24.04-2_amd64.tar.zst', 141 * 1024 * 1024],
  ['import/debian-12-genericcloud-amd64.qcow2', 2 * GiB],
  ['import/noble-server-cloudimg-amd64.qcow2', 3.5 * GiB],
];

// PVE: guess (the installer's default storages: `local` dir /var/lib/vz, `local-lvm` lvmthin pve/data; bridge vmbr0)
function freshHost(): HostState {
  return {
    version: 1,
    node: 'pve',
    nodes: ['pve'],
    bridges: ['vmbr0'],
    storages: [
      { id: 'local', type: 'dir', content: ['vztmpl', 'iso', 'import', 'snippets', 'backup'], total: 100 * GiB, path: '/var/lib/vz' },
      { id: 'local-lvm', type: 'lvmthin', content: ['rootdir', 'images'], total: 400 * GiB },
    ],
    seed: 'phoenix-sim',
    hostFiles: {},
  };
}

const LOCK_SUBDIRS = ['lxc', 'qemu-server', 'storage'];

/** Creates every directory a call may need, so later read-only calls never create anything. */
export function ensureLayout(p: SimPaths, host: HostState): void {
  for (const node of host.nodes) {
    mkdirSync(join(p.etcPve, 'nodes', node, 'lxc'), { recursive: true });
    mkdirSync(join(p.etcPve, 'nodes', node, 'qemu-server'), { recursive: true });
  }
  mkdirSync(join(p.etcPve, 'firewall'), { recursive: true });
  for (const [link, sub] of [
    ['lxc', 'lxc'],
    ['qemu-server', 'qemu-server'],
  ]) {
    const l = join(p.etcPve, link);
    if (!existsSync(l)) symlinkSync(join('nodes', host.node, sub), l);
  }
  for (const d of LOCK_SUBDIRS) mkdirSync(join(p.lockDir, d), { recursive: true });
  mkdirSync(p.storageDir, { recursive: true });
  mkdirSync(p.runDir, { recursive: true });
  mkdirSync(p.guestsDir, { recursive: true });
}

export function saveHost(p: SimPaths, host: HostState): void {
  writeFileAtomic(p.hostJson, `${JSON.stringify(host, null, 2)}\n`);
  writeFileAtomic(join(p.etcPve, 'storage.cfg'), storageCfg(host.storages));
}

/** /etc/pve/storage.cfg as Proxmox writes it (for people reading the state). */
// PVE: pve-common src/PVE/SectionConfig.pm:write_config
function storageCfg(storages: StorageDef[]): string {
  return storages
    .map((s) => {
      const lines = [`${s.type}: ${s.id}`];
      if (s.path) lines.push(`\tpath ${s.path}`);
      if (s.type === 'lvmthin') lines.push('\tthinpool data', '\tvgname pve');
      if (s.type === 'zfspool') lines.push(`\tpool ${s.id}`);
      // PVE: pve-storage src/PVE/Storage/NFSPlugin.pm:options — `server` and `export` are required
      // (fixed) for nfs; without them Proxmox drops the section ("storage 'X' does not exist"). The
      // simulator mounts nothing, so it names a server in the reserved .invalid domain.
      if (s.type === 'nfs') lines.push('\tserver nfs.invalid', `\texport /export/${s.id}`);
      lines.push(`\tcontent ${s.content.join(',')}`);
      if (s.nodes) lines.push(`\tnodes ${s.nodes.join(',')}`);
      if (s.sparse) lines.push('\tsparse 1');
      if (s.shared) lines.push('\tshared 1');
      return `${lines.join('\n')}\n`;
    })
    .join('\n');
}

export function saveRegistry(p: SimPaths, storage: string, reg: StorageRegistry): void {
  writeFileAtomic(join(p.storageDir, `${storage}.json`), `${JSON.stringify(reg, null, 1)}\n`);
}

export function loadRegistry(p: SimPaths, storage: string): StorageRegistry {
  try {
    return JSON.parse(readFileSync(join(p.storageDir, `${storage}.json`), 'utf8')) as StorageRegistry;
  } catch {
    return { volumes: [] };
  }
}

/** Creates a fresh host in `root` unless one is there already. Returns its paths. */
export function initState(root: string): SimPaths {
  const p = simPaths(root);
  if (existsSync(p.hostJson)) return p;
  const host = freshHost();
  ensureLayout(p, host);
  const vols: Volume[] = FRESH_TEMPLATES.map(([name, size]) => ({
    name,
    size,
    content: name.startsWith('vztmpl/') ? 'vztmpl' : 'import',
  }));
  saveRegistry(p, 'local', { volumes: vols });
  saveRegistry(p, 'local-lvm', { volumes: [] });
  saveHost(p, host);
  return p;
}

export function loadHost(p: SimPaths): HostState {
  return JSON.parse(readFileSync(p.hostJson, 'utf8')) as HostState;
}

/** Opens a state directory, creating a fresh host on first use. */
export function openState(root: string): { paths: SimPaths; host: HostState } {
  if (!isAbsolute(root)) root = resolve(root);
  const paths = initState(root);
  return { paths, host: loadHost(paths) };
}
