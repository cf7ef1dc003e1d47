// The host description (nodes, bridges, storages, seed) in host.json, and a fresh state that
// looks like a believable single-node Proxmox host. host.json changes only through `phoenix sim`
// subcommands, so pct/qm calls only ever read it.

import { existsSync, mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { GiB } from '../../proxmox/codecs/size.js';
import { simPaths, type SimPaths } from './paths.js';
import { SimError } from './errors.js';
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
function freshHost(nodes: string[]): HostState {
  return {
    version: 1,
    node: nodes[0],
    nodes,
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
    if (!existsSync(l)) symlinkSync(join('nodes', host.nodes[0], sub), l);
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

/**
 * Where a storage's volumes are listed. A shared storage (`shared 1`, nfs) is one store the whole
 * cluster sees; a local one (dir, lvmthin, ... without `shared`) is a different disk on each node
 * with the same id: storage/<id>.json on the first node (a single-node host has only that one),
 * storage/nodes/<node>/<id>.json on the others.
 */
// PVE: pve-storage src/PVE/Storage.pm:storage_config (`shared` marks storage every node reaches)
export function registryFile(p: SimPaths, host: Pick<HostState, 'node' | 'nodes' | 'storages'>, storage: string, node = host.node): string {
  const s = host.storages.find((x) => x.id === storage);
  // (storage.ts isShared; repeated here as storage.ts imports this module)
  const shared = s !== undefined && (s.shared === true || s.type === 'nfs');
  if (shared || node === host.nodes[0]) return join(p.storageDir, `${storage}.json`);
  return join(p.storageDir, 'nodes', node, `${storage}.json`);
}

export function saveRegistry(p: SimPaths, host: Pick<HostState, 'node' | 'nodes' | 'storages'>, storage: string, reg: StorageRegistry, node?: string): void {
  writeFileAtomic(registryFile(p, host, storage, node), `${JSON.stringify(reg, null, 1)}\n`);
}

export function loadRegistry(p: SimPaths, host: Pick<HostState, 'node' | 'nodes' | 'storages'>, storage: string, node?: string): StorageRegistry {
  try {
    return JSON.parse(readFileSync(registryFile(p, host, storage, node), 'utf8')) as StorageRegistry;
  } catch {
    return { volumes: [] };
  }
}

/** Node names as Proxmox accepts them. */
// PVE: pve-common src/PVE/JSONSchema.pm:pve_verify_node_name
export const NODE_NAME = /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/;

/**
 * Creates a fresh host in `root` unless one is there already; `nodes` makes a cluster of them
 * (default: one node `pve`), each with its own `local` (templates and images) and `local-lvm`.
 * Returns its paths.
 */
export function initState(root: string, opts: { nodes?: string[] } = {}): SimPaths {
  const p = simPaths(root);
  if (existsSync(p.hostJson)) return p;
  const host = freshHost(opts.nodes?.length ? opts.nodes : ['pve']);
  ensureLayout(p, host);
  const vols: Volume[] = FRESH_TEMPLATES.map(([name, size]) => ({
    name,
    size,
    content: name.startsWith('vztmpl/') ? 'vztmpl' : 'import',
  }));
  for (const node of host.nodes) {
    saveRegistry(p, host, 'local', { volumes: vols }, node);
    saveRegistry(p, host, 'local-lvm', { volumes: [] }, node);
  }
  saveHost(p, host);
  return p;
}

export function loadHost(p: SimPaths): HostState {
  return JSON.parse(readFileSync(p.hostJson, 'utf8')) as HostState;
}

/**
 * Opens a state directory, creating a fresh host on first use. `node` (a call's PHOENIX_SIM_NODE:
 * which node's pct/qm/pvesh runs) makes that node the local one; absent, the first node.
 */
export function openState(root: string, node?: string): { paths: SimPaths; host: HostState } {
  if (!isAbsolute(root)) root = resolve(root);
  const paths = initState(root);
  const host = loadHost(paths);
  if (node) {
    // PVE: guess (a node that is not in the cluster has no pct to run; the text is ssh's/the resolver's)
    if (!host.nodes.includes(node)) throw new SimError(`no such cluster node '${node}' (the simulated cluster has ${host.nodes.join(', ')})`);
    host.node = node;
  }
  return { paths, host };
}
