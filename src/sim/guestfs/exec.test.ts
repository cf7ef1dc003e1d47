import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile, mkdir, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGuestRoot, guestRootDir, runInGuest, TIMEOUT_EXIT, ABORT_EXIT, mappedIds } from './index.js';
import { findSandboxTools, BWRAP_MISSING, GuestExecUnavailableError, needsStage, type SandboxKind } from './sandbox.js';
import { sandboxSkipReason, tempStateDir } from './testing.js';

const skip = await sandboxSkipReason();

/** The sandboxes that work here: each behaviour below is checked in both (bubblewrap and unshare's jail). */
const KINDS: SandboxKind[] = [];
for (const kind of ['bwrap', 'unshare'] as const) if (!(await sandboxSkipReason(kind))) KINDS.push(kind);

/** Runs fn with PHOENIX_SANDBOX=kind (tests in a file run one at a time). */
async function inSandbox(kind: SandboxKind, fn: () => Promise<void>): Promise<void> {
  process.env.PHOENIX_SANDBOX = kind;
  try {
    await fn();
  } finally {
    delete process.env.PHOENIX_SANDBOX;
  }
}

async function withGuest(fn: (dir: string) => Promise<void>): Promise<void> {
  const { dir, cleanup } = await tempStateDir();
  try {
    await createGuestRoot(dir, 101, { kind: 'lxc', ostemplate: 'debian-12-standard_12.7-1_amd64.tar.zst' });
    await fn(dir);
  } finally {
    await cleanup();
  }
}

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

for (const kind of KINDS) {
  test(`[${kind}] a write to /etc inside the guest lands in the guest root, never on the host`, { skip }, () =>
    inSandbox(kind, () =>
      withGuest(async (dir) => {
        const name = `phx-probe-${process.pid}`;
        const r = await runInGuest(dir, 101, ['sh', '-c', `echo inside > /etc/${name} && cat /etc/os-release`]);
        assert.equal(r.exitCode, 0, r.stderr);
        assert.match(r.stdout, /Debian GNU\/Linux 12/);
        assert.equal(existsSync(`/etc/${name}`), false);
        assert.equal(readFileSync(join(guestRootDir(dir, 101), 'etc', name), 'utf8'), 'inside\n');
      }),
    ),
  );

  test(`[${kind}] the host /usr is read-only and cannot be remounted; /usr/local is the guest\'s own`, { skip }, () =>
    inSandbox(kind, () =>
      withGuest(async (dir) => {
        const r = await runInGuest(dir, 101, ['sh', '-c', 'touch /usr/phx-x; echo "rc=$?"; mount -o remount,rw /usr 2>/dev/null; echo "mount=$?"; touch /usr/local/bin/mine && echo local-ok']);
        assert.match(r.stdout, /rc=1\nmount=[1-9][0-9]*\nlocal-ok/);
        assert.match(r.stderr, /Read-only file system/);
        assert.equal(existsSync('/usr/phx-x'), false);
        assert.equal(existsSync(join(guestRootDir(dir, 101), 'usr/local/bin/mine')), true);
      }),
    ),
  );

  test(`[${kind}] guest root is not host root: host sysctls are not writable`, { skip: skip || (!mappedIds() && 'only in mapped (root) mode') }, () =>
    inSandbox(kind, () =>
      withGuest(async (dir) => {
        const r = await runInGuest(dir, 101, ['sh', '-c', 'v=$(cat /proc/sys/vm/swappiness); echo "$v" > /proc/sys/vm/swappiness && echo WROTE; id -u']);
        assert.doesNotMatch(r.stdout, /WROTE/);
        assert.match(r.stdout, /^0$/m);
      }),
    ),
  );

  test(`[${kind}] the guest has no network besides loopback`, { skip }, () =>
    inSandbox(kind, () =>
      withGuest(async (dir) => {
        const r = await runInGuest(dir, 101, ['cat', '/proc/net/dev']);
        assert.equal(r.exitCode, 0, r.stderr);
        const ifaces = r.stdout
          .split('\n')
          .slice(2)
          .filter(Boolean)
          .map((l) => l.trim().split(':')[0]);
        assert.deepEqual(ifaces, ['lo']);
      }),
    ),
  );

  test(`[${kind}] stdin input, exit codes, env, cwd and hostname reach the command`, { skip }, () =>
    inSandbox(kind, () =>
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
      }),
    ),
  );

  test(`[${kind}] a timeout kills the whole process tree and reports 124`, { skip }, () =>
    inSandbox(kind, () =>
      withGuest(async (dir) => {
        // unshare's jail takes ~4x bwrap's set-up time (about 25 small processes), so it gets more.
        const ms = kind === 'unshare' ? 2000 : 400;
        const r = await runInGuest(dir, 101, ['sh', '-c', 'sleep 41.5 & sleep 41.5 & echo started; wait'], { timeoutMs: ms });
        assert.equal(r.timedOut, true);
        assert.equal(r.exitCode, TIMEOUT_EXIT);
        assert.equal(r.stdout, 'started\n');
        assert.match(r.stderr, new RegExp(`timed out after ${ms} ms`));
        assert.equal(hostProcessesWith('41.5'), 0);
      }),
    ),
  );

  test(`[${kind}] an AbortSignal ends the command`, { skip }, () =>
    inSandbox(kind, () =>
      withGuest(async (dir) => {
        const ac = new AbortController();
        const p = runInGuest(dir, 101, ['sh', '-c', 'echo go; exec sleep 42.5'], { signal: ac.signal });
        setTimeout(() => ac.abort(), 200);
        const r = await p;
        assert.deepEqual([r.aborted, r.exitCode, r.timedOut], [true, ABORT_EXIT, false]);
        assert.equal(hostProcessesWith('42.5'), 0);
      }),
    ),
  );
}

