// GuestFsPort on top of src/sim/guestfs. Guests whose config was written directly (no root yet,
// e.g. a state prepared by a test) get a fresh root the first time they are needed.

import { cloneGuestRoot, createGuestRoot, deleteGuestSnapshot, destroyGuestRoot, GuestFsError, guestRootExists, pullFromGuest, pushToGuest, rollbackGuestRoot, runInGuest, setGuestRunning, snapshotGuestRoot, writeGuestIdentity, guestSnapshotExists } from '../guestfs/index.js';
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
    // harness, not a Proxmox rule: the guest filesystem's own refusals (src/sim/guestfs) reach the caller as task errors.
    if (e instanceof GuestFsError) throw new SimError(e.message);
    throw e;
  }
}

/** pct push/pull refusals in pct's own words (the guest filesystem's errors name the same cases). */
// PVE: pve-container src/PVE/CLI/pct.pm:push, pull, create_file
function pctTransferError(e: unknown, dir: 'push' | 'pull', src: string, dest: string, perms?: string): unknown {
  if (!(e instanceof GuestFsError)) return e;
  const m = e.message;
  if (dir === 'pull') return e.code === 'ENOENT' ? new SimError(`failed to open ${src}: No such file or directory`) : new SimError(m);
  if (/^can't open '/.test(m)) return new SimError(`failed to open ${src} for reading`);
  const who = /^no (user|group) '(.*)' in the guest$/.exec(m);
  if (who) return new SimError(`failed to get ${who[1] === 'user' ? 'uid' : 'gid'} for: ${who[2]}`);
  if (/^invalid perms/.test(m)) return new SimError(`invalid mode: '${perms !== undefined && !perms.startsWith('0') ? `0${perms}` : perms}'`);
  const why = { ENOENT: 'No such file or directory', EISDIR: 'Is a directory', EROFS: 'Read-only file system' }[e.code as string];
  return new SimError(why ? `failed to create file: ${dest}: ${why}` : m);
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
    rollback: (vmid, name) => wrap(async () => (guestSnapshotExists(stateDir, vmid, name) ? rollbackGuestRoot(stateDir, vmid, name) : undefined)),
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
    push: (vmid, file, dest, o) =>
      pushToGuest(stateDir, vmid, file, dest, o).catch((e) => {
        throw pctTransferError(e, 'push', file, dest, o.perms);
      }),
    pull: (vmid, path, dest) =>
      pullFromGuest(stateDir, vmid, path, dest).catch((e) => {
        throw pctTransferError(e, 'pull', path, dest);
      }),
  };
}
