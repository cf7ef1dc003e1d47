// Changes to the simulated host itself (what `phoenix sim` does): nodes, storages, bridges,
// templates/images, host files, reset, and a summary. Serialised by a host lock.

import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseSize } from '../../proxmox/codecs/size.js';
import { SimError } from './errors.js';
import { parseImportName } from './import-names.js';
import { PVE_RELEASES, releaseOf, type PveRelease } from './version.js';
import { ensureLayout, initState, loadHost, loadRegistry, NODE_NAME, registryFile, saveHost, saveRegistry } from './host.js';
import { withLock } from './locks.js';
import type { SimPaths } from './paths.js';
import type { HostState, StorageDef, StorageType, Volume } from './types.js';
import { listVmids, locateGuest, readConf, readRuntime } from './guests.js';
import { confPath } from './paths.js';
import { usedBytes } from './storage.js';

// PVE: pve-common src/PVE/JSONSchema.pm:parse_storage_id (parse_id)
const ID = /^[a-z][a-z0-9\-_.]*[a-z0-9]$/i;
const STORAGE_TYPES: StorageType[] = ['dir', 'lvmthin', 'zfspool', 'lvm', 'nfs'];
const CONTENT = ['rootdir', 'images', 'vztmpl', 'iso', 'import', 'snippets', 'backup'];

async function mutateHost(root: string, fn: (host: HostState, p: SimPaths) => void): Promise<void> {
  const p = initState(root);
  await withLock(p.lockDir, { display: 'host.json', file: 'host.lock' }, 10_000, async () => {
    const host = loadHost(p);
    fn(host, p);
    ensureLayout(p, host);
    saveHost(p, host);
  });
}

export const addNode = (root: string, name: string) =>
  mutateHost(root, (host) => {
    // PVE: pve-common src/PVE/JSONSchema.pm:pve_verify_node_name
    if (!NODE_NAME.test(name)) throw new SimError(`invalid node name '${name}'`);
    if (host.nodes.includes(name)) throw new SimError(`node '${name}' already exists`);
    host.nodes.push(name);
  });

/**
 * Moves a guest to another node out of band, as HA or an offline `qm/pct migrate` leaves it: the
 * config file moves to the target node's directory (one rename in pmxcfs) and its volumes on
 * local storages move to the target's storage of the same id; shared volumes stay where they are.
 */
// PVE: pve-guest-common src/PVE/AbstractConfig.pm:move_config_to_node
export async function moveGuest(root: string, vmid: number, target: string): Promise<{ from: string; to: string }> {
  const p = initState(root);
  return withLock(p.lockDir, { display: 'host.json', file: 'host.lock' }, 10_000, async () => {
    const host = loadHost(p);
    // PVE: pve-cluster src/PVE/Cluster.pm:check_node_exists
    if (!host.nodes.includes(target)) throw new SimError(`no such cluster node '${target}'`);
    const ref = locateGuest(p, host, vmid);
    if (!ref) throw new SimError(`no guest ${vmid} in the simulated cluster`);
    if (ref.node === target) return { from: ref.node, to: target };
    // PVE: guess (a running guest moves only live, which the simulator does not model)
    if (readRuntime(p, vmid).status === 'running') throw new SimError(`${ref.kind === 'lxc' ? 'CT' : 'VM'} ${vmid} is running - stop it before moving it`);
    const conf = readConf(ref);
    for (const v of Object.values(conf.options)) {
      const m = /^([^:,=\s]+):([^,]+)/.exec(v);
      const s = m && host.storages.find((x) => x.id === m[1]);
      if (!m || !s || registryFile(p, host, s.id, ref.node) === registryFile(p, host, s.id, target)) continue;
      const from = loadRegistry(p, host, s.id, ref.node);
      const vol = from.volumes.find((x) => x.name === m[2]);
      if (!vol) continue;
      from.volumes = from.volumes.filter((x) => x !== vol);
      const to = loadRegistry(p, host, s.id, target);
      to.volumes.push(vol);
      saveRegistry(p, host, s.id, from, ref.node);
      saveRegistry(p, host, s.id, to, target);
    }
    mkdirSync(dirname(confPath(p, target, ref.kind, vmid)), { recursive: true });
    renameSync(ref.path, confPath(p, target, ref.kind, vmid));
    return { from: ref.node, to: target };
  });
}

