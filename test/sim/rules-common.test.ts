// Rules shared by pct and qm (src/sim/frontend/common.ts) that no other test pinned: what a user
// sees (exit code, message) and the state afterwards. Sources in src/sim/RULES.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simHarness, DEBIAN } from '../helpers/sim.js';

const ctConf = (dir: string, id: number) => readFileSync(join(dir, 'etc/pve/nodes/pve/lxc', `${id}.conf`), 'utf8');
const vmConf = (dir: string, id: number) => readFileSync(join(dir, 'etc/pve/nodes/pve/qemu-server', `${id}.conf`), 'utf8');

test("rules: 'current' (and for qm 'pending') are reserved snapshot names", async () => {
  const h = simHarness();
  try {
    await h.ok('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:1');
    await h.ok('qm', 'create', '200', '--scsi0', 'local-lvm:1');
    let r = await h.run('pct', 'snapshot', '100', 'current');
    assert.deepEqual([r.exitCode, r.stderr], [255, "unable to use snapshot name 'current' (reserved name)\n"]);
    r = await h.run('qm', 'snapshot', '200', 'Pending');
    assert.deepEqual([r.exitCode, r.stderr], [255, "unable to use snapshot name 'pending' (reserved name)\n"]);
    assert.doesNotMatch(ctConf(h.dir, 100) + vmConf(h.dir, 200), /^\[/m);
  } finally {
    h.cleanup();
  }
});

test('rules: a template takes no snapshot, and a guest with snapshots becomes no template (CT and VM)', async () => {
  const h = simHarness();
  try {
    await h.ok('qm', 'create', '200', '--scsi0', 'local-lvm:1');
    await h.ok('qm', 'snapshot', '200', 's1');
    let r = await h.run('qm', 'template', '200');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'unable to create template, because VM contains snapshots\n']);
    assert.doesNotMatch(vmConf(h.dir, 200), /^template:/m);
    await h.ok('qm', 'delsnapshot', '200', 's1');
    await h.ok('qm', 'template', '200');
    r = await h.run('qm', 'snapshot', '200', 's2');
    assert.deepEqual([r.exitCode, r.stderr], [255, "you can't take a snapshot if it's a template\n"]);
    await h.ok('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:1');
    await h.ok('pct', 'snapshot', '100', 's1');
    r = await h.run('pct', 'template', '100');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'unable to create template, because CT contains snapshots\n']);
  } finally {
    h.cleanup();
  }
});

test('rules: pct rollback stops a running CT first and restores the snapshot config', async () => {
  const h = simHarness();
  try {
    await h.ok('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:1', '--memory', '512');
    await h.ok('pct', 'snapshot', '100', 's1');
    await h.ok('pct', 'set', '100', '--memory', '1024');
    await h.ok('pct', 'start', '100');
    await h.ok('pct', 'rollback', '100', 's1');
    assert.equal(await h.ok('pct', 'status', '100'), 'status: stopped\n');
    assert.match(ctConf(h.dir, 100), /^memory: 512\n(?:.*\n)*parent: s1\n/m);
    assert.ok(h.fs.calls.includes('stop 100'));
  } finally {
    h.cleanup();
  }
});

test('rules: pct --delete refuses the required memory/rootfs/ostype; an unset option is skipped with a warning', async () => {
  const h = simHarness();
  try {
    await h.ok('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:1');
    for (const key of ['memory', 'rootfs', 'ostype']) {
      const r = await h.run('pct', 'set', '100', '--delete', key);
      assert.deepEqual([r.exitCode, r.stderr], [255, `unable to delete required option '${key}'\n`]);
    }
    const r = await h.run('pct', 'set', '100', '--delete', 'onboot', '--cores', '2');
    assert.deepEqual([r.exitCode, r.stderr], [0, "cannot delete 'onboot' - not set in current configuration!\n"]);
    assert.match(ctConf(h.dir, 100), /^cores: 2\nhostname: CT100\nmemory: 512\nostype: debian\n/m);
  } finally {
    h.cleanup();
  }
});

