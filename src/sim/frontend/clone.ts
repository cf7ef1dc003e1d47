// `pct clone` / `qm clone`: full copies onto the target storage or linked clones of a template's
// base volumes; new MACs (and for VMs a new SMBIOS uuid / vmgenid); no snapshots carried over.

import { formatSize } from '../../proxmox/codecs/size.js';
import { cloneSection, type GuestConf } from '../state/conf.js';
import { SimError } from '../state/errors.js';
import { locateGuest, readConf, requireGuest, writeConf, type GuestRef } from '../state/guests.js';
import { uuid } from '../state/ids.js';
import { confPath, firewallPath } from '../state/paths.js';
import { writeFileAtomic } from '../state/host.js';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { allocDisk, checkNode, freeVolume, getStorage, isShared, markLinkedClone, renameVolume } from '../state/storage.js';
import type { GuestKind } from '../state/types.js';
import { isDiskKey, splitVolid, volumePart } from '../state/volumes.js';
import { checkLock, isLvm, isRunning, isTemplate, sizeOf, typeWord, updateGuest } from './common.js';
import { withGuestLock, type SimCtx } from './context.js';
import { normalizeOption, parseOption, printOption } from './normalize.js';
import { paramErrorText, type Call } from './params.js';
import { usageLine } from '../../proxmox/schema/index.js';

// Snapshot-related keys, the lock and `template` are not copied.
// PVE: pve-container src/PVE/API2/LXC.pm:clone_vm (snapshots parent snaptime snapstate pending template); qemu-server src/PVE/API2/Qemu.pm:clone_vm (also vmstate, runningcpu, runningmachine, running-nets-host-mtu)
const DROP = ['snaptime', 'parent', 'lock', 'template', 'vmstate', 'snapstate', 'runningcpu', 'runningmachine', 'running-nets-host-mtu', 'digest'];

// PVE: qemu-server src/PVE/QemuServer/MetaInfo.pm:new_meta_info_string (the QEMU version: guess)

export function newMeta(ctx: SimCtx): string {
  return `creation-qemu=9.2.0,ctime=${Math.floor(ctx.now() / 1000)}`;
}

