// How pct clone and qm clone lock their source, as pve-container and qemu-server do: a CT source
// carries `lock: disk` for the whole clone (a second clone fails at once, a killed clone leaves
// it), a VM source only a file lock (shared while stopped, exclusive with a 1 s timeout while it runs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simHarness, DEBIAN } from '../helpers/sim.js';

/** Makes the fake guest filesystem's clone wait until released: a clone caught half-way. */
function gateClones(h: ReturnType<typeof simHarness>) {
  const waiting: Array<() => void> = [];
  let arrived: () => void = () => {};
  let arrival = new Promise<void>((r) => (arrived = r));
  const original = h.fs.clone;
  h.fs.clone = () =>
    new Promise<void>((r) => {
      waiting.push(r);
      arrived();
    });
  return {
    /** Resolves once `n` clones are waiting at the gate. */
    until: async (n: number) => {
      while (waiting.length < n) {
        await arrival;
        arrival = new Promise<void>((r) => (arrived = r));
      }
    },
    /** Lets the waiting clones go on; later clones pass the gate at once. */
    release: () => {
      h.fs.clone = original;
      waiting.splice(0).forEach((r) => r());
    },
  };
}

const ctConf = (dir: string, id: number) => readFileSync(join(dir, 'etc/pve/nodes/pve/lxc', `${id}.conf`), 'utf8');

test('pct clone: the source says lock: disk while it copies; a second clone fails at once with CT is locked (disk)', async () => {
  const h = simHarness({ PHOENIX_SIM_LOCK_TIMEOUT_MS: '60000' });
  try {
    await h.ok('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:2');
    await h.ok('pct', 'template', '100');
    const gate = gateClones(h);
    const first = h.run('pct', 'clone', '100', '101');
    await gate.until(1);
    assert.match(ctConf(h.dir, 100), /^lock: disk$/m);
    // Not a wait on the file lock (the 60 s timeout would hang the test): refused at once.
    const second = await h.run('pct', 'clone', '100', '102');
    assert.deepEqual([second.exitCode, second.stderr], [255, 'CT is locked (disk)\n']);
    const set = await h.run('pct', 'set', '100', '--description', 'x');
    assert.deepEqual([set.exitCode, set.stderr], [255, 'CT is locked (disk)\n']);
    gate.release();
    assert.equal((await first).exitCode, 0);
    assert.doesNotMatch(ctConf(h.dir, 100), /^lock:/m);
    await h.ok('pct', 'clone', '100', '102');
  } finally {
    h.cleanup();
  }
});

test('pct clone that fails removes the source lock; one killed leaves lock: disk on the source', async () => {
  const h = simHarness();
  try {
    await h.ok('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:2');
    await h.ok('pct', 'create', '101', DEBIAN, '--rootfs', 'local-lvm:2');
    let r = await h.run('pct', 'clone', '100', '101');
    assert.deepEqual([r.exitCode, r.stderr], [255, "CT 101 already exists on node 'pve'\n"]);
    r = await h.run('pct', 'clone', '100', '102', '--snapname', 'nope');
    assert.deepEqual([r.exitCode, r.stderr], [255, "snapshot 'nope' does not exist\n"]);
    assert.doesNotMatch(ctConf(h.dir, 100), /^lock:/m);
    h.env.PHOENIX_SIM_FAULTS = 'rate=1,seed=1,kinds=killed';
    r = await h.run('pct', 'clone', '100', '102');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'interrupted by signal\n']);
    h.env.PHOENIX_SIM_FAULTS = undefined;
    assert.match(ctConf(h.dir, 100), /^lock: disk$/m);
    assert.match(ctConf(h.dir, 102), /^lock: create$/m);
    r = await h.run('pct', 'clone', '100', '103');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'CT is locked (disk)\n']);
    await h.ok('pct', 'unlock', '100');
    await h.ok('pct', 'clone', '100', '103');
  } finally {
    h.cleanup();
  }
});

test('qm clone: parallel clones of a stopped template share its lock; a running source is locked exclusively, 1 s', async () => {
  const h = simHarness({ PHOENIX_SIM_LOCK_TIMEOUT_MS: '60000' });
  try {
    await h.ok('qm', 'create', '9000', '--scsi0', 'local-lvm:1', '--net0', 'virtio,bridge=vmbr0');
    await h.ok('qm', 'template', '9000');
    const gate = gateClones(h);
    const clones = [h.run('qm', 'clone', '9000', '1001'), h.run('qm', 'clone', '9000', '1002')];
    await gate.until(2);
    // No lock: line on a VM source.
    assert.doesNotMatch(readFileSync(join(h.dir, 'etc/pve/nodes/pve/qemu-server/9000.conf'), 'utf8'), /^lock:/m);
    gate.release();
    assert.deepEqual(
      (await Promise.all(clones)).map((r) => r.exitCode),
      [0, 0],
    );

    await h.ok('qm', 'create', '200', '--scsi0', 'local-lvm:1');
    await h.ok('qm', 'start', '200');
    const gate2 = gateClones(h);
    const running = h.run('qm', 'clone', '200', '201', '--full');
    await gate2.until(1);
    // The exclusive lock times out after 1 s (qemu-server's own timeout, not the 10 s default).
    const second = await h.run('qm', 'clone', '200', '202', '--full');
    assert.deepEqual([second.exitCode, second.stderr], [255, "trying to acquire lock...\ncan't lock file '/var/lock/qemu-server/lock-200.conf' - got timeout\n"]);
    gate2.release();
    assert.equal((await running).exitCode, 0, (await running).stderr);
    const onto = await h.run('qm', 'clone', '9000', '1001');
    assert.deepEqual([onto.exitCode, onto.stderr], [255, 'unable to create VM 1001: config file already exists\n']);
  } finally {
    h.cleanup();
  }
});
