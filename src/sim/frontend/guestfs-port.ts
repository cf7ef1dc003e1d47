// The simulator's view of guest filesystems (implemented by src/sim/guestfs, helper "guestfs"):
// each guest has a root directory under the state; commands run isolated inside it. A port (not a
// direct import everywhere) so the engine's tests can swap in a recording fake.

import type { GuestIdentity } from '../guestfs/index.js';

export interface GuestExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The command was killed after timeoutMs. */
  timedOut?: boolean;
}

export interface GuestFsPort {
  create(vmid: number, opts: { kind: 'lxc' | 'qemu'; template?: string; unprivileged?: boolean }): Promise<void>;
  clone(src: number, dst: number, opts: { snapshot?: string }): Promise<void>;
  snapshot(vmid: number, name: string): Promise<void>;
  rollback(vmid: number, name: string): Promise<void>;
  deleteSnapshot(vmid: number, name: string): Promise<void>;
  destroy(vmid: number): Promise<void>;
  /** On start, as Proxmox does: hostname, /etc/hosts, network settings; services come up. */
  /** `options`: the guest's config options (memory, cores, features...), for a backend that applies them. */
  onStart(vmid: number, kind: 'lxc' | 'qemu', identity: GuestIdentity, ostype?: string, options?: Readonly<Record<string, string | undefined>>): Promise<void>;
  onStop(vmid: number): Promise<void>;
  exec(vmid: number, argv: string[], opts: { stdin?: string; timeoutMs?: number }): Promise<GuestExecResult>;
  push(vmid: number, hostFile: string, guestPath: string, opts: { perms?: string; user?: string; group?: string }): Promise<void>;
  pull(vmid: number, guestPath: string, hostFile: string): Promise<void>;
}
