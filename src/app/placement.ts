// Placement across a cluster's nodes (issue 12), decided once before a run's first call:
//   - a guest that exists anywhere in the cluster (one /cluster/resources read) is managed where it
//     is — a guest HA or a migration moved is found on its new node, never made again;
//   - a new guest with `node` goes there;
//   - a new clone whose source's disks are not all on shared storage goes to its source's node
//     (Proxmox clones across nodes only from shared storage), and one whose `node` says otherwise
//     is refused here, before anything runs;
//   - any other new guest goes, among the hypervisor file's `nodes` (else its `node`, else the
//     home node), to the one with the most free memory that holds the storages it needs; guests
//     placed earlier in the run count against a node's free memory; ties go to the first listed.
// The decisions go into the cluster driver's table (each call then goes to the guest's node) and,
// with the reason, into the plan.

import type { Diagnostic } from '../diag/diagnostic.js';
import { ostemplateOf } from '../managers/lxc/options.js';
import type { Guest, GuestId, PhoenixConfig } from '../model/guest.js';
import { imageSource } from '../model/vm-image.js';
import type { ClusterDriver } from '../proxmox/cluster.js';
import type { GuestConfig, NodeMemory, StorageStatus } from '../proxmox/types.js';

const DEFAULT_STORAGE = 'local-lvm';
const GiB = 1024 ** 3;

export interface Placement {
  node: string;
  /** Why it is there, for the plan ("placed on pve2: most free memory ..."). */
  why: string;
  /** true when the run creates it (false: it exists there). */
  created: boolean;
  /** The storages its disks are (or go) on: a shared one by id, a node-local one as `node/id` (the engine's per-storage limit). */
  storageKeys: string[];
  /**
   * A created VM whose image Proxmox downloads: where it lands. A node-local import storage
   * (`local`) is read and downloaded into on the VM's own node, and two VMs on two nodes each need
   * their copy; a shared one holds one copy for every node.
   */
  image?: { node: string; shared: boolean };
}

export interface PlacementResult {
  placed: Map<GuestId, Placement>;
  problems: Diagnostic[];
}

/** What a new guest needs of its node's storages: storage id → the content it must hold. */
export function storageNeeds(g: Guest): Array<{ storage: string; content: string; field: string }> {
  const out: Array<{ storage: string; content: string; field: string }> = [];
  if (g.kind === 'lxc') {
    out.push({ storage: g.storage ?? DEFAULT_STORAGE, content: 'rootdir', field: 'storage_pool' });
    g.mounts.forEach((m, i) => {
      if (m.kind === 'volume') out.push({ storage: m.storage, content: 'rootdir', field: `zfs_volumes[${i}].pool` });
    });
    const t = g.cloneFrom === undefined ? ostemplateOf(g) : undefined;
    if (t && !t.startsWith('/') && t.includes(':')) out.push({ storage: t.slice(0, t.indexOf(':')), content: 'vztmpl', field: 'template' });
  } else {
    out.push({ storage: g.storage ?? DEFAULT_STORAGE, content: 'images', field: 'storage_pool' });
    if (g.cloneFrom === undefined && g.image) {
      const src = imageSource(g.image, g.imageFile);
      if (src.kind === 'url') out.push({ storage: src.storage, content: 'import', field: 'template_image' });
      else if (src.kind === 'volume') out.push({ storage: src.volid.slice(0, src.volid.indexOf(':')), content: src.volid.includes(':import/') ? 'import' : 'images', field: 'template_image' });
    }
  }
  return out;
}

/** Storage ids a guest's config names for its disks (`local-lvm:vm-100-disk-0,size=8G` → local-lvm). */
function diskStorages(config: GuestConfig): string[] {
  const out = new Set<string>();
  for (const [k, v] of Object.entries(config.options)) {
    if (!/^(rootfs|mp\d+|scsi\d+|virtio\d+|sata\d+|ide\d+|efidisk0|tpmstate0)$/.test(k)) continue;
    const m = /^([^:,=\s]+):[^,]/.exec(v);
    if (m && m[1] !== 'none' && m[1] !== 'cdrom') out.add(m[1]);
  }
  return [...out];
}

