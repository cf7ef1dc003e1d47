// Storage volumes: allocation (lowest free disk number, free-space check), free, rename (template)
// and lookups. Every change runs under the storage's lock, like Proxmox's cluster-wide storage lock.

import { GiB, formatSize } from '../../proxmox/codecs/size.js';
import { SimError } from './errors.js';
import { loadRegistry, registryFile, saveRegistry } from './host.js';
import { withLock } from './locks.js';
import { storageLockName, type SimPaths } from './paths.js';
import type { GuestKind, HostState, StorageDef, StorageRegistry, Volume } from './types.js';
import { cloudinitName, diskName, parseDiskName, vmstateName } from './volumes.js';

export interface StorageCtx {
  paths: SimPaths;
  host: HostState;
  lockTimeoutMs: number;
  /** The call's stderr (storage tools' warnings); absent in admin commands. */
  err?: (s: string) => void;
}

// PVE: pve-storage src/PVE/Storage.pm:storage_config
export function getStorage(host: HostState, id: string): StorageDef {
  const s = host.storages.find((x) => x.id === id);
  if (!s) throw new SimError(`storage '${id}' does not exist`);
  return s;
}

/** A storage limited to some nodes (storage.cfg `nodes`) cannot be used on the others. */
// PVE: pve-storage src/PVE/Storage.pm:storage_check_node
export function checkNode(s: StorageDef, node: string): void {
  if (s.nodes && !s.nodes.includes(node)) throw new SimError(`storage '${s.id}' is not available on node '${node}'`);
}

/** Whether every node reaches the same volumes (`shared 1`; nfs is always shared). */
export const isShared = (s: StorageDef): boolean => s.shared === true || s.type === 'nfs';

export const usedBytes = (reg: StorageRegistry): number => reg.volumes.reduce((a, v) => a + v.size, 0);

export function freeBytes(ctx: StorageCtx, id: string): number {
  return getStorage(ctx.host, id).total - usedBytes(loadRegistry(ctx.paths, ctx.host, id));
}

function noSpace(s: StorageDef, name: string, size: number, free: number): SimError {
  // PVE: pve-storage src/PVE/Storage/LVMPlugin.pm:lvcreate (the `lvcreate '<vg>/<name>' error` prefix; LVM's own text is a guess. alloc_lvm_image's own check compares bytes free with KiB wanted, so lvcreate is what refuses)
  if (s.type === 'lvm') {
    const ext = (b: number) => Math.max(0, Math.floor(b / (4 * 1024 * 1024)));
    return new SimError(`lvcreate 'pve/${name}' error:   Volume group "pve" has insufficient free space (${ext(free)} extents): ${ext(size)} required.`);
  }
  // PVE: pve-storage src/PVE/Storage/ZFSPoolPlugin.pm:zfs_request (the `zfs error` prefix; zfs's own text is a guess)
  if (s.type === 'zfspool') return new SimError(`zfs error: cannot create '${s.id}/${name}': out of space`);
  // PVE: guess (dir/nfs: qemu-img's failure text)
  return new SimError(`unable to create image: No space left on device (need ${formatSize(size)}, free ${formatSize(Math.max(free, 0))})`);
}

/**
 * Whether a new or grown volume may go beyond the free space: thin volumes take space only as
 * they are written. lvmthin always (`lvcreate -V --thinpool`); zfspool for CT subvolumes (a
 * `refquota`, no reservation) and, with `sparse 1`, for VM zvols (`zfs create -s`); thick LVM,
 * non-sparse zvols and directories are refused beyond the free space.
 */
// PVE: pve-storage src/PVE/Storage/LvmThinPlugin.pm:alloc_image
// PVE: pve-storage src/PVE/Storage/ZFSPoolPlugin.pm:zfs_create_zvol
// PVE: pve-storage src/PVE/Storage/ZFSPoolPlugin.pm:zfs_create_subvol
export function overProvisions(s: StorageDef, name: string): boolean {
  if (s.type === 'lvmthin') return true;
  if (s.type === 'zfspool') return s.sparse === true || /(^|\/)(subvol|basevol)-/.test(name);
  return false;
}

const gib = (b: number) => `${(b / GiB).toFixed(2)} GiB`;

/**
 * lvcreate's (LVM2's, not Proxmox's) warning when the thin volumes' virtual sizes add up to more
 * than the pool; Proxmox passes it through on stderr and the allocation succeeds.
 */
function thinWarning(ctx: StorageCtx, s: StorageDef, sum: number): void {
  if (s.type !== 'lvmthin' || sum <= s.total) return;
  ctx.err?.(`  WARNING: Sum of all thin volume sizes (${gib(sum)}) exceeds the size of thin pool pve/data (${gib(s.total)}).\n`);
}

