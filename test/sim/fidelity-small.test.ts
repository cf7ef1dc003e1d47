// Small behaviours read in the Proxmox sources (see src/sim/RULES.md): CT network indexes, the
// masked cloud-init password, and the exact refusals of pct on a stopped container.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simHarness, DEBIAN } from '../helpers/sim.js';

test('a CT has net0..net31 (pve-container $MAX_LXC_NETWORKS = 32): net32 is an unknown option', async () => {
  const h = simHarness();
  try {
    await h.ok('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:1');
    await h.ok('pct', 'set', '100', '--net31', 'name=eth31,bridge=vmbr0');
    const r = await h.run('pct', 'set', '100', '--net32', 'name=eth32,bridge=vmbr0');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'Unknown option: net32\n400 unable to parse option\npct set <vmid> [OPTIONS]\n']);
  } finally {
    h.cleanup();
  }
});

test('qm config prints cipassword as ********** (also of a snapshot); the file keeps the hash', async () => {
  const h = simHarness();
  try {
    await h.ok('qm', 'create', '200', '--scsi0', 'local-lvm:1', '--cipassword', 'hunter2secret');
    await h.ok('qm', 'snapshot', '200', 'pre');
    assert.match(await h.ok('qm', 'config', '200'), /^cipassword: \*{10}$/m);
    assert.match(await h.ok('qm', 'config', '200', '--snapshot', 'pre'), /^cipassword: \*{10}$/m);
    assert.match(readFileSync(join(h.dir, 'etc/pve/nodes/pve/qemu-server/200.conf'), 'utf8'), /^cipassword: \$5\$/m);
  } finally {
    h.cleanup();
  }
});

test("pct exec, push, pull and reboot of a stopped CT fail with pve-container's words", async () => {
  const h = simHarness();
  try {
    await h.ok('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:1');
    const cases: Array<[string[], string]> = [
      [['exec', '100', '--', 'true'], "container '100' not running!\n"],
      [['push', '100', '/etc/hostname', '/tmp/x'], 'can only push files to a running CT\n'],
      [['pull', '100', '/etc/hostname', '/tmp/x'], 'can only pull files from a running VM at /usr/share/perl5/PVE/CLI/pct.pm line 664.\n'],
      [['reboot', '100'], 'VM 100 not running\n'],
    ];
    for (const [argv, text] of cases) {
      const r = await h.run('pct', ...argv);
      assert.deepEqual([r.exitCode, r.stderr], [255, text], argv.join(' '));
    }
  } finally {
    h.cleanup();
  }
});
