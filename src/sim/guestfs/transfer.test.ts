import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createGuestRoot, guestRootDir, mappedIds, GUEST_ID_BASE, pullFromGuest, pushToGuest, parsePerms, runInGuest } from './index.js';
import { sandboxSkipReason, tempStateDir } from './testing.js';

const skip = await sandboxSkipReason();

async function withGuest(fn: (dir: string, local: string) => Promise<void>): Promise<void> {
  const { dir, cleanup } = await tempStateDir();
  try {
    await createGuestRoot(dir, 101, { kind: 'lxc' });
    const local = join(dir, 'local');
    mkdirSync(local);
    await fn(dir, local);
  } finally {
    await cleanup();
  }
}

test('perms parse as pct push does (octal, or 0x hexadecimal)', () => {
  assert.equal(parsePerms(undefined), 0o644);
  assert.equal(parsePerms('0600'), 0o600);
  assert.equal(parsePerms('755'), 0o755);
  assert.equal(parsePerms('0x1ed'), 0o755);
  assert.throws(() => parsePerms('rwx'), /invalid perms/);
});

test('push writes with perms and owner; the guest sees them; pull reads back', () =>
  withGuest(async (dir, local) => {
    writeFileSync(join(local, 'inputs.json'), '{"a":1}\n');
    await pushToGuest(dir, 101, join(local, 'inputs.json'), '/root/inputs.json', { perms: '0600' });
    const host = join(guestRootDir(dir, 101), 'root/inputs.json');
    assert.equal(readFileSync(host, 'utf8'), '{"a":1}\n');
    assert.equal(statSync(host).mode & 0o7777, 0o600);
    await pushToGuest(dir, 101, join(local, 'inputs.json'), '/tmp/bin.sh', { perms: '755', user: 1000, group: 'users' });
    if (mappedIds()) assert.deepEqual([statSync(join(guestRootDir(dir, 101), 'tmp/bin.sh')).uid, statSync(join(guestRootDir(dir, 101), 'tmp/bin.sh')).gid], [GUEST_ID_BASE + 1000, GUEST_ID_BASE + 100]);
    if (!skip) {
      const r = await runInGuest(dir, 101, ['stat', '-c', '%a %u:%g', '/root/inputs.json', '/tmp/bin.sh']);
      assert.equal(r.stdout, mappedIds() ? '600 0:0\n755 1000:100\n' : '600 0:0\n755 0:0\n');
    }
    await pullFromGuest(dir, 101, '/etc/hostname', join(local, 'hostname'));
    assert.equal(readFileSync(join(local, 'hostname'), 'utf8'), 'ct101\n');
    await assert.rejects(pullFromGuest(dir, 101, '/etc/nope', join(local, 'x')), /no such file/);
    await assert.rejects(pushToGuest(dir, 101, join(local, 'inputs.json'), '/no/such/dir/f'), /no such directory/);
    await assert.rejects(pushToGuest(dir, 101, join(local, 'missing'), '/root/f'), /no such file/);
    await assert.rejects(pushToGuest(dir, 101, join(local, 'inputs.json'), '/root', {}), /is a directory/);
    await assert.rejects(pushToGuest(dir, 101, join(local, 'inputs.json'), '/tmp/x', { user: 'ghost' }), /no user 'ghost'/);
  }));

test('push and pull refuse paths that escape the guest root', () =>
  withGuest(async (dir, local) => {
    const root = guestRootDir(dir, 101);
    const outside = join(dir, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret'), 'host secret\n');
    writeFileSync(join(local, 'payload'), 'evil\n');
    const file = join(local, 'payload');

    await assert.rejects(pushToGuest(dir, 101, file, '/../../outside/x'), (e: Error & { code?: string }) => e.code === 'EESCAPE');
    await assert.rejects(pushToGuest(dir, 101, file, '/tmp/../../../outside/x'), /contains '\.\.'/);
    await assert.rejects(pushToGuest(dir, 101, file, 'relative/x'), /not absolute/);
    // A relative symlink climbing out of the guest is refused, for writes and reads.
    symlinkSync('../../../../outside', join(root, 'tmp/up'));
    await assert.rejects(pushToGuest(dir, 101, file, '/tmp/up/x'), /leads outside the guest/);
    await assert.rejects(pullFromGuest(dir, 101, '/tmp/up/secret', join(local, 's')), /leads outside the guest/);
    // An absolute symlink means the guest's own path, never the host's.
    symlinkSync(outside, join(root, 'tmp/abs'));
    await assert.rejects(pullFromGuest(dir, 101, '/tmp/abs/secret', join(local, 's')), /no such file/);
    mkdirSync(join(root, outside.slice(1)), { recursive: true });
    await pushToGuest(dir, 101, file, '/tmp/abs/x');
    assert.equal(readFileSync(join(root, outside.slice(1), 'x'), 'utf8'), 'evil\n');
    assert.equal(existsSync(join(outside, 'x')), false);
    // The final component as a symlink is followed inside the guest too.
    symlinkSync('/etc/hostname', join(root, 'tmp/hn'));
    await pushToGuest(dir, 101, file, '/tmp/hn');
    assert.equal(readFileSync(join(root, 'etc/hostname'), 'utf8'), 'evil\n');
    assert.equal(readFileSync(join(outside, 'secret'), 'utf8'), 'host secret\n');
    // The host's /usr is read-only in the guest.
    await assert.rejects(pushToGuest(dir, 101, file, '/usr/bin/evil'), /read-only file system/);
    await assert.rejects(pushToGuest(dir, 101, file, '/bin/evil'), /read-only file system/);
    await pushToGuest(dir, 101, file, '/usr/local/bin/tool', { perms: '0755' });
    assert.ok(existsSync(join(root, 'usr/local/bin/tool')));
    assert.equal(existsSync('/usr/bin/evil'), false);
  }));
