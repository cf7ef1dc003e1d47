// Operations pct and qm share (AbstractConfig in Proxmox): lock checks, snapshots, rollback,
// delete-with-unused, resize, template conversion, destroy, runtime status.

import { formatSize, parseResizeArg } from '../../proxmox/codecs/size.js';
import { cloneSection, type ConfSection, type GuestConf } from '../state/conf.js';
import { uuid } from '../state/ids.js';
import { SimError } from '../state/errors.js';
import { readConf, readRuntime, removeConf, requireGuest, writeConf, type GuestRef, clearRuntime, clearSshKeys } from '../state/guests.js';
import { firewallPath } from '../state/paths.js';
import { loadRegistry } from '../state/host.js';
import { allocDisk, findVolume, freeVolume, mutateRegistry, renameVolume, resizeVolume } from '../state/storage.js';
import type { GuestKind } from '../state/types.js';
import { baseName, isDiskKey, splitVolid, volumePart } from '../state/volumes.js';
import { withGuestLock, type SimCtx } from './context.js';
import { existsSync, unlinkSync } from 'node:fs';

export const typeWord = (kind: GuestKind): 'CT' | 'VM' => (kind === 'lxc' ? 'CT' : 'VM');

// PVE: pve-guest-common src/PVE/AbstractConfig.pm:check_lock
export function checkLock(kind: GuestKind, conf: GuestConf, skiplock = false): void {
  const lock = conf.options.lock;
  if (lock && !skiplock) throw new SimError(`${typeWord(kind)} is locked (${lock})`);
}

export const isRunning = (ctx: SimCtx, vmid: number): boolean => readRuntime(ctx.paths, vmid).status === 'running';
export const isTemplate = (conf: GuestConf): boolean => conf.options.template === '1';

/** Loads, mutates and writes a guest config under its lock. */
export async function updateGuest<T>(ctx: SimCtx, kind: GuestKind, vmid: number, fn: (conf: GuestConf, ref: GuestRef) => Promise<T> | T): Promise<T> {
  return withGuestLock(ctx, kind, vmid, async () => {
    const ref = requireGuest(ctx.paths, ctx.host, kind, vmid);
    const conf = readConf(ref);
    const out = await fn(conf, ref);
    writeConf(ref, conf);
    return out;
  });
}

/** Guest volumes referenced by a config section (bind mounts and cdroms/cloudinit-by-name excluded). */
export function sectionVolumes(kind: GuestKind, options: Record<string, string>): Array<{ key: string; volid: string }> {
  const out: Array<{ key: string; volid: string }> = [];
  for (const [k, v] of Object.entries(options)) {
    if (!isDiskKey(kind, k) && !/^unused\d+$/.test(k)) continue;
    const vol = volumePart(v);
    if (!splitVolid(vol) || (v.includes('media=cdrom') && !vol.includes('cloudinit'))) continue;
    out.push({ key: k, volid: vol });
  }
  return out;
}

/**
 * Snapshots need every volume to support them: a storage that can snapshot (not raw files on a
 * directory storage) and, for a CT, no bind or device mount point (a host path has no snapshot
 * feature). Only the `vzdump` snapshot looks at the backed-up mount points alone.
 */
// PVE: pve-guest-common src/PVE/AbstractConfig.pm:__snapshot_prepare (has_feature 'snapshot')
export function checkSnapshotFeature(ctx: SimCtx, kind: GuestKind, conf: GuestConf, snapname: string): void {
  const unavailable = new SimError('snapshot feature is not available');
  if (kind === 'lxc') {
    // PVE: pve-container src/PVE/LXC/Config.pm:has_feature
    for (const key of Object.keys(conf.options).filter((k) => k === 'rootfs' || /^mp\d+$/.test(k))) {
      const value = conf.options[key];
      const vol = volumePart(value);
      const isVolume = splitVolid(vol) !== undefined;
      // PVE: pve-container src/PVE/LXC/Config.pm:mountpoint_backup_enabled (pve-guest-common AbstractConfig.pm:__snapshot_prepare passes backup_only for vzdump)
      if (snapname === 'vzdump' && key !== 'rootfs' && !(isVolume && /(^|,)backup=1(,|$)/.test(value))) continue;
      // PVE: pve-storage src/PVE/Storage.pm:volume_has_feature
      if (!isVolume) throw unavailable;
      if (!storageCanSnapshot(ctx, vol)) throw unavailable;
    }
    return;
  }
  for (const { key, volid } of sectionVolumes(kind, conf.options)) {
    if (key.startsWith('unused')) continue;
    if (!storageCanSnapshot(ctx, volid)) throw unavailable;
  }
}

