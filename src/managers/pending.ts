// Restarts owed to guests. A change Proxmox applies only at the next start (hostname, raw lxc
// lines, a VM's memory) is recorded here before `set` and cleared after the restart, so a run
// killed in between still restarts the guest on the next run instead of forgetting it.

import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { privateDir, writePrivate } from '../util/private-fs.js';

export interface PendingRestarts {
  has(vmid: number): boolean;
  add(vmid: number, why: string): void;
  clear(vmid: number): void;
}

/**
 * Marker files under `<stateDir>/pending-restart/<vmid>` (the config dir's .phoenix/ by default).
 * The same mechanism, under another directory, marks guests defined but never configured.
 */
export function fileRestarts(stateDir: string, sub = 'pending-restart'): PendingRestarts {
  const dir = join(stateDir, sub);
  const path = (id: number) => join(dir, String(id));
  return {
    has: (id) => {
      try {
        readFileSync(path(id));
        return true;
      } catch {
        return false;
      }
    },
    add: (id, why) => {
      privateDir(dir, stateDir);
      writePrivate(path(id), `${why}\n`);
    },
    clear: (id) => rmSync(path(id), { force: true }),
  };
}

export function memoryRestarts(): PendingRestarts {
  const s = new Set<number>();
  return { has: (id) => s.has(id), add: (id) => void s.add(id), clear: (id) => void s.delete(id) };
}
