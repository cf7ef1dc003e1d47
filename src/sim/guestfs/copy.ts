// Stand-in: guest-root copies in place of storage snapshots and volume clones (pve-storage plugins).
// Snapshots, rollback and clones of guest roots: full copies made with `cp -a` (argv, no shell),
// because it keeps what fs.cp loses here: the owners of files under mapped guest ids, hard links,
// special bits, and symlink targets verbatim. --reflink=auto makes copies nearly free on btrfs/xfs.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, copyFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { guestDir, guestMetaPath, guestRootDir, guestSnapshotDir, GuestFsError } from './paths.js';

const run = promisify(execFile);

async function copyTree(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  try {
    await run('cp', ['-a', '--reflink=auto', '--', from, to]);
  } catch (e) {
    await rm(to, { recursive: true, force: true });
    throw new GuestFsError(`copying ${from} failed: ${(e as { stderr?: string }).stderr?.trim() || String(e)}`, 'EINVAL');
  }
}

function needRoot(stateDir: string, vmid: number | string): string {
  const root = guestRootDir(stateDir, vmid);
  if (!existsSync(root)) throw new GuestFsError(`guest ${vmid} has no root filesystem`, 'ENOENT');
  return root;
}

/** Copy the guest's current root to snapshots/<name>. */
export async function snapshotGuestRoot(stateDir: string, vmid: number | string, name: string): Promise<void> {
  const root = needRoot(stateDir, vmid);
  const snap = guestSnapshotDir(stateDir, vmid, name);
  if (existsSync(snap)) throw new GuestFsError(`guest ${vmid} already has a snapshot '${name}'`, 'EEXIST');
  await copyTree(root, snap);
}

/** Replace the guest's root with a copy of snapshots/<name> (the snapshot itself is kept). */
export async function rollbackGuestRoot(stateDir: string, vmid: number | string, name: string): Promise<void> {
  const root = needRoot(stateDir, vmid);
  const snap = guestSnapshotDir(stateDir, vmid, name);
  if (!existsSync(snap)) throw new GuestFsError(`guest ${vmid} has no snapshot '${name}'`, 'ENOENT');
  const fresh = `${root}.rollback-${process.pid}`;
  const old = `${root}.old-${process.pid}`;
  await copyTree(snap, fresh);
  // Two renames keep a complete root in place at every moment but the instant between them.
  await rename(root, old);
  await rename(fresh, root);
  await rm(old, { recursive: true, force: true });
}

/** Remove snapshots/<name>; a missing snapshot is not an error. */
export async function deleteGuestSnapshot(stateDir: string, vmid: number | string, name: string): Promise<void> {
  await rm(guestSnapshotDir(stateDir, vmid, name), { recursive: true, force: true });
}

/** New guest `toVmid` whose root is a copy of `fromVmid`'s root, or of one of its snapshots. */
export async function cloneGuestRoot(stateDir: string, fromVmid: number | string, toVmid: number | string, fromSnapshot?: string): Promise<void> {
  const src = fromSnapshot ? guestSnapshotDir(stateDir, fromVmid, fromSnapshot) : needRoot(stateDir, fromVmid);
  if (!existsSync(src)) throw new GuestFsError(`guest ${fromVmid} has no snapshot '${fromSnapshot}'`, 'ENOENT');
  const dest = guestRootDir(stateDir, toVmid);
  if (existsSync(dest)) throw new GuestFsError(`guest ${toVmid} already has a root filesystem`, 'EEXIST');
  await copyTree(src, dest);
  if (existsSync(guestMetaPath(stateDir, fromVmid))) {
    await copyFile(guestMetaPath(stateDir, fromVmid), guestMetaPath(stateDir, toVmid));
  }
}

export const guestSnapshotExists = (stateDir: string, vmid: number | string, name: string): boolean => existsSync(guestSnapshotDir(stateDir, vmid, name));

export const guestSnapshotsDir = (stateDir: string, vmid: number | string): string => join(guestDir(stateDir, vmid), 'snapshots');
