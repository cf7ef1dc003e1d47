// pct rules (src/sim/frontend/pct.ts) that no other test pinned: exit code, message and state as a
// user of pct sees them. Sources in src/sim/RULES.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simHarness, DEBIAN } from '../helpers/sim.js';

const confPath = (dir: string, id: number) => join(dir, 'etc/pve/nodes/pve/lxc', `${id}.conf`);

async function withCt(fn: (h: ReturnType<typeof simHarness>) => Promise<void>) {
  const h = simHarness();
  try {
    await h.ok('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:1');
    await fn(h);
  } finally {
    h.cleanup();
  }
}

test('rules: pct reboot of a stopped CT says "VM <id> not running" (as pve-container does)', async () => {
  await withCt(async (h) => {
    const r = await h.run('pct', 'reboot', '100');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'VM 100 not running\n']);
  });
});

test('rules: pct push/pull need a running CT (pull\'s message carries Perl\'s "at ... line")', async () => {
  await withCt(async (h) => {
    let r = await h.run('pct', 'push', '100', '/etc/hostname', '/tmp/x');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'can only push files to a running CT\n']);
    r = await h.run('pct', 'pull', '100', '/etc/hostname', '/tmp/x');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'can only pull files from a running VM at /usr/share/perl5/PVE/CLI/pct.pm line 664.\n']);
    r = await h.run('pct', 'push', '999', '/etc/hostname', '/tmp/x');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'can only push files to a running CT\n']);
    assert.deepEqual(
      h.fs.calls.filter((c) => /^(push|pull)/.test(c)),
      [],
    );
  });
});

test('rules: pct exec without a command fails "missing command" (Perl\'s die without newline)', async () => {
  await withCt(async (h) => {
    await h.ok('pct', 'start', '100');
    const r = await h.run('pct', 'exec', '100');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'missing command at /usr/share/perl5/PVE/CLI/pct.pm line 246.\n']);
  });
});

test('rules: pct start checks "already running" before the lock; pct stop checks "not running" before it', async () => {
  await withCt(async (h) => {
    const path = confPath(h.dir, 100);
    writeFileSync(path, `${readFileSync(path, 'utf8')}lock: backup\n`);
    let r = await h.run('pct', 'stop', '100');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'CT 100 not running\n']);
    r = await h.run('pct', 'start', '100');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'CT is locked (backup)\n']);
    await h.ok('pct', 'start', '100', '--skiplock', '1');
    r = await h.run('pct', 'start', '100');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'CT 100 already running\n']);
    r = await h.run('pct', 'shutdown', '100');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'CT is locked (backup)\n']);
    await h.ok('pct', 'stop', '100', '--skiplock', '1');
    assert.equal(await h.ok('pct', 'status', '100'), 'status: stopped\n');
  });
});

test('rules: pct unlock removes any lock; pct config --snapshot of a missing snapshot fails', async () => {
  await withCt(async (h) => {
    const path = confPath(h.dir, 100);
    writeFileSync(path, `${readFileSync(path, 'utf8')}lock: migrate\n`);
    await h.ok('pct', 'unlock', '100');
    assert.doesNotMatch(readFileSync(path, 'utf8'), /^lock:/m);
    const r = await h.run('pct', 'config', '100', '--snapshot', 'nope');
    assert.deepEqual([r.exitCode, r.stderr], [255, "snapshot 'nope' does not exist\n"]);
  });
});

test('rules: pct create prints the archive and the detected architecture; a malformed volume is refused', async () => {
  const h = simHarness();
  try {
    const out = await h.ok('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:1');
    assert.match(out, /^extracting archive '\/var\/lib\/vz\/template\/cache\/debian-12-standard_12.7-1_amd64.tar.zst'\n/);
    assert.match(out, /^Detected container architecture: amd64$/m);
    const r = await h.run('pct', 'create', '101', DEBIAN, '--rootfs', 'nostorage');
    assert.equal(r.exitCode, 255);
    assert.match(r.stderr, /unable to parse volume ID 'nostorage'\n$/);
  } finally {
    h.cleanup();
  }
});
