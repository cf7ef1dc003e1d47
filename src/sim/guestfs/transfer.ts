// pct push / pct pull: copy a host file into a guest or out of it, resolving the guest path as the
// guest sees it (resolve.ts) so no path, '..' or symlink can reach a host file outside the guest.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, copyFile, lstat, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { chownGuest } from './owner.js';
import { guestRootDir, GuestFsError } from './paths.js';
import { resolveGuestPath } from './resolve.js';

export interface PushOptions {
  /** Octal ('0600', '600') or hexadecimal ('0x180'), as `pct push --perms`. Default 0644. */
  perms?: string;
  /** Owner in the guest: a uid, or a user name looked up in the guest's /etc/passwd. Default root. */
  user?: number | string;
  group?: number | string;
}

// PVE: pve-container src/PVE/CLI/pct.pm:push, create_file (octal unless 0x; a bare number gets a leading 0; default 0666 & ~umask = 0644)
export function parsePerms(perms: string | undefined): number {
  if (perms === undefined) return 0o644;
  const m = /^0x([0-9a-f]+)$/i.exec(perms) ?? /^(0?[0-7]+)$/.exec(perms);
  const n = m ? parseInt(m[1], /^0x/i.test(perms) ? 16 : 8) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 0o7777) throw new GuestFsError(`invalid perms '${perms}'`, 'EINVAL');
  return n;
}

// PVE: pve-container src/PVE/CLI/pct.pm:create_file (numeric ids as given, names looked up inside the CT)
async function guestId(root: string, db: 'passwd' | 'group', who: number | string | undefined): Promise<number> {
  if (who === undefined) return 0;
  if (typeof who === 'number' || /^[0-9]+$/.test(who)) return Number(who);
  const text = await readFile(join(root, 'etc', db), 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f[0] === who && f[2] !== undefined) return Number(f[2]);
  }
  throw new GuestFsError(`no ${db === 'passwd' ? 'user' : 'group'} '${who}' in the guest`, 'ENOENT');
}

function needRoot(stateDir: string, vmid: number | string): string {
  const root = guestRootDir(stateDir, vmid);
  if (!existsSync(root)) throw new GuestFsError(`guest ${vmid} has no root filesystem`, 'ENOENT');
  return root;
}

export async function pushToGuest(stateDir: string, vmid: number | string, localFile: string, guestPath: string, opts: PushOptions = {}): Promise<void> {
  const root = needRoot(stateDir, vmid);
  const mode = parsePerms(opts.perms);
  const src = await stat(localFile).catch(() => undefined);
  if (!src?.isFile()) throw new GuestFsError(`can't open '${localFile}' - no such file`, 'ENOENT');
  const r = await resolveGuestPath(root, guestPath);
  if (r.readOnly) throw new GuestFsError(`can't write '${guestPath}' in guest ${vmid}: read-only file system`, 'EROFS');
  const parent = await stat(dirname(r.hostPath)).catch(() => undefined);
  if (!parent?.isDirectory()) throw new GuestFsError(`can't write '${guestPath}' in guest ${vmid}: no such directory`, 'ENOENT');
  if ((await lstat(r.hostPath).catch(() => undefined))?.isDirectory()) {
    throw new GuestFsError(`can't write '${guestPath}' in guest ${vmid}: is a directory`, 'EISDIR');
  }
  const uid = await guestId(root, 'passwd', opts.user);
  const gid = await guestId(root, 'group', opts.group);
  // Stand-in: write beside the target and rename, so a reader in the guest never sees half a file
  // (pct's create_file truncates and writes in place).
  const tmp = join(dirname(r.hostPath), `.phoenix-push-${randomBytes(6).toString('hex')}`);
  try {
    await copyFile(localFile, tmp);
    await chownGuest(tmp, uid, gid);
    await chmod(tmp, mode); // after chown, which clears setuid/setgid bits
    await rename(tmp, r.hostPath);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

export async function pullFromGuest(stateDir: string, vmid: number | string, guestPath: string, localFile: string): Promise<void> {
  const root = needRoot(stateDir, vmid);
  const r = await resolveGuestPath(root, guestPath);
  const st = await stat(r.hostPath).catch(() => undefined);
  if (!st) throw new GuestFsError(`can't open '${guestPath}' in guest ${vmid}: no such file`, 'ENOENT');
  if (!st.isFile()) throw new GuestFsError(`can't read '${guestPath}' in guest ${vmid}: not a regular file`, 'EISDIR');
  await copyFile(r.hostPath, localFile);
}
