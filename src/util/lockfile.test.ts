import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { acquireKeyLocks, acquireRunLock, LockBusyError, readHolder, type LockHolder } from './lockfile.js';

const FIXTURE = join(import.meta.dirname, '../../test/fixtures/lock/hold-lock.ts');
const dir = mkdtempSync(join(tmpdir(), 'phoenix-lock-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const lockPath = () => join(dir, `run-${++n}`, 'phoenix.lock');

/** Starts the fixture holding the lock; resolves once it says "locked". */
async function holder(path: string, keys: string[] = []): Promise<ChildProcess & { lines: string[] }> {
  const child = Object.assign(spawn(process.execPath, ['--import', 'tsx', FIXTURE, path, ...keys], { stdio: ['pipe', 'pipe', 'inherit'] }), { lines: [] as string[] });
  child.stdout!.setEncoding('utf8').on('data', (d: string) => child.lines.push(...d.trim().split('\n')));
  while (!child.lines.includes('locked')) {
    if (child.exitCode !== null) throw new Error(`fixture exited ${child.exitCode}`);
    await once(child.stdout!, 'data');
  }
  return child;
}

async function ended(child: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
  return { code: child.exitCode, signal: child.signalCode };
}

// The holders are separate processes, started together up front (each takes a second or so).
const paths = { busy: lockPath(), killed: lockPath(), term: lockPath(), keys: join(dir, 'guests') };
const holders = {
  busy: holder(paths.busy),
  killed: holder(paths.killed),
  term: holder(paths.term),
  keys: holder(paths.keys, ['901', '902']),
};
for (const h of Object.values(holders)) h.catch(() => {}); // a failed start is reported by the test awaiting it
test.after(async () => {
  for (const h of Object.values(holders)) {
    const child = await h.catch(() => undefined);
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await ended(child);
    }
  }
});

test('while another process holds the lock: --no-wait fails naming it (exit 2); a waiter is told and gets it on release', async () => {
  const path = paths.busy;
  const child = await holders.busy;
  await assert.rejects(acquireRunLock(path, { wait: false }), (e) => {
    assert.ok(e instanceof LockBusyError);
    assert.equal(e.exitCode, 2);
    assert.equal(e.holder?.pid, child.pid);
    assert.equal(e.holder?.command, 'hold-lock fixture');
    assert.match(e.message, new RegExp(`pid ${child.pid} on ${hostname()} since \\S+Z \\(hold-lock fixture\\)`));
    return true;
  });
  const waitedFor: LockHolder[] = [];
  const got = acquireRunLock(path, { wait: true, pollMs: 20, command: 'phoenix up', onWait: (h) => waitedFor.push(h) });
  while (waitedFor.length === 0) await new Promise((r) => setTimeout(r, 10));
  assert.equal(waitedFor[0].pid, child.pid);
  child.stdin!.write('release\n');
  const release = await got;
  const h = readHolder(path);
  assert.ok(typeof h === 'object' && h.pid === process.pid && h.command === 'phoenix up');
  assert.equal(waitedFor.length, 1, 'told once while the holder did not change');
  release();
  assert.equal(existsSync(path), false);
});

test('a lock left by a killed process (kill -9) on this host is reclaimed at once', async () => {
  const path = paths.killed;
  const child = await holders.killed;
  child.kill('SIGKILL');
  await ended(child);
  assert.ok(existsSync(path), 'kill -9 leaves the file behind');
  const release = await acquireRunLock(path, { wait: false });
  const h = readHolder(path);
  assert.ok(typeof h === 'object' && h.pid === process.pid);
  release();
});

test('the lock is released when its holder dies of SIGTERM, and it still dies of the signal', async () => {
  const path = paths.term;
  const child = await holders.term;
  child.kill('SIGTERM');
  assert.deepEqual(await ended(child), { code: null, signal: 'SIGTERM' });
  assert.equal(existsSync(path), false);
});

test('a holder on another host is never reclaimed; a reused pid with another start time is', { skip: !existsSync('/proc/self/stat') && 'needs /proc' }, async () => {
  const path = lockPath();
  await acquireRunLock(path, { wait: false }).then((r) => r()); // creates the directory
  const foreign: LockHolder = { pid: 1, host: 'some-other-host', since: '2026-11-26T00:00:00.000Z', command: 'phoenix up', token: 'aaaa' };
  writeFileSync(path, JSON.stringify(foreign));
  await assert.rejects(acquireRunLock(path, { wait: false }), LockBusyError);
  // Our own pid is alive, but this lock's start time says it was another process with that pid.
  writeFileSync(path, JSON.stringify({ ...foreign, pid: process.pid, host: hostname(), startTime: '1', token: 'bbbb' }));
  const release = await acquireRunLock(path, { wait: false });
  assert.notEqual(JSON.parse(readFileSync(path, 'utf8')).token, 'bbbb');
  release();
});

test('release removes only our own lock', async () => {
  const path = lockPath();
  const release = await acquireRunLock(path, { wait: false });
  const other = { pid: process.pid, host: hostname(), since: new Date().toISOString(), command: 'x', token: 'someone-else' };
  writeFileSync(path, JSON.stringify(other)); // e.g. reclaimed by another run after a long pause
  release();
  assert.ok(existsSync(path));
});

test('key locks: overlapping sets conflict on the shared key, disjoint sets do not', async () => {
  const locks = paths.keys;
  const child = await holders.keys;
  try {
    await assert.rejects(acquireKeyLocks(locks, [903, 902], { wait: false }), (e) => e instanceof LockBusyError && e.path.endsWith('902.lock'));
    assert.equal(existsSync(join(locks, '903.lock')), false, 'all or nothing');
    const release = await acquireKeyLocks(locks, [903, 904], { wait: false });
    assert.ok(existsSync(join(locks, '903.lock')) && existsSync(join(locks, '904.lock')));
    release();
    assert.equal(existsSync(join(locks, '903.lock')), false);
  } finally {
    child.kill('SIGKILL');
    await ended(child);
  }
});

test('waiting stops when the signal aborts', async () => {
  const path = lockPath();
  const release = await acquireRunLock(path, { wait: false });
  const ac = new AbortController();
  const p = acquireRunLock(path, { wait: true, pollMs: 10, signal: ac.signal, onWait: () => ac.abort() });
  await assert.rejects(p, (e) => (e as Error).name === 'AbortError');
  release();
});