const storageCanSnapshot = (ctx: SimCtx, volid: string): boolean => {
  const s = ctx.host.storages.find((x) => x.id === splitVolid(volid)!.storage);
  return !(s && (s.type === 'dir' || s.type === 'nfs') && !volid.endsWith('.qcow2'));
};

/** Where a VM's RAM state goes: `vmstatestorage`, else a shared storage of its disks, else a local one (file-based preferred), else `local`. */
// PVE: qemu-server src/PVE/QemuConfig.pm:find_vmstate_storage
function vmstateStorage(ctx: SimCtx, conf: GuestConf): string {
  if (conf.options.vmstatestorage) return conf.options.vmstatestorage;
  let shared: string | undefined;
  let local: string | undefined;
  for (const { volid } of sectionVolumes('qemu', conf.options)) {
    const sid = splitVolid(volid)!.storage;
    const s = ctx.host.storages.find((x) => x.id === sid);
    if (!s) continue;
    const isShared = s.shared === true || s.type === 'nfs';
    const hasPath = s.type === 'dir' || s.type === 'nfs';
    if (isShared) {
      if (!shared || hasPath) shared = sid;
    } else if (!local || hasPath) local = sid;
  }
  return shared ?? local ?? 'local';
}

/**
 * `qm snapshot --vmstate 1` of a running VM saves its RAM: a raw `vm-<id>-state-<snap>` volume of
 * twice the memory plus 500 MiB, and the snapshot records `vmstate`, `runningmachine`,
 * `runningcpu` (and the virtio NICs' host MTU). A stopped VM's snapshot has no state.
 */
// PVE: qemu-server src/PVE/QemuConfig.pm:__snapshot_save_vmstate; pve-guest-common src/PVE/AbstractConfig.pm:snapshot_create (only when running)
async function saveVmstate(ctx: SimCtx, vmid: number, conf: GuestConf, snap: ConfSection, name: string): Promise<void> {
  const target = vmstateStorage(ctx, conf);
  const memMiB = Number(/^(?:current=)?(\d+)/.exec(conf.options.memory ?? '')?.[1] ?? 2048);
  const volid = await allocDisk(ctx, target, 'qemu', vmid, (memMiB * 2 + 500) * 1024 * 1024, { vmstate: name });
  snap.options.vmstate = volid;
  // The machine and -cpu argument QEMU reports for the running VM (our values: guess).
  snap.options.runningmachine = /q35/.test(conf.options.machine ?? '') ? 'pc-q35-9.2+pve1' : 'pc-i440fx-9.2+pve1';
  snap.options.runningcpu = 'kvm64,enforce,+kvm_pv_eoi,+kvm_pv_unhalt,+lahf_lm,+sep';
  const mtus = Object.keys(conf.options)
    .filter((k) => /^net\d+$/.test(k) && /^virtio(=|,|$)/.test(conf.options[k]))
    .sort()
    .map((k) => `${k}=1500`);
  if (mtus.length) snap.options['running-nets-host-mtu'] = mtus.join(',');
}