test('rules: pct destroy --force stops a running CT (a notice on the task output, no task warning) and destroys it', async () => {
  const h = simHarness();
  try {
    await h.ok('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:1');
    await h.ok('pct', 'start', '100');
    const r = await h.run('pct', 'destroy', '100', '--force', '1');
    // A plain warn in the worker: a CLI task's stderr is its stdout, and only log_warn counts a warning.
    assert.deepEqual([r.exitCode, r.stdout.split('\n')[0], r.stderr], [0, 'forced to stop CT 100 before destroying!', '']);
    assert.equal(existsSync(join(h.dir, 'etc/pve/nodes/pve/lxc/100.conf')), false);
  } finally {
    h.cleanup();
  }
});

test('rules: qm destroy of a template whose base volume a linked clone uses names the volume id', async () => {
  const h = simHarness();
  try {
    await h.ok('qm', 'create', '200', '--scsi0', 'local-lvm:1');
    await h.ok('qm', 'template', '200');
    await h.ok('qm', 'clone', '200', '201');
    const r = await h.run('qm', 'destroy', '200');
    assert.deepEqual([r.exitCode, r.stderr], [255, "base volume 'local-lvm:base-200-disk-0' is still in use by linked cloned\n"]);
    assert.match(vmConf(h.dir, 200), /^template: 1$/m);
  } finally {
    h.cleanup();
  }
});

test('rules: a template cannot be rolled back and its snapshots cannot be deleted', async () => {
  const h = simHarness();
  try {
    await h.ok('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:1');
    await h.ok('pct', 'snapshot', '100', 's1');
    // A template with a snapshot only arises from a config written by hand (or restored).
    const { writeFileSync } = await import('node:fs');
    const path = join(h.dir, 'etc/pve/nodes/pve/lxc/100.conf');
    writeFileSync(path, ctConf(h.dir, 100).replace(/^rootfs:/m, 'template: 1\nrootfs:'));
    let r = await h.run('pct', 'rollback', '100', 's1');
    assert.deepEqual([r.exitCode, r.stderr], [255, "you can't rollback if vm is a template\n"]);
    r = await h.run('pct', 'delsnapshot', '100', 's1');
    assert.deepEqual([r.exitCode, r.stderr], [255, "you can't delete a snapshot if vm is a template\n"]);
    assert.match(ctConf(h.dir, 100), /^\[s1\]$/m);
  } finally {
    h.cleanup();
  }
});

test('rules: destroy removes the firewall file; --destroy-unreferenced-disks also frees volumes the config no longer names', async () => {
  const h = simHarness();
  try {
    const { writeFileSync } = await import('node:fs');
    await h.ok('qm', 'create', '200', '--scsi0', 'local-lvm:1');
    // qm disk import takes a host file (the import volume's path), never a volume id (qemu-server qm.pm).
    await h.ok('qm', 'importdisk', '200', '/var/lib/vz/import/debian-12-genericcloud-amd64.qcow2', 'local-lvm');
    // The imported disk is unused1... then dropped from the config by hand, as a killed import leaves it.
    writeFileSync(join(h.dir, 'etc/pve/nodes/pve/qemu-server/200.conf'), vmConf(h.dir, 200).replace(/^unused\d+:.*\n/m, ''));
    writeFileSync(join(h.dir, 'etc/pve/firewall/200.fw'), '[OPTIONS]\nenable: 1\n');
    await h.ok('qm', 'destroy', '200', '--destroy-unreferenced-disks', '1');
    const reg = JSON.parse(readFileSync(join(h.dir, 'storage/local-lvm.json'), 'utf8')) as { volumes: unknown[] };
    assert.deepEqual(reg.volumes, []);
    assert.equal(existsSync(join(h.dir, 'etc/pve/firewall/200.fw')), false);
  } finally {
    h.cleanup();
  }
});