export const addBridge = (root: string, name: string) =>
  mutateHost(root, (host) => {
    // PVE: guess (a Linux interface name; pve-common src/PVE/JSONSchema.pm:parse_bridge_id is laxer)
    if (!/^[a-zA-Z][a-zA-Z0-9_.]{0,14}$/.test(name)) throw new SimError(`invalid bridge name '${name}'`);
    if (host.bridges.includes(name)) throw new SimError(`bridge '${name}' already exists`);
    host.bridges.push(name);
  });

export interface AddStorageOptions {
  type: string;
  content: string[];
  size?: string;
  path?: string;
  /** `shared 1`: one storage every node reaches (nfs always is). */
  shared?: boolean;
  /** storage.cfg `nodes`: the nodes it is available on (absent: all). */
  nodes?: string[];
}

export const addStorage = (root: string, id: string, o: AddStorageOptions) =>
  mutateHost(root, (host, p) => {
    // harness, not a Proxmox rule: `phoenix sim add-storage` checks its own arguments (the id rule is cited at ID; the rest are the harness's words).
    if (!ID.test(id)) throw new SimError(`invalid storage id '${id}'`);
    if (host.storages.some((s) => s.id === id)) throw new SimError(`storage '${id}' already exists`);
    if (!STORAGE_TYPES.includes(o.type as StorageType)) throw new SimError(`unknown storage type '${o.type}' (expected ${STORAGE_TYPES.join(', ')})`);
    for (const c of o.content) if (!CONTENT.includes(c)) throw new SimError(`unknown content type '${c}' (expected ${CONTENT.join(', ')})`);
    const total = o.size ? parseSize(o.size) : 500 * 1024 ** 3;
    if (!total) throw new SimError(`invalid size '${o.size}'`);
    const def: StorageDef = { id, type: o.type as StorageType, content: o.content, total };
    if (o.path) def.path = o.path;
    else if (o.type === 'dir' || o.type === 'nfs') def.path = `/mnt/pve/${id}`;
    if (o.shared) def.shared = true;
    if (o.nodes) {
      for (const n of o.nodes) if (!host.nodes.includes(n)) throw new SimError(`no such cluster node '${n}'`);
      def.nodes = o.nodes;
    }
    host.storages.push(def);
    for (const node of host.nodes) if (!existsSync(registryFile(p, host, id, node))) saveRegistry(p, host, id, { volumes: [] }, node);
  });

/** Registers a template, image or snippet volume (`local:vztmpl/x.tar.zst`, `local:import/x.qcow2`, `local:snippets/hook.sh`). */
export async function addTemplate(root: string, volid: string, size = 512 * 1024 * 1024): Promise<void> {
  const m = /^([^:]+):(vztmpl|iso|import|snippets)\/([^/]+)$/.exec(volid);
  if (!m) throw new SimError(`expected STORAGE:vztmpl/FILE, STORAGE:iso/FILE, STORAGE:import/FILE or STORAGE:snippets/FILE, got '${volid}'`);
  // PVE: pve-storage src/PVE/Storage/Plugin.pm:parse_volname (a file Proxmox cannot name is no import volume)
  if (m[2] === 'import') parseImportName(`import/${m[3]}`);
  const p = initState(root);
  const host = loadHost(p);
  const s = host.storages.find((x) => x.id === m[1]);
  if (!s) throw new SimError(`storage '${m[1]}' does not exist`);
  if (!s.content.includes(m[2])) throw new SimError(`storage '${m[1]}' does not allow content '${m[2]}'`);
  await withLock(p.lockDir, { display: m[1], file: `storage/pve-storage-${m[1]}` }, 10_000, async () => {
    // On a local storage the file is put on every node's (each node has its own copy).
    const byFile = new Map(host.nodes.map((n) => [registryFile(p, host, m[1], n), n]));
    for (const node of byFile.values()) {
      const reg = loadRegistry(p, host, m[1], node);
      const name = `${m[2]}/${m[3]}`;
      if (reg.volumes.some((v) => v.name === name)) continue;
      reg.volumes.push({ name, size, content: m[2] as Volume['content'] });
      saveRegistry(p, host, m[1], reg, node);
    }
  });
}