export async function placeGuests(config: PhoenixConfig, ids: readonly GuestId[], cluster: ClusterDriver, vmFileRaw?: { vms?: Array<Record<string, unknown>> }): Promise<PlacementResult> {
  const placed = new Map<GuestId, Placement>();
  const problems: Diagnostic[] = [];
  const home = cluster.cluster.home;
  const nodes = cluster.cluster.nodes;
  const hyp = config.files.hypervisor;
  const hypDiag = (path: string, message: string) => problems.push({ severity: 'error', file: hyp ?? 'phoenix_hypervisor_config.json', path, message });
  const at = (g: Guest, field: string, message: string) => {
    // A VM's field may come from vm_defaults.
    const own = g.kind === 'vm' ? vmFileRaw?.vms?.find((v) => Number(v.vmid) === g.id) : undefined;
    const path = g.kind === 'vm' && vmFileRaw && !(own && field.split(/[.[]/)[0] in own) ? `vm_defaults.${field}` : `${g.origin.path}.${field}`;
    problems.push({ severity: 'error', file: g.origin.file, path, message });
  };

  const defaultNode = config.host.node ?? home;
  if (!nodes.includes(defaultNode)) hypDiag('node', `node '${defaultNode}' is not a node of this cluster (nodes: ${nodes.join(', ')})`);
  const allowed = config.host.nodes ?? [defaultNode];
  config.host.nodes?.forEach((n, i) => {
    if (!nodes.includes(n)) hypDiag(`nodes[${i}]`, `node '${n}' is not a node of this cluster (nodes: ${nodes.join(', ')})`);
  });

  // Where every guest of the cluster is: one /cluster/resources read (and the config files).
  const inv = await cluster.inventory();
  const existing = new Map((inv?.guests ?? []).map((x) => [x.vmid, x]));

  // Each node's storages and memory, read once when placement needs them.
  const storagesOf = new Map<string, Promise<StorageStatus[]>>();
  const memoryOf = new Map<string, Promise<NodeMemory>>();
  const storages = (n: string) => storagesOf.get(n) ?? storagesOf.set(n, cluster.cluster.on(n).storages()).get(n)!;
  const memory = (n: string) => memoryOf.get(n) ?? memoryOf.set(n, cluster.cluster.on(n).nodeMemory()).get(n)!;
  const usedByRun = new Map<string, number>();
  const holds = async (n: string, needs: ReturnType<typeof storageNeeds>) => {
    const st = await storages(n);
    return needs.every((x) => st.some((s) => s.storage === x.storage && s.enabled && s.content.includes(x.content)));
  };
  /** Whether a storage is shared (as the node that has the guest sees storage.cfg). */
  const shared = async (n: string, storage: string) => (await storages(n).catch(() => [])).find((s) => s.storage === storage)?.shared === true;
  const keysOf = async (n: string, ids: string[]) => Promise.all([...new Set(ids)].map(async (s) => ((await shared(n, s)) ? s : `${n}/${s}`)));

  for (const id of ids) {
    const g = config.guests.get(id);
    if (!g) continue;
    const found = existing.get(id);
    if (found) {
      const moved = g.node !== undefined && g.node !== found.node;
      const storageKeys = await keysOf(found.node, diskStorages(found.config));
      placed.set(id, { node: found.node, created: false, storageKeys, why: moved ? `found on ${found.node} (its config says ${g.node}: moved there, managed where it is)` : `on ${found.node}` });
      continue;
    }
    const mem = (g.memoryMb ?? (g.kind === 'lxc' ? 512 : 2048)) * 1024 ** 2;
    let node: string | undefined;
    let why = '';
    // A clone's source: where it is (or is placed), and whether its disks allow another node.
    // qm clone checks the source's volumes: each must be on shared storage. pct clone checks the
    // storage each volume is copied to: a CT's full clone (what Phoenix makes of a CT that is not
    // a template, or with full_clone) onto a shared `storage_pool` may go to any node.
    const srcOnHost = g.cloneFrom !== undefined ? existing.get(g.cloneFrom) : undefined;
    const srcInRun = g.cloneFrom !== undefined ? config.guests.get(g.cloneFrom) : undefined;
    const sourceNode = srcOnHost?.node ?? (g.cloneFrom !== undefined ? placed.get(g.cloneFrom)?.node : undefined);
    const localSource: string[] = [];
    const srcTemplate = srcOnHost ? srcOnHost.status.template : srcInRun?.isTemplate === true;
    // PVE: pve-container src/PVE/API2/LXC.pm:clone_vm ($sid = $storage before the shared check); qemu-server src/PVE/API2/Qemu.pm:check_storage_access_clone (the source's)
    const copiesTo = g.kind === 'lxc' && g.storage && (!srcTemplate || g.fullClone) ? g.storage : undefined;
    if (sourceNode) {
      const st = copiesTo ? [copiesTo] : srcOnHost ? diskStorages(srcOnHost.config) : srcInRun ? [srcInRun.storage ?? DEFAULT_STORAGE] : [];
      for (const s of st) if (!(await shared(sourceNode, s))) localSource.push(s);
    }
    const notShared = copiesTo ? `its copy goes to storage ${copiesTo}, which is not shared, and Proxmox clones a container to another node only onto shared storage` : `its disks are on storage that is not shared (${localSource.join(', ')}), and Proxmox clones to another node only from shared storage`;
    if (g.node !== undefined) {
      if (!nodes.includes(g.node)) {
        at(g, 'node', `node '${g.node}' is not a node of this cluster (nodes: ${nodes.join(', ')})`);
        continue;
      }
      node = g.node;
      why = `on ${node} (its node)`;
      if (sourceNode && sourceNode !== node && localSource.length) {
        at(g, 'node', `cannot clone ${g.cloneFrom} (on ${sourceNode}) to ${node}: ${notShared}; put ${g.id} on ${sourceNode}, or ${copiesTo ? `its storage_pool on shared storage` : `${g.cloneFrom} on shared storage`}`);
        continue;
      }
    } else if (sourceNode && localSource.length) {
      node = sourceNode;
      why = `on ${node} with its clone source ${g.cloneFrom} (local storage ${localSource.join(', ')})`;
    } else {
      const needs = storageNeeds(g);
      const fit: string[] = [];
      for (const n of allowed) if (nodes.includes(n) && (await holds(n, needs).catch(() => false))) fit.push(n);
      if (!fit.length) {
        const first = needs[0]!;
        at(g, first.field, `no node among ${allowed.join(', ')} holds what this guest needs (${needs.map((x) => `${x.storage} for ${x.content}`).join(', ')})`);
        continue;
      }
      const free = new Map<string, number>();
      for (const n of fit) free.set(n, (await memory(n)).free - (usedByRun.get(n) ?? 0));
      node = fit.reduce((best, n) => (free.get(n)! > free.get(best)! ? n : best), fit[0]!);
      const storageWords = [...new Set(needs.map((x) => x.storage))].join(', ');
      why = fit.length === 1 && allowed.length === 1 ? `on ${node}` : `placed on ${node}: most free memory (${(free.get(node)! / GiB).toFixed(1)} GiB) among ${fit.join(', ')} holding ${storageWords}`;
    }
    usedByRun.set(node, (usedByRun.get(node) ?? 0) + mem);
    const disks = storageNeeds(g)
      .filter((x) => x.content === 'rootdir' || x.content === 'images')
      .map((x) => x.storage);
    const img = g.kind === 'vm' && g.cloneFrom === undefined && g.image ? imageSource(g.image, g.imageFile) : undefined;
    const image = img?.kind === 'url' ? { node, shared: await shared(node, img.storage) } : undefined;
    placed.set(id, { node, why, created: true, storageKeys: await keysOf(node, disks), ...(image ? { image } : {}) });
  }
  // Every decision goes to the driver's table: each call for a guest goes to its node.
  for (const [id, p] of placed) cluster.where.set(id, p.node);
  return { placed, problems };
}
