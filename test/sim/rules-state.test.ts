// Rules of src/sim/state that no other test pinned (see src/sim/RULES.md): what a pct/qm user
// sees (exit code, message) and what the state holds afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simHarness, DEBIAN } from '../helpers/sim.js';
import { addStorage } from '../../src/sim/state/admin.js';

const ctConf = (dir: string, id: number) => join(dir, 'etc/pve/nodes/pve/lxc', `${id}.conf`);
const registry = (dir: string, id: string) => (JSON.parse(readFileSync(join(dir, 'storage', `${id}.json`), 'utf8')) as { volumes: Array<{ name: string }> }).volumes.map((v) => v.name);

test('rules: a volume on an unknown storage fails "storage \'<id>\' does not exist" and creates nothing', async () => {
  const h = simHarness();
  try {
    const r = await h.run('pct', 'create', '100', DEBIAN, '--rootfs', 'nope:8');
    assert.equal(r.exitCode, 255);
    assert.match(r.stderr, /storage 'nope' does not exist\n$/);
    assert.equal(existsSync(ctConf(h.dir, 100)), false);
  } finally {
    h.cleanup();
  }
});

test("rules: out of space on zfspool and dir storages fails with the storage tool's words; nothing is left allocated", async () => {
  const h = simHarness();
  try {
    await addStorage(h.dir, 'tank', { type: 'zfspool', content: ['rootdir', 'images'], size: '1G' });
    await addStorage(h.dir, 'plain', { type: 'dir', content: ['rootdir', 'images'], size: '1G' });
    // A VM zvol (reserved in full); a CT subvolume has only a refquota and over-provisions
    // (pve-storage ZFSPoolPlugin zfs_create_subvol; storage-thin.test.ts).
    let r = await h.run('qm', 'create', '100', '--scsi0', 'tank:2');
    assert.deepEqual([r.exitCode, r.stderr], [255, "unable to create VM 100 - zfs error: cannot create 'tank/vm-100-disk-0': out of space\n"]);
    assert.equal(existsSync(join(h.dir, 'etc/pve/nodes/pve/qemu-server/100.conf')), false);
    r = await h.run('pct', 'create', '100', DEBIAN, '--rootfs', 'plain:2');
    assert.equal(r.exitCode, 255);
    assert.match(r.stderr, /^unable to create CT 100 - unable to create image: No space left on device/);
    assert.deepEqual([registry(h.dir, 'tank'), registry(h.dir, 'plain')], [[], []]);
    assert.equal(existsSync(ctConf(h.dir, 100)), false);
  } finally {
    h.cleanup();
  }
});

test('rules: a VM has one cloud-init drive; a second one is refused naming the first', async () => {
  const h = simHarness();
  try {
    await h.ok('qm', 'create', '100', '--ide2', 'local-lvm:cloudinit');
    const r = await h.run('qm', 'set', '100', '--ide0', 'local-lvm:cloudinit');
    assert.deepEqual([r.exitCode, r.stderr], [255, "ide0 - cloud-init drive is already attached at 'ide2'\n"]);
    assert.deepEqual(registry(h.dir, 'local-lvm'), ['vm-100-cloudinit']);
    // The same drive again: its volume name is taken (guess: the plugins' alloc_image texts differ).
    const again = await h.run('qm', 'set', '100', '--ide2', 'local-lvm:cloudinit');
    assert.deepEqual([again.exitCode, again.stderr], [255, "volume 'local-lvm:vm-100-cloudinit' already exists\n"]);
    assert.doesNotMatch(readFileSync(join(h.dir, 'etc/pve/nodes/pve/qemu-server/100.conf'), 'utf8'), /^ide0:/m);
  } finally {
    h.cleanup();
  }
});
