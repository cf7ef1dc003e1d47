import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cloneGuestRoot, createGuestRoot, deleteGuestSnapshot, destroyGuestRoot, guestRootDir, guestSnapshotDir, mappedIds, GUEST_ID_BASE, osFromTemplate, readGuestMeta, rollbackGuestRoot, snapshotGuestRoot } from './index.js';
import { tempStateDir } from './testing.js';

async function withState(fn: (dir: string) => Promise<void>): Promise<void> {
  const { dir, cleanup } = await tempStateDir();
  try {
    await fn(dir);
  } finally {
    await cleanup();
  }
}

test('the OS is chosen from the template or image name', () => {
  assert.equal(osFromTemplate('local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst').id, 'debian');
  assert.equal(osFromTemplate('local:vztmpl/ubuntu-24.04-standard_24.04-2_amd64.tar.zst').versionId, '24.04');
  assert.equal(osFromTemplate('local:import/noble-server-cloudimg-amd64.qcow2').codename, 'noble');
  assert.equal(osFromTemplate('local:import/debian-12-genericcloud-amd64.qcow2').versionId, '12');
  assert.equal(osFromTemplate(undefined).id, 'debian');
});

test('createGuestRoot makes a small believable root owned by the guest', () =>
  withState(async (dir) => {
    await createGuestRoot(dir, 101, { kind: 'lxc', ostemplate: 'ubuntu-24.04-standard_24.04-2_amd64.tar.zst' });
    const root = guestRootDir(dir, 101);
    assert.equal(root, join(dir, 'guests', '101', 'root'));
    assert.match(readFileSync(join(root, 'etc/os-release'), 'utf8'), /^PRETTY_NAME="Ubuntu 24\.04\.1 LTS"$/m);
    assert.equal(readFileSync(join(root, 'etc/hostname'), 'utf8'), 'ct101\n');
    assert.match(readFileSync(join(root, 'etc/passwd'), 'utf8'), /^root:x:0:0:root:\/root:\/bin\/bash$/m);
    assert.match(readFileSync(join(root, 'etc/group'), 'utf8'), /^root:x:0:$/m);
    assert.match(readFileSync(join(root, 'etc/hosts'), 'utf8'), /^127\.0\.0\.1\tlocalhost$/m);
    assert.equal(statSync(join(root, 'tmp')).mode & 0o7777, 0o1777);
    for (const d of ['root', 'var/lib', 'var/log', 'run', 'home', 'usr/local/bin', 'usr/local/sbin']) {
      assert.ok(statSync(join(root, d)).isDirectory(), d);
    }
    assert.equal(lstatSync(join(root, 'bin')).isSymbolicLink(), lstatSync('/bin').isSymbolicLink());
    assert.ok(statSync(join(root, 'usr/local/sbin/apt-get')).mode & 0o111);
    assert.equal(existsSync(join(root, 'usr/local/sbin/cloud-init')), false, 'cloud-init only in VMs');
    if (mappedIds()) assert.equal(statSync(join(root, 'etc/passwd')).uid, GUEST_ID_BASE);
    assert.deepEqual(await readGuestMeta(dir, 101), {
      kind: 'lxc',
      ostemplate: 'ubuntu-24.04-standard_24.04-2_amd64.tar.zst',
      os: { id: 'ubuntu', versionId: '24.04', codename: 'noble' },
    });
    await assert.rejects(createGuestRoot(dir, 101, { kind: 'lxc' }), /already has a root filesystem/);
  }));

test('a VM root has cloud-init and qemu-ga', () =>
  withState(async (dir) => {
    await createGuestRoot(dir, 200, { kind: 'vm', ostemplate: 'noble-server-cloudimg-amd64.qcow2' });
    const root = guestRootDir(dir, 200);
    assert.ok(existsSync(join(root, 'usr/local/sbin/cloud-init')));
    assert.ok(existsSync(join(root, 'usr/local/sbin/qemu-ga')));
    assert.ok(existsSync(join(root, 'var/lib/phoenix-sim/dpkg/qemu-guest-agent')));
  }));

test('snapshot, rollback, clone from a snapshot, delete, destroy', () =>
  withState(async (dir) => {
    await createGuestRoot(dir, 101, { kind: 'lxc' });
    const root = guestRootDir(dir, 101);
    writeFileSync(join(root, 'root/state.txt'), 'v1\n');
    await snapshotGuestRoot(dir, 101, 'pre-configured');
    assert.equal(readFileSync(join(guestSnapshotDir(dir, 101, 'pre-configured'), 'root/state.txt'), 'utf8'), 'v1\n');
    await assert.rejects(snapshotGuestRoot(dir, 101, 'pre-configured'), /already has a snapshot/);

    writeFileSync(join(root, 'root/state.txt'), 'v2\n');
    writeFileSync(join(root, 'root/new.txt'), 'later\n');
    await cloneGuestRoot(dir, 101, 102);
    await cloneGuestRoot(dir, 101, 103, 'pre-configured');
    assert.equal(readFileSync(join(guestRootDir(dir, 102), 'root/state.txt'), 'utf8'), 'v2\n');
    assert.equal(readFileSync(join(guestRootDir(dir, 103), 'root/state.txt'), 'utf8'), 'v1\n');
    assert.equal(existsSync(join(guestRootDir(dir, 103), 'root/new.txt')), false);
    assert.equal(statSync(join(guestRootDir(dir, 103), 'tmp')).mode & 0o7777, 0o1777);
    assert.equal((await readGuestMeta(dir, 103))?.kind, 'lxc');
    if (mappedIds()) assert.equal(statSync(join(guestRootDir(dir, 103), 'etc/passwd')).uid, GUEST_ID_BASE);
    assert.equal(lstatSync(join(guestRootDir(dir, 103), 'bin')).isSymbolicLink(), lstatSync('/bin').isSymbolicLink());
    await assert.rejects(cloneGuestRoot(dir, 101, 102), /already has a root filesystem/);
    await assert.rejects(cloneGuestRoot(dir, 101, 104, 'nope'), /has no snapshot 'nope'/);

    await rollbackGuestRoot(dir, 101, 'pre-configured');
    assert.equal(readFileSync(join(root, 'root/state.txt'), 'utf8'), 'v1\n');
    assert.equal(existsSync(join(root, 'root/new.txt')), false);
    assert.ok(existsSync(guestSnapshotDir(dir, 101, 'pre-configured')), 'rollback keeps the snapshot');
    await assert.rejects(rollbackGuestRoot(dir, 101, 'missing'), /has no snapshot 'missing'/);

    await deleteGuestSnapshot(dir, 101, 'pre-configured');
    assert.equal(existsSync(guestSnapshotDir(dir, 101, 'pre-configured')), false);
    await destroyGuestRoot(dir, 101);
    assert.equal(existsSync(join(dir, 'guests', '101')), false);
    assert.ok(existsSync(guestRootDir(dir, 102)), 'other guests untouched');
  }));

test('vmids and snapshot names cannot address other paths', () => {
  assert.throws(() => guestRootDir('/s', '../x'), /invalid vmid/);
  assert.throws(() => guestSnapshotDir('/s', 101, '../../etc'), /invalid snapshot name/);
});
