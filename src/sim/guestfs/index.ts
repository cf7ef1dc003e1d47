// Isolated guest filesystems and command execution for the Proxmox simulator. See README.md.
export { guestRootDir, guestDir, guestSnapshotDir, GuestFsError, type GuestKind } from './paths.js';
export { createGuestRoot, destroyGuestRoot, readGuestMeta, guestRootExists, setGuestRunning, type GuestMeta } from './root.js';
export { cloneGuestRoot, snapshotGuestRoot, rollbackGuestRoot, deleteGuestSnapshot, guestSnapshotExists } from './copy.js';
export { runInGuest, TIMEOUT_EXIT, ABORT_EXIT, type RunInGuestOptions, type RunInGuestResult } from './exec.js';
export { pushToGuest, pullFromGuest, parsePerms, type PushOptions } from './transfer.js';
export { writeGuestIdentity, type GuestIdentity, type GuestInterface } from './identity.js';
export { GuestExecUnavailableError, BWRAP_MISSING, sandboxTools } from './sandbox.js';
export { GUEST_ID_BASE, mappedIds } from './owner.js';
export { osFromTemplate, type GuestOs } from './os.js';
