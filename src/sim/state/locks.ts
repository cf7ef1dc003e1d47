// Cross-process locks as Proxmox takes them (PVE::Tools::lock_file_full): one file per guest
// config and per storage. We create the file with O_EXCL and write our pid; a lock whose owner
// process is gone is reclaimed. Waiting is async so concurrent in-process calls interleave.
// After the timeout (Proxmox: 10 s) the call fails with Proxmox's words.

import { openSync, writeSync, closeSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { SimError } from './errors.js';

export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function ownerAlive(file: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(file, 'utf8').trim());
  } catch {
    return true; // being written or just removed: treat as held, retry
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
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

/**
 * Runs fn while holding the lock file `<lockDir>/<name.file>`; `name.display` is the path the
 * error message shows (`/var/lock/lxc/pve-config-100.lock`).
 */
export async function withLock<T>(
  lockDir: string,
  name: { display: string; file: string },
  timeoutMs: number,
  fn: () => Promise<T>,
): Promise<T> {
  const file = join(lockDir, name.file);
  const deadline = Date.now() + timeoutMs;
  let delay = 5;
  for (;;) {
    if (tryCreate(file)) break;
    if (!ownerAlive(file)) {
      try {
        unlinkSync(file);
      } catch {
        /* another process reclaimed it first */
      }
      continue;
    }
    if (Date.now() >= deadline) throw new SimError(`can't lock file '${name.display}' - got timeout`);
    await sleep(delay);
    delay = Math.min(delay * 2, 50);
  }
  try {
    return await fn();
  } finally {
    try {
      unlinkSync(file);
    } catch {
      /* already gone */
    }
  }
}
