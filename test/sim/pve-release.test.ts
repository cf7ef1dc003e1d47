// The simulated host's Proxmox VE release (`phoenix sim reset --pve 8.4|9.1`, default 9.1):
// pveversion's line, pct create's unprivileged default, and 9.x-only options refused on 8.4.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simHarness, DEBIAN } from '../helpers/sim.js';
import { resetState } from '../../src/sim/state/admin.js';

const conf = (dir: string, id: number) => readFileSync(join(dir, 'etc/pve/nodes/pve/lxc', `${id}.conf`), 'utf8');

async function on(pve: '8.4' | '9.1' | undefined, fn: (h: ReturnType<typeof simHarness>) => Promise<void>) {
  const h = simHarness();
  try {
    resetState(h.dir, { pve });
    await fn(h);
  } finally {
    h.cleanup();
  }
}

test('pveversion prints pve-manager/<version>/<repoid> (running kernel: ...) for the simulated release', async () => {
  await on(undefined, async (h) => assert.match(await h.ok('pveversion'), /^pve-manager\/9\.1\.\d+\/[0-9a-f]{16} \(running kernel: \S+-pve\)\n$/));
  await on('8.4', async (h) => assert.match(await h.ok('pveversion'), /^pve-manager\/8\.4\.\d+\/[0-9a-f]{16} \(running kernel: \S+-pve\)\n$/));
});

test('pct create without --unprivileged: privileged on 8.4, unprivileged on 9.1; explicit values win on both', async () => {
  await on('8.4', async (h) => {
    await h.ok('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:4');
    assert.doesNotMatch(conf(h.dir, 100), /^unprivileged:/m);
    await h.ok('pct', 'create', '101', DEBIAN, '--rootfs', 'local-lvm:4', '--unprivileged', '1');
    assert.match(conf(h.dir, 101), /^unprivileged: 1$/m);
  });
  await on('9.1', async (h) => {
    await h.ok('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:4');
    assert.match(conf(h.dir, 100), /^unprivileged: 1$/m);
    await h.ok('pct', 'create', '101', DEBIAN, '--rootfs', 'local-lvm:4', '--unprivileged', '0');
    assert.doesNotMatch(conf(h.dir, 101), /^unprivileged:/m);
  });
});

test('8.4 refuses options only 9.x has (entrypoint, allow-ksm) like any unknown option', async () => {
  await on('8.4', async (h) => {
    const r = await h.run('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:4', '--entrypoint', '/sbin/init');
    assert.equal(r.exitCode, 255);
    assert.match(r.stderr, /^400 Parameter verification failed\.\nentrypoint: property is not defined in schema and the schema does not allow additional properties\n/);
    const q = await h.run('qm', 'create', '200', '--allow-ksm', '0');
    assert.match(q.stderr, /^400 Parameter verification failed\.\nallow-ksm: property is not defined in schema/);
  });
  await on('9.1', async (h) => {
    await h.ok('qm', 'create', '200', '--allow-ksm', '0');
  });
});

test('sim reset refuses an unknown release', () => {
  assert.throws(() => resetState('/tmp/phoenix-never-created', { pve: '7.4' }), /unknown Proxmox VE release '7\.4' \(expected 8\.4 or 9\.1\)/);
});
