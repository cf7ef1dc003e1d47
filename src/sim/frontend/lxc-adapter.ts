// GuestFsPort on real LXC containers (PHOENIX_SIM_BACKEND=lxc, src/sim/lxc). Only what happens
// underneath changes: the front-end still decides what pct accepts, prints and refuses. VMs cannot
// be containers, so they keep the default backend (a directory and a sandbox).

import { cloneCt, createCt, ctExists, deleteSnapshotCt, execCt, pullCt, pushCt, removeCt, rollbackCt, snapshotCt, startCt, stopCt } from '../lxc/container.js';
import { ensureWorld } from '../lxc/world.js';
import { SimError } from '../state/errors.js';
import { guestFsAdapter } from './guestfs-adapter.js';
import type { GuestFsPort } from './guestfs-port.js';

/** Container failures are Proxmox task errors: the message, exit 255. */
async function wrap<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof SimError) throw e;
    // harness, not a Proxmox rule: the LXC backend's failures (src/sim/lxc) reach the caller as task errors.
    throw new SimError((e as Error).message);
  }
}

export function lxcAdapter(stateDir: string): GuestFsPort {
  const vms = guestFsAdapter(stateDir);
  // Every call first makes sure the world is up, and is this state's (a killed run's is cleared).
  const world = () => ensureWorld(stateDir);
  const ct = <T>(fn: () => Promise<T>) => wrap(async () => (await world(), fn()));
  return {
    create: (vmid, o) => (o.kind === 'lxc' ? ct(() => createCt(vmid, o.unprivileged ?? false)) : vms.create(vmid, o)),
    clone: (src, dst, o) => (ctExists(src) ? ct(() => cloneCt(src, dst, o.snapshot)) : vms.clone(src, dst, o)),
    snapshot: (vmid, name) => (ctExists(vmid) ? ct(() => snapshotCt(vmid, name)) : vms.snapshot(vmid, name)),
    rollback: (vmid, name) => (ctExists(vmid) ? ct(() => rollbackCt(vmid, name)) : vms.rollback(vmid, name)),
    deleteSnapshot: (vmid, name) => (ctExists(vmid) ? ct(async () => deleteSnapshotCt(vmid, name)) : vms.deleteSnapshot(vmid, name)),
    destroy: (vmid) => (ctExists(vmid) ? ct(() => removeCt(vmid)) : vms.destroy(vmid)),
    onStart: (vmid, kind, identity, ostype, options = {}) => {
      if (kind !== 'lxc') return vms.onStart(vmid, kind, identity, ostype, options);
      return ct(async () => {
        // A guest whose config was written without a create (a prepared state) gets its root now.
        if (!ctExists(vmid)) await createCt(vmid, options.unprivileged === '1');
        // pct reboot: the container goes down and comes back with the config of now.
        await stopCt(vmid);
        await startCt(vmid, { ...options, hostname: identity.hostname }, identity.interfaces);
      });
    },
    onStop: (vmid) => (ctExists(vmid) ? ct(() => stopCt(vmid)) : vms.onStop(vmid)),
    exec: (vmid, argv, o) =>
      ctExists(vmid)
        ? ct(async () => {
            const r = await execCt(vmid, argv, { stdin: o.stdin, timeoutMs: o.timeoutMs });
            if (r.timedOut) return { exitCode: 124, stdout: r.stdout, stderr: `${r.stderr}simulator: command timed out after ${o.timeoutMs} ms and was killed\n`, timedOut: true };
            return { exitCode: r.code, stdout: r.stdout, stderr: r.stderr };
          })
        : vms.exec(vmid, argv, o),
    push: (vmid, file, dest, o) => (ctExists(vmid) ? ct(() => pushCt(vmid, file, dest, o)) : vms.push(vmid, file, dest, o)),
    pull: (vmid, path, dest) => (ctExists(vmid) ? ct(() => pullCt(vmid, path, dest)) : vms.pull(vmid, path, dest)),
  };
}
