// `pct clone` / `qm clone`: full copies onto the target storage or linked clones of a template's
// base volumes; new MACs (and for VMs a new SMBIOS uuid / vmgenid); no snapshots carried over.

import { formatSize } from '../../proxmox/codecs/size.js';
import { cloneSection, type GuestConf } from '../state/conf.js';
import { SimError } from '../state/errors.js';
import { locateGuest, readConf, requireGuest, writeConf, type GuestRef } from '../state/guests.js';
import { uuid } from '../state/ids.js';
import { confPath, firewallPath } from '../state/paths.js';
import { writeFileAtomic } from '../state/host.js';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { allocDisk, freeVolume, getStorage, renameVolume } from '../state/storage.js';
import type { GuestKind } from '../state/types.js';
import { isDiskKey, splitVolid, volumePart } from '../state/volumes.js';
import { checkLock, isLvm, isRunning, isTemplate, sizeOf, typeWord } from './common.js';
import { withGuestLock, type SimCtx } from './context.js';
import { normalizeOption, parseOption, printOption } from './normalize.js';
import type { Call } from './params.js';

const DROP = ['snaptime', 'parent', 'lock', 'template', 'vmstate', 'digest'];

export function newMeta(ctx: SimCtx): string {
  return `creation-qemu=9.2.0,ctime=${Math.floor(ctx.now() / 1000)}`;
}

export async function cloneGuest(ctx: SimCtx, kind: GuestKind, call: Call): Promise<void> {
  const p = call.params;
  const src = Number(p.vmid);
  const dst = Number(p.newid);
  await withGuestLock(ctx, kind, src, async () => {
    const conf = readConf(requireGuest(ctx.paths, ctx.host, kind, src));
    checkLock(kind, conf);
    await withGuestLock(ctx, kind, dst, async () => {
      const found = locateGuest(ctx.paths, ctx.host, dst);
      if (found) throw new SimError(`${typeWord(found.kind)} ${dst} already exists on node '${found.node}'`);
      const snap = p.snapname;
      const template = isTemplate(conf);
      const full = p.full !== undefined ? p.full === '1' : !template;
      if (!full && p.storage) throw new SimError("parameter 'storage' not allowed for linked clones");
      if (snap && !conf.snapshots[snap]) throw new SimError(`snapshot '${snap}' does not exist`);
      const section = cloneSection(snap ? conf.snapshots[snap] : conf);
      // The checks pve-container makes per mount point before the task starts.
      for (const key of Object.keys(section.options).sort()) {
        if (!isDiskKey(kind, key)) continue;
        const value = section.options[key];
        const vol = volumePart(value);
        const sv = splitVolid(vol);
        if (kind === 'lxc' && !sv) throw new SimError(`unable to clone mountpoint '${key}' (type ${vol.startsWith('/dev/') ? 'device' : 'bind'})`);
        if (!sv || value.includes('media=cdrom')) continue;
        if (full && kind === 'lxc' && isRunning(ctx, src) && !snap) throw new SimError('Cannot do full clones on a running container without snapshots');
        if (!full && !/cloudinit/.test(vol)) {
          const st = ctx.host.storages.find((x) => x.id === sv.storage);
          const cloneable = st && (st.type === 'zfspool' || st.type === 'lvmthin') && (/(^|\/)base(vol)?-/.test(sv.name) || snap !== undefined);
          if (!cloneable) throw new SimError(`Linked clone feature for '${vol}' is not available`);
        }
      }
      for (const k of DROP) delete section.options[k];
      for (const k of Object.keys(section.options)) if (/^unused\d+$/.test(k)) delete section.options[k];
      const ref: GuestRef = { kind, node: ctx.host.node, vmid: dst, path: confPath(ctx.paths, ctx.host.node, kind, dst) };
      const out: GuestConf = { options: { lock: kind === 'lxc' ? 'create' : 'clone' }, lxc: [], snapshots: {}, extra: {} };
      writeConf(ref, out);
      const made: string[] = [];
      try {
        for (const key of Object.keys(section.options).sort()) {
          const value = section.options[key];
          if (/^net\d+$/.test(key)) {
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
            throw new SimError(kind === 'lxc' ? `storage '${target}' does not support container directories` : `storage '${target}' does not support vm images`);
          }
          let nv: string;
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
            nv = fromBase ? await renameVolume(ctx, fresh, `${sv.name}/${splitVolid(fresh)!.name}`) : fresh;
          }
          made.push(nv);
          if (isLvm(ctx, target)) ctx.out(`  Logical volume "${splitVolid(nv)!.name.split('/').pop()}" created.\n`);
          section.options[key] = section.options[key].replace(vol, nv);
        }
        if (kind === 'lxc') {
          if (p.hostname) section.options.hostname = p.hostname;
        } else {
          section.options.name = p.name ?? `Copy-of-VM-${section.options.name ?? src}`;
          const smb = section.options.smbios1 ? parseOption('qemu', 'smbios1', section.options.smbios1) : {};
          smb.uuid = uuid(ctx.host.seed, `smbios1:${dst}`);
          section.options.smbios1 = printOption('qemu', 'smbios1', smb);
          if (section.options.vmgenid !== undefined) section.options.vmgenid = uuid(ctx.host.seed, `vmgenid:${dst}`);
          if (section.options.meta !== undefined) section.options.meta = newMeta(ctx);
        }
        if (p.description !== undefined) section.options.description = p.description;
        await ctx.guestfs.clone(src, dst, { snapshot: snap });
        // PVE::Firewall::clone_vmfw_conf: the clone gets the source's firewall file.
        const fwSrc = firewallPath(ctx.paths, src);
        if (existsSync(fwSrc)) writeFileAtomic(firewallPath(ctx.paths, dst), readFileSync(fwSrc, 'utf8'));
        writeConf(ref, { ...section, snapshots: {}, extra: {} });
      } catch (e) {
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
    });
  });
}
