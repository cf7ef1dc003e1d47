// qm rules (src/sim/frontend/qm.ts) that no other test pinned: exit code, message and state as a
// user of qm sees them. Sources in src/sim/RULES.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simHarness } from '../helpers/sim.js';

const confPath = (dir: string, id: number) => join(dir, 'etc/pve/nodes/pve/qemu-server', `${id}.conf`);
const lock = (dir: string, id: number, word: string) => writeFileSync(confPath(dir, id), `${readFileSync(confPath(dir, id), 'utf8')}lock: ${word}\n`);

async function withVm(fn: (h: ReturnType<typeof simHarness>) => Promise<void>) {
  const h = simHarness({ PHOENIX_SIM_LATENCY: 'boot=0' });
  try {
    await h.ok('qm', 'create', '100', '--scsi0', 'local-lvm:1', '--agent', '1');
    await fn(h);
  } finally {
    h.cleanup();
  }
}

test('rules: qm create keeps a given smbios1 as given (a uuid only when smbios1 is absent)', async () => {
  const h = simHarness();
  try {
    await h.ok('qm', 'create', '100', '--smbios1', 'manufacturer=QUNNRQ==,base64=1');
    assert.match(readFileSync(confPath(h.dir, 100), 'utf8'), /^smbios1: manufacturer=QUNNRQ==,base64=1$/m);
  } finally {
    h.cleanup();
  }
});

test('rules: qm stop of a stopped VM returns before the lock check; qm reboot takes no lock; qm start says template first', async () => {
  await withVm(async (h) => {
    lock(h.dir, 100, 'backup');
    assert.deepEqual(await h.run('qm', 'stop', '100'), { exitCode: 0, stdout: '', stderr: '' });
    let r = await h.run('qm', 'start', '100');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'VM is locked (backup)\n']);
    await h.ok('qm', 'start', '100', '--skiplock', '1');
    await h.ok('qm', 'reboot', '100');
    r = await h.run('qm', 'stop', '100');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'VM is locked (backup)\n']);
    await h.ok('qm', 'stop', '100', '--skiplock', '1');
    await h.ok('qm', 'unlock', '100');
    await h.ok('qm', 'template', '100');
    lock(h.dir, 100, 'backup');
    r = await h.run('qm', 'start', '100');
    assert.deepEqual([r.exitCode, r.stderr], [255, "you can't start a vm if it's a template\n"]);
  });
});

test('rules: qm disk import to a storage without images says so unquoted, and imports nothing', async () => {
  await withVm(async (h) => {
    const r = await h.run('qm', 'disk', 'import', '100', '/var/lib/vz/import/debian-12-genericcloud-amd64.qcow2', 'local');
    assert.deepEqual([r.exitCode, r.stdout, r.stderr], [255, '', 'storage local does not support vm images\n']);
    assert.doesNotMatch(readFileSync(confPath(h.dir, 100), 'utf8'), /^unused/m);
  });
});

test('rules: qm guest exec: --synchronous 0 with --timeout is a parameter error; no command is refused', async () => {
  await withVm(async (h) => {
    await h.ok('qm', 'start', '100');
    let r = await h.run('qm', 'guest', 'exec', '100', '--synchronous', '0', '--timeout', '5', '--', 'true');
    assert.equal(r.exitCode, 255);
    assert.match(r.stderr, /^400 Parameter verification failed\.\nsynchronous: needs to be set for 'timeout'\nqm guest exec <vmid>/);
    r = await h.run('qm', 'guest', 'exec', '100');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'command or input-data (or both) required\n']);
    assert.deepEqual(
      h.fs.calls.filter((c) => c.startsWith('exec')),
      [],
    );
  });
});

test('rules: qm config shows a set cipassword as ********** (the file keeps the hash)', async () => {
  await withVm(async (h) => {
    await h.ok('qm', 'set', '100', '--cipassword', 'hunter2secret');
    assert.match(await h.ok('qm', 'config', '100'), /^cipassword: \*{10}$/m);
    assert.match(readFileSync(confPath(h.dir, 100), 'utf8'), /^cipassword: \$5\$/m);
  });
});

test('rules: qm set on a locked VM is refused unless --skiplock', async () => {
  await withVm(async (h) => {
    lock(h.dir, 100, 'backup');
    const r = await h.run('qm', 'set', '100', '--memory', '1024');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'VM is locked (backup)\n']);
    await h.ok('qm', 'set', '100', '--memory', '1024', '--skiplock', '1');
    assert.match(readFileSync(confPath(h.dir, 100), 'utf8'), /^memory: 1024$/m);
  });
});
