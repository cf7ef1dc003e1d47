// Stand-in for pct push/pull's setns into the CT's mount namespace (pve-container src/PVE/CLI/pct.pm:push, pull), which keeps a path inside the guest.
// Resolving a path as the guest sees it to the host file that backs it, without ever leaving the
// guest: symlinks are followed as inside the guest (an absolute target starts again at the guest's
// "/"), and a '..' that would climb above the guest's "/" is refused rather than clamped.
// /usr (except /usr/local) is the host's read-only /usr, exactly as in the exec sandbox.
import { lstat, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { GuestFsError } from './paths.js';
import { hostTopLevel } from './sandbox.js';

export interface ResolvedGuestPath {
  /** The guest path after following symlinks, e.g. /usr/local/bin/x. */
  guestPath: string;
  /** The host file backing it. */
  hostPath: string;
  /** True for the host's /usr and other read-only or virtual parts of the guest. */
  readOnly: boolean;
}

const MAX_SYMLINKS = 40;

function mapToHost(root: string, comps: string[]): { hostPath: string; readOnly: boolean } {
  const [top, second] = comps;
  if ((top === 'usr' && second !== 'local') || (top && hostTopLevel().dirs.includes(top))) {
    return { hostPath: `/${comps.join('/')}`, readOnly: true };
  }
  if (top === 'proc' || top === 'dev' || top === 'sys') return { hostPath: join(root, ...comps), readOnly: true };
  return { hostPath: join(root, ...comps), readOnly: false };
}

export async function resolveGuestPath(root: string, guestPath: string, followLast = true): Promise<ResolvedGuestPath> {
  if (!guestPath.startsWith('/')) throw new GuestFsError(`guest path '${guestPath}' is not absolute`, 'EINVAL');
  let pending = guestPath.split('/').filter((c) => c !== '' && c !== '.');
  if (pending.includes('..')) throw new GuestFsError(`guest path '${guestPath}' contains '..'`, 'EESCAPE');
  const done: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const c = pending.shift()!;
    if (c === '.' || c === '') continue;
    if (c === '..') {
      // Only symlink targets get here (the caller's own '..' was refused above).
      if (done.length === 0) throw new GuestFsError(`guest path '${guestPath}' leads outside the guest through a symlink`, 'EESCAPE');
      done.pop();
      continue;
    }
    const { hostPath } = mapToHost(root, [...done, c]);
    const st = await lstat(hostPath).catch(() => undefined);
    if (st?.isSymbolicLink() && (pending.length > 0 || followLast)) {
      if (++links > MAX_SYMLINKS) throw new GuestFsError(`guest path '${guestPath}': too many levels of symbolic links`, 'EINVAL');
      const target = await readlink(hostPath);
      if (target.startsWith('/')) done.length = 0;
      pending = [...target.split('/').filter((x) => x !== '' && x !== '.'), ...pending];
      continue;
    }
    done.push(c);
  }
  return { guestPath: `/${done.join('/')}`, ...mapToHost(root, done) };
}
