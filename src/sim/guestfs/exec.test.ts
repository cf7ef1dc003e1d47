import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGuestRoot, guestRootDir, runInGuest, TIMEOUT_EXIT, ABORT_EXIT, mappedIds } from './index.js';
import { findSandboxTools, BWRAP_MISSING, GuestExecUnavailableError, needsStage } from './sandbox.js';
import { sandboxSkipReason, tempStateDir } from './testing.js';

const skip = await sandboxSkipReason();

async function withGuest(fn: (dir: string) => Promise<void>): Promise<void> {
  const { dir, cleanup } = await tempStateDir();
  try {
    await createGuestRoot(dir, 101, { kind: 'lxc', ostemplate: 'debian-12-standard_12.7-1_amd64.tar.zst' });
    await fn(dir);
  } finally {
    await cleanup();
  }
}

test('a write to /etc inside the guest lands in the guest root, never on the host', { skip }, () =>
  withGuest(async (dir) => {
    const name = `phx-probe-${process.pid}`;
    const r = await runInGuest(dir, 101, ['sh', '-c', `echo inside > /etc/${name} && cat /etc/os-release`]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /Debian GNU\/Linux 12/);
    assert.equal(existsSync(`/etc/${name}`), false);
    assert.equal(readFileSync(join(guestRootDir(dir, 101), 'etc', name), 'utf8'), 'inside\n');
  }));

test('the host /usr is read-only and cannot be remounted; /usr/local is the guest\'s own', { skip }, () =>
  withGuest(async (dir) => {
    const r = await runInGuest(dir, 101, ['sh', '-c', 'touch /usr/phx-x; echo "rc=$?"; mount -o remount,rw /usr 2>/dev/null; echo "mount=$?"; touch /usr/local/bin/mine && echo local-ok']);
    assert.match(r.stdout, /rc=1\nmount=[1-9][0-9]*\nlocal-ok/);
    assert.match(r.stderr, /Read-only file system/);
    assert.equal(existsSync('/usr/phx-x'), false);
    assert.equal(existsSync(join(guestRootDir(dir, 101), 'usr/local/bin/mine')), true);
  }));

test('guest root is not host root: host sysctls are not writable', { skip: skip || (!mappedIds() && 'only in mapped (root) mode') }, () =>
  withGuest(async (dir) => {
    const r = await runInGuest(dir, 101, ['sh', '-c', 'v=$(cat /proc/sys/vm/swappiness); echo "$v" > /proc/sys/vm/swappiness && echo WROTE; id -u']);
    assert.doesNotMatch(r.stdout, /WROTE/);
    assert.match(r.stdout, /^0$/m);
  }));

test('the guest has no network besides loopback', { skip }, () =>
  withGuest(async (dir) => {
    const r = await runInGuest(dir, 101, ['cat', '/proc/net/dev']);
    assert.equal(r.exitCode, 0, r.stderr);
    const ifaces = r.stdout.split('\n').slice(2).filter(Boolean).map((l) => l.trim().split(':')[0]);
    assert.deepEqual(ifaces, ['lo']);
  }));

test('stdin input, exit codes, env, cwd and hostname reach the command', { skip }, () =>
  withGuest(async (dir) => {
    const cat = await runInGuest(dir, 101, ['cat'], { input: 'line one\nline two\n' });
    assert.equal(cat.stdout, 'line one\nline two\n');
    const fail = await runInGuest(dir, 101, ['sh', '-c', 'echo oops >&2; exit 7']);
    assert.deepEqual([fail.exitCode, fail.stderr, fail.timedOut], [7, 'oops\n', false]);
    process.env.PHX_HOST_ONLY = 'leak';
    const env = await runInGuest(dir, 101, ['sh', '-c', 'echo "$FOO|$PHX_HOST_ONLY|$PATH|$(pwd)|$(hostname)"'], {
      env: { FOO: 'bar' },
      cwd: '/tmp',
      hostname: 'web01',
    });
    delete process.env.PHX_HOST_ONLY;
    assert.equal(env.stdout, 'bar||/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin|/tmp|web01\n');
    const missing = await runInGuest(dir, 101, ['no-such-command']);
    assert.notEqual(missing.exitCode, 0);
  }));

function hostProcessesWith(marker: string): number {
  let n = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^[0-9]+$/.test(p))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) n++;
    } catch {
      /* exited */
    }
  }
  return n;
}

test('a timeout kills the whole process tree and reports 124', { skip }, () =>
  withGuest(async (dir) => {
    const r = await runInGuest(dir, 101, ['sh', '-c', 'sleep 41.5 & sleep 41.5 & echo started; wait'], { timeoutMs: 400 });
    assert.equal(r.timedOut, true);
    assert.equal(r.exitCode, TIMEOUT_EXIT);
    assert.equal(r.stdout, 'started\n');
    assert.match(r.stderr, /timed out after 400 ms/);
    assert.equal(hostProcessesWith('41.5'), 0);
  }));

test('an AbortSignal ends the command', { skip }, () =>
  withGuest(async (dir) => {
    const ac = new AbortController();
    const p = runInGuest(dir, 101, ['sh', '-c', 'echo go; exec sleep 42.5'], { signal: ac.signal });
    setTimeout(() => ac.abort(), 200);
    const r = await p;
    assert.deepEqual([r.aborted, r.exitCode, r.timedOut], [true, ABORT_EXIT, false]);
    assert.equal(hostProcessesWith('42.5'), 0);
  }));

test('without bubblewrap guest exec fails with a clear message and never runs on the host', async () => {
  const empty = await mkdtemp(join(tmpdir(), 'phx-nobwrap-'));
  try {
    assert.throws(() => findSandboxTools([empty]), (e: Error) => e instanceof GuestExecUnavailableError && e.message === BWRAP_MISSING);
    assert.equal(BWRAP_MISSING, 'simulator: guest exec needs bubblewrap (apt-get install bubblewrap)');
    await mkdir(join(empty, 'bin'));
    await writeFile(join(empty, 'bin', 'bwrap'), '#!/bin/sh\n', { mode: 0o755 });
    assert.throws(() => findSandboxTools([join(empty, 'bin')], true), /needs unshare, setpriv and mount/);
    assert.deepEqual(findSandboxTools([join(empty, 'bin')], false), { bwrap: join(empty, 'bin', 'bwrap') });
  } finally {
    await rm(empty, { recursive: true, force: true });
  }
});

test('a state dir under a directory others cannot enter works (as /root on a Proxmox host)', { skip }, async () => {
  const { dir, cleanup } = await tempStateDir({ private: true });
  try {
    assert.equal(needsStage(guestRootDir(dir, 101)), mappedIds());
    await createGuestRoot(dir, 101, { kind: 'lxc' });
    const r = await runInGuest(dir, 101, ['sh', '-c', 'echo ok > /root/x && cat /root/x']);
    assert.deepEqual([r.exitCode, r.stdout], [0, 'ok\n'], r.stderr);
  } finally {
    await cleanup();
  }
});

test('a guest without a root filesystem is refused', async () => {
  const { dir, cleanup } = await tempStateDir();
  try {
    await assert.rejects(runInGuest(dir, 555, ['true']), /guest 555 has no root filesystem/);
  } finally {
    await cleanup();
  }
});
