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

/**
 * Runs fn under the guest's config lock (`/run/lock/lxc/pve-config-<id>.lock`); `shared` and a
 * shorter `timeoutMs` for the few callers Proxmox gives them (qm clone).
 */
export function withGuestLock<T>(ctx: SimCtx, kind: GuestKind, vmid: number, fn: () => Promise<T>, opts: { shared?: boolean; timeoutMs?: number } = {}): Promise<T> {
  const timeout = Math.min(opts.timeoutMs ?? ctx.lockTimeoutMs, ctx.lockTimeoutMs);
  return withLock(ctx.paths.lockDir, guestLockName(kind, vmid), timeout, fn, { shared: opts.shared, onWait: ctx.err });
}
