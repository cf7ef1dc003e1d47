// Preflight: before a run's first mutating call, check the host once for every guest the run may
// create — storages (exist, enabled on the node, hold the right content), templates and cloud
// images (present, or a planned download), bridges, clone sources (on the host or in the run),
// free space on thick storage (a warning when thin pools would be over-committed) and the node's
// memory. Every problem at once, each located like a config diagnostic (file, JSON path of the
// guest's field), so Proxmox's own refusal is never the first a user hears of a config mistake.

import { readFileSync } from 'node:fs';
import type { Diagnostic } from '../diag/diagnostic.js';
import { OperationError } from '../diag/errors.js';
import { ostemplateOf } from '../managers/lxc/options.js';
import type { Guest, GuestId, PhoenixConfig } from '../model/guest.js';
import { imageSource } from '../model/vm-image.js';
import type { ProxmoxReader } from '../proxmox/driver.js';
import type { HostInventory, StorageStatus } from '../proxmox/types.js';
import { placeGuests } from './placement.js';
import type { Session } from './session.js';

const GiB = 1024 ** 3;
const DEFAULT_STORAGE = 'local-lvm';
/** Storage types whose volumes take their full size when created (thin ones only as written). */
const THIN = new Set(['lvmthin', 'zfspool', 'rbd', 'zfs']);
/** What each kind of disk needs the storage to hold. */
const CONTENT_WORD: Record<string, string> = {
  rootdir: 'container disks (rootdir)',
  images: 'VM disks (images)',
  vztmpl: 'container templates (vztmpl)',
  import: 'disk images to import (import)',
};

interface Ask {
  guest: Guest;
  /** The guest's field (JSON path below the guest) that leads to the need. */
  field: string;
}

/**
 * The checks of one node for the guests of `ids` that are (or go) there. `elsewhere`: guests on
 * the cluster's other nodes (a clone source there exists).
 */
