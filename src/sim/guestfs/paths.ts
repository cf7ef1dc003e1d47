// Stand-in: the simulator's own layout (Proxmox keeps a CT's root on its rootfs volume).
// Where a simulated guest's files live under the simulator's state directory, and the error type
// every guestfs operation throws. Layout (per guest):
//   <stateDir>/guests/<vmid>/root                 the guest's "/" (bind-mounted writable in the sandbox)
//   <stateDir>/guests/<vmid>/snapshots/<name>     a full copy of root taken by snapshotGuestRoot
//   <stateDir>/guests/<vmid>/guest.json           kind and OS, written by createGuestRoot
import { join } from 'node:path';

export type GuestKind = 'lxc' | 'vm';

/** Why a guest filesystem operation was refused or failed; `code` is stable for callers to branch on. */
export class GuestFsError extends Error {
  constructor(
    message: string,
    readonly code: 'ENOENT' | 'EEXIST' | 'EESCAPE' | 'EROFS' | 'EINVAL' | 'EISDIR',
  ) {
    super(message);
    this.name = 'GuestFsError';
  }
}

function checkVmid(vmid: number | string): string {
  const s = String(vmid);
  // Guards the path join below: a vmid is always a plain positive integer.
  if (!/^[1-9][0-9]{0,8}$/.test(s)) throw new GuestFsError(`invalid vmid '${s}'`, 'EINVAL');
  return s;
}

function checkName(name: string): string {
  // Proxmox snapshot names: letter first, then letters, digits, '-' and '_' (max 40).
  if (!/^[A-Za-z][A-Za-z0-9_-]{0,39}$/.test(name)) {
    throw new GuestFsError(`invalid snapshot name '${name}'`, 'EINVAL');
  }
  return name;
}

export const guestDir = (stateDir: string, vmid: number | string): string => join(stateDir, 'guests', checkVmid(vmid));

export const guestRootDir = (stateDir: string, vmid: number | string): string => join(guestDir(stateDir, vmid), 'root');

export const guestSnapshotDir = (stateDir: string, vmid: number | string, name: string): string => join(guestDir(stateDir, vmid), 'snapshots', checkName(name));

export const guestMetaPath = (stateDir: string, vmid: number | string): string => join(guestDir(stateDir, vmid), 'guest.json');