// Before the unshare jail, a host without bubblewrap could not run guest commands at all (the
// README's first command failed on a fresh machine); now the auto choice falls back to it.
test("without bubblewrap on PATH the sandbox is unshare's jail; without either, a clear message and nothing runs", async () => {
  const empty = await mkdtemp(join(tmpdir(), 'phx-nobwrap-'));
  try {
    const sys = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'];
    assert.equal(findSandboxTools([empty], true, 'auto', sys).kind, 'unshare');
    assert.equal(findSandboxTools([empty], false, 'auto', sys).kind, 'unshare');
    assert.throws(
      () => findSandboxTools([empty], true, 'bwrap', sys),
      (e: Error) => e instanceof GuestExecUnavailableError && e.message === BWRAP_MISSING,
    );
    assert.equal(BWRAP_MISSING, 'simulator: guest exec needs bubblewrap (apt-get install bubblewrap)');
    assert.throws(
      () => findSandboxTools([empty], true, 'auto', [empty]),
      (e: Error) => e instanceof GuestExecUnavailableError && /needs bubblewrap \(apt-get install bubblewrap\), or util-linux's unshare with unshare, mount, umount, pivot_root, .*ip or perl in /.test(e.message),
    );
    await mkdir(join(empty, 'bin'));
    await writeFile(join(empty, 'bin', 'bwrap'), '#!/bin/sh\n', { mode: 0o755 });
    assert.throws(() => findSandboxTools([join(empty, 'bin')], true, 'auto', [empty]), /needs unshare, setpriv and mount/);
    assert.deepEqual(findSandboxTools([join(empty, 'bin')], false, 'auto', [empty]), { kind: 'bwrap', bwrap: join(empty, 'bin', 'bwrap') });
    assert.equal(findSandboxTools([join(empty, 'bin')], true, 'unshare', sys).kind, 'unshare');
  } finally {
    await rm(empty, { recursive: true, force: true });
  }
});

for (const kind of KINDS) {
  test(`[${kind}] a state dir under a directory others cannot enter works (as /root on a Proxmox host)`, { skip }, () =>
    inSandbox(kind, async () => {
      const { dir, cleanup } = await tempStateDir({ private: true });
      try {
        assert.equal(needsStage(guestRootDir(dir, 101)), mappedIds());
        await createGuestRoot(dir, 101, { kind: 'lxc' });
        const r = await runInGuest(dir, 101, ['sh', '-c', 'echo ok > /root/x && cat /root/x']);
        assert.deepEqual([r.exitCode, r.stdout], [0, 'ok\n'], r.stderr);
      } finally {
        await cleanup();
      }
    }),
  );

  // A guest cannot do this from inside (its /usr/local is a mount point there); a root that has it
  // (a hand-edited state dir) would otherwise get the host's / bound in, writable.
  test(`[${kind}] a root whose /usr/local is a symlink to the host's / is refused, nothing runs`, { skip }, () =>
    inSandbox(kind, () =>
      withGuest(async (dir) => {
        await rm(join(guestRootDir(dir, 101), 'usr/local'), { recursive: true });
        await symlink('/', join(guestRootDir(dir, 101), 'usr/local'));
        await assert.rejects(runInGuest(dir, 101, ['touch', '/usr/local/tmp/phx-escaped']), /guest root: \/usr\/local must be a directory \(the sandbox binds over it\)/);
        assert.equal(existsSync('/tmp/phx-escaped'), false);
      }),
    ),
  );

  test(`[${kind}] host tools, chown to a guest user and loopback work inside`, { skip }, () =>
    inSandbox(kind, () =>
      withGuest(async (dir) => {
        const r = await runInGuest(dir, 101, [
          'sh',
          '-c',
          "echo 'a b' | awk '{print $2}'; useradd -r svc && touch /tmp/f && chown svc /tmp/f && stat -c %U /tmp/f; " + 'python3 -c \'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(); c=socket.create_connection(s.getsockname()); print("lo up")\' 2>&1 || echo no-python',
        ]);
        assert.equal(r.exitCode, 0, r.stderr);
        assert.match(r.stdout, /^b\nsvc\n(lo up|no-python)\n$/);
      }),
    ),
  );
}

test('a guest without a root filesystem is refused', async () => {
  const { dir, cleanup } = await tempStateDir();
  try {
    await assert.rejects(runInGuest(dir, 555, ['true']), /guest 555 has no root filesystem/);
  } finally {
    await cleanup();
  }
});