export async function doSnapshot(ctx: SimCtx, kind: GuestKind, vmid: number, name: string, description?: string, opts: { vmstate?: boolean } = {}): Promise<void> {
  // PVE: qemu-server src/PVE/API2/Qemu.pm:snapshot (pve-container src/PVE/API2/LXC/Snapshot.pm:snapshot)
  if (name === 'current') throw new SimError("unable to use snapshot name 'current' (reserved name)");
  // PVE: qemu-server src/PVE/API2/Qemu.pm:snapshot
  if (kind === 'qemu' && name.toLowerCase() === 'pending') throw new SimError("unable to use snapshot name 'pending' (reserved name)");
  // PVE: pve-container src/PVE/API2/LXC/Snapshot.pm:snapshot (the backup's own snapshot is taken by vzdump, not through the API)
  if (kind === 'lxc' && name === 'vzdump') throw new SimError("unable to use snapshot name 'vzdump' (reserved name)");
  await updateGuest(ctx, kind, vmid, async (conf) => {
    // PVE: pve-guest-common src/PVE/AbstractConfig.pm:__snapshot_prepare
    if (isTemplate(conf)) throw new SimError("you can't take a snapshot if it's a template");
    checkLock(kind, conf);
    // PVE: pve-guest-common src/PVE/AbstractConfig.pm:__snapshot_prepare
    if (conf.snapshots[name]) throw new SimError(`snapshot name '${name}' already used`);
    checkSnapshotFeature(ctx, kind, conf, name);
    // PVE: pve-guest-common src/PVE/AbstractConfig.pm:__snapshot_prepare, __snapshot_commit (config copy, snaptime, parent)
    const snap = cloneSection(conf);
    // PVE: pve-guest-common src/PVE/AbstractConfig.pm:__snapshot_copy_config (no lock, digest, unusedN, vmstate, pending)
    delete snap.options.lock;
    delete snap.options.vmstate;
    for (const k of Object.keys(snap.options)) if (/^unused\d+$/.test(k)) delete snap.options[k];
    if (kind === 'qemu' && opts.vmstate && isRunning(ctx, vmid)) await saveVmstate(ctx, vmid, conf, snap, name);
    snap.options.snaptime = String(Math.floor(ctx.now() / 1000));
    if (description !== undefined) snap.options.description = description;
    else delete snap.options.description;
    conf.snapshots[name] = snap;
    conf.options.parent = name;
    // The config is the truth: a guest-filesystem snapshot it does not list is debris of a call
    // killed before it wrote the config, and is replaced.
    await ctx.guestfs.deleteSnapshot(vmid, name);
    await ctx.guestfs.snapshot(vmid, name);
  });
}

export async function doDelSnapshot(ctx: SimCtx, kind: GuestKind, vmid: number, name: string): Promise<void> {
  await updateGuest(ctx, kind, vmid, async (conf) => {
    // PVE: pve-guest-common src/PVE/AbstractConfig.pm:snapshot_delete (existence, lock, template, then the children's parent relinked)
    if (!conf.snapshots[name]) throw new SimError(`snapshot '${name}' does not exist`);
    checkLock(kind, conf);
    if (isTemplate(conf)) throw new SimError("you can't delete a snapshot if vm is a template");
    const snap = conf.snapshots[name];
    const parent = snap.options.parent;
    for (const s of Object.values(conf.snapshots)) {
      if (s.options.parent !== name) continue;
      if (parent) s.options.parent = parent;
      else delete s.options.parent;
    }
    if (conf.options.parent === name) {
      if (parent) conf.options.parent = parent;
      else delete conf.options.parent;
    }
    // PVE: pve-guest-common src/PVE/AbstractConfig.pm:snapshot_delete; qemu-server src/PVE/QemuConfig.pm:__snapshot_delete_vmstate_file (the RAM state is freed)
    if (snap.options.vmstate) await freeVolume(ctx, snap.options.vmstate);
    delete conf.snapshots[name];
    await ctx.guestfs.deleteSnapshot(vmid, name);
  });
}