export async function preflight(config: PhoenixConfig, ids: readonly GuestId[], reader: ProxmoxReader, elsewhere: ReadonlySet<GuestId> = new Set(), inventory?: HostInventory | null): Promise<Diagnostic[]> {
  // The guests there: from the run's inventory when it was read (the plan shares that one read), else a list.
  const existing = async () => (inventory ? inventory.guests.filter((g) => g.node === inventory.node) : reader.list());
  const [there, storages, bridges, memory] = await Promise.all([existing(), reader.storages(), reader.bridges(), reader.nodeMemory()]);
  const onHost = new Set(there.map((e) => e.vmid));
  const onCluster = new Set([...onHost, ...elsewhere]);
  const inRun = new Set(ids);
  const byId = new Map(storages.map((s) => [s.storage, s]));
  const out: Diagnostic[] = [];
  const vmFile = vmRaw(config);
  const at = (a: Ask, severity: Diagnostic['severity'], message: string) => out.push({ severity, file: a.guest.origin.file, path: pathOf(a, vmFile), message });
  const node = reader.node;
  const storageNames = storages.map((s) => s.storage).join(', ') || 'none';

  /** The storage, when it exists, is enabled and holds `content`; else a diagnostic and undefined. */
  const usable = (a: Ask, id: string, content: string): StorageStatus | undefined => {
    const s = byId.get(id);
    if (!s) return void at(a, 'error', `storage '${id}' does not exist on node ${node} (storages: ${storageNames})`);
    if (!s.enabled) return void at(a, 'error', `storage '${id}' is disabled or not available on node ${node}`);
    if (!s.content.includes(content)) {
      const fit = storages.filter((x) => x.enabled && x.content.includes(content)).map((x) => x.storage);
      return void at(a, 'error', `storage '${id}' does not hold ${CONTENT_WORD[content] ?? content} (its content: ${s.content.join(', ') || 'none'})${fit.length ? `; storages that do: ${fit.join(', ')}` : ''}`);
    }
    return s;
  };
  const contents = new Map<string, Promise<string[]>>();
  const volumes = (storage: string, content: string) => {
    const k = `${storage}\0${content}`;
    if (!contents.has(k)) contents.set(k, reader.storageContent(storage, content));
    return contents.get(k)!;
  };
  /** A volume id `S:content/name` is on S (which must hold `content`). */
  const present = async (a: Ask, volid: string, content: string, what: string) => {
    const i = volid.indexOf(':');
    if (i < 0) return;
    if (!usable(a, volid.slice(0, i), content)) return;
    if (!(await volumes(volid.slice(0, i), content)).includes(volid)) at(a, 'error', `${what} ${volid} is not on storage '${volid.slice(0, i)}'`);
  };

  const newDisks = new Map<string, Array<{ a: Ask; bytes: number }>>();
  const addDisk = (a: Ask, s: StorageStatus | undefined, gb: number | undefined) => {
    if (!s || !gb) return;
    newDisks.set(s.storage, [...(newDisks.get(s.storage) ?? []), { a, bytes: gb * GiB }]);
  };
  let newMemory = 0;
  const memoryAsks: Ask[] = [];

  for (const id of ids) {
    const g = config.guests.get(id);
    if (!g) continue;
    const bridge = g.kind === 'vm' ? (g.bridge ?? g.network?.bridge) : g.network?.bridge;
    if (bridge && !bridges.includes(bridge)) {
      at({ guest: g, field: g.kind === 'vm' && g.bridge ? 'network_bridge' : 'network_config.bridge' }, 'error', `bridge '${bridge}' does not exist on node ${node} (bridges: ${bridges.join(', ') || 'none'})`);
    }
    if (onHost.has(id)) continue; // not created by this run: its disks and memory are already there
    if (g.cloneFrom !== undefined && !onCluster.has(g.cloneFrom) && !inRun.has(g.cloneFrom)) {
      at({ guest: g, field: g.kind === 'vm' ? 'clone_from_vmid' : 'clone_from_ctid' }, 'error', `clone source ${g.cloneFrom} does not exist on node ${node} and is not part of this run`);
    }
    if (g.memoryMb) {
      newMemory += g.memoryMb * 1024 ** 2;
      memoryAsks.push({ guest: g, field: 'memory_mb' });
    }
    if (g.kind === 'lxc') {
      const disk = { guest: g, field: 'storage_pool' };
      const s = usable(disk, g.storage ?? DEFAULT_STORAGE, 'rootdir');
      addDisk(disk, s, g.rootfsSizeGb);
      if (g.cloneFrom === undefined) {
        const t = ostemplateOf(g);
        if (t && !t.startsWith('/')) await present({ guest: g, field: 'template' }, t, 'vztmpl', 'template');
      }
      g.mounts.forEach((m, i) => {
        if (m.kind !== 'volume') return;
        const a = { guest: g, field: `zfs_volumes[${i}].pool` };
        addDisk(a, usable(a, m.storage, 'rootdir'), m.sizeGb);
      });
    } else {
      const disk = { guest: g, field: 'storage_pool' };
      const s = usable(disk, g.storage ?? DEFAULT_STORAGE, 'images');
      addDisk(disk, s, g.diskSizeGb);
      if (g.cloneFrom === undefined && g.image) {
        const a = { guest: g, field: 'template_image' };
        const src = imageSource(g.image, g.imageFile);
        if (src.kind === 'url')
          usable(a, src.storage, 'import'); // downloaded by the run
        else if (src.kind === 'volume') await present(a, src.volid, src.volid.includes(':import/') ? 'import' : 'images', 'image');
      }
    }
  }

  for (const [storage, disks] of newDisks) {
    const s = byId.get(storage)!;
    const need = disks.reduce((n, d) => n + d.bytes, 0);
    if (need <= s.avail) continue;
    const guests = [...new Set(disks.map((d) => d.a.guest.id))].join(', ');
    const text = `storage '${storage}' (${s.type}) has ${gib(s.avail)} free; the disks this run creates on it need ${gib(need)} (guests ${guests})`;
    // The first guest whose disk no longer fits carries the problem.
    let sum = 0;
    const first = disks.find((d) => (sum += d.bytes) > s.avail)!;
    if (THIN.has(s.type)) at(first.a, 'warning', `${text}: the thin pool would be over-committed (writes fail once it is full)`);
    else at(first.a, 'error', text);
  }
  if (memory.total && newMemory > memory.free) {
    at(memoryAsks.at(-1)!, 'warning', `node ${node} has ${gib(memory.free)} of ${gib(memory.total)} memory free; the guests this run creates ask for ${gib(newMemory)}`);
  }
  return out;
}

