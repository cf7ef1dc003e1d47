// Cross-process locks as Proxmox takes them (PVE::Tools::lock_file_full): one file per guest
// config and per storage. We create the file with O_EXCL and write our pid; a lock whose owner
// process is gone is reclaimed. Waiting is async so concurrent in-process calls interleave.
// After the timeout (Proxmox: 10 s) the call fails with Proxmox's words.

import { closeSync, openSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SimError } from './errors.js';

// PVE: pve-guest-common src/PVE/AbstractConfig.pm:lock_config
export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The pid in a lock file; undefined while the owner is still writing it (empty) or it is gone. */
function ownerPid(file: string): number | undefined {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock file older than this with no readable pid is debris from a crash mid-write. */
const UNREADABLE_GRACE_MS = 2000;

/**
 * Removes `file` if its owner is dead. Reclaims are serialised by `<file>.reclaim` and the owner is
 * re-checked under it, so a process never removes a lock another process has just re-created.
 */
function reclaimIfStale(file: string): void {
  const pid = ownerPid(file);
  const stale = pid !== undefined ? !pidAlive(pid) : ageMs(file) > UNREADABLE_GRACE_MS;
  if (!stale) return;
  const guard = `${file}.reclaim`;
  if (ageMs(guard) > UNREADABLE_GRACE_MS) rmQuiet(guard);
  if (!tryCreate(guard)) return;
  try {
    const again = ownerPid(file);
    const still = again !== undefined ? !pidAlive(again) : ageMs(file) > UNREADABLE_GRACE_MS;
    if (still) rmQuiet(file);
  } finally {
    rmQuiet(guard);
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

function rmQuiet(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    /* already gone */
  }
}

function tryCreate(file: string): boolean {
  try {
    const fd = openSync(file, 'wx');
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

export interface LockOptions {
  /** A shared lock (flock LOCK_SH): any number of shared holders, no exclusive one. */
  shared?: boolean;
  /** Called with Proxmox's stderr lines when the lock is not free at once. */
  onWait?: (line: string) => void;
}

let tokenSeq = 0;

/** Live shared holders of `file`: tokens `<file>.sh.<pid>.<n>` whose process is alive. */
function sharedHolders(file: string): number {
  const dir = dirname(file);
  const prefix = `${basename(file)}.sh.`;
  let n = 0;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('.')[0]);
    if (pid > 0 && !pidAlive(pid)) rmQuiet(join(dir, name));
    else n++;
  }
  return n;
}

/**
 * Runs fn while holding the lock file `<lockDir>/<name.file>`; `name.display` is the path the
 * error message shows (`/run/lock/lxc/pve-config-100.lock`). As PVE::Tools::lock_file_full, a
 * lock not free at once prints `trying to acquire lock...` on stderr (then ` OK`), and a timeout
 * fails with `can't lock file '<path>' - got timeout`. A shared holder leaves a token beside the
 * file and lets go of the file itself; an exclusive holder keeps the file and waits for the
 * tokens to go.
 */
// PVE: pve-common src/PVE/Tools.pm:lock_file_full
export async function withLock<T>(lockDir: string, name: { display: string; file: string }, timeoutMs: number, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const file = join(lockDir, name.file);
  const deadline = Date.now() + timeoutMs;
  let delay = 5;
  let waited = false;
  const wait = async (): Promise<void> => {
    if (!waited) opts.onWait?.('trying to acquire lock...\n');
    waited = true;
    // PVE: pve-common src/PVE/Tools.pm:lock_file_full (`can't lock file '<path>' - got timeout`; `trying to acquire lock...` once)
    if (Date.now() >= deadline) throw new SimError(`can't lock file '${name.display}' - got timeout`);
    await sleep(delay);
    delay = Math.min(delay * 2, 50);
  };
  for (;;) {
    if (tryCreate(file)) break;
    reclaimIfStale(file);
    await wait();
  }
  let token: string | undefined;
  try {
    if (opts.shared) {
      token = `${file}.sh.${process.pid}.${++tokenSeq}`;
      writeFileSync(token, `${process.pid}\n`);
      rmQuiet(file);
    } else {
      while (sharedHolders(file) > 0) await wait();
    }
  } catch (e) {
    rmQuiet(file);
    throw e;
  }
  if (waited) opts.onWait?.(' OK\n');
  try {
    return await fn();
  } finally {
    rmQuiet(token ?? file);
  }
}