export async function cloneGuest(ctx: SimCtx, kind: GuestKind, call: Call): Promise<void> {
  const src = Number(call.params.vmid);
  const dst = Number(call.params.newid);
  // `--target NODE`: the clone is made here and its config moved to that node at the end. The
  // local node (or localhost) means no move; another name must be a node of the cluster.
  // PVE: pve-container src/PVE/API2/LXC.pm:clone_vm; qemu-server src/PVE/API2/Qemu.pm:clone_vm (then pve-cluster src/PVE/Cluster.pm:check_node_exists)
  const target = call.params.target === ctx.host.node || call.params.target === 'localhost' ? undefined : call.params.target;
  if (target !== undefined && !ctx.host.nodes.includes(target)) throw new SimError(`no such cluster node '${target}'`);
  if (call.params.storage !== undefined) {
    // The target storage is checked before anything is locked: it must exist (qm: and hold images, a 400).
    // PVE: pve-container src/PVE/API2/LXC.pm:clone_vm; qemu-server src/PVE/API2/Qemu.pm:clone_vm (storage_check_enabled)
    const st = getStorage(ctx.host, call.params.storage);
    checkNode(st, ctx.host.node);
    if (kind === 'qemu' && !st.content.includes('images')) {
      throw new SimError(paramErrorText([{ param: 'storage', message: `storage '${st.id}' does not support vm images` }], usageLine(call.spec)));
    }
    if (target !== undefined) {
      // A clone for another node goes to storage that node reaches too: enabled there, and shared.
      // PVE: pve-container src/PVE/API2/LXC.pm:clone_vm; qemu-server src/PVE/API2/Qemu.pm:clone_vm ("clone only works if target storage is shared")
      checkNode(st, target);
      if (!isShared(st)) throw new SimError(`can't clone to non-shared storage '${st.id}'`);
    }
  }
  if (kind === 'lxc') {
    // pve-container marks the source `lock: disk` (under its file lock, briefly) for the whole
    // clone, so a second clone or any change of the source fails at once with `CT is locked (disk)`.
    // PVE: pve-container src/PVE/API2/LXC.pm:clone_vm
    const conf = await updateGuest(ctx, 'lxc', src, (c) => {
      checkLock('lxc', c);
      c.options.lock = 'disk';
      return c;
    });
    try {
      // create_and_lock_config takes the new CT's lock with a 5 s timeout.
      // PVE: pve-guest-common src/PVE/AbstractConfig.pm:create_and_lock_config
      await withGuestLock(
        ctx,
        'lxc',
        dst,
        async () => {
          const found = locateGuest(ctx.paths, ctx.host, dst);
          // PVE: pve-cluster src/PVE/Cluster.pm:check_vmid_unused
          if (found) throw new SimError(`${typeWord(found.kind)} ${dst} already exists on node '${found.node}'`);
          await copyGuest(ctx, 'lxc', call, conf, target);
        },
        { timeoutMs: 5000 },
      );
    } finally {
      await updateGuest(ctx, 'lxc', src, (c) => {
        if (c.options.lock === 'disk') delete c.options.lock;
      });
    }
    return;
  }
  // qemu-server holds no `lock:` on the source: a shared file lock while it is stopped (parallel
  // clones of a template run side by side), an exclusive one while it runs; 1 s timeout on each.
  // PVE: qemu-server src/PVE/API2/Qemu.pm:clone_vm
  const running = isRunning(ctx, src);
  await withGuestLock(
    ctx,
    'qemu',
    src,
    async () => {
      const conf = readConf(requireGuest(ctx.paths, ctx.host, 'qemu', src));
      checkLock('qemu', conf);
      await withGuestLock(
        ctx,
        'qemu',
        dst,
        async () => {
          const found = locateGuest(ctx.paths, ctx.host, dst);
          if (found?.kind === 'qemu' && found.node === ctx.host.node) {
            // PVE: qemu-server src/PVE/API2/Qemu.pm:clone_vm
            throw new SimError(`unable to create VM ${dst}: config file already exists`);
          }
          // guess: pmxcfs refuses the new config of an id used elsewhere; its exact text is not ours.
          if (found) throw new SimError(`${typeWord(found.kind)} ${dst} already exists on node '${found.node}'`);
          await copyGuest(ctx, 'qemu', call, conf, target);
        },
        { timeoutMs: 1000 },
      );
    },
    { shared: !running, timeoutMs: 1000 },
  );
}

