// The fault layer: wraps the execution of one mutating pct/qm call. The call counter lives in the
// state directory (under its own lock) so the sequence is reproducible across processes; read-only
// calls never consume it and never fault, so they never change the state.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../state/host.js';
import { withLock } from '../state/locks.js';
import { SimError } from '../state/errors.js';
import { faultFor, type FaultKind, type FaultSpec } from './spec.js';

export interface FaultTarget {
  stateDir: string;
  lockDir: string;
  lockTimeoutMs: number;
  /** `CT` or `VM`. */
  typeWord: 'CT' | 'VM';
  /** The operation's lock word (create, clone, snapshot, ...), undefined when it takes no lock. */
  lockWord?: string;
  /** Shown in a timeout fault. */
  guestLockDisplay: string;
  /** Whether the operation is a worker task (can finish with warnings). */
  isTask: boolean;
  /** Marks the guest locked with lockWord (used by `killed`). */
  markLocked: (lockWord: string) => Promise<void>;
  /** A shared storage the call allocates on, frees or clones from (used by `cfs-lock`). */
  sharedStorage?: string;
  /** What the task puts before its error (`unable to create CT 100 - `, `clone failed: `). */
  taskErrorPrefix?: string;
  /** The call's stderr. */
  err?: (s: string) => void;
}

async function nextIndex(t: FaultTarget): Promise<number> {
  const file = join(t.stateDir, 'faults.seq');
  return withLock(t.lockDir, { display: 'faults.seq', file: 'faults.lock' }, t.lockTimeoutMs, async () => {
    let n = 0;
    try {
      n = Number(readFileSync(file, 'utf8').trim()) || 0;
    } catch {
      /* first call */
    }
    writeFileAtomic(file, `${n + 1}\n`);
    return n;
  });
}

export interface FaultOutcome {
  warnings: number;
}

/** Runs `exec` unless a fault replaces it; returns the extra warnings to report. */
export async function withFaults(spec: FaultSpec | undefined, t: FaultTarget, exec: () => Promise<number>): Promise<{ code: number; warnings: number }> {
  if (!spec) return { code: await exec(), warnings: 0 };
  if (spec.rate <= 0) return { code: await exec(), warnings: 0 };
  const kind: FaultKind | undefined = faultFor(spec, await nextIndex(t));
  switch (kind) {
    case 'lock':
      // PVE: pve-guest-common src/PVE/AbstractConfig.pm:check_lock
      throw new SimError(`${t.typeWord} is locked (${t.lockWord ?? 'backup'})`);
    case 'timeout':
      // PVE: pve-common src/PVE/Tools.pm:lock_file_full
      t.err?.('trying to acquire lock...\n');
      throw new SimError(`can't lock file '${t.guestLockDisplay}' - got timeout`);
    case 'warning': {
      const code = await exec();
      return { code, warnings: t.isTask && code === 0 ? 1 : 0 };
    }
    case 'cfs-lock': {
      // Another node holds the storage's cluster lock for longer than the 10 s wait: the task
      // fails before it changed anything (its cleanup undid the rest). Only on shared storage.
      // PVE: pve-cluster src/PVE/Cluster.pm:cfs_lock
      if (!t.sharedStorage) break;
      const id = `storage-${t.sharedStorage}`;
      t.err?.(`trying to acquire cfs lock '${id}' ...\n`);
      throw new SimError(`${t.taskErrorPrefix ?? ''}cfs-lock '${id}' error: got lock request timeout`);
    }
    case 'killed': {
      // PVE: guess (a worker killed by a signal leaves its lock; the text is our own)
      if (!t.lockWord) break;
      await exec();
      await t.markLocked(t.lockWord);
      throw new SimError('interrupted by signal');
    }
    default:
      break;
  }
  return { code: await exec(), warnings: 0 };
}
