import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatLxcFeatures, formatLxcMountPoint, formatLxcNet, formatLxcRootfs, parseLxcFeatures, parseLxcMountPoint, parseLxcNet, parseLxcRootfs } from './lxc.js';
import { formatAgent, formatBoot, formatIpConfig, formatQemuDisk, formatQemuNet, parseAgent, parseBoot, parseIpConfig, parseQemuDisk, parseQemuNet } from './qemu.js';
import { formatStartup, parseStartup } from './startup.js';
import { PropertyStringError } from './property-string.js';

test('LXC net: typed values and Proxmox print order', () => {
  const n = parseLxcNet('name=eth0,bridge=vmbr0,ip=10.0.0.200/24,gw=10.0.0.1,hwaddr=52:54:00:AA:BB:CC,firewall=1,tag=20');
  assert.deepEqual(n, { name: 'eth0', bridge: 'vmbr0', ip: '10.0.0.200/24', gw: '10.0.0.1', hwaddr: '52:54:00:AA:BB:CC', firewall: true, tag: 20 });
  assert.equal(formatLxcNet({ ...n, type: 'veth' }), 'name=eth0,bridge=vmbr0,firewall=1,gw=10.0.0.1,hwaddr=52:54:00:AA:BB:CC,ip=10.0.0.200/24,tag=20,type=veth');
  assert.throws(
    () => parseLxcNet('name=eth0,ip=10.0.0.1'),
    (e: Error) => e instanceof PropertyStringError && /net\.ip: invalid format - value does not look like a valid ipv4 network configuration/.test(e.message),
  );
  assert.throws(() => parseLxcNet('bridge=vmbr0'), /net\.name: property is missing and it is not optional/);
});

test('LXC rootfs / mount points: sizes normalised, rootfs never prints mp', () => {
  const r = parseLxcRootfs('local-lvm:vm-101-disk-1,size=61440M');
  assert.equal(formatLxcRootfs(r), 'local-lvm:vm-101-disk-1,size=60G');
  const mp = parseLxcMountPoint('/mnt/pve/quickOS/lxc-persistent-data/101/logs,mp=/var/log/nginx,ro=1');
  assert.deepEqual(mp, { volume: '/mnt/pve/quickOS/lxc-persistent-data/101/logs', mp: '/var/log/nginx', ro: true });
  assert.equal(formatLxcMountPoint(mp), '/mnt/pve/quickOS/lxc-persistent-data/101/logs,mp=/var/log/nginx,ro=1');
  assert.throws(() => parseLxcMountPoint('local:8'), /mp\.mp: property is missing/);
});

test('LXC features: mount list for nfs/cifs', () => {
  assert.deepEqual(parseLxcFeatures('nesting=1,keyctl=1,mount=nfs;cifs'), { nesting: true, keyctl: true, mount: ['nfs', 'cifs'] });
  assert.equal(formatLxcFeatures({ nesting: true, mount: ['nfs', 'cifs'], keyctl: false }), 'keyctl=0,mount=nfs;cifs,nesting=1');
});

test('startup: bare order and keyed form', () => {
  assert.deepEqual(parseStartup('2,up=5'), { order: 2, up: 5 });
  assert.equal(formatStartup(parseStartup('down=5,order=2,up=5')), 'order=2,up=5,down=5');
  assert.throws(() => parseStartup('order=x'), /unable to parse startup options/);
});

test('QEMU net, disks, ipconfig, boot, agent', () => {
  const n = parseQemuNet('virtio=bc:24:11:9d:38:61,bridge=vmbr0,firewall=1');
  assert.deepEqual(n, { model: 'virtio', macaddr: 'bc:24:11:9d:38:61', bridge: 'vmbr0', firewall: true });
  assert.equal(formatQemuNet({ model: 'virtio', bridge: 'vmbr0' }), 'virtio,bridge=vmbr0');
  assert.throws(() => parseQemuNet('virtio=01:00:00:00:00:00'), /unicast MAC/);

  const d = parseQemuDisk('scsi', 'local-zfs:vm-103-disk-1,iothread=1,size=500G,discard=on,ssd=1');
  assert.equal(formatQemuDisk('scsi', d), 'local-zfs:vm-103-disk-1,discard=on,iothread=1,size=500G,ssd=1');
  assert.equal(parseQemuDisk('ide', 'local:iso/x.iso,media=cdrom,size=3090528K').media, 'cdrom');
  assert.throws(() => parseQemuDisk('virtio', 'local:1,ssd=1'), /ssd: property is not defined in schema and the schema does not allow additional properties/);

  assert.deepEqual(parseIpConfig('ip=10.0.0.111/24,gw=10.0.0.1'), { ip: '10.0.0.111/24', gw: '10.0.0.1' });
  assert.equal(formatIpConfig({ gw: '10.0.0.1', ip: '10.0.0.111/24' }), 'ip=10.0.0.111/24,gw=10.0.0.1');

  assert.deepEqual(parseBoot('order=scsi0;net0'), { order: ['scsi0', 'net0'] });
  assert.deepEqual(parseBoot('c'), { legacy: 'c' });
  assert.equal(formatBoot({ order: ['scsi0', 'net0'] }), 'order=scsi0;net0');
  assert.throws(() => parseBoot('scsi0'), /boot\.legacy: value does not match the regex pattern/);

  assert.deepEqual(parseAgent('1,fstrim_cloned_disks=1'), { enabled: true, fstrim_cloned_disks: true });
  assert.equal(formatAgent({ enabled: true }), '1');
});