/** Returns whether the VM is to be resumed from the snapshot's RAM state (qm, `vmstate`). */
export async function doRollback(ctx: SimCtx, kind: GuestKind, vmid: number, name: string): Promise<{ resume: boolean }> {
  let resume = false;
  await updateGuest(ctx, kind, vmid, async (conf) => {
    // PVE: pve-guest-common src/PVE/AbstractConfig.pm:snapshot_rollback (template, existence, lock, running)
    if (isTemplate(conf)) throw new SimError("you can't rollback if vm is a template");
    const snap = conf.snapshots[name];
    if (!snap) throw new SimError(`snapshot '${name}' does not exist`);
    checkLock(kind, conf);
    // PVE: pve-container src/PVE/LXC/Config.pm:__snapshot_rollback_vm_stop; qemu-server src/PVE/QemuConfig.pm:__snapshot_rollback_vm_stop (a running guest is stopped first)
    if (isRunning(ctx, vmid)) {
      clearRuntime(ctx.paths, vmid);
      await ctx.guestfs.onStop(vmid);
    }
    // Volumes of the current config the snapshot does not name are kept as unusedN.
    // PVE: pve-container src/PVE/LXC/Config.pm:__snapshot_rollback_get_unused; qemu-server src/PVE/QemuConfig.pm:__snapshot_rollback_get_unused
    const inSnap = new Set(
      sectionVolumes(kind, snap.options)
        .filter((v) => !/^unused\d+$/.test(v.key))
        .map((v) => v.volid),
    );
    for (const v of sectionVolumes(kind, conf.options)) if (!/^unused\d+$/.test(v.key) && !inSnap.has(v.volid)) addUnused(conf, v.volid);
    // The config becomes the snapshot's, keeping the current description and unusedN; parent = it.
    // PVE: pve-guest-common src/PVE/AbstractConfig.pm:snapshot_rollback, __snapshot_apply_config, __snapshot_copy_config
    const restored = cloneSection(snap);
    for (const k of Object.keys(restored.options)) if (/^unused\d+$/.test(k) || ['snaptime', 'vmstate', 'description', 'lock', 'digest', 'snapstate'].includes(k)) delete restored.options[k];
    for (const [k, v] of Object.entries(conf.options)) if (/^unused\d+$/.test(k) || k === 'description') restored.options[k] = v;
    if (kind === 'qemu') {
      // PVE: qemu-server src/PVE/QemuConfig.pm:__snapshot_rollback_hook (running* keys consumed by the resume, a new vmgenid)
      for (const k of ['runningmachine', 'runningcpu', 'running-nets-host-mtu']) delete restored.options[k];
      if (restored.options.vmgenid && restored.options.vmgenid !== '0') restored.options.vmgenid = uuid(ctx.host.seed, `vmgenid:${vmid}:rollback:${ctx.now()}`);
    }
    conf.options = restored.options;
    conf.lxc = restored.lxc;
    conf.options.parent = name;
    // PVE: pve-guest-common src/PVE/AbstractConfig.pm:snapshot_rollback (a snapshot with RAM state starts the VM from it)
    resume = kind === 'qemu' && Boolean(snap.options.vmstate);
    await ctx.guestfs.rollback(vmid, name);
  });
  return { resume };
}

/**
 * `--delete a,b`: removes options. A detached disk becomes `unusedN` (qm `--force`: destroyed);
 * deleting an `unusedN` entry destroys its volume, as Proxmox does.
 */
