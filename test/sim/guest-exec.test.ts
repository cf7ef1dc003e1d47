// pct/qm with the real guest filesystems: commands run isolated in the guest's own root, and
// start writes the hostname and network settings from the config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSim } from '../../src/sim/frontend/run.js';
import { DEBIAN, NOBLE } from '../helpers/sim.js';

const hasBwrap = spawnSync('sh', ['-c', 'command -v bwrap'], { encoding: 'utf8' }).status === 0;
const skip = !hasBwrap && 'needs bubblewrap (apt-get install bubblewrap)';

test('pct: exec runs in the CT with its hostname; push/pull copy files; snapshot+rollback restore the root', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'phx-guest-'));
  const run = async (argv: string[], stdin?: string) => runSim(argv, { stateDir: dir, env: {}, stdin });
  try {
    assert.equal((await run(['pct', 'create', '100', DEBIAN, '--hostname', 'web1', '--rootfs', 'local-lvm:4', '--net0', 'name=eth0,bridge=vmbr0,ip=10.0.0.5/24,gw=10.0.0.1'])).exitCode, 0);
    assert.equal((await run(['pct', 'start', '100'])).exitCode, 0);
    let r = await run(['pct', 'exec', '100', '--', 'cat', '/etc/hostname']);
    assert.deepEqual([r.exitCode, r.stdout], [0, 'web1\n']);
    r = await run(['pct', 'exec', '100', '--', 'sh', '-c', 'cat > /root/in.txt; exit 7'], 'from stdin');
    assert.equal(r.exitCode, 7);
    const src = join(dir, 'host.txt');
    writeFileSync(src, 'pushed\n');
    assert.equal((await run(['pct', 'push', '100', src, '/root/pushed.txt'])).exitCode, 0);
    assert.equal((await run(['pct', 'snapshot', '100', 'before'])).exitCode, 0);
    assert.equal((await run(['pct', 'exec', '100', '--', 'rm', '/root/pushed.txt'])).exitCode, 0);
    assert.equal((await run(['pct', 'stop', '100'])).exitCode, 0);
    assert.equal((await run(['pct', 'rollback', '100', 'before'])).exitCode, 0);
    assert.equal((await run(['pct', 'start', '100'])).exitCode, 0);
    const out = join(dir, 'back.txt');
    assert.equal((await run(['pct', 'pull', '100', '/root/pushed.txt', out])).exitCode, 0);
    assert.equal(readFileSync(out, 'utf8'), 'pushed\n');
    r = await run(['pct', 'exec', '100', '--', 'cat', '/root/in.txt']);
    assert.equal(r.stdout, 'from stdin');
    // The host is untouched by the guest's writes.
    r = await run(['pct', 'exec', '100', '--', 'sh', '-c', 'echo x > /usr/bin/phoenix-should-fail']);
    assert.notEqual(r.exitCode, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('qm: guest exec runs in the VM once started', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'phx-guest-'));
  const run = async (...argv: string[]) => runSim(argv, { stateDir: dir, env: {} });
  try {
    assert.equal((await run('qm', 'create', '200', '--name', 'vm1', '--agent', '1', '--scsi0', `local-lvm:0,import-from=${NOBLE}`, '--net0', 'virtio,bridge=vmbr0', '--ipconfig0', 'ip=dhcp')).exitCode, 0);
    assert.equal((await run('qm', 'start', '200')).exitCode, 0);
    const r = await run('qm', 'guest', 'exec', '200', '--', 'sh', '-c', 'echo ok; exit 3');
    assert.equal(r.exitCode, 0);
    assert.match(r.stdout, /"exitcode" : 3/);
    assert.match(r.stdout, /"out-data" : "ok\\n"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a guest-filesystem snapshot left by a killed call is replaced when the snapshot is taken', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'phx-guest-'));
  const run = async (...argv: string[]) => runSim(argv, { stateDir: dir, env: {} });
  try {
    assert.equal((await run('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:1')).exitCode, 0);
    const { snapshotGuestRoot } = await import('../../src/sim/guestfs/index.js');
    await snapshotGuestRoot(dir, 100, 'base'); // as if `pct snapshot` died before writing the config
    const r = await run('pct', 'snapshot', '100', 'base');
    assert.deepEqual([r.exitCode, r.stderr], [0, '']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
