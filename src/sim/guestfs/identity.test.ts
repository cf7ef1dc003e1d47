import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGuestRoot, guestRootDir, writeGuestIdentity, mappedIds, GUEST_ID_BASE } from './index.js';
import { tempStateDir } from './testing.js';

async function withGuest(kind: 'lxc' | 'vm', ostemplate: string, fn: (root: string, dir: string) => Promise<void>): Promise<void> {
  const { dir, cleanup } = await tempStateDir();
  try {
    await createGuestRoot(dir, 101, { kind, ostemplate });
    await fn(guestRootDir(dir, 101), dir);
  } finally {
    await cleanup();
  }
}

const read = (root: string, p: string) => readFileSync(join(root, p), 'utf8');

test('Debian container: hostname, the PVE block in /etc/hosts and resolv.conf, ifupdown interfaces', () =>
  withGuest('lxc', 'debian-12-standard_12.7-1_amd64.tar.zst', async (root, dir) => {
    const id = {
      hostname: 'web01',
      searchdomain: 'lab.example',
      nameservers: ['10.0.0.53', '1.1.1.1'],
      interfaces: [
        { name: 'eth0', ip: '10.0.0.21/24', gw: '10.0.0.1' },
        { name: 'eth1', ip: 'dhcp' },
      ],
    };
    await writeGuestIdentity(dir, 101, id);
    assert.equal(read(root, 'etc/hostname'), 'web01\n');
    const hosts = read(root, 'etc/hosts');
    assert.ok(hosts.startsWith('# --- BEGIN PVE ---\n10.0.0.21 web01.lab.example web01\n# --- END PVE ---\n127.0.0.1\tlocalhost\n'), hosts);
    assert.equal(read(root, 'etc/resolv.conf'), '# --- BEGIN PVE ---\nsearch lab.example\nnameserver 10.0.0.53\nnameserver 1.1.1.1\n# --- END PVE ---\n');
    assert.equal(read(root, 'etc/network/interfaces'), 'auto lo\niface lo inet loopback\n\nauto eth0\niface eth0 inet static\n\taddress 10.0.0.21/24\n\tgateway 10.0.0.1\n\nauto eth1\niface eth1 inet dhcp\n');
    // A second start with a new name replaces the block, keeps what the guest added outside it.
    writeFileSync(join(root, 'etc/hosts'), `${read(root, 'etc/hosts')}192.168.1.9 extra\n`);
    await writeGuestIdentity(dir, 101, { ...id, hostname: 'web02', interfaces: [{ name: 'eth0', ip: 'dhcp' }] });
    const again = read(root, 'etc/hosts');
    assert.equal(again.match(/BEGIN PVE/g)?.length, 1);
    assert.match(again, /^127\.0\.1\.1 web02\.lab\.example web02$/m);
    assert.doesNotMatch(again, /web01/);
    assert.match(again, /^192\.168\.1\.9 extra$/m);
    if (mappedIds()) assert.equal(statSync(join(root, 'etc/hosts')).uid, GUEST_ID_BASE);
  }));

test('Ubuntu container: systemd-networkd files; root ssh keys', () =>
  withGuest('lxc', 'ubuntu-24.04-standard_24.04-2_amd64.tar.zst', async (root, dir) => {
    await writeGuestIdentity(dir, 101, {
      hostname: 'db.lab.example',
      interfaces: [{ name: 'eth0', ip: '10.0.0.22/24', gw: '10.0.0.1', hwaddr: 'BC:24:11:00:00:01' }],
      sshKeys: 'ssh-ed25519 AAAA test@host',
    });
    assert.equal(read(root, 'etc/hostname'), 'db\n');
    assert.match(read(root, 'etc/hosts'), /^10\.0\.0\.22 db\.lab\.example db$/m);
    assert.equal(read(root, 'etc/systemd/network/eth0.network'), '[Match]\nName = eth0\n\n[Network]\nDescription = Interface eth0 autoconfigured by PVE\nAddress = 10.0.0.22/24\nGateway = 10.0.0.1\nDHCP = no\nIPv6AcceptRA = false\n');
    assert.equal(existsSync(join(root, 'etc/network/interfaces')), false);
    assert.equal(existsSync(join(root, 'etc/resolv.conf')), false, 'no DNS settings given: left alone');
    assert.equal(read(root, 'root/.ssh/authorized_keys'), 'ssh-ed25519 AAAA test@host\n');
    assert.equal(statSync(join(root, 'root/.ssh')).mode & 0o777, 0o700);
    assert.equal(statSync(join(root, 'root/.ssh/authorized_keys')).mode & 0o777, 0o600);
  }));