const gib = (b: number) => `${(b / GiB).toFixed(1)} GiB`;

/** The raw VM file, to tell a VM's own key from one it takes from vm_defaults. */
function vmRaw(config: PhoenixConfig): { vms?: Array<Record<string, unknown>> } | undefined {
  try {
    return config.files.vm ? JSON.parse(readFileSync(config.files.vm, 'utf8')) : undefined;
  } catch {
    return undefined;
  }
}

/** The JSON path of the field: the guest's own, or vm_defaults' when a VM inherits it. */
function pathOf(a: Ask, vmFile: ReturnType<typeof vmRaw>): string {
  if (a.guest.kind === 'vm') {
    const own = vmFile?.vms?.find((v) => Number(v.vmid) === a.guest.id);
    const top = a.field.split(/[.[]/)[0];
    if (own && !(top in own)) return `vm_defaults.${a.field}`;
  }
  return `${a.guest.origin.path}.${a.field}`;
}

/** Placement could not be decided (a node or the cluster could not be read): the run stops. */
export class PlacementFailed extends OperationError {}

/**
 * A run's preflight over the cluster: placement first (app/placement.ts: where each guest is or
 * goes, cross-node clones refused), then each node's checks for its guests. A one-node cluster
 * with no `nodes` and no guest `node` is checked as before.
 */
export async function preflightRun(s: Session, ids: readonly GuestId[]): Promise<Diagnostic[]> {
  const cluster = s.cluster;
  // One node: the inventory the plan reads next (only the cluster driver keeps it until a change).
  const inventory = () => s.driver.inventory().catch(() => null);
  if (!cluster) return [...oneNodeOnly(s, ids), ...(await preflight(s.config, ids, s.driver))];
  const clustered = cluster.cluster.nodes.length > 1 || s.config.host.nodes !== undefined || ids.some((id) => s.config.guests.get(id)?.node !== undefined);
  if (!clustered) return preflight(s.config, ids, s.driver, new Set(), await inventory());
  let placement;
  try {
    placement = await placeGuests(s.config, ids, cluster, vmRaw(s.config));
  } catch (e) {
    // Without placement every guest would go to the home node, whatever its `node` says: the run
    // stops here (the node checks below may fail and be skipped; this may not).
    throw new PlacementFailed(`cannot place the guests on the cluster: ${(e as Error).message.split('\n')[0]}; nothing was done`);
  }
  const { placed, problems } = placement;
  s.placement = placed;
  if (problems.length) return problems;
  const byNode = new Map<string, GuestId[]>();
  for (const id of ids) {
    const n = placed.get(id)?.node ?? cluster.cluster.home;
    byNode.set(n, [...(byNode.get(n) ?? []), id]);
  }
  const out: Diagnostic[] = [];
  for (const [node, onNode] of byNode) {
    const elsewhere = new Set([...placed].filter(([, p]) => !p.created && p.node !== node).map(([id]) => id));
    out.push(...(await preflight(s.config, onNode, cluster.cluster.on(node), elsewhere)));
  }
  return out;
}

/**
 * A driver without a cluster (pve-cli on a node whose host file names no node_ssh) works on its one
 * node: a guest that names another node, or a `nodes` list naming others, is refused (exit 2)
 * rather than put on this node.
 */
function oneNodeOnly(s: Session, ids: readonly GuestId[]): Diagnostic[] {
  const node = s.driver.node;
  const out: Diagnostic[] = [];
  const why = `--driver ${s.driverKind} reaches only this node (${node}); to place guests on other nodes, name how each is reached in the host file's node_ssh (or use --driver api)`;
  const others = (s.config.host.nodes ?? []).filter((n) => n !== node);
  if (others.length) out.push({ severity: 'error', file: s.config.files.hypervisor ?? 'phoenix_hypervisor_config.json', path: 'nodes', message: `nodes ${others.join(', ')}: ${why}` });
  const vmFile = vmRaw(s.config);
  for (const id of ids) {
    const g = s.config.guests.get(id);
    if (g?.node !== undefined && g.node !== node) out.push({ severity: 'error', file: g.origin.file, path: pathOf({ guest: g, field: 'node' }, vmFile), message: `node '${g.node}': ${why}` });
  }
  return out;
}