export async function deleteOptions(ctx: SimCtx, kind: GuestKind, conf: GuestConf, keys: string[], force = false): Promise<void> {
  for (const key of keys) {
    const v = conf.options[key];
    // PVE: pve-container src/PVE/LXC/Config.pm:update_pct_config; qemu-server src/PVE/API2/Qemu.pm:$update_vm_api (warn and skip)
    if (v === undefined) {
      ctx.err(`cannot delete '${key}' - not set in current configuration!\n`);
      continue;
    }
    // PVE: pve-container src/PVE/LXC/Config.pm:update_pct_config (memory, rootfs, ostype)
    if (kind === 'lxc' && (key === 'memory' || key === 'rootfs' || key === 'ostype')) throw new SimError(`unable to delete required option '${key}'`);
    delete conf.options[key];
    const vol = volumePart(v);
    if (/^unused\d+$/.test(key)) {
      // PVE: qemu-server src/PVE/QemuServer.pm:try_deallocate_drive (kept while a snapshot uses it); pve-container src/PVE/LXC/Config.pm:vmconfig_apply_pending
      if (!volumeInSnapshots(conf, vol)) await freeVolume(ctx, vol);
    } else if (isDiskKey(kind, key) && splitVolid(vol) && !v.includes('media=cdrom')) {
      // PVE: qemu-server src/PVE/QemuServer.pm:vmconfig_delete_or_detach_drive (--force destroys, else unusedN); pve-container src/PVE/LXC/Config.pm:vmconfig_apply_pending
      if (force && !volumeInSnapshots(conf, vol)) await freeVolume(ctx, vol);
      else addUnused(conf, vol);
    } else if (kind === 'qemu' && /cloudinit/.test(vol) && splitVolid(vol)) {
      // PVE: qemu-server src/PVE/QemuServer.pm:vmconfig_delete_or_detach_drive (a cloud-init drive is deallocated)
      await freeVolume(ctx, vol); // removing the cloud-init drive removes its volume
    }
  }
}

const volumeInSnapshots = (conf: GuestConf, vol: string): boolean => Object.values(conf.snapshots).some((s) => Object.values(s.options).some((x) => volumePart(x) === vol));

// PVE: pve-guest-common src/PVE/AbstractConfig.pm:add_unused_volume (no duplicates, lowest free unusedN)
export function addUnused(conf: GuestConf, volid: string): void {
  for (const [k, v] of Object.entries(conf.options)) if (/^unused\d+$/.test(k) && v === volid) return;
  let n = 0;
  while (conf.options[`unused${n}`] !== undefined) n++;
  conf.options[`unused${n}`] = volid;
}

/** Replaces `size=` in a disk option, or adds it. */
export function withSize(value: string, bytes: number): string {
  const parts = value.split(',').filter((p) => !p.startsWith('size='));
  parts.push(`size=${formatSize(bytes)}`);
  return parts.join(',');
}

export function sizeOf(ctx: SimCtx, value: string): number {
  const m = /(?:^|,)size=([^,]+)/.exec(value);
  if (m) {
    const b = parseResizeArg(m[1]);
    if (b) return b.bytes;
  }
  return findVolume(ctx, volumePart(value))?.size ?? 0;
}

export async function doResize(ctx: SimCtx, kind: GuestKind, vmid: number, disk: string, sizeArg: string, skiplock = false): Promise<void> {
  await updateGuest(ctx, kind, vmid, async (conf) => {
    // PVE: pve-container src/PVE/API2/LXC.pm:resize_vm; qemu-server src/PVE/API2/Qemu.pm:resize_vm (lock, disk, volume, cdrom, shrink, no-op)
    checkLock(kind, conf, skiplock);
    const value = conf.options[disk];
    // qm names the disk; pct parses the missing value as an empty mount point, whose required keys
    // are missing (PVE::Exception's errors, in Perl's hash order: sorted here).
    // PVE: qemu-server src/PVE/API2/Qemu.pm:resize_vm; pve-container src/PVE/API2/LXC.pm:resize_vm (parse_volume of undef), src/PVE/LXC/Config.pm:$parse_ct_mountpoint_full; pve-common src/PVE/Exception.pm:stringify
    if (value === undefined) {
      throw new SimError(kind === 'qemu' ? `disk '${disk}' does not exist` : 'format error\nmp: property is missing and it is not optional\nvolume: property is missing and it is not optional');
    }
    const vol = volumePart(value);
    // pct hands a bind/device mount's host path to parse_volname, which cannot parse it.
    // PVE: qemu-server src/PVE/API2/Qemu.pm:resize_vm (`has no associated volume`); pve-container src/PVE/API2/LXC.pm:resize_vm (pve-storage src/PVE/Storage.pm:parse_volume_id)
    if (!splitVolid(vol)) throw new SimError(kind === 'lxc' ? `unable to parse volume ID '${vol}'` : `disk '${disk}' has no associated volume`);
    if (kind === 'qemu' && value.includes('media=cdrom')) throw new SimError("you can't resize a cdrom");
    const req = parseResizeArg(sizeArg);
    // PVE: guess (the schema's size pattern refuses a bad size first)
    if (!req) throw new SimError(`invalid size '${sizeArg}'`);
    const cur = sizeOf(ctx, value);
    const next = req.relative ? cur + req.bytes : req.bytes;
    if (next < cur) throw new SimError(kind === 'lxc' ? 'unable to shrink disk size' : 'shrinking disks is not supported');
    // pve-container refuses a no-op resize; qemu-server returns quietly.
    if (next === cur) {
      if (kind === 'lxc') throw new SimError('disk is already at specified size');
      return;
    }
    await resizeVolume(ctx, vol, next);
    conf.options[disk] = withSize(value, next);
  });
}