export async function mutateRegistry<T>(ctx: StorageCtx, id: string, fn: (reg: StorageRegistry, s: StorageDef) => T): Promise<T> {
  const s = getStorage(ctx.host, id);
  // PVE: pve-storage src/PVE/Storage/Plugin.pm:cluster_lock_storage
  const onNode = registryFile(ctx.paths, ctx.host, id) === registryFile(ctx.paths, ctx.host, id, ctx.host.nodes[0]) ? undefined : ctx.host.node;
  return withLock(ctx.paths.lockDir, storageLockName(id, onNode), ctx.lockTimeoutMs, async () => {
    const reg = loadRegistry(ctx.paths, ctx.host, id);
    const out = fn(reg, s);
    saveRegistry(ctx.paths, ctx.host, id, reg);
    return out;
  });
}

/** Allocates a new guest disk; returns its volume id (`storage:name`). */
export async function allocDisk(ctx: StorageCtx, id: string, kind: GuestKind, vmid: number, size: number, opts: { cloudinit?: boolean; fmt?: string; vmstate?: string } = {}): Promise<string> {
  checkNode(getStorage(ctx.host, id), ctx.host.node);
  return mutateRegistry(ctx, id, (reg, s) => {
    let name: string;
    if (opts.cloudinit || opts.vmstate !== undefined) {
      name = opts.vmstate !== undefined ? vmstateName(s, vmid, opts.vmstate) : cloudinitName(s, vmid);
      // PVE: guess (the plugins' alloc_image refuse an existing name, each with its own text)
      if (reg.volumes.some((v) => v.name === name)) throw new SimError(`volume '${id}:${name}' already exists`);
    } else {
      const used = new Set(
        reg.volumes
          .map((v) => parseDiskName(v.name))
          .filter((d) => d && d.vmid === vmid)
          .map((d) => d!.n),
      );
      // PVE: pve-storage src/PVE/Storage/Plugin.pm:get_next_vm_diskname
      let n = 0;
      while (used.has(n)) n++;
      name = diskName(s, kind, vmid, n, opts.fmt);
    }
    const free = s.total - usedBytes(reg);
    if (size > free && !overProvisions(s, name)) throw noSpace(s, name, size, free);
    thinWarning(ctx, s, usedBytes(reg) + size);
    reg.volumes.push({ name, size, vmid, content: kind === 'lxc' ? 'rootdir' : 'images' });
    return `${id}:${name}`;
  });
}

export async function freeVolume(ctx: StorageCtx, volid: string): Promise<void> {
  const [id, name] = [volid.slice(0, volid.indexOf(':')), volid.slice(volid.indexOf(':') + 1)];
  if (!ctx.host.storages.some((s) => s.id === id)) return;
  await mutateRegistry(ctx, id, (reg) => {
    reg.volumes = reg.volumes.filter((v) => v.name !== name);
  });
}

export function findVolume(ctx: StorageCtx, volid: string): Volume | undefined {
  const i = volid.indexOf(':');
  if (i <= 0) return undefined;
  const id = volid.slice(0, i);
  if (!ctx.host.storages.some((s) => s.id === id)) return undefined;
  return loadRegistry(ctx.paths, ctx.host, id).volumes.find((v) => v.name === volid.slice(i + 1));
}

export async function resizeVolume(ctx: StorageCtx, volid: string, newSize: number): Promise<void> {
  const i = volid.indexOf(':');
  const id = volid.slice(0, i);
  const name = volid.slice(i + 1);
  await mutateRegistry(ctx, id, (reg, s) => {
    const v = reg.volumes.find((x) => x.name === name);
    if (!v) {
      // A volume the registry does not know (imported from a recorded config): adopt it.
      reg.volumes.push({ name, size: newSize, content: 'images' });
      return;
    }
    const free = s.total - usedBytes(reg);
    if (newSize - v.size > free && !overProvisions(s, name)) throw noSpace(s, name, newSize - v.size, free);
    thinWarning(ctx, s, usedBytes(reg) + newSize - v.size);
    v.size = newSize;
  });
}

export async function renameVolume(ctx: StorageCtx, volid: string, newName: string): Promise<string> {
  const i = volid.indexOf(':');
  const id = volid.slice(0, i);
  const name = volid.slice(i + 1);
  await mutateRegistry(ctx, id, (reg) => {
    const v = reg.volumes.find((x) => x.name === name);
    if (v) v.name = newName;
  });
  return `${id}:${newName}`;
}

/** Records the base volume a thin linked clone (named plainly `vm-N-disk-M`) was snapshotted from. */
export async function markLinkedClone(ctx: StorageCtx, volid: string, base: string): Promise<void> {
  const i = volid.indexOf(':');
  await mutateRegistry(ctx, volid.slice(0, i), (reg) => {
    const v = reg.volumes.find((x) => x.name === volid.slice(i + 1));
    if (v) v.base = base;
  });
}

export const DEFAULT_DISK = 4 * GiB;
