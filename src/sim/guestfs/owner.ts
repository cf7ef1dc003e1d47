// Who owns a guest's files on the host. Run as root, the sandbox maps guest uids/gids 0..65535 to
// host 100000..165535 (as Proxmox does for unprivileged containers), so a guest's "root" is never
// the host's root: host sysctls, /usr and everything outside the guest stay out of its reach.
// Run as an ordinary user, the guest's root is that user (one id mapped) and nothing is chowned.
import { lchown, readdir } from 'node:fs/promises';
import { join } from 'node:path';

// PVE: pve-container src/PVE/LXC.pm:parse_id_maps (an unprivileged CT's default map: 0..65535 → 100000..165535)
export const GUEST_ID_BASE = 100000;
export const GUEST_ID_COUNT = 65536;

/** True when the sandbox maps a full id range (we are root); false in single-id (rootless) mode. */
export const mappedIds = (): boolean => process.getuid?.() === 0;

/** The host uid/gid a guest uid/gid is stored as, or undefined when ownership is not managed. */
export function hostId(guestId: number): number | undefined {
  if (!mappedIds()) return undefined;
  if (!Number.isInteger(guestId) || guestId < 0 || guestId >= GUEST_ID_COUNT) {
    throw new RangeError(`guest uid/gid ${guestId} outside 0..${GUEST_ID_COUNT - 1}`);
  }
  return GUEST_ID_BASE + guestId;
}

/** Give one path (not following symlinks) to a guest uid/gid. */
export async function chownGuest(path: string, uid = 0, gid = 0): Promise<void> {
  const u = hostId(uid);
  const g = hostId(gid);
  if (u !== undefined && g !== undefined) await lchown(path, u, g);
}

/** Give a whole tree to guest root (used right after creating a root from host-side writes). */
export async function chownTreeToGuestRoot(dir: string): Promise<void> {
  if (!mappedIds()) return;
  await chownGuest(dir);
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  await Promise.all(entries.map((e) => chownGuest(join(e.parentPath ?? (e as { path: string }).path, e.name))));
}
