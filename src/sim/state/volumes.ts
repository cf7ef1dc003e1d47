// Volume names as Proxmox's storage plugins make them. Pure functions: no I/O.

import type { GuestKind, StorageDef } from './types.js';

/** `subvol-` for container disks on zfspool, `vm-` everywhere else; `base-`/`basevol-` once a template. */
// PVE: pve-storage src/PVE/Storage/ZFSPoolPlugin.pm:alloc_image, create_base (subvol-/basevol-); src/PVE/Storage/Plugin.pm:get_next_vm_diskname
export function diskPrefix(storage: StorageDef, kind: GuestKind, base = false): string {
  if (kind === 'lxc' && storage.type === 'zfspool') return base ? 'basevol' : 'subvol';
  return base ? 'base' : 'vm';
}

/** Directory-like storages keep images as files `<vmid>/<name>.<fmt>`. */
export const isFileStorage = (s: StorageDef): boolean => s.type === 'dir' || s.type === 'nfs';

/** The volume name for disk n of vmid (without the `storage:` prefix). */
// PVE: pve-storage src/PVE/Storage/Plugin.pm:alloc_image (`<vmid>/<name>.<fmt>` under images/)
export function diskName(storage: StorageDef, kind: GuestKind, vmid: number, n: number, fmt = 'raw'): string {
  const base = `${diskPrefix(storage, kind)}-${vmid}-disk-${n}`;
  return isFileStorage(storage) ? `${vmid}/${base}.${fmt}` : base;
}

// PVE: qemu-server src/PVE/API2/Qemu.pm:$create_disks (`vm-<vmid>-cloudinit`, `.qcow2` on file storages)
export function cloudinitName(storage: StorageDef, vmid: number): string {
  return isFileStorage(storage) ? `${vmid}/vm-${vmid}-cloudinit.qcow2` : `vm-${vmid}-cloudinit`;
}

// PVE: qemu-server src/PVE/QemuConfig.pm:__snapshot_save_vmstate (`vm-<vmid>-state-<snap>`, `.raw` on file storages)
export function vmstateName(storage: StorageDef, vmid: number, snap: string): string {
  return isFileStorage(storage) ? `${vmid}/vm-${vmid}-state-${snap}.raw` : `vm-${vmid}-state-${snap}`;
}

/** Parses `<prefix>-<vmid>-disk-<n>` out of a volume name (any of the naming forms). */
// PVE: pve-storage src/PVE/Storage/Plugin.pm:$get_vm_disk_number
export function parseDiskName(name: string): { prefix: string; vmid: number; n: number } | undefined {
  const m = /(?:^|\/)(vm|subvol|base|basevol)-(\d+)-disk-(\d+)(?:\.[a-z0-9]+)?$/.exec(name);
  return m ? { prefix: m[1], vmid: Number(m[2]), n: Number(m[3]) } : undefined;
}

/** The name a volume gets when its guest becomes a template (`vm-` → `base-`). */
// PVE: pve-storage src/PVE/Storage/LvmThinPlugin.pm:create_base, src/PVE/Storage/ZFSPoolPlugin.pm:create_base
export function baseName(name: string): string {
  return name.replace(/(^|\/)vm-(\d+)-disk-/, '$1base-$2-disk-').replace(/(^|\/)subvol-(\d+)-disk-/, '$1basevol-$2-disk-');
}

/** Splits a volume id `storage:name` (undefined for plain paths and bind mounts). */
// PVE: pve-storage src/PVE/Storage.pm:parse_volume_id
export function splitVolid(volid: string): { storage: string; name: string } | undefined {
  if (volid.startsWith('/')) return undefined;
  const i = volid.indexOf(':');
  if (i <= 0) return undefined;
  return { storage: volid.slice(0, i), name: volid.slice(i + 1) };
}

/** A volume option value's volume part (`local-lvm:vm-100-disk-0,size=8G` → `local-lvm:vm-100-disk-0`). */
export const volumePart = (value: string): string => {
  const first = value.split(',')[0];
  return first.startsWith('volume=') ? first.slice(7) : first;
};

/** Options that hold a guest disk. */
export function isDiskKey(kind: GuestKind, key: string): boolean {
  if (kind === 'lxc') return key === 'rootfs' || /^mp\d+$/.test(key);
  return /^(scsi|virtio|sata|ide)\d+$/.test(key) || key === 'efidisk0' || key === 'tpmstate0';
}
