// Where templates and images come from: a volume id on a storage (`local:vztmpl/...`,
// `local:import/...`), an absolute path inside a dir storage (`/var/lib/vz/template/cache/x`),
// a host file registered in the state, or a real file on this machine.

import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { loadRegistry } from '../state/host.js';
import { SimError } from '../state/errors.js';
import type { SimCtx } from './context.js';

const SUBDIR: Record<string, string> = { vztmpl: 'template/cache', iso: 'template/iso', import: 'import' };

function volumeOnStorage(ctx: SimCtx, storage: string, name: string): { volid: string; size: number } | undefined {
  if (!ctx.host.storages.some((s) => s.id === storage)) return undefined;
  const v = loadRegistry(ctx.paths, storage).volumes.find((x) => x.name === name);
  return v ? { volid: `${storage}:${name}`, size: v.size } : undefined;
}

/** Resolves a template/image reference; throws Proxmox-like errors when it does not exist. */
export function resolveSource(ctx: SimCtx, ref: string, content: 'vztmpl' | 'import' | 'iso'): { volid?: string; path: string; size: number } {
  if (!ref.startsWith('/')) {
    const i = ref.indexOf(':');
    if (i <= 0) throw new SimError(`unable to parse volume ID '${ref}'`);
    const storage = ref.slice(0, i);
    if (!ctx.host.storages.some((s) => s.id === storage)) throw new SimError(`storage '${storage}' does not exist`);
    const hit = volumeOnStorage(ctx, storage, ref.slice(i + 1));
    if (!hit) throw new SimError(`volume '${ref}' does not exist`);
    return { volid: hit.volid, path: ref, size: hit.size };
  }
  for (const s of ctx.host.storages) {
    if (!s.path) continue;
    for (const [c, sub] of Object.entries(SUBDIR)) {
      const dir = `${s.path}/${sub}/`;
      if (ref.startsWith(dir)) {
        const hit = volumeOnStorage(ctx, s.id, `${c}/${ref.slice(dir.length)}`);
        if (hit) return { volid: hit.volid, path: ref, size: hit.size };
      }
    }
  }
  const registered = ctx.host.hostFiles?.[ref];
  if (registered !== undefined) return { path: ref, size: registered };
  try {
    const st = statSync(ref);
    if (st.isFile()) return { path: ref, size: st.size };
  } catch {
    /* fall through */
  }
  void content;
  throw new SimError(`file '${ref}' does not exist`);
}

/** A disk image for `qm disk import` / `import-from`. */
export const resolveImageSource = (ctx: SimCtx, ref: string) => resolveSource(ctx, ref, 'import');

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
