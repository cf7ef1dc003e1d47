// Where templates and images come from: a volume id on a storage (`local:vztmpl/...`), an
// absolute path inside a dir storage (`/var/lib/vz/template/cache/x`), a host file registered in
// the state, or a real file on this machine. Disk images follow qemu-server's own rules:
// `qm disk import` takes only a host file, `import-from=` a volume (images/import) or a path.

import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { loadRegistry } from '../state/host.js';
import { checkImportFormat, parseImportName } from '../state/import-names.js';
import { getStorage } from '../state/storage.js';
import { splitVolid } from '../state/volumes.js';
import { paramErrorText } from './params.js';
import { SimError } from '../state/errors.js';
import type { SimCtx } from './context.js';

const SUBDIR: Record<string, string> = { vztmpl: 'template/cache', iso: 'template/iso', import: 'import' };

function volumeOnStorage(ctx: SimCtx, storage: string, name: string): { volid: string; size: number } | undefined {
  if (!ctx.host.storages.some((s) => s.id === storage)) return undefined;
  const v = loadRegistry(ctx.paths, ctx.host, storage).volumes.find((x) => x.name === name);
  return v ? { volid: `${storage}:${name}`, size: v.size } : undefined;
}

/** A host path that is a regular file: a volume file under a dir storage, a registered host file, or a real file here. */
export function hostRegularFile(ctx: SimCtx, path: string): { volid?: string; size: number } | undefined {
  if (!path.startsWith('/')) {
    // A relative name (or a volume id) is looked up in the caller's working directory, like Perl's -f.
    try {
      const st = statSync(path);
      return st.isFile() ? { size: st.size } : undefined;
    } catch {
      return undefined;
    }
  }
  for (const s of ctx.host.storages) {
    if (!s.path) continue;
    for (const [c, sub] of Object.entries(SUBDIR)) {
      const dir = `${s.path}/${sub}/`;
      if (path.startsWith(dir)) {
        const hit = volumeOnStorage(ctx, s.id, `${c}/${path.slice(dir.length)}`);
        if (hit) return hit;
      }
    }
  }
  const registered = ctx.host.hostFiles?.[path];
  if (registered !== undefined) return { size: registered };
  try {
    const st = statSync(path);
    if (st.isFile()) return { size: st.size };
  } catch {
    /* fall through */
  }
  return undefined;
}

/** The path of a volume on a dir storage (`PVE::Storage::path`). */
function volumePath(ctx: SimCtx, storage: string, name: string): string {
  const s = getStorage(ctx.host, storage);
  const [content, ...rest] = name.split('/');
  return `${s.path ?? ''}/${SUBDIR[content] ?? content}/${rest.join('/')}`;
}

/**
 * The content type pve-storage's parse_volname gives a volume name on its storage, or the plugin's
 * refusal (`lvm name '<name>' contains illegal characters`, `unable to parse lvm|zfs|directory
 * volume name '<name>'`).
 */
// PVE: pve-storage src/PVE/Storage/Plugin.pm:parse_volname; src/PVE/Storage/LVMPlugin.pm, LvmThinPlugin.pm, ZFSPoolPlugin.pm:parse_volname
export function volumeContentType(ctx: SimCtx, storage: string, name: string): string {
  const s = getStorage(ctx.host, storage); // storage_config: "storage 'X' does not exist"
  if (s.type === 'lvm' || s.type === 'lvmthin') {
    // PVE: pve-storage src/PVE/Storage/Plugin.pm:parse_lvm_name (first, from LVMPlugin.pm/LvmThinPlugin.pm:parse_volname)
    if (!/^[a-z0-9][a-z0-9\-_.]*[a-z0-9]$/i.test(name)) throw new SimError(`lvm name '${name}' contains illegal characters`);
    if (/^(vm|base)-\d+-\S+$/.test(name)) return 'images';
    throw new SimError(`unable to parse lvm volume name '${name}'`);
  }
  if (s.type === 'zfspool') {
    if (/^(((base|basevol)-\d+-\S+)\/)?((base|basevol|vm|subvol)-\d+-\S+)$/.test(name)) return 'images';
    throw new SimError(`unable to parse zfs volume name '${name}'`);
  }
  if (/^\d+\/\S+$/.test(name)) return 'images';
  if (/^iso\/[^/]+\.(?:iso|img)$/i.test(name)) return 'iso';
  if (/^vztmpl\/[^/]+\.(?:tar(?!\.)|tar\.(?:gz|xz|zst|bz2))$/i.test(name)) return 'vztmpl';
  if (/^backup\/[^/]+$/.test(name)) return 'backup';
  if (/^snippets\/[^/]+$/.test(name)) return 'snippets';
  if (name.startsWith('import/')) return (parseImportName(name), 'import');
  throw new SimError(`unable to parse directory volume name '${name}'`);
}

/**
 * `pct create`'s ostemplate before anything is made: a volume id must name a `vztmpl` volume on a
 * known storage (check_volume_access); a path is root's to give and is only looked for in the task.
 */
// PVE: pve-storage src/PVE/Storage.pm:check_volume_access (from pve-container src/PVE/API2/LXC.pm:create_vm)
export function checkTemplateAccess(ctx: SimCtx, ref: string): void {
  const v = splitVolid(ref);
  if (!v) return;
  if (volumeContentType(ctx, v.storage, v.name) !== 'vztmpl') throw new SimError(`unable to use volume ${ref} - content type needs to be 'vztmpl'`);
}