/** Converts a stopped guest into a template: disks become `base-` volumes, `template: 1`. */
export async function doTemplate(ctx: SimCtx, kind: GuestKind, vmid: number): Promise<void> {
  await updateGuest(ctx, kind, vmid, async (conf) => {
    // PVE: pve-container src/PVE/API2/LXC.pm:template; qemu-server src/PVE/API2/Qemu.pm:template (lock, snapshots, template, running)
    checkLock(kind, conf);
    if (Object.keys(conf.snapshots).length) throw new SimError(`unable to create template, because ${typeWord(kind)} contains snapshots`);
    if (isTemplate(conf)) throw new SimError(`you can't convert a template to a template`);
    if (isRunning(ctx, vmid)) {
      throw new SimError(kind === 'lxc' ? "you can't convert a CT to template if the CT is running" : "you can't convert a VM to template if VM is running");
    }
    // PVE: pve-container src/PVE/LXC.pm:template_create; qemu-server src/PVE/QemuServer.pm:template_create (vdisk_create_base per disk)
    for (const { key, volid } of sectionVolumes(kind, conf.options)) {
      if (key.startsWith('unused') || /cloudinit/.test(volid)) continue;
      const sv = splitVolid(volid)!;
      const renamed = baseName(sv.name);
      if (renamed === sv.name) continue;
      const nv = await renameVolume(ctx, volid, renamed);
      conf.options[key] = conf.options[key].replace(volid, nv);
    }
    conf.options.template = '1';
  });
}

/** `protection: 1` refuses destroy and the removal or change of disks: `<what> - protection mode enabled`. */
// PVE: pve-guest-common src/PVE/AbstractConfig.pm:check_protection
export function checkProtection(conf: GuestConf, what: string): void {
  if (conf.options.protection !== undefined && conf.options.protection !== '0') throw new SimError(`${what} - protection mode enabled`);
}