/** The copy itself, under the locks cloneGuest took: checks, then volumes and the new config. */
async function copyGuest(ctx: SimCtx, kind: GuestKind, call: Call, conf: GuestConf, target: string | undefined): Promise<void> {
  const p = call.params;
  const src = Number(p.vmid);
  const dst = Number(p.newid);
  const snap = p.snapname;
  const template = isTemplate(conf);
  // A template is linked-cloned by default, anything else fully copied.
  // PVE: pve-container src/PVE/API2/LXC.pm:clone_vm; qemu-server src/PVE/API2/Qemu.pm:clone_vm ($full default, then these two checks)
  const full = p.full !== undefined ? p.full === '1' : !template;
  // The same two checks in each tool's own order (qm names a missing snapshot first).
  // PVE: qemu-server src/PVE/API2/Qemu.pm:clone_vm ($load_and_check: snapshot, then storage); pve-container src/PVE/API2/LXC.pm:clone_vm (storage, then snapshot)
  if (kind === 'qemu' && snap && !conf.snapshots[snap]) throw new SimError(`snapshot '${snap}' does not exist`);
  if (!full && p.storage) throw new SimError("parameter 'storage' not allowed for linked clones");
  if (snap && !conf.snapshots[snap]) throw new SimError(`snapshot '${snap}' does not exist`);
  const section = cloneSection(snap ? conf.snapshots[snap] : conf);
  // Whether every volume is on shared storage (a clone for another node needs that): a VM's
  // source volumes, CD-ROM images included; a CT's volumes where they will be (`--storage`, else the source's).
  // PVE: qemu-server src/PVE/API2/Qemu.pm:check_storage_access_clone; pve-container src/PVE/API2/LXC.pm:clone_vm ($sharedvm)
  let sharedvm = true;
  const sharedOn = (storage: string) => {
    const st = ctx.host.storages.find((x) => x.id === storage);
    return st !== undefined && isShared(st);
  };
  if (kind === 'qemu') {
    for (const key of Object.keys(section.options)) {
      const sv = isDiskKey(kind, key) ? splitVolid(volumePart(section.options[key])) : undefined;
      if (sv && !sharedOn(sv.storage)) sharedvm = false;
    }
    // PVE: qemu-server src/PVE/API2/Qemu.pm:clone_vm
    if (target !== undefined && !sharedvm) throw new SimError(`can't clone VM to node '${target}' (VM uses local storage)`);
  }
  // The checks pve-container makes per mount point before the task starts.
  for (const key of Object.keys(section.options).sort()) {
    if (!isDiskKey(kind, key)) continue;
    const value = section.options[key];
    const vol = volumePart(value);
    const sv = splitVolid(vol);
    if (kind === 'lxc' && sv && !sharedOn(p.storage ?? sv.storage)) {
      sharedvm = false;
      // PVE: pve-container src/PVE/API2/LXC.pm:clone_vm
      if (target !== undefined) ctx.err(`found non-shared volume: ${vol}\n`);
    }
    // PVE: pve-container src/PVE/API2/LXC.pm:clone_vm (bind and device mount points cannot be cloned)
    if (kind === 'lxc' && !sv) throw new SimError(`unable to clone mountpoint '${key}' (type ${vol.startsWith('/dev/') ? 'device' : 'bind'})`);
    if (!sv || value.includes('media=cdrom')) continue;
    // PVE: pve-container src/PVE/API2/LXC.pm:clone_vm
    if (full && kind === 'lxc' && isRunning(ctx, src) && !snap) throw new SimError('Full clone of a running container is only possible from a snapshot');
    if (!full && !/cloudinit/.test(vol)) {
      const st = ctx.host.storages.find((x) => x.id === sv.storage);
      // The clone feature: a base volume (or a snapshot) on zfspool/lvmthin (dir/qcow2 not modelled: guess).
      // PVE: pve-storage src/PVE/Storage/ZFSPoolPlugin.pm:volume_has_feature, src/PVE/Storage/LvmThinPlugin.pm:volume_has_feature
      const cloneable = st && (st.type === 'zfspool' || st.type === 'lvmthin') && (/(^|\/)base(vol)?-/.test(sv.name) || snap !== undefined);
      // PVE: pve-container src/PVE/API2/LXC.pm:clone_vm; qemu-server src/PVE/API2/Qemu.pm:clone_vm (`Linked clone feature is not supported for [a snapshot of ]'<vol>' (<key>)`)
      if (!cloneable) throw new SimError(kind === 'lxc' ? `Linked clone feature for '${vol}' is not available` : `Linked clone feature is not supported for${snap ? ' a snapshot of' : ''} '${vol}' (${key})`);
    }
  }
  // PVE: pve-container src/PVE/API2/LXC.pm:clone_vm
  if (kind === 'lxc' && target !== undefined && !sharedvm) throw new SimError(`can't clone CT to node '${target}' (CT uses local storage)`);
  for (const k of DROP) delete section.options[k];
  // PVE: qemu-server src/PVE/API2/Qemu.pm:clone_vm; pve-container src/PVE/API2/LXC.pm:clone_vm (unusedN never copied)
  for (const k of Object.keys(section.options)) if (/^unused\d+$/.test(k)) delete section.options[k];
  const ref: GuestRef = { kind, node: ctx.host.node, vmid: dst, path: confPath(ctx.paths, ctx.host.node, kind, dst) };
  // The new config holds `lock: create` (CT) / `lock: clone` (VM) until the copy is done.
  // PVE: pve-container src/PVE/API2/LXC.pm:clone_vm; qemu-server src/PVE/API2/Qemu.pm:clone_vm
  const out: GuestConf = { options: { lock: kind === 'lxc' ? 'create' : 'clone' }, lxc: [], snapshots: {}, extra: {} };
  writeConf(ref, out);
  const made: string[] = [];
  // PVE: pve-container src/PVE/API2/LXC.pm:clone_vm; qemu-server src/PVE/API2/Qemu.pm:clone_vm (the worker's first line)
  ctx.out(kind === 'lxc' ? `creating a clone of container ${src} with ID ${dst}\n` : `creating a clone of VM ${src} with ID ${dst}\n`);
  try {
    for (const key of Object.keys(section.options).sort()) {
      const value = section.options[key];
      if (/^net\d+$/.test(key)) {
        // PVE: pve-container src/PVE/API2/LXC.pm:clone_vm; qemu-server src/PVE/API2/Qemu.pm:clone_vm ("always change MAC! address")
        const v = parseOption(kind, key, value);
        delete v[kind === 'lxc' ? 'hwaddr' : 'macaddr'];
        section.options[key] = normalizeOption(kind, key, printOption(kind, key, v), ctx.host.seed, dst);
        continue;
      }
      if (!isDiskKey(kind, key)) continue;
      const vol = volumePart(value);
      const sv = splitVolid(vol);
      if (!sv || (value.includes('media=cdrom') && !/cloudinit/.test(vol))) continue;
      const target = full ? (p.storage ?? sv.storage) : sv.storage;
      const s = getStorage(ctx.host, target);
      const need = kind === 'lxc' ? 'rootdir' : 'images';
      if (!s.content.includes(need)) {
        // PVE: pve-container src/PVE/LXC.pm:alloc_disk (from copy_volume, in the worker: `clone failed: …`); qm: guess (its target was checked up front)
        throw new SimError(kind === 'lxc' ? `content type 'rootdir' is not available or configured on storage '${target}'` : `storage '${target}' does not support vm images`);
      }
      let nv: string;
      // PVE: qemu-server src/PVE/QemuServer.pm:clone_disk (`create full|linked clone of drive <key> (<vol>)`); pve-container src/PVE/API2/LXC.pm:clone_vm (`… of mountpoint` / `… of mount point`)
      if (/cloudinit/.test(vol)) {
        nv = await allocDisk(ctx, target, kind, dst, 4 * 1024 * 1024, { cloudinit: true });
        ctx.out(`create full clone of drive ${key} (${vol})\n`);
      } else if (full) {
        const size = sizeOf(ctx, value);
        ctx.out(kind === 'lxc' ? `create full clone of mountpoint ${key} (${vol})\n` : `create full clone of drive ${key} (${vol})\n`);
        nv = await allocDisk(ctx, target, kind, dst, size);
        if (!/(?:^|,)size=/.test(value)) section.options[key] = `${value},size=${formatSize(size)}`;
      } else {
        ctx.out(kind === 'lxc' ? `create linked clone of mount point ${key} (${vol})\n` : `create linked clone of drive ${key} (${vol})\n`);
        const fresh = await allocDisk(ctx, target, kind, dst, 0);
        const fromBase = /(^|\/)base(vol)?-/.test(sv.name);
        // PVE: pve-storage src/PVE/Storage/LvmThinPlugin.pm:clone_image (a thin snapshot named plainly vm-N-disk-M; ZFS/dir plugins name it base-…/vm-…)
        const thin = ctx.host.storages.find((x) => x.id === target)?.type === 'lvmthin';
        nv = fromBase && !thin ? await renameVolume(ctx, fresh, `${sv.name}/${splitVolid(fresh)!.name}`) : fresh;
        if (fromBase && thin) await markLinkedClone(ctx, fresh, sv.name);
      }
      made.push(nv);
      // LVM's own line (lvcreate's stdout): guess for the exact form.
      if (isLvm(ctx, target)) ctx.out(`  Logical volume "${splitVolid(nv)!.name.split('/').pop()}" created.\n`);
      section.options[key] = section.options[key].replace(vol, nv);
    }
    if (kind === 'lxc') {
      // PVE: pve-container src/PVE/API2/LXC.pm:clone_vm (hostname, description when given)
      if (p.hostname) section.options.hostname = p.hostname;
    } else {
      // A new SMBIOS uuid always, a new vmgenid when set, `Copy-of-VM-<name|vmid>` unless --name; meta is copied as it is.
      // PVE: qemu-server src/PVE/API2/Qemu.pm:clone_vm
      section.options.name = p.name || `Copy-of-VM-${section.options.name ?? src}`;
      const smb = section.options.smbios1 ? parseOption('qemu', 'smbios1', section.options.smbios1) : {};
      smb.uuid = uuid(ctx.host.seed, `smbios1:${dst}`);
      section.options.smbios1 = printOption('qemu', 'smbios1', smb);
      if (section.options.vmgenid !== undefined && section.options.vmgenid !== '0') section.options.vmgenid = uuid(ctx.host.seed, `vmgenid:${dst}`);
    }
    if (p.description) section.options.description = p.description;
    // A VM's pending changes are not cloned; the worker warns, naming their keys (Perl's hash order:
    // sorted here) — a plain warn: on the task's output, no task warning.
    // PVE: qemu-server src/PVE/API2/Qemu.pm:clone_vm ("found pending changes for '<keys>', discarding for clone"); pve-container src/PVE/API2/LXC.pm:clone_vm (deletes them silently)
    const pendingKeys = !snap && conf.pending ? Object.keys(conf.pending.options) : [];
    if (kind === 'qemu' && pendingKeys.length) ctx.out(`found pending changes for '${pendingKeys.sort().join(',')}', discarding for clone\n`);
    await ctx.guestfs.clone(src, dst, { snapshot: snap });
    // The clone gets the source's firewall file.
    // PVE: pve-firewall src/PVE/Firewall.pm:clone_vmfw_conf
    const fwSrc = firewallPath(ctx.paths, src);
    if (existsSync(fwSrc)) writeFileAtomic(firewallPath(ctx.paths, dst), readFileSync(fwSrc, 'utf8'));
    writeConf(ref, { ...section, snapshots: {}, extra: {} });
    if (target !== undefined) {
      // PVE: pve-guest-common src/PVE/AbstractConfig.pm:move_config_to_node (the clone's last step)
      const to = confPath(ctx.paths, target, kind, dst);
      mkdirSync(dirname(to), { recursive: true });
      renameSync(ref.path, to);
    }
  } catch (e) {
    // A failed copy frees the new volumes, the firewall file and the config: `clone failed: <error>` (qm: checks before the worker are not wrapped).
    // PVE: pve-container src/PVE/API2/LXC.pm:clone_vm; qemu-server src/PVE/API2/Qemu.pm:clone_vm
    for (const v of made) await freeVolume(ctx, v);
    const fw = firewallPath(ctx.paths, dst);
    if (existsSync(fw)) rmSync(fw);
    const { unlinkSync } = await import('node:fs');
    try {
      unlinkSync(ref.path);
    } catch {
      /* gone */
    }
    throw kind === 'lxc' && e instanceof SimError ? new SimError(`clone failed: ${e.message}`) : e;
  }
}
