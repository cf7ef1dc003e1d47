// Staging: a local file pct reads is the file itself here; on a remote node (an Exec that runs
// there — here sh on this machine) a 0600 temp file under /tmp made by a fixed script, removed
// after the call; the driver stages before `pct push` / a key file and removes after, even when
// the call fails.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PveCliDriver } from '../cli/driver.js';
import { localExec } from './local.js';
import { localStaging, remoteStaging } from './staging.js';
import type { ExecRequest, ExecResult, StagedFile, Staging } from './types.js';

test('remote staging: a local file and key text become 0600 files in the node /tmp, removed by done()', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'phx-stage-'));
  try {
    const src = join(dir, "it's a file");
    writeFileSync(src, 'bytes\0and more\n');
    const seen: string[][] = [];
    const st = remoteStaging((req) => (seen.push(req.argv), localExec(req)), 'pve2');
    const f = await st.file(src);
    assert.match(f.path, /^\/tmp\/phoenix-push\.\w+$/);
    assert.equal(readFileSync(f.path, 'utf8'), 'bytes\0and more\n');
    assert.equal(statSync(f.path).mode & 0o777, 0o600);
    const k = await st.bytes('ssh-ed25519 AAAA k\n', 'keys');
    assert.match(k.path, /^\/tmp\/phoenix-keys\.\w+$/);
    await f.done();
    await k.done();
    assert.equal(existsSync(f.path) || existsSync(k.path), false);
    assert.ok(
      seen.every((a) => a[0] === 'sh' || a[0] === 'rm'),
      'only the fixed script and rm',
    );
    assert.ok(!seen.flat().some((a) => a.includes("it's")), 'the local name never reaches the node');
    await assert.rejects(remoteStaging(async (req) => ({ argv: req.argv, exitCode: 1, stdout: '', stderr: 'mktemp: No space left on device\n', durationMs: 0, timedOut: false, isCanceled: false }), 'pve2').file(src), /cannot copy .* to pve2: mktemp: No space left on device/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('local staging: a file is used where it is; bytes go to a private temp file removed after', async () => {
  const f = await localStaging.file('/some/where');
  assert.equal(f.path, '/some/where');
  const k = await localStaging.bytes('k\n', 'keys');
  assert.equal(statSync(k.path).mode & 0o777, 0o600);
  await k.done();
  assert.equal(existsSync(k.path), false);
});

test('PveCliDriver: pct push gets the staged path; the staged file is removed after, also when push fails; key files the same', async () => {
  const log: string[] = [];
  const staging: Staging = {
    file: async (p) => (log.push(`stage ${p}`), { path: '/tmp/phoenix-push.X', done: async () => void log.push('done push') }) satisfies StagedFile,
    bytes: async (c, what) => (log.push(`bytes ${what} ${String(c).trim()}`), { path: `/tmp/phoenix-${what}.Y`, done: async () => void log.push(`done ${what}`) }),
  };
  let fail = false;
  const exec = async (req: ExecRequest): Promise<ExecResult> => {
    log.push(req.argv.join(' '));
    return { argv: req.argv, exitCode: fail ? 255 : 0, stdout: '', stderr: fail ? 'failed\n' : '', durationMs: 0, timedOut: false, isCanceled: false };
  };
  const d = new PveCliDriver(exec, { node: 'pve2', hostFiles: { root: '/x', read: async () => null, readDir: async () => null, write: async () => {}, remove: async () => {} }, staging });
  await d.push('lxc', 101, '/local/script', '/root/s', { perms: '0700' });
  fail = true;
  await assert.rejects(d.push('lxc', 101, '/local/script', '/root/s'));
  fail = false;
  await d.create('lxc', 102, { hostname: 'k', 'ssh-public-keys': 'ssh-ed25519 AAAA k' }, 'local:vztmpl/t.tar.zst');
  assert.deepEqual(log, [
    'stage /local/script',
    'pct push 101 /tmp/phoenix-push.X /root/s --perms 0700',
    'done push',
    'stage /local/script',
    'pct push 101 /tmp/phoenix-push.X /root/s',
    'done push',
    'bytes keys ssh-ed25519 AAAA k',
    'pct create 102 local:vztmpl/t.tar.zst --hostname k --ssh-public-keys /tmp/phoenix-keys.Y',
    'done keys',
  ]);
});
