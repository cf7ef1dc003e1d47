// Thin storage over-provisions as on Proxmox: lvmthin volumes and ZFS CT subvolumes (and zvols
// on a `sparse 1` pool) may add up to more than the pool; thick LVM and plain zvols may not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simHarness, DEBIAN } from '../helpers/sim.js';
import { addStorage } from '../../src/sim/state/admin.js';

test('a 400G thin pool holds a hundred 8G disks; past its size lvcreate warns and the create succeeds', async () => {
  const h = simHarness();
  try {
    for (let i = 0; i < 100; i++) {
      const r = await h.run('qm', 'create', String(1000 + i), '--scsi0', 'local-lvm:8');
      assert.equal(r.exitCode, 0, r.stderr);
      // 50 disks fill 400G; from the 51st LVM says the thin volumes add up to more than the pool.
      if (i === 49) assert.equal(r.stderr, '');
      if (i === 50) assert.equal(r.stderr, '  WARNING: Sum of all thin volume sizes (408.00 GiB) exceeds the size of thin pool pve/data (400.00 GiB).\n');
    }
    const reg = JSON.parse(readFileSync(join(h.dir, 'storage/local-lvm.json'), 'utf8')) as { volumes: unknown[] };
    assert.equal(reg.volumes.length, 100);
    // A resize of a thin volume past the pool succeeds too.
    await h.ok('qm', 'resize', '1000', 'scsi0', '+500G');
  } finally {
    h.cleanup();
  }
});

test('zfspool: CT subvolumes over-provision (refquota), VM zvols only on a sparse pool', async () => {
  const h = simHarness();
  try {
    await addStorage(h.dir, 'tank', { type: 'zfspool', content: ['rootdir', 'images'], size: '10G' });
    await h.ok('pct', 'create', '100', DEBIAN, '--rootfs', 'tank:20');
    const r = await h.run('qm', 'create', '200', '--scsi0', 'tank:20');
    assert.deepEqual([r.exitCode, r.stderr], [255, "unable to create VM 200 - zfs error: cannot create 'tank/vm-200-disk-0': out of space\n"]);
  } finally {
    h.cleanup();
  }
});
