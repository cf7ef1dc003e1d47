// Disk options on create/set: `STORAGE:SIZE` allocates a new volume (size in GiB),
// `STORAGE:0,import-from=VOL` (qm) copies an image, `STORAGE:cloudinit` (qm) makes the cloud-init
// drive, an existing volume is attached (and leaves `unusedN`); a replaced volume becomes unused.

import { GiB, formatSize } from '../../proxmox/codecs/size.js';
import type { GuestConf } from '../state/conf.js';
import { SimError } from '../state/errors.js';
import { allocDisk, findVolume, getStorage } from '../state/storage.js';
import type { GuestKind } from '../state/types.js';
import { isDiskKey, splitVolid, volumePart } from '../state/volumes.js';
import { addUnused } from './common.js';
import type { SimCtx } from './context.js';
import { parseOption, printOption } from './normalize.js';
import { resolveImportFrom } from './sources.js';

// PVE: pve-container src/PVE/LXC.pm:$NEW_DISK_RE; qemu-server src/PVE/QemuServer/Drive.pm:$NEW_DISK_RE (size in GiB, fractions allowed)
const NEW_VOLUME = /^([a-z][a-z0-9\-_.]*[a-z0-9]):(\d+(?:\.\d+)?)$/i;

function checkContent(ctx: SimCtx, kind: GuestKind, storage: string): void {
  const s = getStorage(ctx.host, storage);
  if (kind === 'lxc') {
    // pct create refused this before (a 400 on `storage`); here pct set's per-option check speaks.
    // PVE: pve-container src/PVE/LXC/Config.pm:update_pct_config ($check_content_type, every mount point of type volume)
    if (!s.content.includes('rootdir')) throw new SimError(`storage '${storage}' does not allow content type 'rootdir' (Container)`);
    return;
  }
  // qm create/set refused a new disk here before (check_storage_access, a 400 on `storage`).
  // PVE: qemu-server src/PVE/API2/Qemu.pm:$check_storage_access
  if (!s.content.includes('images')) throw new SimError(`storage '${storage}' does not support vm images`);
}

/** Returns the value to store for disk option `key`; allocates/attaches as Proxmox would. */
export async function applyDiskOption(ctx: SimCtx, kind: GuestKind, vmid: number, conf: GuestConf, key: string, value: string): Promise<string> {
  const v = parseOption(kind, key, value);
  const volKey = kind === 'lxc' ? 'volume' : 'file';
  const vol = v[volKey] ?? volumePart(value);
  let stored: string;
  const m = NEW_VOLUME.exec(vol);
  if (kind === 'qemu' && /^[^:]+:cloudinit$/.test(vol)) {
    // PVE: qemu-server src/PVE/API2/Qemu.pm:$create_disks (has_cloudinit: one cloud-init drive per VM)
    const other = Object.keys(conf.options).find((k) => k !== key && isDiskKey('qemu', k) && /cloudinit/.test(volumePart(conf.options[k])));
    if (other) throw new SimError(`${key} - cloud-init drive is already attached at '${other}'`);
    const storage = vol.slice(0, vol.indexOf(':'));
    // The storage must exist (storage_config) and — stricter than qemu-server, whose check_storage_access
    // skips a cloud-init volume and whose vdisk_alloc checks no content — hold images: a volume of type
    // images on a storage without that content is what the conformance oracle's config check refuses.
    // PVE: guess (qemu-server src/PVE/API2/Qemu.pm:$create_disks would allocate it)
    checkContent(ctx, kind, storage);
    // PVE: qemu-server src/PVE/QemuServer/Cloudinit.pm:CLOUDINIT_DISK_SIZE (4 MiB), API2/Qemu.pm:$create_disks (media=cdrom, the printed line)
    v[volKey] = await allocDisk(ctx, storage, kind, vmid, 4 * 1024 * 1024, { cloudinit: true });
    v.media = 'cdrom';
    ctx.out(`${key}: successfully created disk '${v[volKey]},media=cdrom'\n`);
    stored = printOption(kind, key, v);
  } else if (m) {
    const storage = m[1];
    checkContent(ctx, kind, storage);
    let size = Math.round(Number(m[2]) * GiB);
    if (kind === 'qemu' && v['import-from']) {
      size = resolveImportFrom(ctx, v['import-from']).size;
      delete v['import-from'];
    } else if (size === 0) {
      // PVE: guess (Proxmox has no such check: pct makes a size-less subvol on a directory storage, lvcreate refuses a 0 size)
      throw new SimError(`unable to create disk '${key}': size must be greater than 0`);
    }
    const volid = await allocDisk(ctx, storage, kind, vmid, size);
    v[volKey] = volid;
    v.size = formatSize(size);
    stored = printOption(kind, key, v);
    // PVE: qemu-server src/PVE/API2/Qemu.pm:$create_disks (`<key>: successfully created disk '<drive>'`; pct prints nothing)
    if (kind === 'qemu') ctx.out(`${key}: successfully created disk '${stored}'\n`);
  } else if (splitVolid(vol)) {
    const known = findVolume(ctx, vol);
    const sid = splitVolid(vol)!.storage;
    // pct: storage_config dies for an unknown storage, then the rootdir check (update_pct_config's $check_content_type).
    if (kind === 'lxc') checkContent(ctx, kind, sid);
    if (!known && ctx.host.storages.some((s) => s.id === sid)) {
      // qm reads the volume's size and dies when it has none; pct stores the volume unchecked (guess: the simulator refuses it too).
      // PVE: qemu-server src/PVE/API2/Qemu.pm:$create_disks (volume_size_info)
      throw new SimError(kind === 'qemu' ? `volume ${vol} does not exist` : `volume '${vol}' does not exist`);
    }
    // Attaching a volume drops the unusedN entry that named it.
    // PVE: pve-container src/PVE/LXC/Config.pm:write_pct_config; qemu-server src/PVE/QemuServer.pm:write_vm_config (remove 'unusedX' if the volume is used)
    for (const [k, u] of Object.entries(conf.options)) if (/^unused\d+$/.test(k) && u === vol) delete conf.options[k];
    if (known && !v.size) v.size = formatSize(known.size);
    stored = printOption(kind, key, v);
  } else {
    stored = printOption(kind, key, v); // bind mount / device path
  }
  const old = conf.options[key];
  // A replaced volume is kept as unusedN (a cdrom's is not).
  // PVE: qemu-server src/PVE/QemuServer.pm:vmconfig_register_unused_drive; pve-container src/PVE/LXC/Config.pm:vmconfig_apply_pending (add_unused_volume)
  if (old !== undefined) {
    const oldVol = volumePart(old);
    if (splitVolid(oldVol) && oldVol !== volumePart(stored) && !old.includes('media=cdrom')) addUnused(conf, oldVol);
  }
  return stored;
}
