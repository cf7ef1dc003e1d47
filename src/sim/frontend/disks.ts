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

const NEW_VOLUME = /^([a-z][a-z0-9\-_.]*[a-z0-9]):(\d+(?:\.\d+)?)$/i;

function checkContent(ctx: SimCtx, kind: GuestKind, storage: string): void {
  const s = getStorage(ctx.host, storage);
  const need = kind === 'lxc' ? 'rootdir' : 'images';
  if (!s.content.includes(need)) {
    throw new SimError(kind === 'lxc' ? `storage '${storage}' does not support container directories` : `storage '${storage}' does not support vm images`);
  }
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
    checkContent(ctx, kind, storage);
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
      throw new SimError(`unable to create disk '${key}': size must be greater than 0`);
    }
    const volid = await allocDisk(ctx, storage, kind, vmid, size);
    v[volKey] = volid;
    v.size = formatSize(size);
    stored = printOption(kind, key, v);
    if (kind === 'qemu') ctx.out(`${key}: successfully created disk '${stored}'\n`);
  } else if (splitVolid(vol)) {
    const known = findVolume(ctx, vol);
    if (!known && ctx.host.storages.some((s) => s.id === splitVolid(vol)!.storage)) throw new SimError(`volume '${vol}' does not exist`);
    for (const [k, u] of Object.entries(conf.options)) if (/^unused\d+$/.test(k) && u === vol) delete conf.options[k];
    if (known && !v.size) v.size = formatSize(known.size);
    stored = printOption(kind, key, v);
  } else {
    stored = printOption(kind, key, v); // bind mount / device path
  }
  const old = conf.options[key];
  if (old !== undefined) {
    const oldVol = volumePart(old);
    if (splitVolid(oldVol) && oldVol !== volumePart(stored) && !old.includes('media=cdrom')) addUnused(conf, oldVol);
  }
  return stored;
}
