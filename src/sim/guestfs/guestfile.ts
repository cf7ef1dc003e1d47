// Stand-in (no Proxmox counterpart but the PVE section markers, see withPveSection).
// Host-side writes into a guest root on behalf of the simulator (identity files, cloud-init):
// always through resolveGuestPath, so a guest that replaced /etc/hosts with a symlink to a host
// path cannot make the simulator write outside the guest.
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { chownGuest } from './owner.js';
import { GuestFsError } from './paths.js';
import { resolveGuestPath } from './resolve.js';

export async function readGuestFile(root: string, guestPath: string): Promise<string | undefined> {
  const r = await resolveGuestPath(root, guestPath);
  return readFile(r.hostPath, 'utf8').catch(() => undefined);
}

/** Create the guest directory (and parents) owned by the given guest uid/gid. */
export async function mkdirGuest(root: string, guestDirPath: string, mode = 0o755, uid = 0, gid = 0): Promise<void> {
  let path = '';
  for (const c of guestDirPath.split('/').filter(Boolean)) {
    path += `/${c}`;
    const r = await resolveGuestPath(root, path);
    if (r.readOnly) throw new GuestFsError(`can't create '${path}': read-only file system`, 'EROFS');
    const made = await mkdir(r.hostPath).then(
      () => true,
      (e: NodeJS.ErrnoException) => {
        if (e.code !== 'EEXIST') throw e;
        return false;
      },
    );
    if (made) {
      await chmod(r.hostPath, mode);
      await chownGuest(r.hostPath, uid, gid);
    }
  }
}

export async function writeGuestFile(root: string, guestPath: string, content: string, opts: { mode?: number; uid?: number; gid?: number } = {}): Promise<void> {
  await mkdirGuest(root, dirname(guestPath));
  const r = await resolveGuestPath(root, guestPath);
  if (r.readOnly) throw new GuestFsError(`can't write '${guestPath}': read-only file system`, 'EROFS');
  const tmp = `${dirname(r.hostPath)}/.phoenix-${randomBytes(6).toString('hex')}`;
  try {
    await writeFile(tmp, content);
    await chownGuest(tmp, opts.uid ?? 0, opts.gid ?? 0);
    await chmod(tmp, opts.mode ?? 0o644);
    await rename(tmp, r.hostPath);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

export const BEGIN_PVE = '# --- BEGIN PVE ---';
export const END_PVE = '# --- END PVE ---';

/** Replace the PVE-managed block of a file, or put it first when the file has none (as PVE does). */
// PVE: pve-container src/PVE/LXC/Setup/Base.pm:ct_modify_file (`# --- BEGIN PVE ---` / `# --- END PVE ---` around what Proxmox manages)
export function withPveSection(existing: string | undefined, body: string): string {
  const block = `${BEGIN_PVE}\n${body}${END_PVE}\n`;
  const text = existing ?? '';
  const start = text.indexOf(BEGIN_PVE);
  const end = text.indexOf(END_PVE, start);
  if (start >= 0 && end > start) {
    let after = end + END_PVE.length;
    if (text[after] === '\n') after++;
    return text.slice(0, start) + block + text.slice(after);
  }
  return block + text;
}

/** "host.domain host" as PVE lists the names (a dotted hostname is taken as the FQDN). */
export function hostNames(hostname: string, searchdomain?: string): string {
  const short = hostname.split('.')[0];
  if (hostname.includes('.')) return `${hostname} ${short}`;
  const domains = (searchdomain ?? '').split(/[\s,;]+/).filter(Boolean);
  return [...domains.map((d) => `${hostname}.${d}`), hostname].join(' ');
}