export async function doDestroy(ctx: SimCtx, kind: GuestKind, vmid: number, opts: { purge?: boolean; skiplock?: boolean; unreferenced?: boolean; force?: boolean }): Promise<void> {
  await withGuestLock(ctx, kind, vmid, async () => {
    const ref = requireGuest(ctx.paths, ctx.host, kind, vmid);
    const conf = readConf(ref);
    // PVE: pve-container src/PVE/API2/LXC.pm:destroy_vm; qemu-server src/PVE/API2/Qemu.pm:destroy_vm ($early_checks: protection first)
    checkProtection(conf, `can't remove ${kind === 'lxc' ? 'CT' : 'VM'} ${vmid}`);
    // PVE: pve-container src/PVE/API2/LXC.pm:destroy_vm; qemu-server src/PVE/API2/Qemu.pm:destroy_vm (lock, then running)
    checkLock(kind, conf, opts.skiplock);
    if (isRunning(ctx, vmid)) {
      // --force stops it first. The notice is a plain warn in the worker: on the task's output
      // (a CLI task's stderr goes to its stdout), and no task warning (only log_warn counts).
      // PVE: pve-container src/PVE/API2/LXC.pm:destroy_vm; pve-common src/PVE/RESTEnvironment.pm:fork_worker, log_warn
      if (kind === 'lxc' && opts.force) {
        ctx.out(`forced to stop CT ${vmid} before destroying!\n`);
        clearRuntime(ctx.paths, vmid);
        await ctx.guestfs.onStop(vmid);
      } else {
        throw new SimError(kind === 'lxc' ? `unable to destroy CT ${vmid} - container is running` : `VM ${vmid} is running - destroy failed`);
      }
    }
    const vols = new Set<string>();
    for (const s of [conf, ...Object.values(conf.snapshots)]) for (const v of sectionVolumes(kind, s.options)) vols.add(v.volid);
    // PVE: qemu-server src/PVE/QemuServer.pm:destroy_vm (a snapshot's vmstate volume is freed too)
    for (const s of Object.values(conf.snapshots)) if (s.options.vmstate) vols.add(s.options.vmstate);
    for (const v of vols) {
      const sv = splitVolid(v)!;
      if (!/(^|\/)base(vol)?-\d+-disk-\d+/.test(sv.name) || sv.name.includes('/')) continue;
      if (!ctx.host.storages.some((s) => s.id === sv.storage)) continue;
      if (loadRegistry(ctx.paths, ctx.host, sv.storage).volumes.some((x) => x.name.startsWith(`${sv.name}/`) || x.base === sv.name)) {
        // PVE: qemu-server src/PVE/QemuServer.pm:destroy_vm (volume id, "cloned"); pve-storage src/PVE/Storage.pm:vdisk_free (pct: volume name, "clones")
        throw new SimError(kind === 'qemu' ? `base volume '${v}' is still in use by linked cloned` : `base volume '${sv.name}' is still in use by linked clones`);
      }
    }
    for (const v of vols) {
      const sv = splitVolid(v)!;
      if (!ctx.host.storages.some((s) => s.id === sv.storage)) continue;
      if (isLvm(ctx, sv.storage)) ctx.out(`  Logical volume "${sv.name}" successfully removed.\n`);
      await freeVolume(ctx, v);
    }
    // --destroy-unreferenced-disks: every volume owned by this vmid on any storage, also those the
    // config no longer names (left by an interrupted clone or import).
    // PVE: pve-container src/PVE/LXC.pm:destroy_lxc_container; qemu-server src/PVE/QemuServer.pm:destroy_vm
    if (opts.unreferenced) {
      for (const s of ctx.host.storages) {
        await mutateRegistry(ctx, s.id, (reg) => {
          reg.volumes = reg.volumes.filter((v) => v.vmid !== vmid);
        });
      }
    }
    removeConf(ref);
    clearRuntime(ctx.paths, vmid);
    clearSshKeys(ctx.paths, vmid);
    // PVE: pve-firewall src/PVE/Firewall.pm:remove_vmfw_conf
    const fw = firewallPath(ctx.paths, vmid);
    if (existsSync(fw)) unlinkSync(fw);
    await ctx.guestfs.destroy(vmid);
  });
}

export const isLvm = (ctx: SimCtx, storage: string): boolean => {
  const s = ctx.host.storages.find((x) => x.id === storage);
  return s?.type === 'lvmthin' || s?.type === 'lvm';
};

/** Every netN's bridge must exist on the host (checked when a NIC comes up: start or hotplug). */
// PVE: pve-common src/PVE/Network.pm:read_bridge_mtu (the text; when it is checked: guess)
export function checkBridges(ctx: SimCtx, options: Record<string, string>): void {
  for (const [k, v] of Object.entries(options)) {
    if (!/^net\d+$/.test(k)) continue;
    const bridge = /(?:^|,)bridge=([^,]+)/.exec(v)?.[1];
    if (bridge && !ctx.host.bridges.includes(bridge)) throw new SimError(`bridge '${bridge}' does not exist`);
  }
}
