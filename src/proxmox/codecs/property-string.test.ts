import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPropertyString, parsePropertyString, PropertyStringError } from './property-string.js';
import { qemuNetFormat, qemuAgentFormat, qemuScsiFormat } from '../schema/formats-qemu.js';
import { lxcNetFormat, lxcMountPointFormat } from '../schema/formats-lxc.js';

test('model=MAC alias sets both model and macaddr, and prints back combined', () => {
  const v = parsePropertyString(qemuNetFormat, 'virtio=BC:24:11:9D:38:61,bridge=vmbr0,firewall=1');
  assert.deepEqual(v, { model: 'virtio', macaddr: 'BC:24:11:9D:38:61', bridge: 'vmbr0', firewall: '1' });
  assert.equal(formatPropertyString(v, qemuNetFormat), 'virtio=BC:24:11:9D:38:61,bridge=vmbr0,firewall=1');
});

test('a bare value fills the default key; booleans are normalised', () => {
  assert.deepEqual(parsePropertyString(qemuNetFormat, 'virtio,bridge=vmbr0,firewall=yes'), { model: 'virtio', bridge: 'vmbr0', firewall: '1' });
  assert.deepEqual(parsePropertyString(qemuAgentFormat, '1,fstrim_cloned_disks=on'), { enabled: '1', fstrim_cloned_disks: '1' });
  assert.deepEqual(parsePropertyString(qemuScsiFormat, 'local-lvm:32'), { file: 'local-lvm:32' });
});

test('syntax errors carry Proxmox wording', () => {
  const msg = (f: Parameters<typeof parsePropertyString>[0], s: string) => {
    try {
      parsePropertyString(f, s);
      return 'no error';
    } catch (e) {
      assert.ok(e instanceof PropertyStringError);
      return e.message;
    }
  };
  assert.equal(msg(lxcNetFormat, 'name=eth0,foo=1'), 'invalid key in comma-separated list property: foo');
  assert.equal(msg(lxcNetFormat, 'name=eth0,name=eth1'), 'duplicate key in comma-separated list property: name');
  assert.equal(msg(lxcNetFormat, 'eth0'), 'value without key, but schema does not define a default key');
  assert.equal(msg(lxcNetFormat, 'name='), 'missing key in comma-separated list property');
  assert.equal(msg(qemuScsiFormat, 'a:1,b:2'), 'duplicate key in comma-separated list property: file');
  assert.equal(msg(qemuNetFormat, 'model=virtio,e1000=BC:24:11:9D:38:61'), "key alias 'model' is already defined");
});

test('printing puts the default key first, then required keys, then the rest sorted', () => {
  const mp = { mp: '/vllm_models', size: '50G', volume: 'fast:subvol-801-disk-1', backup: '1' };
  assert.equal(formatPropertyString(mp, lxcMountPointFormat), 'fast:subvol-801-disk-1,mp=/vllm_models,backup=1,size=50G');
  const net = { type: 'veth', ip: '10.0.0.153/24', name: 'eth0', bridge: 'vmbr0', firewall: '1' };
  assert.equal(formatPropertyString(net, lxcNetFormat), 'name=eth0,bridge=vmbr0,firewall=1,ip=10.0.0.153/24,type=veth');
  assert.throws(() => formatPropertyString({ name: 'a,b' }, lxcNetFormat), /illegal value with commas for name/);
});