/** A file that exists on the simulated host (e.g. a downloaded image for `qm disk import`). */
export const addHostFile = (root: string, path: string, size: number) =>
  mutateHost(root, (host) => {
    // harness, not a Proxmox rule: a host file is registered by absolute path.
    if (!path.startsWith('/')) throw new SimError(`host file path must be absolute: '${path}'`);
    host.hostFiles = { ...(host.hostFiles ?? {}), [path]: size };
  });

/** Empties a state directory (only one that looks like simulator state) and makes a fresh host running `pve`. */
export function resetState(root: string, opts: { pve?: string; nodes?: string[] } = {}): SimPaths {
  // harness, not a Proxmox rule: `phoenix sim reset` checks its own arguments and never empties a directory that is not simulator state.
  if (opts.pve !== undefined && !(PVE_RELEASES as readonly string[]).includes(opts.pve)) {
    throw new SimError(`unknown Proxmox VE release '${opts.pve}' (expected ${PVE_RELEASES.join(' or ')})`);
  }
  for (const n of opts.nodes ?? []) if (!NODE_NAME.test(n)) throw new SimError(`invalid node name '${n}'`);
  if (opts.nodes && new Set(opts.nodes).size !== opts.nodes.length) throw new SimError(`a node is named twice in '${opts.nodes.join(',')}'`);
  if (existsSync(root)) {
    const entries = readdirSync(root);
    if (entries.length && !entries.includes('host.json')) throw new SimError(`refusing to reset '${root}': not a simulator state directory`);
    rmSync(root, { recursive: true, force: true });
  }
  const p = initState(root, { nodes: opts.nodes });
  if (opts.pve) {
    const host = loadHost(p);
    host.pve = opts.pve as PveRelease;
    saveHost(p, host);
  }
  return p;
}

export interface HostSummary {
  /** The Proxmox VE release simulated. */
  pve: string;
  node: string;
  nodes: string[];
  bridges: string[];
  storages: Array<{ id: string; type: string; content: string[]; total: number; used: number }>;
  guests: Array<{ vmid: number; type: 'lxc' | 'qemu'; node: string; name: string; status: string; lock?: string; template: boolean }>;
}

export function summary(root: string): HostSummary {
  const p = initState(root);
  const host = loadHost(p);
  const guests: HostSummary['guests'] = [];
  for (const node of host.nodes)
    for (const type of ['lxc', 'qemu'] as const) {
      for (const vmid of listVmids(p, { ...host, node }, type)) {
        const conf = readConf({ kind: type, node, vmid, path: confPath(p, node, type, vmid) });
        guests.push({
          vmid,
          type,
          node,
          name: (type === 'lxc' ? conf.options.hostname : conf.options.name) ?? '',
          status: readRuntime(p, vmid).status,
          lock: conf.options.lock,
          template: conf.options.template === '1',
        });
      }
    }
  guests.sort((a, b) => a.vmid - b.vmid);
  return {
    pve: releaseOf(host),
    node: host.node,
    nodes: host.nodes,
    bridges: host.bridges,
    storages: host.storages.map((s) => ({ id: s.id, type: s.type, content: s.content, total: s.total, used: usedBytes(loadRegistry(p, host, s.id)) })),
    guests,
  };
}
