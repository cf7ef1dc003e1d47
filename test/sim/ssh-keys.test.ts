// Proxmox runs `ssh-keygen -l` on every line of the keys it is given (pve-common PVE/Tools.pm
// validate_ssh_public_keys) and refuses the call before doing anything: `SSH public key validation error`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simHarness, DEBIAN } from '../helpers/sim.js';

const GOOD = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g ops@laptop\n';
const BAD = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAECAwQFBgcICQoLDA0O ops@desk\n';

test("a malformed SSH key is refused by pct create, qm create and qm set with Proxmox's text; nothing changes", async () => {
  const h = simHarness();
  try {
    const file = join(h.dir, 'keys.pub');
    writeFileSync(file, GOOD + BAD);
    let r = await h.run('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:1', '--ssh-public-keys', file);
    assert.deepEqual([r.exitCode, r.stderr], [255, 'SSH public key validation error\n']);
    assert.equal(existsSync(join(h.dir, 'etc/pve/nodes/pve/lxc/100.conf')), false);
    r = await h.run('qm', 'create', '200', '--sshkeys', file);
    assert.deepEqual([r.exitCode, r.stderr], [255, 'SSH public key validation error\n']);
    assert.equal(existsSync(join(h.dir, 'etc/pve/nodes/pve/qemu-server/200.conf')), false);
    await h.ok('qm', 'create', '200');
    const before = readFileSync(join(h.dir, 'etc/pve/nodes/pve/qemu-server/200.conf'), 'utf8');
    r = await h.run('qm', 'set', '200', '--sshkeys', file);
    assert.deepEqual([r.exitCode, r.stderr], [255, 'SSH public key validation error\n']);
    assert.equal(readFileSync(join(h.dir, 'etc/pve/nodes/pve/qemu-server/200.conf'), 'utf8'), before);
    writeFileSync(file, GOOD);
    await h.ok('qm', 'set', '200', '--sshkeys', file);
    await h.ok('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:1', '--ssh-public-keys', file);
  } finally {
    h.cleanup();
  }
});