/**
 * Finds a container template in the create task (after the access check): a volume on its storage,
 * else a regular file; a missing one fails as abs_filesystem_path does, `can't find file '<ref>'`.
 */
// PVE: pve-storage src/PVE/Storage.pm:abs_filesystem_path (from pve-container src/PVE/LXC/Create.pm:restore_archive)
export function resolveSource(ctx: SimCtx, ref: string): { volid?: string; path: string; size: number } {
  const v = splitVolid(ref);
  if (v) {
    const hit = volumeOnStorage(ctx, v.storage, v.name);
    if (hit) return { volid: hit.volid, path: ref, size: hit.size };
  } else {
    const file = hostRegularFile(ctx, ref);
    if (file) return { volid: file.volid, path: ref, size: file.size };
  }
  throw new SimError(`can't find file '${ref}'`);
}

/**
 * A hook script (`--hookscript VOLID`): a volume id that parses on its storage, of type snippets,
 * that exists (a registered snippet; whether it is executable is not modelled).
 */
// PVE: pve-guest-common src/PVE/GuestHelpers.pm:check_hookscript (PVE::Storage::path, then the snippets type, then -f)
export function checkHookscript(ctx: SimCtx, volid: string): void {
  const v = splitVolid(volid);
  if (!v) throw new SimError(`unable to parse volume ID '${volid}'`);
  if (volumeContentType(ctx, v.storage, v.name) !== 'snippets') throw new SimError(`'${volid}' is not in the snippets directory`);
  if (!volumeOnStorage(ctx, v.storage, v.name)) throw new SimError(`script '${volid}' does not exist`);
}

/** `qm disk import VMID SOURCE STORAGE`: SOURCE must be a regular file on the host, never a volume id. */
export function resolveDiskImportSource(ctx: SimCtx, source: string): { size: number } {
  const file = hostRegularFile(ctx, source);
  // PVE: qemu-server src/PVE/CLI/qm.pm:disk import
  if (!file) throw new SimError(`${source}: non-existent or non-regular file`);
  return file;
}

/**
 * `import-from=SOURCE` on qm create/set, checked before anything is created (check_storage_access):
 * a volume id must parse on its storage, have a QEMU format and be of type images or import.
 */
export function checkImportFrom(ctx: SimCtx, key: string, source: string, usage: string): void {
  const v = splitVolid(source);
  if (!v) return; // an absolute path: root only, checked when the disk is made
  getStorage(ctx.host, v.storage); // storage_config: "storage 'X' does not exist"
  let vtype: string;
  let format: string;
  if (v.name.startsWith('import/')) {
    // PVE: qemu-server src/PVE/API2/Qemu.pm:$check_storage_access (checked_parse_volname of an import volume)
    ({ format } = parseImportName(v.name));
    vtype = 'import';
    checkImportFormat(source, format);
  } else if (/^(vztmpl|iso|backup|snippets)\//.test(v.name)) {
    vtype = v.name.slice(0, v.name.indexOf('/'));
    format = 'raw';
  } else {
    vtype = 'images';
    format = 'raw';
  }
  // PVE: qemu-server src/PVE/API2/Qemu.pm:$check_storage_access ("needs to be 'images' or 'import'")
  if (vtype !== 'images' && vtype !== 'import') {
    throw new SimError(paramErrorText([{ param: key, message: `${source} has wrong type '${vtype}' - needs to be 'images' or 'import'` }], usage));
  }
  if (format.startsWith('ova+') || format === 'ova') throw new SimError(`qm: import-from an OVA (${source}): not simulated`);
}

/** The size of the image `import-from=SOURCE` copies; dies like create_disks when it is missing. */
export function resolveImportFrom(ctx: SimCtx, source: string): { size: number } {
  const v = splitVolid(source);
  if (!v) {
    const file = hostRegularFile(ctx, source);
    // PVE: pve-storage src/PVE/Storage.pm:abs_filesystem_path
    if (!file) throw new SimError(`can't find file '${source}'`);
    return file;
  }
  const hit = volumeOnStorage(ctx, v.storage, v.name);
  if (v.name.startsWith('import/')) {
    // PVE: pve-storage src/PVE/Storage/Plugin.pm:file_size_info (untrusted import file: stat or die)
    if (!hit) throw new SimError(`failed to stat '${volumePath(ctx, v.storage, v.name)}'`);
    return hit;
  }
  // PVE: qemu-server src/PVE/API2/Qemu.pm:$import_from_volid
  if (!hit) throw new SimError(`cannot import from '${source}' - could not get size of ${source}`);
  return hit;
}

/** Proxmox's ostype detection from the template's file name. */
export function ostypeFromTemplate(ref: string): string {
  const name = basename(ref).toLowerCase();
  for (const os of ['debian', 'ubuntu', 'alpine', 'centos', 'fedora', 'archlinux', 'opensuse', 'gentoo', 'devuan', 'nixos']) {
    if (name.startsWith(os)) return os;
  }
  if (name.startsWith('rockylinux') || name.startsWith('almalinux')) return 'centos';
  return 'unmanaged';
}

export function archFromTemplate(ref: string): string {
  return /arm64|aarch64/.test(basename(ref)) ? 'arm64' : 'amd64';
}
