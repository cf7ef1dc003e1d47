import { test } from 'node:test';
import assert from 'node:assert/strict';
import { optionValuesEqual, propertyStringsEqual } from './compare.js';
import { lxcNetFormat } from '../schema/formats-lxc.js';

test('property strings compare by parsed map: order, MAC case, boolean spelling', () => {
  const a = 'name=eth0,bridge=vmbr0,ip=10.0.0.200/24,gw=10.0.0.1,hwaddr=52:54:00:AA:BB:CC,firewall=1';
  const b = 'name=eth0,bridge=vmbr0,firewall=yes,gw=10.0.0.1,hwaddr=52:54:00:aa:bb:cc,ip=10.0.0.200/24';
  assert.ok(propertyStringsEqual(lxcNetFormat, a, b));
  assert.ok(!propertyStringsEqual(lxcNetFormat, a, b.replace('10.0.0.200', '10.0.0.201')));
});

test('defaults count only when asked', () => {
  const a = 'name=eth0,bridge=vmbr0';
  const b = 'name=eth0,bridge=vmbr0,firewall=0';
  assert.ok(!propertyStringsEqual(lxcNetFormat, a, b)); // firewall has no documented default
  assert.ok(optionValuesEqual('pct', 'features', 'nesting=1', 'nesting=1,keyctl=0', { defaults: true }));
  assert.ok(!optionValuesEqual('pct', 'features', 'nesting=1', 'nesting=1,keyctl=0'));
});

test('option values: sizes, startup, lists, scalars, aliases', () => {
  assert.ok(optionValuesEqual('pct', 'rootfs', 'local-lvm:vm-1-disk-0,size=1024M', 'local-lvm:vm-1-disk-0,size=1G'));
  assert.ok(optionValuesEqual('pct', 'startup', 'order=2,up=5', '2,up=5'));
  assert.ok(!optionValuesEqual('pct', 'startup', 'order=2,up=5', 'order=2,up=5,down=5'));
  assert.ok(optionValuesEqual('pct', 'onboot', '1', 'yes'));
  assert.ok(optionValuesEqual('pct', 'memory', '2048', '02048'));
  assert.ok(optionValuesEqual('pct', 'searchdomain', 'a.example b.example', 'a.example,b.example'));
  assert.ok(optionValuesEqual('qm', 'net0', 'virtio=BC:24:11:00:00:E9,bridge=vmbr0', 'bridge=vmbr0,model=virtio,macaddr=bc:24:11:00:00:e9'));
  assert.ok(optionValuesEqual('qm', 'memory', '2048', 'current=2048'));
  assert.ok(!optionValuesEqual('qm', 'net99', 'a', 'b'));
});

test('tags compare as Proxmox stores them: a set, lower-cased, in any order', () => {
  assert.ok(optionValuesEqual('pct', 'tags', 'app;web', 'web;App'));
  assert.ok(optionValuesEqual('qm', 'tags', 'a;b', 'b,a'));
  assert.ok(!optionValuesEqual('pct', 'tags', 'a;b', 'a;c'));
});

test('qm sshkeys compare by their text: a final newline from the key file is not a change', () => {
  const keys = 'ssh-ed25519 AAAA one@x\nssh-ed25519 BBBB two@y';
  assert.ok(optionValuesEqual('qm', 'sshkeys', encodeURIComponent(`${keys}\n`), encodeURIComponent(keys)));
  assert.ok(!optionValuesEqual('qm', 'sshkeys', encodeURIComponent(keys), encodeURIComponent('ssh-ed25519 AAAA one@x')));
});
