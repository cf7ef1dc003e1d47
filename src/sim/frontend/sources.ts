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

/** Resolves a container template reference; throws Proxmox-like errors when it does not exist. */
export function resolveSource(ctx: SimCtx, ref: string, content: 'vztmpl' | 'iso'): { volid?: string; path: string; size: number } {
  if (!ref.startsWith('/')) {
    const i = ref.indexOf(':');
    if (i <= 0) throw new SimError(`unable to parse volume ID '${ref}'`);
    const storage = ref.slice(0, i);
    if (!ctx.host.storages.some((s) => s.id === storage)) throw new SimError(`storage '${storage}' does not exist`);
    const hit = volumeOnStorage(ctx, storage, ref.slice(i + 1));
    if (!hit) throw new SimError(`volume '${ref}' does not exist`);
    return { volid: hit.volid, path: ref, size: hit.size };
  }
  const file = hostRegularFile(ctx, ref);
  if (file) return { volid: file.volid, path: ref, size: file.size };
  void content;
  throw new SimError(`file '${ref}' does not exist`);
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
