// GuestFsPort on top of src/sim/guestfs. Guests whose config was written directly (no root yet,
// e.g. a state prepared by a test) get a fresh root the first time they are needed.

import {
  cloneGuestRoot, createGuestRoot, deleteGuestSnapshot, destroyGuestRoot, GuestFsError, guestRootExists, pullFromGuest,
  pushToGuest, rollbackGuestRoot, runInGuest, setGuestRunning, snapshotGuestRoot, writeGuestIdentity, guestSnapshotExists,
} from '../guestfs/index.js';
import { SimError } from '../state/errors.js';
import type { GuestFsPort } from './guestfs-port.js';

const TEMPLATE_FOR_OSTYPE: Record<string, string> = {
  debian: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst',
  ubuntu: 'local:vztmpl/ubuntu-24.04-standard_24.04-2_amd64.tar.zst',
};

async function wrap<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof GuestFsError) throw new SimError(e.message);
    throw e;
  }
}

export function guestFsAdapter(stateDir: string): GuestFsPort {
  const kindOf = (k: 'lxc' | 'qemu') => (k === 'lxc' ? 'lxc' : 'vm') as 'lxc' | 'vm';
  const ensure = async (vmid: number, kind: 'lxc' | 'qemu', ostype?: string) => {
    if (!guestRootExists(stateDir, vmid)) {
      await createGuestRoot(stateDir, vmid, { kind: kindOf(kind), ostemplate: TEMPLATE_FOR_OSTYPE[ostype ?? 'ubuntu'] ?? TEMPLATE_FOR_OSTYPE.debian });
    }
  };
  return {
    create: (vmid, o) =>
      wrap(async () => {
        await destroyGuestRoot(stateDir, vmid); // a leftover root of a destroyed guest with the same id
        await createGuestRoot(stateDir, vmid, { kind: kindOf(o.kind), ostemplate: o.template });
      }),
    clone: (src, dst, o) =>
      wrap(async () => {
        await destroyGuestRoot(stateDir, dst);
        if (!guestRootExists(stateDir, src)) return; // source never materialised: the clone gets a root on first start
        if (o.snapshot && !guestSnapshotExists(stateDir, src, o.snapshot)) return cloneGuestRoot(stateDir, src, dst);
        return cloneGuestRoot(stateDir, src, dst, o.snapshot);
      }),
    snapshot: (vmid, name) => wrap(async () => (guestRootExists(stateDir, vmid) ? snapshotGuestRoot(stateDir, vmid, name) : undefined)),
    rollback: (vmid, name) =>
      wrap(async () => (guestSnapshotExists(stateDir, vmid, name) ? rollbackGuestRoot(stateDir, vmid, name) : undefined)),
    deleteSnapshot: (vmid, name) => wrap(() => deleteGuestSnapshot(stateDir, vmid, name)),
    destroy: (vmid) => wrap(() => destroyGuestRoot(stateDir, vmid)),
    onStart: (vmid, kind, identity, ostype) =>
      wrap(async () => {
        await ensure(vmid, kind, ostype);
        await writeGuestIdentity(stateDir, vmid, identity);
        await setGuestRunning(stateDir, vmid, true);
      }),
    onStop: (vmid) => wrap(async () => (guestRootExists(stateDir, vmid) ? setGuestRunning(stateDir, vmid, false) : undefined)),
    exec: (vmid, argv, o) =>
      wrap(async () => {
        const r = await runInGuest(stateDir, vmid, argv, { input: o.stdin, timeoutMs: o.timeoutMs });
        return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, timedOut: r.timedOut };
      }),
    push: (vmid, file, dest, o) => wrap(() => pushToGuest(stateDir, vmid, file, dest, o)),
    pull: (vmid, path, dest) => wrap(() => pullFromGuest(stateDir, vmid, path, dest)),
  };
}