test('Ubuntu VM: what cloud-init writes (netplan, hosts, user with keys)', () =>
  withGuest('vm', 'noble-server-cloudimg-amd64.qcow2', async (root, dir) => {
    await writeGuestIdentity(dir, 101, {
      hostname: 'gpu01',
      searchdomain: 'lab.example',
      nameservers: ['10.0.0.53'],
      interfaces: [{ name: 'eth0', ip: '10.0.0.30/24', gw: '10.0.0.1', hwaddr: 'BC:24:11:AA:BB:CC' }],
      ciuser: 'ops',
      sshKeys: 'ssh-ed25519 AAAA ops@host\n',
    });
    assert.equal(read(root, 'etc/hostname'), 'gpu01\n');
    assert.match(read(root, 'etc/hosts'), /^127\.0\.1\.1 gpu01\.lab\.example gpu01$/m);
    const netplan = read(root, 'etc/netplan/50-cloud-init.yaml');
    assert.match(netplan, /^ {8}eth0:\n {12}addresses:\n {12}- 10\.0\.0\.30\/24\n {12}match:\n {16}macaddress: 'bc:24:11:aa:bb:cc'\n/m);
    assert.match(netplan, / {12}-   to: default\n {16}via: 10\.0\.0\.1\n/);
    assert.match(netplan, /nameservers:\n {16}addresses:\n {16}- 10\.0\.0\.53\n {16}search:\n {16}- lab\.example\n/);
    assert.match(read(root, 'etc/passwd'), /^ops:x:1000:1000::\/home\/ops:\/bin\/bash$/m);
    assert.match(read(root, 'etc/group'), /^sudo:x:27:ops$/m);
    assert.equal(read(root, 'home/ops/.ssh/authorized_keys'), 'ssh-ed25519 AAAA ops@host\n');
    if (mappedIds()) assert.equal(statSync(join(root, 'home/ops/.ssh/authorized_keys')).uid, GUEST_ID_BASE + 1000);
    assert.ok(existsSync(join(root, 'var/lib/cloud/instance/boot-finished')));
    // Re-running (every boot) does not add the user twice.
    await writeGuestIdentity(dir, 101, { hostname: 'gpu01', interfaces: [{ name: 'eth0', ip: 'dhcp' }], ciuser: 'ops' });
    assert.equal(read(root, 'etc/passwd').match(/^ops:/gm)?.length, 1);
    assert.match(read(root, 'etc/netplan/50-cloud-init.yaml'), /dhcp4: true/);
  }));

test('Debian VM: ENI from cloud-init and resolv.conf; default user debian', () =>
  withGuest('vm', 'debian-12-genericcloud-amd64.qcow2', async (root, dir) => {
    await writeGuestIdentity(dir, 101, { hostname: 'vm1', nameservers: ['9.9.9.9'], interfaces: [{ name: 'eth0', ip: '10.1.0.5/16', gw: '10.1.0.1' }] });
    const eni = read(root, 'etc/network/interfaces.d/50-cloud-init');
    assert.match(eni, /^auto eth0\niface eth0 inet static\n {4}address 10\.1\.0\.5\/16\n {4}gateway 10\.1\.0\.1$/m);
    assert.equal(read(root, 'etc/resolv.conf'), 'nameserver 9.9.9.9\n');
    assert.match(read(root, 'etc/passwd'), /^debian:x:1000:/m);
  }));

test('identity refuses a bad hostname and a guest without root', async () => {
  const { dir, cleanup } = await tempStateDir();
  try {
    await assert.rejects(writeGuestIdentity(dir, 101, { hostname: 'x', interfaces: [] }), /has no root filesystem/);
    await createGuestRoot(dir, 101, { kind: 'lxc' });
    await assert.rejects(writeGuestIdentity(dir, 101, { hostname: 'bad name;rm', interfaces: [] }), /invalid hostname/);
  } finally {
    await cleanup();
  }
});
