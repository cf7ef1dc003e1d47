// What one simulated pct/qm call works with: the opened state, captured output, environment,
// and the guest-filesystem port (exec/push/pull and guest roots).

import type { SimPaths } from '../state/paths.js';
import type { HostState } from '../state/types.js';
import type { StorageCtx } from '../state/storage.js';
import { withLock } from '../state/locks.js';
import { guestLockName } from '../state/paths.js';
import type { GuestKind } from '../state/types.js';
import type { GuestFsPort } from './guestfs-port.js';

export interface SimCtx extends StorageCtx {
  paths: SimPaths;
  host: HostState;
  env: Record<string, string | undefined>;
  stdin?: string;
  out: (s: string) => void;
  err: (s: string) => void;
  /** Counted task warnings: the front-end prints `Task finished with N warning(s)!`. */
  warnings: number;
  guestfs: GuestFsPort;
  now: () => number;
  /** ms the guest needs after start before its agent answers / cloud-init is done. */
  bootMs: number;
}

/** Runs fn under the guest's config lock (`/var/lock/lxc/pve-config-<id>.lock`). */
export function withGuestLock<T>(ctx: SimCtx, kind: GuestKind, vmid: number, fn: () => Promise<T>): Promise<T> {
  return withLock(ctx.paths.lockDir, guestLockName(kind, vmid), ctx.lockTimeoutMs, fn);
}
