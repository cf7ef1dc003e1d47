// The host-wide run lock: a file created exclusively, holding who owns it. Two Phoenix runs on one
// host never act at once; the second waits (saying who holds the lock) or fails at once.
// A lock whose owner died on this host (kill -9, power loss) is taken over straight away; a lock
// held from another host cannot be checked and is waited for. The lock goes away on normal exit
// and on a fatal signal. Per-key locks (one file per guest id) use the same mechanism.
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { privateDir } from './private-fs.js';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { EXIT } from '../diag/errors.js';
import { systemClock, type Clock } from './sleep.js';
import { releaseOnExit, forgetOnExit } from './lock-exit.js';

export interface LockHolder {
  pid: number;
  host: string;
  /** ISO time the lock was taken. */
  since: string;
  command: string;
  /** Kernel start time of the owner (Linux), to tell a reused pid from the owner. */
  startTime?: string;
  /** Unique per acquisition, so a release never removes somebody else's lock. */
  token: string;
}

/** The lock is held and we were told not to wait. The CLI exits 2. */
export class LockBusyError extends Error {
  readonly exitCode = EXIT.usage;
  constructor(
    readonly path: string,
    readonly holder: LockHolder | undefined,
  ) {
    super(`another Phoenix run holds ${path}${holder ? `: ${describeHolder(holder)}` : ''}`);
    this.name = 'LockBusyError';
  }
}

export interface LockOptions {
  /** Wait for the holder to finish (true) or throw LockBusyError at once (false, --no-wait). */
  wait: boolean;
  /** Called when we start waiting, and again whenever the holder changes. */
  onWait?: (holder: LockHolder, path: string) => void;
  signal?: AbortSignal;
  /** What this run is, shown to whoever waits for us (e.g. "phoenix up"). */
  command?: string;
  /** How often a waiter looks again (default 250 ms). */
  pollMs?: number;
  clock?: Clock;
}

/** Releases the lock (idempotent). */
export type Release = () => void;

/**
 * Where the locks live: $PHOENIX_LOCK_DIR, else /run/lock/phoenix (tmpfs: nothing survives a
 * reboot, when no run can still be going). The run lock is `run.lock`, guest locks `guests/<id>.lock`.
 */
export function lockPaths(env: Record<string, string | undefined>): { run: string; guests: string } {
  const dir = env.PHOENIX_LOCK_DIR || '/run/lock/phoenix';
  return { run: join(dir, 'run.lock'), guests: join(dir, 'guests') };
}

/** "pid 4242 on pve1 since 2026-11-26T01:02:03Z (phoenix up)" */
export function describeHolder(h: LockHolder): string {
  return `pid ${h.pid} on ${h.host} since ${h.since.replace(/\.\d{3}Z$/, 'Z')}${h.command ? ` (${h.command})` : ''}`;
}

/** acquireRunLock takes the lock at `path` (creating its directory), waiting if told to. */
export async function acquireRunLock(path: string, opts: LockOptions): Promise<Release> {
  const clock = opts.clock ?? systemClock;
  privateDir(dirname(path)); // new directories 0700; an existing one (PHOENIX_LOCK_DIR) is left alone
  let announced: string | undefined;
  for (;;) {
    opts.signal?.throwIfAborted();
    const mine = newHolder(opts.command ?? '');
    if (tryCreate(path, mine)) return releaser(path, mine.token);
    const found = readHolder(path);
    if (found === 'missing') continue; // released between our attempt and the read
    if (found === 'corrupt' || isStale(found)) {
      reclaim(path, found === 'corrupt' ? undefined : found.token);
      continue;
    }
    if (!opts.wait) throw new LockBusyError(path, found);
    if (announced !== found.token) opts.onWait?.(found, path);
    announced = found.token;
    await clock.sleep(opts.pollMs ?? 250, opts.signal);
  }
}

/**
 * acquireKeyLocks takes one lock per key under `dir` (e.g. one per guest id), in sorted order so
 * two waiting runs cannot deadlock. All or nothing: on failure the ones taken are released.
 */
export async function acquireKeyLocks(dir: string, keys: readonly (string | number)[], opts: LockOptions): Promise<Release> {
  const names = [...new Set(keys.map(String))].sort();
  const held: Release[] = [];
  privateDir(dir, dir); // the per-key directory is Phoenix's own: tightened if it was wider
  const releaseAll = () =>
    held
      .splice(0)
      .reverse()
      .forEach((r) => r());
  try {
    for (const k of names) held.push(await acquireRunLock(join(dir, `${k.replace(/[^A-Za-z0-9._-]/g, '_')}.lock`), opts));
  } catch (e) {
    releaseAll();
    throw e;
  }
  return releaseAll;
}

/** readHolder returns the lock's owner, 'missing' when there is no lock, 'corrupt' when unreadable. */
export function readHolder(path: string): LockHolder | 'missing' | 'corrupt' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw e;
  }
  try {
    const h = JSON.parse(text) as LockHolder;
    return typeof h.pid === 'number' && typeof h.host === 'string' && typeof h.token === 'string' ? h : 'corrupt';
  } catch {
    return 'corrupt';
  }
}

function newHolder(command: string): LockHolder {
  const startTime = processStartTime(process.pid);
  return {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    command,
    ...(startTime !== undefined && { startTime }),
    token: randomBytes(8).toString('hex'),
  };
}

// Written to a private file first and hard-linked into place: link() fails if the lock exists,
// and a lock file is never seen half-written.
function tryCreate(path: string, h: LockHolder): boolean {
  const tmp = `${path}.${h.token}.tmp`;
  try {
    writeFileSync(tmp, `${JSON.stringify(h)}\n`, { mode: 0o600 });
  } catch (e) {
    // A full disk (ENOSPC) leaves the file created but empty: never leave it behind.
    try {
      unlinkSync(tmp);
    } catch {
      /* it was never created */
    }
    throw e;
  }
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    unlinkSync(tmp);
  }
}

/** A holder on this host whose process is gone (or whose pid now belongs to another process). */
function isStale(h: LockHolder): boolean {
  if (h.host !== hostname()) return false;
  try {
    process.kill(h.pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
  const now = processStartTime(h.pid);
  return h.startTime !== undefined && now !== undefined && now !== h.startTime;
}

// Moves the stale lock aside, then checks it really is the one judged stale: if another waiter
// replaced it in between, the live lock is put back.
function reclaim(path: string, staleToken: string | undefined): void {
  const aside = `${path}.${randomBytes(6).toString('hex')}.stale`;
  try {
    renameSync(path, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const moved = readHolder(aside);
  const wasStale = moved === 'corrupt' || (moved !== 'missing' && moved.token === staleToken);
  if (!wasStale) {
    try {
      linkSync(aside, path);
    } catch {
      /* someone else took the lock meanwhile; the live holder we moved keeps running regardless */
    }
  }
  unlinkSync(aside);
}

function releaser(path: string, token: string): Release {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    forgetOnExit(release);
    const h = readHolder(path);
    if (typeof h === 'object' && h.token === token) unlinkSync(path);
  };
  releaseOnExit(release);
  return release;
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); undefined off Linux. */
function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}
